"""The dashboard is assembled from cards that each domain registers.

A provider is `provider(user, scope) -> list[Card]`. A card's value is either a number the provider counted
itself or, better, a SQL scalar expression (`select(func.count())...scalar_subquery()`): core then asks every
such figure of the page in one SELECT, a round trip and a statement's worth of SQLAlchemy work for all the cards
instead of one per provider (the SQL is the same: each subquery runs once).
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from flask import current_app, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.sql.elements import ClauseElement

from cpms.core.i18n import as_shown
from cpms.extensions import db

_providers = []  # (provider, per_user)
KEPT_USERS = 512  # users (and days) whose cards and statement are kept built, per app
_kept_lock = threading.Lock()


@dataclass
class Card:
    title: str
    value: object  # a number, or a SQL scalar expression that core evaluates with the page's other figures
    endpoint: str | None = None
    note: str | None = None
    roles: frozenset | None = None  # None: every role
    shown: Callable | None = None  # shown(value) -> bool once the value is known (e.g. only when not zero)
    # unpack(card): once the SQL figure is known (card.value), sets the shown value, the note or `shown` from it
    # (e.g. a share and its "n of m" note from one figure packing both counts)
    unpack: Callable | None = None
    url: str | None = None  # the endpoint's URL, set by core (cards_for)


def dashboard_provider(func=None, *, per_user=False):
    """Register a provider. `per_user=True` promises that its cards depend only on the user's role and id,
    their area and the day: when all its cards' values are SQL figures, core then builds them once per user and
    day and asks them again with the same statement (built once, only executed on later visits)."""
    def register(provider):
        _providers.append((provider, per_user))
        return provider
    return register(func) if func is not None else register


def cards_for(user, scope):
    kept = _kept(user, scope)
    language = str(get_locale())
    cards, sql_cards = [], []
    for position, (provider, per_user) in enumerate(_providers):
        if per_user and (position, language) in kept.cards:
            mine = [replace(card) for card in kept.cards[position, language]]  # copies: the value is set on them
        else:
            mine = [card for card in provider(user, scope) if card.roles is None or user.role in card.roles]
            if per_user and all(isinstance(card.value, ClauseElement) for card in mine):
                for card in mine:  # kept translated: a lazy title looks the catalogue up on every visit
                    card.title = as_shown(card.title)
                kept.cards[position, language] = mine
                mine = [replace(card) for card in mine]
        cards.extend(mine)
        sql_cards.extend(card for card in mine if isinstance(card.value, ClauseElement))
    evaluate(sql_cards, kept)
    shown = [card for card in cards if card.shown is None or card.shown(card.value)]
    links = _links()
    for card in shown:
        if card.endpoint:
            url = links.get(card.endpoint)
            card.url = url if url is not None else links.setdefault(card.endpoint, url_for(card.endpoint))
    return shown


def _links():
    """{endpoint: URL} of the cards' links, kept per app and script root (they never change while the app runs)."""
    kept = current_app.extensions.setdefault("cpms_dashboard_links", {})
    return kept.setdefault(request.script_root, {})


class _Kept:
    """A user's per-user cards (by provider position and language), once built the statement of all the page's figures, and the
    statements of the "today" lines (kept_rows)."""

    def __init__(self):
        self.cards, self.built = {}, ([], None, None)  # built: (the values it asks, the statement, its _Driven)
        self.statements = {}  # key: [statement, its _Driven or None]


class _Driven:
    """A kept statement as the driver runs it, compiled once: its SQL with the IN lists expanded, its parameters
    converted by their types (a day as SQLite's text) and each result column's conversion back (SQLite's text to a
    day). Run with the connection's exec_driver_sql – the same transaction, and the same statement events (the
    bench counts statements with them) – it skips what SQLAlchemy does again on every execution of a statement it
    has compiled before: the cache key's look-up (a hash of the whole 5 KB tree of the page's figures), the
    parameters' expansion and the result's set-up (issue 22: 0.1 ms a statement, on a page whose every statement
    repeats on every visit)."""
    __slots__ = ("sql", "parameters", "converters")

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        expanded = compiled.construct_expanded_state()
        # the expanded state's processors are those of the IN lists' new parameters only: every other parameter's
        # type converts it too (an aware UTC moment to SQLite's naive text, as UTCDateTime stores it)
        processors = dict(expanded.processors)
        for name, bind in compiled.binds.items():
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if convert is not None:
                for key in expanded.parameter_expansion.get(name, (name,)):
                    processors.setdefault(key, convert)

        def value(key):
            processor = processors.get(key)
            return expanded.parameters[key] if processor is None else processor(expanded.parameters[key])
        self.sql = expanded.statement
        self.parameters = (tuple(value(key) for key in expanded.positiontup) if expanded.positiontup is not None
                           else {key: value(key) for key in expanded.parameters})
        converters = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                      for column in statement.selected_columns]
        self.converters = converters if any(converters) else None

    def rows(self, connection):
        rows = connection.exec_driver_sql(self.sql, self.parameters).fetchall()
        converters = self.converters
        if converters is None:
            return rows
        return [tuple(value if convert is None else convert(value) for convert, value in zip(converters, row))
                for row in rows]


