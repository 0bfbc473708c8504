"""User accounts, roles and area scopes, log-in with optional two-factor authentication, API tokens."""
from cpms.auth import ratelimit  # noqa: F401  (registers the cpms+db:// rate-limit storage before create_app)
from cpms.core.contract import Domain, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "auth",
    columns={**not_personal("api_tokens", "prefix", "name"), **not_personal("rate_limit_counters", "key_hash"),
             **not_personal("users", "time_zone")},
    tables={"users": "account", "api_tokens": "account"},
    retention=(
        RetentionClass("account", "user accounts: anonymised once deactivated for CPMS_RETENTION_ACCOUNT_DAYS; "
                                  "revoked API tokens deleted after the same period",
                       setting="RETENTION_ACCOUNT_DAYS", unit="days", retire="cpms.auth.privacy:retire_accounts"),
    ),
    settings=(
        Setting("CPMS_LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES", int, 10),
        Setting("CPMS_LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_MAX_FAILURES_PER_ADDRESS", int, 100),
        Setting("CPMS_LOGIN_FAILURE_WINDOW_MINUTES", "LOGIN_FAILURE_WINDOW_MINUTES", int, 15),
        Setting("CPMS_REQUIRE_ADMIN_2FA", "REQUIRE_ADMIN_2FA", "bool", False),
        Setting("CPMS_ALLOW_ADMIN_WITHOUT_2FA", "ALLOW_ADMIN_WITHOUT_2FA", "bool", False),
        Setting("CPMS_PASSWORD_ORGANISATION_WORDS", "PASSWORD_ORGANISATION_WORDS", str,
                "cpms,police,pnc,policier,commissariat,communautaire,community,policing,congo,rdc,drc,kinshasa,formation"),
        Setting("CPMS_XLSX_MAX_PART_MB", "XLSX_MAX_PART_MB", int, 50),
        Setting("CPMS_XLSX_MAX_SHARED_STRINGS_MB", "XLSX_MAX_SHARED_STRINGS_MB", int, 20),
        Setting("CPMS_XLSX_MAX_COLUMNS", "XLSX_MAX_COLUMNS", int, 500),
        Setting("CPMS_XLSX_MAX_ROWS", "XLSX_MAX_ROWS", int, 1_000_000),
        Setting("CPMS_IMAGE_MAX_DECODE_MB", "IMAGE_MAX_DECODE_MB", int, 64),
        Setting("CPMS_CERTIFICATE_TEMPLATE_SECONDS", "CERTIFICATE_TEMPLATE_SECONDS", int, 10),
        Setting("CPMS_CERTIFICATE_TEMPLATE_MEMORY_MB", "CERTIFICATE_TEMPLATE_MEMORY_MB", int, 256),
        Setting("CPMS_JSON_MAX_KB", "JSON_MAX_KB", int, 1024),
        Setting("CPMS_INVITATION_HOURS", "INVITATION_HOURS", int, 72),
        Setting("CPMS_PASSWORD_RESET_MINUTES", "PASSWORD_RESET_MINUTES", int, 60),
        Setting("CPMS_RETENTION_ACCOUNT_DAYS", "RETENTION_ACCOUNT_DAYS", int, 730),
    ),
)
