"""The invented demonstration dataset. Each domain adds loaders with @demo_loader in its demo.py; they run in DOMAINS order and
share a `context` dict (e.g. context["users"], context["programmes"]). The demo accounts are the auth domain's
(DEMO_USERS in cpms/auth/demo.py). Loaders marked @demo_loader(late=True) run after all the others (in DOMAINS order
too): for data that must come after what a later domain created, e.g. an expense recorded after a reported period
was locked.

Names, e-mail addresses and figures are invented, in the spirit of the programme documents.

The demo is loaded in one language (CPMS_DEFAULT_LOCALE, or `flask cpms demo --lang en`): every sentence a loader
writes into the data is given in both, `say("Travaux terminés.", "Works finished.")`, and the demo's language
picks one. Names of people, places and organisations are not translated.
"""
from flask import current_app

from cpms.extensions import db

_loaders = []
_language = {"lang": None}


def demo_language():
    return _language["lang"] or current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")


def say(fr, en):
    """The demo sentence in the demo's language."""
    return en if demo_language() == "en" else fr


def demo_loader(func=None, *, late=False):
    """Register loader(context) -> {what: count} or None; `late`: run it after every domain's other loaders."""
    if func is None:
        return lambda loader: demo_loader(loader, late=late)
    func.demo_late = late
    _loaders.append(func)
    return func


def load_demo(lang=None):
    """Run every domain's loader (cpms/<domain>/demo.py, in DOMAINS order); returns {what: count}.

    `lang` ("fr" or "en") is the language of the demo's sentences (default: the application's). The caller commits.
    """
    _language["lang"] = lang
    from cpms.domains import domain_modules, in_domain_order
    domain_modules("demo")  # importing them registers their loaders
    summary = {}
    context = {}
    ordered = in_domain_order(_loaders)  # whichever module was imported first
    for loader in [f for f in ordered if not f.demo_late] + [f for f in ordered if f.demo_late]:
        summary.update(loader(context) or {})
        db.session.flush()
        _refresh_planner_statistics()
    return summary


def _refresh_planner_statistics():
    """On PostgreSQL, gather statistics on what the transaction wrote so far (ANALYZE sees the transaction's own
    rows; autovacuum cannot): the next loaders query it, and with statistics from empty tables the planner picks
    nested loops that took 35 s a query on the 450-officer cohort's 57,000 attendance marks."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)  # our own tables only
        db.session.execute(text(f"ANALYZE {names}"))  # nosec B608 – the names come from our metadata
