"""Configuration: defaults < instance/config.py < CPMS_* environment variables."""
import os

# Every setting that can come from the environment, with how to read it.
# The README's configuration table lists the same names.
ENV_SETTINGS = {
    "CPMS_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "CPMS_SECRET_KEY": ("SECRET_KEY", str),
    "CPMS_HOST": ("HOST", str),
    "CPMS_PORT": ("PORT", int),
    "CPMS_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", str),
    "CPMS_ENV": ("CPMS_ENV", str),
    "CPMS_BASE_URL": ("BASE_URL", str),
    "CPMS_SMTP_HOST": ("SMTP_HOST", str),
    "CPMS_SMTP_PORT": ("SMTP_PORT", int),
    "CPMS_SMTP_USER": ("SMTP_USER", str),
    "CPMS_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "CPMS_SMTP_STARTTLS": ("SMTP_STARTTLS", "bool"),
    "CPMS_SMTP_FROM": ("SMTP_FROM", str),
    "CPMS_SMTP_TIMEOUT": ("SMTP_TIMEOUT", int),
    "CPMS_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "CPMS_LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "CPMS_LOGIN_FAILURE_WINDOW_MINUTES": ("LOGIN_FAILURE_WINDOW_MINUTES", int),
    "CPMS_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "CPMS_SESSION_MAX_HOURS": ("SESSION_MAX_HOURS", int),
    "CPMS_UPLOAD_DIR": ("UPLOAD_DIR", str),
    "CPMS_MAX_UPLOAD_MB": ("MAX_UPLOAD_MB", int),
    "CPMS_SCHEDULER_HEARTBEAT_SECONDS": ("SCHEDULER_HEARTBEAT_SECONDS", int),
    "CPMS_SCHEDULER_MISFIRE_GRACE_SECONDS": ("SCHEDULER_MISFIRE_GRACE_SECONDS", int),
    "CPMS_MAIL_MAX_ATTEMPTS": ("MAIL_MAX_ATTEMPTS", int),
    "CPMS_MAIL_RETRY_SECONDS": ("MAIL_RETRY_SECONDS", int),
    "CPMS_REMINDER_LOOKBACK_DAYS": ("REMINDER_LOOKBACK_DAYS", int),
    "CPMS_REMINDER_DIGEST_HOUR": ("REMINDER_DIGEST_HOUR", int),
    "CPMS_LOG_LEVEL": ("LOG_LEVEL", str),
    "CPMS_TRAINING_ABSENCE_STREAK": ("TRAINING_ABSENCE_STREAK", int),
    "CPMS_TRAINING_IMPORT_MAX_MB": ("TRAINING_IMPORT_MAX_MB", float),
    "CPMS_TRAINING_IMPORT_MAX_ROWS": ("TRAINING_IMPORT_MAX_ROWS", int),
    "CPMS_SURVEY_UPLOAD_MAX_MB": ("SURVEY_UPLOAD_MAX_MB", int),
    "CPMS_COMMITTEE_MIN_WOMEN_SHARE": ("COMMITTEE_MIN_WOMEN_SHARE", float),
    "CPMS_COMMITTEE_MIN_YOUTH_SHARE": ("COMMITTEE_MIN_YOUTH_SHARE", float),
    "CPMS_COMMITTEE_QUORUM_SHARE": ("COMMITTEE_QUORUM_SHARE", float),
    "CPMS_RETENTION_MIN_MONTHS": ("RETENTION_MIN_MONTHS", int),
    "CPMS_INDICATOR_ON_TRACK": ("INDICATOR_ON_TRACK", float),
    "CPMS_INDICATOR_AT_RISK": ("INDICATOR_AT_RISK", float),
    "CPMS_INDICATOR_CLSP_MIN_MEETINGS": ("INDICATOR_CLSP_MIN_MEETINGS", int),
    "CPMS_CERTIFICATE_VERIFY_RATE_LIMIT": ("CERTIFICATE_VERIFY_RATE_LIMIT", str),
    "CPMS_CERTIFICATE_WORKERS": ("CERTIFICATE_WORKERS", int),
    "CPMS_BACKUP_DIRS": ("BACKUP_DIRS", str),
    "CPMS_REQUIRE_ADMIN_2FA": ("REQUIRE_ADMIN_2FA", "bool"),
    "CPMS_RETENTION_ACCOUNT_DAYS": ("RETENTION_ACCOUNT_DAYS", int),
    "CPMS_RETENTION_TRAINEE_YEARS": ("RETENTION_TRAINEE_YEARS", float),
    "CPMS_RETENTION_VETTING_YEARS": ("RETENTION_VETTING_YEARS", float),
    "CPMS_RETENTION_MEMBER_YEARS": ("RETENTION_MEMBER_YEARS", float),
    "CPMS_RETENTION_SURVEY_TEXT_YEARS": ("RETENTION_SURVEY_TEXT_YEARS", float),
    "CPMS_RETENTION_AUDIT_DAYS": ("RETENTION_AUDIT_DAYS", int),
}

