"""The pieces create_app() assembles: extensions, blueprints, hooks, error pages, helpers, CLI."""
import logging
import sqlite3
import uuid
from datetime import datetime, timezone

from flask import flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from cpms.core.models import include_name
from cpms.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

log = logging.getLogger("cpms")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # deleted rows are overwritten, not left in free pages (cpms/core/erasure.py cleans the -wal file)
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def select_timezone():
    """The zone times are shown in: the user's (`User.display_zone`: their choice, else their areas'), else
    BABEL_DEFAULT_TIMEZONE (Kinshasa time). The database keeps UTC."""
    if current_user and getattr(current_user, "is_authenticated", False):
        return getattr(current_user, "display_zone", None)
    return None


def select_locale():
    from flask import current_app, has_request_context
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if "lang" in session and session["lang"] in ("fr", "en"):
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _render_migration_type(type_, obj, autogen_context):
    """`make migration AUTOGENERATE=1` writes the column types of cpms.core.models as the plain SQLAlchemy types
    they store as (migrations never import the application), as the hand-written migrations do."""
    from cpms.core.models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def init_extensions(app):
    import cpms.core.erasure  # noqa: F401  its session listeners clean the database's files after deletions
    import cpms.models  # noqa: F401  every model registered before anything uses the metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True,
                     render_item=_render_migration_type, include_name=include_name)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                    default_translation_directories="translations")
    limiter.init_app(app)
    compress.init_app(app)  # gzip/brotli: field offices are on slow links (a 450-row register is ~20 KB gzipped)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    # WeasyPrint logs seven steps of every document at INFO (thousands of lines for a certificate batch): its
    # warnings still show
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    # the user loader is the auth domain's (cpms/auth/views.py), which owns the accounts
    @login_manager.unauthorized_handler
    def unauthorized():
        if request.blueprint == "api":
            return api_error(401, _("Authentication required: send a personal API token as 'Authorization: Bearer …'."))
        flash(_("Please log in to see this page."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def _migrations_dir():
    from cpms import resource_dir
    return resource_dir("migrations")


def register_blueprints(app):
    """Each domain's views.bp, then the API blueprint once every domain's api.py has added its routes."""
    from cpms.core.api import bp as api_bp
    from cpms.core.jobs.views import bp as jobs_bp
    from cpms.domains import domain_modules

    for views in domain_modules("views"):
        app.register_blueprint(views.bp)
    app.register_blueprint(jobs_bp)  # core's second blueprint: the background jobs' pages
    domain_modules("api")  # importing them adds their routes to api_bp
    app.register_blueprint(api_bp)


def api_error(status, message):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


# The last-seen time is written at most once a minute: writing it on every request changed the session on every
# page, which then signed and sent a new cookie each time. The idle timeout may thus end a session up to a minute
# before SESSION_IDLE_MINUTES of inactivity.
SEEN_AT_STEP = 60

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def register_hooks(app):  # noqa: C901
    from cpms.core import transaction
    from cpms.core.limits import refuse_large_json, refuse_nul_characters
    transaction.init_app(app)  # registered first, so that it runs after every other after_request hook
    app.before_request(refuse_large_json)
    app.before_request(refuse_nul_characters)

    @app.before_request
    def enforce_session_lifetime():
        """Idle timeout and absolute lifetime of a logged-in session."""
        if request.blueprint == "api" or request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            return None
        now = datetime.now(timezone.utc).timestamp()
        login_at = session.get("login_at", 0)  # a cookie without its times is treated as expired
        seen_at = session.get("seen_at", 0)
        idle = app.config["SESSION_IDLE_MINUTES"] * 60
        lifetime = app.config["SESSION_MAX_HOURS"] * 3600
        if now - seen_at > idle or now - login_at > lifetime:
            from flask_login import logout_user
            logout_user()
            session.clear()
            flash(_("Your session has expired. Please log in again."), "info")
            return redirect(url_for("auth.login"))
        if now - seen_at >= SEEN_AT_STEP:
            session["seen_at"] = now
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if request.endpoint != "static" and (current_user.is_authenticated or request.blueprint == "api"):
            # pages of logged-in users carry personal data: never keep them in a shared cache
            headers["Cache-Control"] = "no-store"
        if app.config["CPMS_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.url_defaults
    def versioned_static(endpoint, values):
        """/static/… URLs carry a digest of the file, so browsers may keep them a year (SEND_FILE_MAX_AGE_DEFAULT)
        and still fetch a new version the day it changes."""
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = static_version(app.static_folder, values["filename"])

    @app.after_request
    def static_in_memory(response):
        """Our static files are a few KB: read them into memory (closing the file) before the compression, which
        would otherwise wrap the open file in a generator and never close it."""
        if request.endpoint == "static" and response.is_streamed:
            response.direct_passthrough = False
            response.make_sequence()
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()


def static_version(folder, filename):
    """A short digest of a static file, recomputed when the file changes."""
    import os
    path = os.path.join(folder, filename)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = _static_versions.get(path)
    if cached is None or cached[0] != stamp:
        import hashlib
        with open(path, "rb") as source:
            cached = _static_versions[path] = (stamp, hashlib.sha256(source.read()).hexdigest()[:10])
    return cached[1]


_static_versions = {}


def register_error_handlers(app):  # noqa: C901
    def wants_json():
        return request.blueprint == "api" or request.path.startswith("/api/")

    # status: (page title, message); the API answers the same message as JSON
    simple_errors = {
        400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
        403: (_l("Access refused"), _l("Your role does not give access to this page.")),
        404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
        405: (_l("Not allowed"), _l("This action is not available here.")),
        429: (_l("Too many requests"), _l("Too many requests. Wait a moment, then try again.")),
    }

    def simple_error_page(error):
        title, message = simple_errors[error.code]
        if wants_json():
            return api_error(error.code, str(message))
        return render_template("errors/error.html", code=error.code, title=title, message=message), error.code

    for status in simple_errors:
        app.register_error_handler(status, simple_error_page)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if wants_json():
            return api_error(400, _("The form has expired."))
        flash(_("The form had expired or was sent from another page. Your entries were not saved; please fill it in again."), "error")
        target = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
        return redirect(target or request.path if request.method == "POST" else url_for("core.index"))

    @app.errorhandler(401)
    def unauthorised(error):
        if wants_json():
            return api_error(401, _("Authentication required: send a personal API token as 'Authorization: Bearer …'."))
        return redirect(url_for("auth.login"))

    @app.errorhandler(413)
    def too_large(error):
        message = g.get("too_large_message") or _("The file is too large: the limit is %(mb)d MB.",
                                                      mb=app.config["MAX_UPLOAD_MB"])
        if wants_json():
            return api_error(413, message)
        return render_template("errors/error.html", code=413, title=_("File too large"), message=message), 413

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        incident = uuid.uuid4().hex[:12]
        original = getattr(error, "original_exception", error)
        log.error("incident %s on %s %s", incident, request.method, request.path, exc_info=original)
        g.incident = incident
        if wants_json():
            response = api_error(500, _("Internal error. Incident %(id)s has been logged.", id=incident))
            return response
        return render_template("errors/error.html", code=500, title=_("Something went wrong"),
                               message=_("The error has been logged. If it persists, give the administrator this incident number:"),
                               incident=incident), 500


def register_template_helpers(app):
    from cpms.core import i18n, templating
    templating.init_app(app)
    i18n.init_app(app)


def register_cli(app):
    """`flask cpms …`, with the commands of each domain that has a cli.py (its COMMANDS list)."""
    from cpms.cli import cpms_cli
    from cpms.domains import domain_modules
    for module in domain_modules("cli"):
        for command in getattr(module, "COMMANDS", ()):
            cpms_cli.add_command(command)
    app.cli.add_command(cpms_cli)
