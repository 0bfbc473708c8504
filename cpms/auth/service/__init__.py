"""Accounts (accounts.py: creation, editing, passwords, logins with throttling, API tokens), password rules
(passwords.py) and the TOTP second factor (two_factor.py).

The package gives the main part's services under `cpms.auth.service` and imports its topic modules; no part
imports this module back."""
from cpms.auth.service import (  # noqa: F401  (its topic modules)
    passwords,
    two_factor,
)
from cpms.auth.service.accounts import (  # noqa: F401  (its services, as cpms.auth.service.<name>)
    LoginThrottled,
    account_cards,
    authenticate,
    change_password,
    create_api_token,
    create_user,
    end_sessions,
    find_user_by_email,
    login_throttled,
    normalise_email,
    recent_login_failures,
    reset_password,
    search_users,
    set_time_zone,
    update_user,
    user_for_api_token,
)
