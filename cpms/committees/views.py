from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from cpms.committees import service
from cpms.committees.forms import (
    ActionItemForm,
    ActionStatusForm,
    CommitteeForm,
    MeetingForm,
    MemberForm,
    SecurityIssueForm,
)
from cpms.committees.models import (
    ACTION_STATUSES,
    COMMITTEE_KINDS,
    MEMBER_CATEGORIES,
    MEMBER_ROLES,
    ActionItem,
    Committee,
    Meeting,
    Member,
)
from cpms.committees.sources import source_links
from cpms.core.charts import number
from cpms.core.drafts import answer_draft, changed_meanwhile, form_version
from cpms.core.exports import aggregate_export, csv_bytes, document_export, download, personal_export
from cpms.core.forms import render_form, run_action, save_form
from cpms.core.pagination import paginate
from cpms.core.pdf import programme_logos, render_pdf
from cpms.core.permissions import (
    ADMIN,
    ALL_ROLES,
    PROJECT_OFFICER,
    STAFF_ROLES,
    TRAINER,
    get_or_404,
    public,
    require_role,
    scope_of,
)
from cpms.extensions import db
from cpms.geo.time import local_day, local_naive

bp = Blueprint("committees", __name__, url_prefix="/committees")
# every role may read the committees; a trainer's menu leaves them out (docs/rules/core.md)
NAVIGATION = [(40, "committees.committee_list", _l("Committees"), ALL_ROLES - {TRAINER})]
EDITORS = (ADMIN, PROJECT_OFFICER)


@bp.app_template_filter("member_category")
def member_category(key):
    return MEMBER_CATEGORIES.get(key, key)


@bp.app_template_filter("member_role")
def member_role(key):
    return MEMBER_ROLES.get(key, key)


def get_committee_or_404(committee_id):
    return get_or_404(Committee, committee_id, current_user, check=service.can_see)


def get_meeting_or_404(meeting_id):
    return get_or_404(Meeting, meeting_id, current_user, check=service.can_see_meeting)


# --- committees ------------------------------------------------------------------------------

@bp.route("/")
@require_role()
def committee_list():
    scope = scope_of(current_user)
    kind = request.args.get("kind") if request.args.get("kind") in COMMITTEE_KINDS else None
    page = paginate(service.visible_committees(scope, kind=kind))
    reps = service.representation([c.id for c in page.items])
    return render_template("committees/committee_list.html", page=page, reps=reps, kind=kind,
                           kinds=COMMITTEE_KINDS, counts=service.count_by_kind(scope),
                           committee_map=service.places.committee_map(scope, kind=kind))


@bp.route("/<int:committee_id>")
@require_role()
def committee_detail(committee_id):
    committee = get_committee_or_404(committee_id)
    staff = current_user.role in STAFF_ROLES
    return render_template("committees/committee_detail.html", committee=committee,
                           rep=service.representation([committee.id])[committee.id],
                           members=service.committee_members(committee) if staff else [],
                           meetings=service.committee_meetings(committee),
                           chart=service.quorum_chart(committee, fmt=number),
                           children=service.child_committees(committee),
                           action_counts=service.action_counts(committee.id))


def _committee_form_page(form, committee, save):
    scope = scope_of(current_user)
    form.commune_id.choices = service.commune_choices(scope)
    form.quartier_id.choices = [("", "—")] + service.quartier_choices(scope)
    form.parent_id.choices = [("", "—")] + [c for c in service.committee_choices(scope, kinds=["clsp"])
                                            if committee is None or c[0] != committee.id]
    form.programme_id.choices = service.programme_choices(scope)
    done = save_form(form, lambda f: save(scope, f.service_fields()), _("Committee saved."),
                     lambda saved: url_for("committees.committee_detail", committee_id=saved.id))
    return done or render_form("committees/committee_form.html", form, committee=committee)


@bp.route("/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def committee_create():
    return _committee_form_page(CommitteeForm(), None,
                                lambda scope, fields: service.create_committee(scope, **fields))


@bp.route("/<int:committee_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def committee_edit(committee_id):
    committee = get_committee_or_404(committee_id)
    form = CommitteeForm(obj=committee) if request.method == "GET" else CommitteeForm()
    return _committee_form_page(form, committee, lambda scope, fields: service.update_committee(
        scope, committee, **fields))


@bp.route("/<int:committee_id>/calendar.ics")
@require_role()
@aggregate_export  # meeting times, places and agendas: no names
def committee_calendar(committee_id):
    committee = get_committee_or_404(committee_id)
    body = service.calendar_ics(committee.name, service.upcoming_meetings(committee))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="committee-{committee.id}.ics"'})


@bp.route("/calendar")
@require_role()
def calendar_feed():
    """The user's secret calendar address: open a new one (shown once, on the page after), or stop it."""
    return render_template("committees/calendar_feed.html", feed=service.active_calendar_feed(current_user),
                           new_url=session.pop("new_calendar_feed", None))


@bp.route("/calendar/new", methods=["POST"])
@require_role()
def calendar_feed_new():
    token = service.open_calendar_feed(current_user)
    session["new_calendar_feed"] = service.feed_address(token)  # shown once by the page the browser goes to
    return redirect(url_for("committees.calendar_feed"))


@bp.route("/calendar/stop", methods=["POST"])
@require_role()
def calendar_feed_stop():
    return run_action(lambda: service.close_calendar_feed(current_user),
                      _("The calendar address no longer works."), url_for("committees.calendar_feed"))


@bp.route("/calendar/<feed_token>.ics")
@public  # the secret address is the credential: calendar programs subscribe without a session
@aggregate_export  # meeting times, places and agendas: no names
def calendar_feed_ics(feed_token):
    user = service.calendar_feed_user(feed_token)
    if user is None:
        abort(404)
    body = service.calendar_ics(_("CPMS committee meetings"), service.feed_meetings(scope_of(user)))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="cpms-meetings.ics"',
                             "Cache-Control": "private, no-store"})


