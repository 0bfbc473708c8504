"""Shared, domain-free test helpers (no tests/<domain> module is imported from here)."""
