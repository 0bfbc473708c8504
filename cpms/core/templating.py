"""Jinja helpers: locale-aware formatting, navigation by role, pagination links."""
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from flask import current_app, request, url_for
from flask_babel import format_currency, format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context

from cpms.core.labels import SEX_GROUP_LABELS, SEX_LABELS

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "trainer": _l("Trainer"),
    "project_officer": _l("Project officer"),
    "me_officer": _l("M&E officer"),
    "viewer": _l("Viewer"),
}


def date_filter(value, fmt="medium"):
    """`|date`: a date in the user's language (a day: see format_day)."""
    if not value:
        return ""
    if type(value) is not date:  # datetimes: shown in the user's time zone, not memoised
        return format_date(value, fmt)
    return format_day(value, fmt)


@lru_cache(maxsize=4096)
def _day(value, fmt, locale):
    return babel_format_date(value, fmt, locale=locale)


def format_day(value, fmt="medium"):
    """A day (a `date`, not a datetime: no time zone) in the user's language, as Flask-Babel's format_date writes
    it, remembered per day, format and language: a list of 450 officers shows the same few enrolment days, the
    home page's "today" lines the same fortnight on every visit, and each Flask-Babel call looks the locale up and
    reads the pattern again."""
    return _day(value, fmt, str(get_locale()))


def all_navigation():
    """Menu entries from every domain's views.NAVIGATION: (position, endpoint, label, roles)."""
    from cpms.domains import domain_modules
    entries = [entry for views in domain_modules("views") for entry in getattr(views, "NAVIGATION", ())]
    return sorted(entries, key=lambda entry: entry[0])


def _menus():
    """Each role's menu as (endpoint, URL, label) and each blueprint's entries as (URL, endpoint), built once per app,
    script root and language: the entries, their URLs and their labels never change while the app runs, and
    collecting them from every domain, sorting them, building each URL and translating each label was a share of
    every page's fixed cost."""
    from cpms.core.i18n import as_shown
    from cpms.core.permissions import ROLES
    menus = current_app.extensions.setdefault("cpms_menus", {})
    key = (request.script_root, str(get_locale()))
    if key not in menus:
        entries = [(endpoint, url_for(endpoint), as_shown(label), roles)
                   for _pos, endpoint, label, roles in all_navigation()]
        by_role = {role: [(endpoint, url, label) for endpoint, url, label, roles in entries if role in roles]
                   for role in ROLES}
        siblings = {}
        for endpoint, url, _label, _roles in entries:
            siblings.setdefault(endpoint.split(".")[0], []).append((url, endpoint))
        menus[key] = (by_role, siblings)
    return menus[key]


def navigation():
    """The menu of the current user: only the entries their role may open, as (endpoint, label)."""
    return [(endpoint, label) for endpoint, _url, label, _current in menu()]


def menu():
    """The menu of the current user as (endpoint, URL, label, is the current page's entry)."""
    if not current_user.is_authenticated:
        return []
    by_role, siblings = _menus()
    return [(endpoint, url, label, _is_current(endpoint, siblings))
            for endpoint, url, label in by_role.get(current_user.role, ())]


def is_current(endpoint):
    """The menu entry of the page being shown: same endpoint, or same domain blueprint (core pages are separate).

    When a blueprint has several menu entries, the one whose URL is the longest prefix of the page's path wins.
    """
    return _is_current(endpoint, _menus()[1])


def _is_current(endpoint, siblings):
    if request.endpoint == endpoint:
        return True
    blueprint = endpoint.split(".")[0]
    if blueprint == "core" or request.blueprint != blueprint:
        return False
    entries = siblings.get(blueprint, ())
    if len(entries) == 1:
        return True
    prefixes = [(len(url), e) for url, e in entries if request.path.startswith(url)]
    return bool(prefixes) and max(prefixes)[1] == endpoint


def page_url(page):
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args["page"] = page
    return url_for(request.endpoint, **args)


@lru_cache(maxsize=8192)
def _decimal(value, locale):
    return babel_format_decimal(value, locale=locale)


def format_number(value):
    """A number in the user's language (1 234,5 in French). Remembered per value: a page of 450 rates repeats
    the same few hundred figures, and each Babel call costs more than the rest of the row."""
    if value is None:
        return ""
    return _decimal(value, str(get_locale()))


_URL_MARKER = 987654321987


def url_pattern(endpoint, parameter, **values):
    """A function value -> url_for(endpoint, parameter=value, **values), with the URL built once: for a link on
    each of hundreds of rows (an id that is an int)."""
    prefix, suffix = url_for(endpoint, **{parameter: _URL_MARKER}, **values).split(str(_URL_MARKER))
    return lambda value: f"{prefix}{int(value)}{suffix}"


@pass_context
def columns(context, slot, obj=None):
    """`{% set extra = columns("training.closeout", cohort) %}`: the table columns other domains add to this page
    (their `table_columns` in cpms/<domain>/__init__.py), each with `heading` and `cell(row)`."""
    from cpms.core.contract import prepare_columns
    return prepare_columns(context, slot, obj)


@pass_context
def panels(context, slot, obj=None):
    """`{{ panels("training.trainee", trainee) }}`: what other domains show in this slot of the page (their
    `panels` in cpms/<domain>/__init__.py), without the page naming them."""
    from cpms.core.contract import render_panels
    return render_panels(context, slot, obj)


@contextmanager
def force_timezone(zone):
    """Inside the block, times are formatted in `zone` (an IANA name; None changes nothing): a job or an e-mail
    for its reader, as flask_babel's force_locale does for the language."""
    from flask_babel import _get_current_context
    from pytz import timezone

    context = _get_current_context()
    if not zone or context is None:
        yield
        return
    saved = getattr(context, "babel_tzinfo", None)
    context.babel_tzinfo = timezone(zone)
    try:
        yield
    finally:
        context.babel_tzinfo = saved


def money(value, currency):
    """An amount in its currency, formatted for the user's language ("—" when unknown): `value|money(currency)`."""
    return "—" if value is None else format_currency(value, currency)


def init_app(app):
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    app.jinja_env.filters["sex_label"] = lambda sex: SEX_LABELS.get(sex, sex)
    app.jinja_env.globals.update(navigation=navigation, menu=menu, page_url=page_url, url_pattern=url_pattern, is_current=is_current,
                                 get_locale=get_locale, panels=panels, columns=columns,
                                 ROLE_LABELS=ROLE_LABELS, SEX_LABELS=SEX_LABELS, SEX_GROUP_LABELS=SEX_GROUP_LABELS)