# --- members ---------------------------------------------------------------------------------

def _member_form_page(form, committee, member, save):
    done = save_form(form, lambda f: save(f.service_fields()), _("Member saved."),
                     lambda saved: url_for("committees.committee_detail", committee_id=committee.id))
    return done or render_form("committees/member_form.html", form, committee=committee, member=member)


@bp.route("/<int:committee_id>/members/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def member_create(committee_id):
    committee = get_committee_or_404(committee_id)
    return _member_form_page(MemberForm(), committee, None,
                             lambda fields: service.add_member(committee, **fields))


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def member_edit(member_id):
    member = get_or_404(Member, member_id, current_user,
                        check=lambda m, scope: service.can_see(db.session.get(Committee, m.committee_id), scope))
    committee = db.session.get(Committee, member.committee_id)
    form = MemberForm(obj=member) if request.method == "GET" else MemberForm()
    return _member_form_page(form, committee, member,
                             lambda fields: service.update_member(member, **fields))


# --- meetings --------------------------------------------------------------------------------

def _meeting_as_saved(meeting, choices):
    """The meeting form filled from the meeting as stored now: its version, and what a device's draft is compared
    with (cpms/core/drafts.py)."""
    current = MeetingForm(formdata=None, obj=meeting)
    current.starts_at.data = local_naive(meeting.starts_at, meeting.committee)  # the committee's local time
    current.present.choices = choices
    current.present.data = [a.member_id for a in service.roll_call(meeting) if a.is_present]
    return current


def _meeting_form_page(form, committee, meeting, save):
    """The meeting form, also filled offline on a phone (static/js/offline-form.js): a draft sent twice is saved
    once; one sent after the meeting changed on the server shows the differences (422) rather than overwriting."""
    day = form.starts_at.data.date() if form.starts_at.data else date.today()
    members = {m.id: m for m in service.committee_members(committee)}
    form.present.choices = [(m.id, m.name) for m in members.values() if m.is_active_on(day)] or \
        [(m.id, m.name) for m in members.values() if m.end_date is None]
    current = _meeting_as_saved(meeting, form.present.choices) if meeting is not None else None
    differences = []
    if request.method == "GET":
        if current is not None:
            form.present.data = current.present.data
        form.start_draft(form_version(current, MeetingForm.VERSIONED) if current is not None else "")
    else:
        sent = service.meeting_sent_with(committee, form.draft_key)
        if sent is not None:  # the same draft sent again
            flash(_("This meeting was already saved from this device."), "info")
            return answer_draft(redirect(url_for("committees.meeting_detail", meeting_id=sent.id)))
        if current is not None and form.validate():
            differences = changed_meanwhile(form, current, MeetingForm.VERSIONED)
    done = None if differences else save_form(
        form, lambda f: save(f.service_fields(committee)), _("Meeting saved."),
        lambda saved: url_for("committees.meeting_detail", meeting_id=saved.id))
    if done:
        return answer_draft(done)
    page, status = render_form("committees/meeting_form.html", form, committee=committee, meeting=meeting,
                               differences=differences, keep=[url_for("committees.meeting_edit", meeting_id=i)
                                                              for i in service.meetings_to_keep(scope_of(current_user))])
    return page, 422 if differences else status


@bp.route("/<int:committee_id>/meetings/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def meeting_create(committee_id):
    committee = get_committee_or_404(committee_id)
    return _meeting_form_page(MeetingForm(), committee, None,
                              lambda fields: service.save_meeting(committee, **fields))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def meeting_edit(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting) if request.method == "GET" else MeetingForm()
    if request.method == "GET":
        form.starts_at.data = local_naive(meeting.starts_at, meeting.committee)  # the committee's local time
    return _meeting_form_page(form, meeting.committee, meeting,
                              lambda fields: service.save_meeting(meeting.committee, meeting, **fields))


def _meeting_context(meeting):
    carried = service.carried_over_items(meeting)
    return dict(meeting=meeting, committee=meeting.committee, roll=service.roll_call(meeting),
                quorum=service.quorum(meeting), issues=service.meeting_issues(meeting),
                carried=carried, items=service.meeting_action_items(meeting), sources=source_links(carried),
                today=date.today())


def _responsible_choices(meeting):
    """Only current members may be responsible for an action (docs/rules/committees.md)."""
    return [("", "—")] + [(m.id, m.name) for m in service.current_members(meeting.committee_id)]


def _meeting_page_context(meeting, issue_form=None, item_form=None):
    """The meeting page with its two forms (a security issue, an action item): blank unless given."""
    item_form = item_form or ActionItemForm(formdata=None)
    item_form.responsible_member_id.choices = _responsible_choices(meeting)
    return dict(issue_form=issue_form or SecurityIssueForm(formdata=None), item_form=item_form,
                **_meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>")
@require_role(*STAFF_ROLES)
def meeting_detail(meeting_id):
    return render_template("committees/meeting_detail.html", **_meeting_page_context(get_meeting_or_404(meeting_id)))


@bp.route("/meetings/<int:meeting_id>/issues", methods=["POST"])
@require_role(*EDITORS)
def security_issue_add(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    form = SecurityIssueForm()
    done = save_form(form, lambda f: service.add_security_issue(meeting, category=f.issue_category.data,
                                                                description=f.issue_description.data),
                     _("Security issue recorded."),
                     lambda saved: url_for("committees.meeting_detail", meeting_id=meeting.id))
    return done or render_form("committees/meeting_detail.html", form,
                               **_meeting_page_context(meeting, issue_form=form))


@bp.route("/meetings/<int:meeting_id>/action-items", methods=["POST"])
@require_role(*EDITORS)
def action_item_add(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    form = ActionItemForm()
    form.responsible_member_id.choices = _responsible_choices(meeting)
    done = save_form(form, lambda f: service.raise_action_item(meeting, **f.service_fields()),
                     _("Action item recorded."),
                     lambda saved: url_for("committees.meeting_detail", meeting_id=meeting.id))
    return done or render_form("committees/meeting_detail.html", form,
                               **_meeting_page_context(meeting, item_form=form))


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
@require_role(*STAFF_ROLES)
@document_export("committee_meetings")
def meeting_minutes_pdf(meeting_id):
    meeting = get_meeting_or_404(meeting_id)
    lang = request.args.get("lang") if request.args.get("lang") in ("fr", "en") else None
    lang = lang or (current_user.locale if current_user.locale in ("fr", "en") else "fr")
    context = _meeting_context(meeting)
    chair, secretary = service.signatories(context["roll"])
    with force_locale(lang):
        pdf = render_pdf("committees/minutes_pdf.html", lang=lang, presence=service.presence_by_sex(
            meeting, context["roll"]), chair=chair, secretary=secretary, **programme_logos(meeting.committee.programme_id),
            **context)
    filename = f"minutes-{meeting.committee_id}-{local_day(meeting.starts_at, meeting.committee)}-{lang}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


# --- action items ----------------------------------------------------------------------------

def _item_filters():
    status = request.args.get("status", "open")
    status = status if status in ACTION_STATUSES or status == "open" else ""
    return dict(status=status, overdue=request.args.get("overdue") == "1",
                committee_id=request.args.get("committee_id", type=int))


@bp.route("/action-items")
@require_role(*STAFF_ROLES)
def action_item_list():
    scope = scope_of(current_user)
    filters = _item_filters()
    page = paginate(service.visible_action_items(scope, **filters))
    return render_template("committees/action_item_list.html", page=page, filters=filters, today=date.today(),
                           sources=source_links(page.items), statuses=ACTION_STATUSES, committees=service.committee_choices(scope))


@bp.route("/action-items.csv")
@require_role(*STAFF_ROLES)
@personal_export("committee_action_items")  # names of responsible members
def action_item_export():
    today = date.today()
    items = db.session.scalars(service.visible_action_items(scope_of(current_user), **_item_filters())).all()
    header = [_("Committee"), _("Action"), _("Responsible"), _("Due date"), _("Status"), _("Overdue"),
              _("Closed on"), _("Note on what was done")]
    rows = [[i.committee.name, i.description, i.responsible_label, i.due_date, str(i.status_label),
             _("Yes") if i.is_overdue(today) else "", i.closed_on, i.closing_note] for i in items]
    return download(csv_bytes(header, rows), "action-items.csv", "csv")


@bp.route("/action-items/<int:item_id>", methods=["GET", "POST"])
@require_role(*EDITORS)
def action_item_update(item_id):
    item = get_or_404(ActionItem, item_id, current_user, check=service.can_see_item)
    form = ActionStatusForm(obj=item) if request.method == "GET" else ActionStatusForm()
    done = save_form(form, lambda f: service.update_action_item(item, status=f.status.data,
                                                                closing_note=f.closing_note.data),
                     _("Action item updated."),
                     lambda saved: url_for("committees.meeting_detail", meeting_id=saved.meeting_id)
                     if request.args.get("back") == "meeting" and saved.meeting_id
                     else url_for("committees.action_item_list"))
    meeting = db.session.get(Meeting, item.meeting_id) if item.meeting_id else None
    return done or render_form("committees/action_item_form.html", form, item=item, meeting=meeting,
                               source=source_links([item]).get(item.id), today=date.today())
