"""Certified officers still posted in their programme's area whose minimum period there is about to end."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from cpms.deployments.models import Posting
from cpms.deployments.service import certified_officers
from cpms.deployments.service.retention import add_months, minimum_months
from cpms.extensions import db
from cpms.notifications.registry import Reminder, reminder_kind
from cpms.programmes.models import programme_provinces
from cpms.training.models import Cohort

# postings are managed by admins and project officers; the project officers of the place follow them up
OFFICERS = {"project_officer"}


@reminder_kind("posting_minimum_ending", label=_l("End of the minimum posting period approaching"),
               roles=OFFICERS, days_before=30, default_delivery="digest",
               description=_l("To the project officers of the officer's posting, some days before a certified "
                              "officer completes the minimum period in the programme's area "
                              "(CPMS_RETENTION_MIN_MONTHS after certification), while still posted there."))
def minimum_posting_periods_ending(ctx):
    months = minimum_months()
    horizon = ctx.today + timedelta(days=ctx.days_before)
    cert = certified_officers(ctx.today).subquery("certified")
    minimum_end = add_months(cert.c.certified_on, months)
    in_area = exists().where(programme_provinces.c.programme_id == Cohort.programme_id,
                             programme_provinces.c.province_id == Posting.province_id)
    rows = db.session.execute(
        select(Posting, cert.c.certified_on, minimum_end.label("minimum_end"))
        .select_from(cert).join(Cohort, Cohort.id == cert.c.cohort_id)
        .join(Posting, Posting.trainee_id == cert.c.trainee_id)
        .where(in_area, Posting.start_date <= ctx.today,
               or_(Posting.end_date.is_(None), Posting.end_date >= ctx.today),
               minimum_end.between(ctx.since, horizon))
        .order_by(minimum_end, Posting.trainee_id, Posting.start_date.desc(), Posting.id.desc())).all()
    seen = set()
    for posting, certified_on, end_on in rows:
        if (posting.trainee_id, end_on) in seen:  # two current postings in the area: the latest one speaks
            continue
        seen.add((posting.trainee_id, end_on))
        officer = posting.trainee
        yield Reminder(object_key=f"officer:{officer.id}", due_on=end_on,
                       recipients=ctx.staff_covering(OFFICERS, posting.province_id, posting.commune_id),
                       link=("deployments.officer_detail", {"trainee_id": officer.id}),
                       context={"officer": officer.full_name, "matricule": officer.matricule, "place": posting.place,
                                "function": posting.function, "certified_on": certified_on, "end_on": end_on,
                                "months": months})
