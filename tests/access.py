"""Shared names for the per-domain access matrices (tests/<domain>/access.py)."""
ANY = frozenset({"admin", "trainer", "project_officer", "me_officer", "viewer"})
STAFF = frozenset({"admin", "trainer", "project_officer", "me_officer"})
ADMIN = frozenset({"admin"})
PUBLIC = "public"
