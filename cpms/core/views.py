"""Dashboard, health checks (/livez, /healthz), language switch, audit log, the offline service worker."""
import os

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.core import service
from cpms.core.audit import ACTIONS
from cpms.core.dashboard import cards_for, today_for
from cpms.core.pagination import paginate
from cpms.core.permissions import ADMIN, ALL_ROLES, public, require_role, scope_of

bp = Blueprint("core", __name__)
# (menu position, endpoint, label, roles)
NAVIGATION = [
    (0, "core.index", _l("Dashboard"), ALL_ROLES),
    (95, "core.audit_list", _l("Audit log"), {ADMIN}),
    (97, "jobs.mine", _l("My background work"), ALL_ROLES),  # the jobs' own blueprint (cpms/core/jobs/views.py)
]


@bp.route("/")
@require_role()
def index():
    user = current_user._get_current_object()  # the providers read the user often: not through the proxy each time
    scope = scope_of(user)
    return render_template("core/dashboard.html", today=today_for(user, scope), cards=cards_for(user, scope))


@bp.route("/sw.js")
@public
def service_worker():
    """The offline service worker of the field pages (static/sw.js, docs/offline.md), served at the root so that
    it may control the whole site: the register, the meeting forms and the progress report forms."""
    with open(os.path.join(current_app.static_folder, "sw.js"), encoding="utf-8") as source:
        script = source.read()
    return current_app.response_class(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/livez")
@public
def livez():
    """Liveness for a load balancer: the application answers and so does its database."""
    live = service.liveness()
    return jsonify({"status": "ok" if live else "error"}), 200 if live else 503


@bp.route("/healthz")
@public
def healthz():
    """The monitoring status: 503 with `problems` when the database, the migrations, the scheduler, the workers
    or the queue are not right (docs/deployment.md)."""
    report = service.health_report()
    return jsonify(report), 200 if report["status"] == "ok" else 503


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.index")
    return redirect(target)


@bp.route("/audit")
@require_role(ADMIN)
def audit_list():
    filters = {key: request.args.get(key, "").strip() for key in ("action", "entity", "entity_id", "actor", "date_from", "date_to")}
    stmt = service.audit_query(**filters)
    page = paginate(stmt)
    return render_template("core/audit_list.html", page=page, filters=filters, actions=ACTIONS,
                           entities=service.audited_entities())
