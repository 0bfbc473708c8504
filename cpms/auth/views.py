"""Login, logout, own account, user administration."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload, with_expression

from cpms.auth import service
from cpms.auth.forms import (
    ApiTokenForm,
    ForgottenPasswordForm,
    LoginForm,
    NewUserForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    TimeZoneForm,
    TwoFactorCodeForm,
    UserForm,
)
from cpms.auth.models import USER_LOAD_OPTIONS, ApiToken, User
from cpms.auth.service import links
from cpms.auth.service import two_factor as totp
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.forms import render_form, save_form, show_error
from cpms.core.models import utcnow
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ROLES, get_or_404, public, require_role
from cpms.core.transaction import keep_changes
from cpms.extensions import db, limiter, login_manager
from cpms.geo.service import commune_choices, province_choices

bp = Blueprint("auth", __name__)
NAVIGATION = [(90, "auth.user_list", _l("Users"), {ADMIN})]


@login_manager.user_loader
def load_user(session_token):
    """The logged-in user: the active account whose session token the session cookie carries.

    One statement for the user, their areas (as JSON: User.area) and the figures other domains add
    (USER_LOAD_OPTIONS): the relationships' own loading would take three."""
    user = db.session.scalars(_user_statement(), {"session_token": session_token}).one_or_none()
    if user is not None and db.engine.dialect.name == "postgresql":
        user.rows_in_order = True  # its areas come sorted by name in the database's collation, as the relationships
    return user


_user_statements = {}


def _user_statement():
    """The statement of load_user, built once (per database kind and set of USER_LOAD_OPTIONS) and then only
    executed: building its loader options and clauses again on every request cost a quarter of loading the user.
    The areas come as two JSON columns, not as joined Province and Commune entities, whose loading (a row per
    area, the ORM's eager-loading set-up on every execution) cost more than the rest of the user (issue 22)."""
    kind = db.engine.dialect.name
    statement = _user_statements.get((kind, len(USER_LOAD_OPTIONS)))
    if statement is None:
        provinces, communes = area_expressions(kind)
        statement = _user_statements[kind, len(USER_LOAD_OPTIONS)] = select(User).options(
            lazyload(User.provinces), lazyload(User.communes), with_expression(User.province_rows, provinces),
            with_expression(User.commune_rows, communes), *USER_LOAD_OPTIONS).where(
            User.session_token == bindparam("session_token"), User.is_active.is_(True))
    return statement


def area_expressions(kind):
    """The user's provinces [[id, name, zone], …] and communes [[id, name, province id, zone], …] as JSON text
    (each "[]" when none), correlated to the user's row. PostgreSQL orders them by name as the relationships do
    (in its collation: load_user marks them so); SQLite's aggregate has no order, User.area sorts them (by code
    point, as SQLite's ORDER BY does)."""
    from sqlalchemy import Text, cast, func
    from sqlalchemy.orm import aliased

    from cpms.auth.models import user_communes, user_provinces
    from cpms.geo.models import Commune, Province

    commune_province = aliased(Province)
    province_row = (Province.id, Province.name, Province.time_zone)
    commune_row = (Commune.id, Commune.name, Commune.province_id, commune_province.time_zone)
    if kind == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        def rows(columns, name):
            return func.coalesce(cast(func.json_agg(aggregate_order_by(func.json_build_array(*columns), name)), Text),
                                 "[]")
    else:
        def rows(columns, _name):
            return func.json_group_array(func.json_array(*columns))
    provinces = (select(rows(province_row, Province.name))
                 .join(user_provinces, user_provinces.c.province_id == Province.id)
                 .where(user_provinces.c.user_id == User.id).correlate(User).scalar_subquery())
    communes = (select(rows(commune_row, Commune.name)).select_from(Commune)
                .join(commune_province, commune_province.id == Commune.province_id)
                .join(user_communes, user_communes.c.commune_id == Commune.id)
                .where(user_communes.c.user_id == User.id).correlate(User).scalar_subquery())
    return provinces, communes


