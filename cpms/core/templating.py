"""Jinja helpers: locale-aware formatting, navigation by role, pagination links."""
from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "trainer": _l("Trainer"),
    "project_officer": _l("Project officer"),
    "me_officer": _l("M&E officer"),
    "viewer": _l("Viewer"),
}


def all_navigation():
    """Menu entries from every domain's views.NAVIGATION: (position, endpoint, label, roles)."""
    from cpms.domains import domain_modules
    entries = [entry for views in domain_modules("views") for entry in getattr(views, "NAVIGATION", ())]
    return sorted(entries, key=lambda entry: entry[0])


def navigation():
    """The menu of the current user: only the entries their role may open."""
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for _pos, endpoint, label, roles in all_navigation() if current_user.role in roles]


def _entity(endpoint):
    """'training.cohort_detail' -> 'cohort'."""
    return endpoint.split(".", 1)[-1].split("_", 1)[0]


def is_current(endpoint):
    """The menu entry of the page being shown: the same endpoint, or else the entry of the same domain
    blueprint about the same entity (cohort pages under "Training", trainee pages under "Trainees"),
    or else the domain's first entry. Core pages (dashboard, audit) match only themselves."""
    if request.endpoint == endpoint:
        return True
    blueprint = endpoint.split(".")[0]
    if blueprint == "core" or request.blueprint != blueprint:
        return False
    siblings = [e for _pos, e, _label, _roles in all_navigation() if e.split(".")[0] == blueprint]
    if any(request.endpoint == e for e in siblings):
        return False
    same_entity = [e for e in siblings if _entity(e) == _entity(request.endpoint or "")]
    return endpoint == (same_entity or siblings)[0]


def page_url(page):
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args["page"] = page
    return url_for(request.endpoint, **args)


def init_app(app):
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else ""
    app.jinja_env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    app.jinja_env.globals.update(navigation=navigation, page_url=page_url, is_current=is_current, get_locale=get_locale,
                                 ROLE_LABELS=ROLE_LABELS)
