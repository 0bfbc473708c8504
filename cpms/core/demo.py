"""The invented demonstration dataset. Each domain adds loaders with @demo_loader in its demo.py; they run in DOMAINS order and
share a `context` dict (e.g. context["users"], context["programmes"]). The demo accounts are the auth domain's
(DEMO_USERS in cpms/auth/demo.py).

Names, e-mail addresses and figures are invented, in the spirit of the programme documents.
"""
from cpms.extensions import db

_loaders = []


def demo_loader(func):
    _loaders.append(func)
    return func


def load_demo():
    """Run every domain's loader (cpms/<domain>/demo.py, in DOMAINS order); returns {what: count}.

    The caller commits.
    """
    from cpms.domains import domain_modules, in_domain_order
    domain_modules("demo")  # importing them registers their loaders
    summary = {}
    context = {}
    for loader in in_domain_order(_loaders):  # whichever module was imported first
        summary.update(loader(context) or {})
        db.session.flush()
    return summary