def _safe_next(target):
    """`target` when it is a path on this site, else the home page.

    Refused: a scheme or host, a second slash or backslash at the start, any control character or whitespace
    (browsers drop tabs and newlines, so a tab between two slashes would become `//evil.example`)."""
    if (not target or not target.startswith("/") or "\\" in target
            or any(ord(char) < 33 or ord(char) == 127 for char in target)):
        return url_for("core.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return url_for("core.index")
    return target


def _start_session(user):
    session.clear()
    login_user(user)
    now = utcnow().timestamp()
    session["login_at"] = session["seen_at"] = now
    session["lang"] = user.locale


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, ip=request.remote_addr)
        except DomainError as error:
            keep_changes()  # the record of the failed attempt, which the throttling counts
            flash(error.message, "error")
            return render_template("auth/login.html", form=form), 200
        if user.has_two_factor:
            session.clear()
            session["pending_2fa"] = {"user": user.id, "at": utcnow().timestamp(), "next": request.args.get("next")}
            return redirect(url_for("auth.two_factor_verify"))
        _start_session(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_form("auth/login.html", form)


PENDING_2FA_SECONDS = 300


@bp.route("/password/forgotten", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def password_forgotten():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        links.request_password_reset(form.email.data)
        flash(_("If an active account has this address, an e-mail with a link to choose a new password is on "
                "its way. The link works once, for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"]), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/password_forgotten.html", form)


@bp.route("/password/<any(invitation, reset):purpose>/<token>", methods=["GET", "POST"])
@public
def password_set(purpose, token):
    """Choose a password from an invitation or reset link (single use, expiring)."""
    user = links.user_for_link(token, purpose)
    if user is None:
        return render_template("auth/password_set.html", form=None, purpose=purpose), 410
    form = SetPasswordForm()
    response = save_form(form, lambda form: links.set_password_from_link(token, purpose, form.new_password.data),
                         _("Your password is set. Log in with it now."), lambda _done: url_for("auth.login"))
    return response or render_form("auth/password_set.html", form, purpose=purpose, user=user)


@bp.route("/login/verify", methods=["GET", "POST"])
@public
def two_factor_verify():
    """Second step of the login for users with a second factor: a TOTP or recovery code."""
    pending = session.get("pending_2fa") or {}
    user = db.session.get(User, pending.get("user", 0)) if pending else None
    if (user is None or not user.is_active or not user.has_two_factor
            or utcnow().timestamp() - pending.get("at", 0) > PENDING_2FA_SECONDS):
        session.pop("pending_2fa", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if service.login_throttled(user.email, request.remote_addr):
            flash(_("Too many failed attempts. Wait %(minutes)d minutes, then try again.",
                    minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]), "error")
            return render_template("auth/two_factor_verify.html", form=form), 429
        if totp.verify_second_factor(user, form.code.data):
            _start_session(user)
            return redirect(_safe_next(pending.get("next")))
        record_event("login_failed", actor_label=user.email, ip=request.remote_addr, detail="second factor")
        keep_changes()  # the failed attempt counts towards the throttling
        form.code.errors.append(_("This code is not valid. Type the 6 digits your app shows now."))
    return render_form("auth/two_factor_verify.html", form)


def _admin_second_factor_required():
    """Always with CPMS_REQUIRE_ADMIN_2FA, and in production unless CPMS_ALLOW_ADMIN_WITHOUT_2FA says otherwise."""
    config = current_app.config
    return config["REQUIRE_ADMIN_2FA"] or (config["CPMS_ENV"] == "production" and not config["ALLOW_ADMIN_WITHOUT_2FA"])


# What a user who owes a step (a new password, an admin's second factor) may still open besides that step and
# the public pages (the language switch among them).
ALWAYS_OPEN = frozenset({"static", "auth.logout"})


def _is_public(endpoint):
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_cpms_access", (None,))[0] == "public"


@bp.before_app_request
def require_pending_steps():
    """A logged-in user who owes a step can open only that step (or log out) until it is done: first a new
    password when an administrator chose the current one, then, for an admin, a second factor when required.
    Public pages stay open; API tokens are not affected."""
    user = current_user._get_current_object()  # the proxy once, not on every attribute
    endpoint = request.endpoint
    if (not user.is_authenticated or request.blueprint == "api" or endpoint in ALWAYS_OPEN
            or _is_public(endpoint)):
        return None
    if user.is_password_change_required:
        if endpoint != "auth.change_password":
            flash(_("Your password was set by an administrator: choose your own to continue."), "info")
            return redirect(url_for("auth.change_password"))
        return None
    if (user.role == ADMIN and not user.has_two_factor and _admin_second_factor_required()
            and endpoint != "auth.two_factor"):
        flash(_("Administrators must use a second factor: set it up to continue."), "info")
        return redirect(url_for("auth.two_factor"))
    return None


@bp.route("/account/two-factor", methods=["GET", "POST"])
@require_role()
def two_factor():
    """Set up or turn off the TOTP second factor of one's own account."""
    user = current_user._get_current_object()
    form = TwoFactorCodeForm()
    if request.form.get("action") == "disable":
        response = save_form(form, lambda form: totp.disable_two_factor(user, form.code.data),
                             _("The second factor is turned off."), lambda _done: url_for("auth.account"))
        if response:
            return response
    elif form.validate_on_submit():
        try:
            codes = totp.enable_two_factor(user, session.get("totp_secret", ""), form.code.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            form.refused = True
        else:  # the recovery codes are shown once, on this page, not after a redirect
            session.pop("totp_secret", None)
            return render_template("auth/two_factor.html", user=user, form=None, recovery_codes=codes)
    if user.has_two_factor:
        return render_form("auth/two_factor.html", form, user=user)
    if "totp_secret" not in session:  # kept until confirmed, so a reload shows the same key
        session["totp_secret"] = totp.new_secret()
    secret = session["totp_secret"]
    return render_form("auth/two_factor.html", form, user=user, secret=secret,
                       qr=totp.qr_svg_data_uri(totp.provisioning_uri(user, secret)))


@bp.route("/logout", methods=["POST"])
@require_role()
def logout():
    user = current_user._get_current_object()
    service.end_sessions(user)
    record_event("logout", actor=user)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


def _time_zone_form(form=None):
    """The zone choices, the first naming the zone of the user's areas."""
    from cpms.geo.reference import EAST, WEST
    from cpms.geo.time import zone_label

    form = form or TimeZoneForm(time_zone=current_user.time_zone or "")
    form.time_zone.choices = [("", _("My area: %(zone)s", zone=zone_label(current_user.area_zone)))] + [
        (zone, zone_label(zone)) for zone in (WEST, EAST)]
    return form


def _account_page(new_token=None, zone_form=None):
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id,
                                                       ApiToken.revoked_at.is_(None))
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/account.html", tokens=tokens, token_form=ApiTokenForm(), new_token=new_token,
                           zone_form=_time_zone_form(zone_form))


@bp.route("/account", methods=["GET"])
@require_role()
def account():
    return _account_page()


@bp.route("/account/time-zone", methods=["POST"])
@require_role()
def set_time_zone():
    from cpms.geo.time import zone_label

    form = _time_zone_form(TimeZoneForm())
    user = current_user._get_current_object()
    response = save_form(form, lambda form: service.set_time_zone(user, form.time_zone.data),
                         lambda user: _("Times are now shown in %(zone)s.", zone=zone_label(user.display_zone)),
                         lambda _user: url_for("auth.account"))
    return response or (_account_page(zone_form=form), 422)


@bp.route("/account/password", methods=["GET", "POST"])
@require_role()
def change_password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()

    def save(form):
        service.change_password(user, current_password=form.current_password.data,
                                new_password=form.new_password.data)
        _start_session(user)  # this session continues under the new token; all others are dead
    required = user.is_password_change_required  # then the home page opens next, not the account page
    response = save_form(form, save, _("Your password has been changed. Your other sessions have been closed."),
                         lambda _done: url_for("core.index" if required else "auth.account"))
    return response or render_form("auth/password_form.html", form, required=required)


@bp.route("/account/tokens", methods=["POST"])
@require_role()
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        flash(_("The token name is too long."), "error")
        return redirect(url_for("auth.account"))
    user = current_user._get_current_object()
    _token, raw = service.create_api_token(user, name=form.name.data or None)
    return _account_page(new_token=raw)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@require_role()
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    token.revoked_at = utcnow()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("auth.account"))


