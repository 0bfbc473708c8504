"""The domain packages, in dependency order. A new domain is one line in DOMAINS (docs/domains.md).

Each domain declares what it contributes as data in its `__init__.py` (`DOMAIN = Domain(...)`, read by
cpms.core.contract.all_domains) and may have the conventional modules found here by name: models.py, views.py
(with `bp` and optionally `NAVIGATION`), api.py (routes on the API blueprint), jobs.py (@job functions for the
scheduler), reminders.py (@reminder_kind sweeps), indicators.py (@computed_indicator computations), demo.py
(@demo_loader functions), cli.py (commands).
"""
import functools
import importlib
from importlib.util import find_spec

DOMAINS = (
    "core",
    "geo",
    "auth",
    "programmes",
    "training",
    "certificates",
    "committees",
    "plans",
    "surveys",
    "stations",
    "deployments",
    "complaints",
    "outreach",
    "equipment",
    "notifications",
    "indicators",
    "privacy",  # after every domain: it walks their models
)


@functools.cache
def domain_modules(module_name):
    """Import cpms.<domain>.<module_name> for every domain that has that module; return the modules (a tuple).
    Found once per process: looking for the files again cost about 20 file-system look-ups per call, and a
    page may call it often (each computed indicator of a report looks up its computation this way)."""
    dotted_names = [f"cpms.{domain}.{module_name}" for domain in DOMAINS]
    return tuple(importlib.import_module(name) for name in dotted_names if find_spec(name) is not None)


def in_domain_order(functions):
    """Registered functions (e.g. demo loaders) sorted by their domain's place in DOMAINS, then by
    registration: a domain's module may be imported before another's (e.g. by a neighbour), not out of turn."""
    def domain_position(func):
        parts = func.__module__.split(".")
        return DOMAINS.index(parts[1]) if len(parts) > 1 and parts[1] in DOMAINS else len(DOMAINS)
    return sorted(functions, key=domain_position)