def kept_rows(user, scope, key, build, params=None):
    """The rows of a statement that depends only on the user (role, id), their area and `key` (which must hold every
    other value the statement embeds, such as the day it was built for): built once by `build()` and then reused –
    for the home page's "today" lines, where building the statements cost as much as running them – and run on the
    request's connection (same transaction), plain columns, as a list of tuples. Without `params` the statement
    runs as the driver's SQL compiled once (_Driven); with them (values that change on each visit, such as the
    hour), through SQLAlchemy Core."""
    kept = _kept(user, scope)
    entry = kept.statements.get(key)
    if entry is None:
        entry = kept.statements[key] = [build(), None]  # the statement, and its _Driven once run without params
    if params:
        return [tuple(row) for row in _connection().execute(entry[0], params)]
    if entry[1] is None:
        entry[1] = _Driven(entry[0], db.session.get_bind().dialect)
    return entry[1].rows(_connection())


def _connection():
    """The session's connection, after flushing what the session holds unsaved (as its own execute would)."""
    session = db.session()
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection()


def _kept(user, scope):
    cache = current_app.extensions.setdefault("cpms_dashboard", OrderedDict())
    key = (user.id, user.role, _area(scope), date.today())
    with _kept_lock:  # a threaded worker: two requests must not evict what the other is moving
        kept = cache.get(key)
        if kept is None:
            kept = cache[key] = _Kept()
            while len(cache) > KEPT_USERS:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
    return kept


def _area(scope):
    return None if scope.is_national else tuple(tuple(sorted(ids or ())) for ids in (
        scope.full_province_ids, scope.commune_ids, scope.province_ids))


def evaluate(cards, kept=None):
    """Every card's SQL figure in one SELECT of scalar subqueries (one statement whatever the number of cards).
    With `kept`: the statement is reused while the cards are the same objects (the per-user providers' alone)."""
    if not cards:
        return
    values = [card.value for card in cards]
    built_values, statement, driven = kept.built if kept is not None else ([], None, None)
    if len(built_values) != len(values) or any(a is not b for a, b in zip(built_values, values)):
        # new figures (a provider that is not per user builds its cards on every visit): SQLAlchemy Core, whose
        # compiled cache makes the statement's second compilation cheap – compiling it to the driver's SQL here
        # on every visit cost the admin's dashboard 6 ms
        statement = select(*[value.label(f"figure_{i}") for i, value in enumerate(values)])
        if kept is not None:
            kept.built = (values, statement, None)
        row = _connection().execute(statement).one()  # plain columns: no ORM layers
    else:  # the same figures as on the last visit: the driver's SQL, compiled once
        if driven is None:
            driven = _Driven(statement, db.session.get_bind().dialect)
            kept.built = (values, statement, driven)
        row = driven.rows(_connection())[0]
    for card, value in zip(cards, row):
        card.value = int(value or 0)
        if card.unpack is not None:
            card.unpack(card)


# --- the "today" lines ------------------------------------------------------------------------
# Above the counts, the home page lists what the user has to do now, each line linking to the action. A today
# provider is `provider(user, scope) -> list[TodayLine]`, registered with `@today_provider(roles=...)`
# so that it runs (a fixed number of queries) only for the roles it serves.

_today_providers = []


@dataclass
class TodayLine:
    text: str
    url: str
    urgent: bool = False  # overdue, failed, not entered: shown first and flagged


def today_provider(*, roles):
    def decorator(func):
        _today_providers.append((frozenset(roles), func))
        return func
    return decorator


def today_for(user, scope):
    lines = []
    for roles, provider in _today_providers:
        if user.role in roles:
            lines.extend(provider(user, scope))
    return sorted(lines, key=lambda line: not line.urgent)  # stable: each provider's order is kept