DEV_SECRET_KEY = "dev-only-not-secret"


def default_config(instance_path):
    return {
        "CPMS_ENV": "development",
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "cpms.sqlite3"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "HOST": "127.0.0.1",
        "PORT": 5000,
        "BASE_URL": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["fr", "en"],
        "SMTP_HOST": None,
        "SMTP_PORT": 25,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": False,
        "SMTP_FROM": "cpms@localhost",
        "SMTP_TIMEOUT": 10,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_MAX_FAILURES": 10,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "UPLOAD_DIR": os.path.join(instance_path, "uploads"),
        "MAX_UPLOAD_MB": 10,
        "SCHEDULER_HEARTBEAT_SECONDS": 60,
        "SCHEDULER_MISFIRE_GRACE_SECONDS": 3600,
        "MAIL_MAX_ATTEMPTS": 6,
        "MAIL_RETRY_SECONDS": 300,
        "REMINDER_LOOKBACK_DAYS": 14,
        "REMINDER_DIGEST_HOUR": 5,
        "PASSWORD_HASH_PARAMS": {},  # argon2 defaults; tests lower the cost
        "LOG_LEVEL": "INFO",
        "TRAINING_ABSENCE_STREAK": 3,
        "TRAINING_IMPORT_MAX_MB": 5,
        "TRAINING_IMPORT_MAX_ROWS": 5000,
        "SURVEY_UPLOAD_MAX_MB": 200,
        "COMMITTEE_MIN_WOMEN_SHARE": 0.30,
        "COMMITTEE_MIN_YOUTH_SHARE": 0.20,
        "COMMITTEE_QUORUM_SHARE": 0.5,
        "RETENTION_MIN_MONTHS": 36,
        "INDICATOR_ON_TRACK": 0.9,
        "INDICATOR_AT_RISK": 0.7,
        "INDICATOR_CLSP_MIN_MEETINGS": 3,
        "CERTIFICATE_VERIFY_RATE_LIMIT": "30 per minute",
        "CERTIFICATE_WORKERS": 2,
        "REQUIRE_ADMIN_2FA": False,
        "BACKUP_DIRS": "",
        "RETENTION_ACCOUNT_DAYS": 730,
        "RETENTION_TRAINEE_YEARS": 10,
        "RETENTION_VETTING_YEARS": 5,
        "RETENTION_MEMBER_YEARS": 5,
        "RETENTION_SURVEY_TEXT_YEARS": 3,
        "RETENTION_AUDIT_DAYS": 1095,
        # static URLs carry the file's digest (core/setup.py), so browsers keep them a year without asking again
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "PER_PAGE": 50,
        "MAX_PER_PAGE": 500,
    }


def _coerce(value, kind):
    if kind == "bool":
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def load_config(app, test_config=None):
    """Fill app.config from the three layers, then apply derived settings."""
    app.config.from_mapping(default_config(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for env_name, (key, kind) in ENV_SETTINGS.items():
            if os.environ.get(env_name) not in (None, ""):
                app.config[key] = _coerce(os.environ[env_name], kind)
    else:
        app.config.from_mapping(test_config)

    is_production = app.config["CPMS_ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if is_production:
            raise RuntimeError(
                "CPMS_SECRET_KEY is not set: the application refuses to start in production "
                "without a secret key (generate one with: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        app.config["SECRET_KEY"] = DEV_SECRET_KEY
    if is_production:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    _configure_engine(app)


def _configure_engine(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we install; plain postgresql:// would look for psycopg2.
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", 10)  # busy_timeout in seconds for pysqlite
        options["connect_args"] = connect_args
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
