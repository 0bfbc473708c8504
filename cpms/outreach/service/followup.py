"""After and before an activity: the actions agreed in a joint workshop, carried into a committee's action items
(through the registration point committees offer, cpms/committees/sources.py), and the facilitators who can be
reached (a CPMS user of the area or an e-mail address) for the reminder before the activity."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.auth.models import User
from cpms.committees.models import Committee
from cpms.committees.service import raise_sourced_action_item, sourced_action_items
from cpms.committees.sources import register_action_source
from cpms.core.errors import DomainError
from cpms.core.permissions import Scope, scope_of
from cpms.extensions import db
from cpms.outreach.models import OutreachActivity, OutreachFacilitator
from cpms.outreach.service.activities import PEOPLE_READERS
from cpms.outreach.service.programme_actions import carry_to_programme

SOURCE_KIND = "outreach_activity"
AGREEING_KINDS = ("joint_workshop",)
MAX_FACILITATORS = 20


def _titles(ids):
    rows = db.session.execute(select(OutreachActivity.id, OutreachActivity.title, OutreachActivity.start_date)
                              .where(OutreachActivity.id.in_(sorted(ids))))
    return {aid: f"{title} ({start.isoformat()})" for aid, title, start in rows}


register_action_source(SOURCE_KIND, endpoint="outreach.activity_detail", id_arg="activity_id", titles=_titles)


# --- Agreed actions ---------------------------------------------------------------------------------------------

def committee_choices(scope):
    """[(id, name)] of the committees of the user's area that are not dissolved."""
    stmt = (select(Committee.id, Committee.name).where(scope.filter(Committee.province_id, Committee.commune_id),
                                                       Committee.status != "dissolved")
            .order_by(Committee.name))
    return [tuple(row) for row in db.session.execute(stmt)]


def agree_action(actor, activity, *, committee_id, description, responsible, due_date):
    """Carry an action agreed in a joint workshop into a committee's action items, or, without a committee
    (`committee_id` 0 or None), into the workshop's programme's (programme_actions.py; docs/rules/outreach.md). The
    committee must be in the actor's area (`actor` None: the demo and scripts, any committee)."""
    if activity.kind not in AGREEING_KINDS:
        raise DomainError(_("Agreed actions are recorded for joint police–population workshops."))
    if not committee_id:
        return carry_to_programme(actor, activity, description=description, responsible=responsible,
                                  due_date=due_date)
    committee = db.session.get(Committee, committee_id) if committee_id else None
    scope = scope_of(actor) if actor is not None else Scope.national()
    if committee is None or not scope.allows(committee.province_id, committee.commune_id) \
            or committee.status == "dissolved":
        raise DomainError(_("Choose a committee of your area."), field="committee_id")
    return raise_sourced_action_item(committee, source_kind=SOURCE_KIND, source_id=activity.id,
                                     description=description, responsible=responsible, due_date=due_date,
                                     earliest=activity.start_date)


def agreed_actions(activity):
    return sourced_action_items(SOURCE_KIND, activity.id)


# --- Facilitators who can be reached -----------------------------------------------------------------------------

def facilitator_user_choices(activity):
    """[(id, name)] of the active users who may open the activity's page (admins, project and M&E officers) and
    whose area covers its commune; others (a trainer, a partner) are reached by e-mail."""
    users = db.session.scalars(select(User).where(User.is_active.is_(True), User.role.in_(sorted(PEOPLE_READERS)))
                               .order_by(User.name)).all()
    return [(u.id, u.name) for u in users if scope_of(u).allows(activity.province_id, activity.commune_id)]


def _plausible_email(email):
    local, _sep, domain = email.partition("@")
    return bool(local) and "." in domain.strip(".") and not any(c.isspace() for c in email) and len(email) <= 254


def add_facilitator(activity, *, user_id, name, email):
    """A facilitator to remind before the activity: a user of the area, or a name with an e-mail address."""
    held = db.session.scalar(select(func.count()).where(OutreachFacilitator.activity_id == activity.id))
    if held >= MAX_FACILITATORS:
        raise DomainError(_("An activity has at most %(max)d facilitators to remind.", max=MAX_FACILITATORS))
    name, email = (name or "").strip(), (email or "").strip()
    if user_id:
        if user_id not in {uid for uid, _name in facilitator_user_choices(activity)}:
            raise DomainError(_("Choose a user whose area includes the activity's commune."), field="user_id")
        if db.session.scalar(select(func.count()).where(OutreachFacilitator.activity_id == activity.id,
                                                        OutreachFacilitator.user_id == user_id)):
            raise DomainError(_("This user is already a facilitator of the activity."), field="user_id")
        facilitator = OutreachFacilitator(activity_id=activity.id, user_id=user_id, name="", email="")
    else:
        if not name:
            raise DomainError(_("Choose a user, or enter the facilitator's name and e-mail address."), field="name")
        if not _plausible_email(email):
            raise DomainError(_("Enter the facilitator's e-mail address, such as name@example.org."),
                              field="email")
        facilitator = OutreachFacilitator(activity_id=activity.id, user_id=None, name=name[:200], email=email)
    db.session.add(facilitator)
    db.session.flush()
    return facilitator


def activity_facilitators(activity):
    return db.session.scalars(select(OutreachFacilitator).where(OutreachFacilitator.activity_id == activity.id)
                              .order_by(OutreachFacilitator.id)).all()


def remove_facilitator(facilitator):
    db.session.delete(facilitator)
    db.session.flush()
