"""The dashboard is assembled from cards that each domain registers.

A provider is `provider(user, scope) -> list[Card]`; each runs a fixed number of aggregate queries.
"""
from dataclasses import dataclass

_providers = []


@dataclass
class Card:
    title: str
    value: int
    endpoint: str | None = None
    note: str | None = None
    roles: frozenset | None = None  # None: every role


def dashboard_provider(func):
    _providers.append(func)
    return func


def cards_for(user, scope):
    cards = []
    for provider in _providers:
        for card in provider(user, scope):
            if card.roles is None or user.role in card.roles:
                cards.append(card)
    return cards


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