# --- administration -----------------------------------------------------------------------

@bp.route("/users")
@require_role(ADMIN)
def user_list():
    term, role = request.args.get("q", "").strip(), request.args.get("role", "")
    page = paginate(service.search_users(term, role if role in ROLES else None))
    return render_template("auth/user_list.html", page=page, term=term, role=role, roles=ROLES)


def _fill_area_choices(form):
    form.provinces.choices = province_choices()
    form.communes.choices = commune_choices()


@bp.route("/users/new", methods=["GET", "POST"])
@require_role(ADMIN)
def user_create():
    form = NewUserForm()
    _fill_area_choices(form)

    def create(form):
        areas = dict(locale=form.locale.data, province_ids=form.provinces.data, commune_ids=form.communes.data)
        if not form.password.data:  # the person chooses their own password from the e-mailed link
            return links.invite_user(name=form.name.data, email=form.email.data, role=form.role.data, **areas)
        return service.create_user(name=form.name.data, email=form.email.data, role=form.role.data,
                                   password=form.password.data, chosen_by_admin=True, **areas)
    response = save_form(
        form, create,
        lambda user: (_("Account created for %(name)s.", name=user.name) if form.password.data else
                      _("Account created for %(name)s; an invitation to choose a password was e-mailed to "
                        "%(email)s.", name=user.name, email=user.email)),
        lambda user: url_for("auth.user_detail", user_id=user.id))
    return response or render_form("auth/user_form.html", form, user=None)


@bp.route("/users/<int:user_id>")
@require_role(ADMIN)
def user_detail(user_id):
    user = get_or_404(User, user_id)
    return render_template("auth/user_detail.html", user=user, reset_form=PasswordResetForm())


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@require_role(ADMIN)
def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    _fill_area_choices(form)
    if request.method == "GET":
        form.provinces.data = [p.id for p in user.provinces]
        form.communes.data = [c.id for c in user.communes]
    response = save_form(
        form, lambda form: service.update_user(
            current_user, user, name=form.name.data, email=form.email.data, role=form.role.data,
            locale=form.locale.data, is_active=form.is_active.data, province_ids=form.provinces.data,
            commune_ids=form.communes.data),
        _("Changes saved."), lambda user: url_for("auth.user_detail", user_id=user.id))
    return response or render_form("auth/user_form.html", form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@require_role(ADMIN)
def user_reset_password(user_id):
    user = get_or_404(User, user_id)
    form = PasswordResetForm()
    response = save_form(form, lambda form: service.reset_password(user, new_password=form.new_password.data),
                         _("New password set for %(name)s; their open sessions have been closed.", name=user.name),
                         lambda _done: url_for("auth.user_detail", user_id=user.id))
    return response or render_form("auth/user_detail.html", form, user=user, reset_form=form)
