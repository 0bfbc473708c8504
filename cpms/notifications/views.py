"""Notifications: the bell, the list, mark as read, e-mail preferences; for admins the reminder settings,
the scheduler's state and the outbox."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import with_expression

from cpms.auth.models import USER_LOAD_OPTIONS, User
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, get_or_404, require_role
from cpms.extensions import db
from cpms.notifications import service
from cpms.notifications.forms import EmptyForm, preferences_form, settings_form
from cpms.notifications.models import OUTBOX_STATUSES, Notification, OutboxMessage
from cpms.notifications.service import jobs_finished  # noqa: F401  (connects the receiver of core's job_finished)
from cpms.notifications.service.mail import smtp_configured

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
NAVIGATION = [(96, "notifications.settings", _l("Reminders"), {ADMIN})]


USER_LOAD_OPTIONS.append(with_expression(User.unread_notifications, service.unread_count_expression()))


def bell_panel(_obj=None):
    """The bell in the top bar (layout slot "layout.top_bar", declared in __init__.py), for logged-in users:
    the unread count is loaded with the user (no query of its own)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return None
    if user.unread_notifications is not None:
        return {"unread": user.unread_notifications}
    try:
        return {"unread": service.unread_count(user)}
    except SQLAlchemyError:  # the bell must not break a page (e.g. the error page while the database is down)
        db.session.rollback()
        return {"unread": 0}


@bp.app_template_filter("in_locale")
def in_locale(value):
    """A {language: text} context value in the current language (plain values pass through)."""
    if isinstance(value, dict):
        language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])[:2]
        return value.get(language) or next(iter(value.values()), "")
    return value


def get_own_or_404(notification_id):
    return get_or_404(Notification, notification_id, current_user,
                      check=lambda notification, _scope: service.is_own(notification, current_user))


@bp.route("/")
@require_role()
def notification_list():
    unread_only = request.args.get("unread") == "1"
    page = paginate(service.own_notifications(current_user, unread_only))
    items = [(n, service.title_of(n), service.kind_label(n.kind)) for n in page.items]
    return render_template("notifications/notification_list.html", page=page, items=items, unread_only=unread_only,
                           form=EmptyForm())


@bp.route("/<int:notification_id>/open")
@require_role()
def notification_open(notification_id):
    """Mark the notification read and go to what it is about (links in e-mails come here too)."""
    notification = get_own_or_404(notification_id)
    service.mark_read(notification)
    return redirect(service.target_url(notification) or url_for("notifications.notification_list"))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@require_role()
def notification_read(notification_id):
    notification = get_own_or_404(notification_id)
    if EmptyForm().validate_on_submit():
        service.mark_read(notification)
    return redirect(url_for("notifications.notification_list", unread=request.args.get("unread")))


@bp.route("/read-all", methods=["POST"])
@require_role()
def notification_read_all():
    if EmptyForm().validate_on_submit():
        count = service.mark_all_read(current_user)
        flash(ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", count),
              "success")
    return redirect(url_for("notifications.notification_list"))


@bp.route("/preferences", methods=["GET", "POST"])
@require_role()
def preferences():
    preferences = service.preferences_of(current_user)
    form = preferences_form(preferences)
    response = save_form(form, lambda form: service.save_preferences(current_user, form.choices()),
                         _("Your choices are saved."), lambda _saved: url_for("notifications.preferences"))
    fields = [form[f"kind_{kind.name}"] for kind, _delivery in preferences]
    return response or render_form("notifications/preferences.html", form, fields=fields, smtp=smtp_configured())


@bp.route("/settings", methods=["GET", "POST"])
@require_role(ADMIN)
def settings():
    kinds = service.kind_settings()
    form = settings_form(kinds)
    response = save_form(form, lambda form: service.save_kind_settings(form.values()),
                         _("Reminder settings saved."), lambda _saved: url_for("notifications.settings"))
    return response or render_form("notifications/settings.html", form, kinds=kinds,
                                   status=service.scheduler_status(), counts=service.outbox_counts(),
                                   smtp=smtp_configured())


@bp.route("/outbox")
@require_role(ADMIN)
def outbox():
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    page = paginate(service.outbox_query(status))
    return render_template("notifications/outbox.html", page=page, status=status, statuses=OUTBOX_STATUSES,
                           counts=service.outbox_counts(), smtp=smtp_configured())


@bp.route("/outbox/<int:message_id>")
@require_role(ADMIN)
def outbox_message(message_id):
    message = get_or_404(OutboxMessage, message_id)
    return render_template("notifications/outbox_message.html", message=message, form=EmptyForm(),
                           smtp=smtp_configured())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@require_role(ADMIN)
def outbox_retry(message_id):
    message = get_or_404(OutboxMessage, message_id)
    back = url_for("notifications.outbox_message", message_id=message.id)
    if not EmptyForm().validate_on_submit():
        return redirect(back)
    return run_action(lambda: service.retry_message(message),
                      _("The message will be sent at the next delivery run (within a minute)."), back)
