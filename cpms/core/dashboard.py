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
