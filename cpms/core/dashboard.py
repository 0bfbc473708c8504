"""The dashboard is assembled from cards that each domain registers.

A provider is `provider(user, scope) -> list[Card]`. A card's value is either a number the provider counted
itself or, better, a SQL scalar expression (`select(func.count())...scalar_subquery()`): core then asks every
such figure of the page in one SELECT, a round trip and a statement's worth of SQLAlchemy work for all the cards
instead of one per provider (the SQL is the same: each subquery runs once).
"""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.sql.elements import ClauseElement

from cpms.extensions import db

_providers = []


@dataclass
class Card:
    title: str
    value: object  # a number, or a SQL scalar expression that core evaluates with the page's other figures
    endpoint: str | None = None
    note: str | None = None
    roles: frozenset | None = None  # None: every role
    shown: Callable | None = None  # shown(value) -> bool once the value is known (e.g. only when not zero)


def dashboard_provider(func):
    _providers.append(func)
    return func


def cards_for(user, scope):
    cards = []
    for provider in _providers:
        for card in provider(user, scope):
            if card.roles is None or user.role in card.roles:
                cards.append(card)
    evaluate([card for card in cards if isinstance(card.value, ClauseElement)])
    return [card for card in cards if card.shown is None or card.shown(card.value)]


def evaluate(cards):
    """Every card's SQL figure in one SELECT of scalar subqueries (one statement whatever the number of cards)."""
    if not cards:
        return
    row = db.session.execute(select(*[card.value.label(f"figure_{i}") for i, card in enumerate(cards)])).one()
    for card, value in zip(cards, row):
        card.value = int(value or 0)


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
