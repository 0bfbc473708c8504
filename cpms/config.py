"""Configuration: defaults < instance/config.py < CPMS_* environment variables.

This module holds the application-wide settings (database, secret key, server, mail server, sessions,
uploads, scheduler, logging, backups). A domain's own settings (TRAINING_*, CERTIFICATE_*, RETENTION_*…) are
declared in its contract (`settings` of DOMAIN in cpms/<domain>/__init__.py) and read the same way.
"""
import os

from cpms.core.contract import settings as domain_settings

# Every application-wide setting that can come from the environment, with how to read it; env_settings() adds
# the domains' (docs/domains.md).
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
    "CPMS_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "CPMS_SESSION_MAX_HOURS": ("SESSION_MAX_HOURS", int),
    "CPMS_UPLOAD_DIR": ("UPLOAD_DIR", str),
    "CPMS_MAX_UPLOAD_MB": ("MAX_UPLOAD_MB", int),
    "CPMS_SCHEDULER_HEARTBEAT_SECONDS": ("SCHEDULER_HEARTBEAT_SECONDS", int),
    "CPMS_SCHEDULER_MISFIRE_GRACE_SECONDS": ("SCHEDULER_MISFIRE_GRACE_SECONDS", int),
    "CPMS_LOG_LEVEL": ("LOG_LEVEL", str),
    "CPMS_BACKUP_DIRS": ("BACKUP_DIRS", str),
    "CPMS_EARLIEST_DATE": ("EARLIEST_DATE", str),
    "CPMS_LATEST_YEARS_AHEAD": ("LATEST_YEARS_AHEAD", int),
    "CPMS_MONEY_CEILING": ("MONEY_CEILING", int),
    "CPMS_MONEY_CEILING_CDF": ("MONEY_CEILING_CDF", int),
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
        # times are stored in UTC and shown in the reader's zone (cpms/core/setup.py: select_timezone); this one
        # when no one is logged in (the public verification page) – DR Congo's capital, as cpms.geo's DEFAULT_ZONE
        "BABEL_DEFAULT_TIMEZONE": "Africa/Kinshasa",
        "LANGUAGES": ["fr", "en"],
        "SMTP_HOST": None,
        "SMTP_PORT": 25,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_STARTTLS": False,
        "SMTP_FROM": "cpms@localhost",
        "SMTP_TIMEOUT": 10,
        "RATELIMIT_STORAGE_URI": "cpms+db://",  # the database, shared by every worker (cpms/auth/ratelimit.py)
        "RATELIMIT_HEADERS_ENABLED": True,
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
        "PASSWORD_HASH_PARAMS": {},  # argon2 defaults; tests lower the cost
        "LOG_LEVEL": "INFO",
        "BACKUP_DIRS": "",
        # plausible values (cpms/core/bounds.py)
        "EARLIEST_DATE": "2000-01-01",
        "LATEST_YEARS_AHEAD": 10,
        "MONEY_CEILING": 100_000_000,
        "MONEY_CEILING_CDF": 300_000_000_000,
        # static URLs carry the file's digest (core/setup.py), so browsers keep them a year without asking again
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "PER_PAGE": 50,
        "MAX_PER_PAGE": 500,
    }


def env_settings():
    """{CPMS_* name: (config key, type)} of every setting, the application's and the domains'."""
    return {**ENV_SETTINGS, **{setting.env: (setting.key, setting.type) for setting in domain_settings()}}


def _domain_defaults():
    return {setting.key: setting.default for setting in domain_settings()}


def _coerce(value, kind):
    if kind == "bool":
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def load_config(app, test_config=None):
    """Fill app.config from the three layers, then apply derived settings."""
    app.config.from_mapping(default_config(app.instance_path))
    app.config.from_mapping(_domain_defaults())
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for env_name, (key, kind) in env_settings().items():
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
