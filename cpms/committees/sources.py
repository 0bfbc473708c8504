"""Action items raised elsewhere than in a committee's meeting: the registration point.

Committees know nothing of the domains that carry actions into them. A domain that does (outreach: the actions
agreed in a workshop) registers a *source kind* here, at import time, with the page an item links back to and a
function that names its sources; it then raises items through `raise_sourced_action_item`
(cpms/committees/service/action_items.py). Such an item has no meeting: it carries `source_kind` and
`source_id` instead, sits on the committee's action list with a link back to its source, goes on the agenda of
the committee's meetings held after it was raised, and counts in the due-soon and overdue reminders like any other.
"""
from dataclasses import dataclass
from typing import Callable

from flask import url_for


@dataclass(frozen=True)
class ActionSource:
    kind: str
    endpoint: str          # the page of the source, e.g. "outreach.activity_detail"
    id_arg: str            # the name of the source's id in that endpoint's URL
    titles: Callable       # {source id: title} for a set of ids, in one query


_SOURCES = {}


def register_action_source(kind, *, endpoint, id_arg, titles):
    """Declare where action items of `kind` come from (called once, by the domain that raises them)."""
    if not kind or len(kind) > 30:
        raise ValueError("a source kind is 1 to 30 characters")
    _SOURCES[kind] = ActionSource(kind, endpoint, id_arg, titles)


def action_source(kind):
    return _SOURCES.get(kind)


def source_links(items):
    """{item id: (title, url)} for the items of the list that come from a registered source; one query per
    source kind present, whatever the number of items."""
    by_kind = {}
    for item in items:
        if item.source_kind and item.source_id is not None:
            by_kind.setdefault(item.source_kind, set()).add(item.source_id)
    links = {}
    for kind, ids in by_kind.items():
        source = _SOURCES.get(kind)
        if source is None:
            continue
        titles = source.titles(ids)
        for item in items:
            if item.source_kind == kind and item.source_id in titles:
                links[item.id] = (titles[item.source_id], url_for(source.endpoint, **{source.id_arg: item.source_id}))
    return links
