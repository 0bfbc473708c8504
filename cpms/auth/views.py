"""Login, logout, own account, user administration."""
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from cpms.auth import service
from cpms.auth.forms import ApiTokenForm, LoginForm, NewUserForm, PasswordChangeForm, PasswordResetForm, UserForm
from cpms.auth.models import ApiToken, User
from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.forms import show_error
from cpms.core.models import utcnow
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ROLES, get_or_404, public, require_role
from cpms.extensions import db
from cpms.geo.service import commune_choices, province_choices

bp = Blueprint("auth", __name__)
NAVIGATION = [(90, "auth.user_list", _l("Users"), {ADMIN})]


def _safe_next(target):
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.index")


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
            db.session.commit()  # keeps the record of the failed attempt
            flash(error.message, "error")
            return render_template("auth/login.html", form=form), 200
        db.session.commit()
        _start_session(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@require_role()
def logout():
    user = current_user._get_current_object()
    service.end_sessions(user)
    record_event("logout", actor=user)
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


def _account_page(new_token=None):
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id,
                                                       ApiToken.revoked_at.is_(None))
                                .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/account.html", tokens=tokens, token_form=ApiTokenForm(), new_token=new_token)


@bp.route("/account", methods=["GET"])
@require_role()
def account():
    return _account_page()


@bp.route("/account/password", methods=["GET", "POST"])
@require_role()
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            service.change_password(user, user, current_password=form.current_password.data,
                                    new_password=form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            (form.new_password if error.field == "password" else form.current_password).errors.append(error.message)
            return render_template("auth/password_form.html", form=form), 422
        db.session.commit()
        _start_session(user)  # this session continues under the new token; all others are dead
        flash(_("Your password has been changed. Your other sessions have been closed."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/password_form.html", form=form)


@bp.route("/account/tokens", methods=["POST"])
@require_role()
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        flash(_("The token name is too long."), "error")
        return redirect(url_for("auth.account"))
    user = current_user._get_current_object()
    _token, raw = service.create_api_token(user, user, name=form.name.data or None)
    db.session.commit()
    return _account_page(new_token=raw)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@require_role()
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    token.revoked_at = utcnow()
    db.session.commit()
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
    if form.validate_on_submit():
        try:
            user = service.create_user(current_user, name=form.name.data, email=form.email.data,
                                       role=form.role.data, password=form.password.data, locale=form.locale.data,
                                       province_ids=form.provinces.data, commune_ids=form.communes.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("auth/user_form.html", form=form, user=None), 422
        db.session.commit()
        flash(_("Account created for %(name)s.", name=user.name), "success")
        return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_form.html", form=form, user=None), 422 if form.errors else 200


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
    if form.validate_on_submit():
        try:
            service.update_user(current_user, user, name=form.name.data, email=form.email.data, role=form.role.data,
                                locale=form.locale.data, is_active=form.is_active.data,
                                province_ids=form.provinces.data, commune_ids=form.communes.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return render_template("auth/user_form.html", form=form, user=user), 422
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@require_role(ADMIN)
def user_reset_password(user_id):
    user = get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            service.reset_password(current_user, user, new_password=form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            form.new_password.errors.append(error.message)
            return render_template("auth/user_detail.html", user=user, reset_form=form), 422
        db.session.commit()
        flash(_("New password set for %(name)s; their open sessions have been closed.", name=user.name), "success")
        return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_detail.html", user=user, reset_form=form), 422
