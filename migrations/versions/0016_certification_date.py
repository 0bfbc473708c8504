"""Certificates: the certification date (the completion date, not the moment of issue) and the review flag

- certificates.certified_on: the day the course was completed (the cohort's end date); existing rows get their
  cohort's end date;
- certificates.review_flagged_at, review_reason: a valid certificate whose enrolment is no longer completed
  (vetting denied, correction after issue) is flagged "to review";
- certificates.reviewed_at, reviewed_by_id, review_note: a flagged certificate kept after review;
- valid certificates issued on or before their cohort's last day (before certificates waited for the end of
  the course) are flagged "to review", so that an M&E officer revokes or keeps each;
- the newest certificate template, when it does not print the certification date yet and has the default's
  dates paragraph, gets a new version that prints it under the dates (certificates already issued keep theirs).

Revision ID: 0016
Revises: 0015
"""
import re
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("review_flagged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.String(length=500), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.String(length=500), nullable=False, server_default=""))
    op.execute("UPDATE certificates SET certified_on = (SELECT cohorts.end_date FROM cohorts "
               "WHERE cohorts.id = certificates.cohort_id)")
    op.execute("UPDATE certificates SET certified_on = end_date WHERE certified_on IS NULL")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column("certified_on", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(op.f("ix_certificates_certified_on"), ["certified_on"], unique=False)
        batch_op.create_index(op.f("ix_certificates_review_flagged_at"), ["review_flagged_at"], unique=False)
        batch_op.create_foreign_key(op.f("fk_certificates_reviewed_by_id_users"), "users", ["reviewed_by_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_check_constraint(op.f("ck_certificates_review_reason"), "review_flagged_at IS NULL OR review_reason != ''")
    _flag_certificates_issued_too_early()
    _print_the_certification_date()


TOO_EARLY = ("délivré le {issued} avant la fin de la formation le {end} / "
             "issued on {issued}, before the end of the course on {end}")


def _flag_certificates_issued_too_early():
    certificates = sa.table("certificates", sa.column("id", sa.Integer), sa.column("cohort_id", sa.Integer),
                            sa.column("status", sa.String), sa.column("issued_at", sa.DateTime(timezone=True)),
                            sa.column("review_flagged_at", sa.DateTime(timezone=True)),
                            sa.column("review_reason", sa.String))
    cohorts = sa.table("cohorts", sa.column("id", sa.Integer), sa.column("end_date", sa.Date))
    connection = op.get_bind()
    rows = connection.execute(sa.select(certificates.c.id, certificates.c.issued_at, cohorts.c.end_date)
                              .join(cohorts, cohorts.c.id == certificates.c.cohort_id)
                              .where(certificates.c.status == "valid")).all()
    now = datetime.now(timezone.utc)
    for certificate_id, issued_at, end_date in rows:
        if isinstance(issued_at, str):  # SQLite without the column's type processing
            issued_at = datetime.fromisoformat(issued_at)
        if issued_at.date() <= end_date:
            reason = TOO_EARLY.format(issued=issued_at.date().isoformat(), end=end_date.isoformat())
            connection.execute(certificates.update().where(certificates.c.id == certificate_id)
                               .values(review_flagged_at=now, review_reason=reason))


CERTIFIED = '\n  <p class="certified">{{ t.certified_on }} {{ certified_on }}</p>'
CERTIFIED_CSS = "\n.certified { font-size: 10.5pt; margin: 0 0 2.5mm; }\n"
DATES = re.compile(r'<p class="dates">.*?</p>', re.S)


def _print_the_certification_date():
    connection = op.get_bind()
    newest = connection.execute(sa.text("SELECT version, html, css FROM certificate_templates "
                                        "ORDER BY version DESC LIMIT 1")).first()
    if newest is None or "certified_on" in newest.html or not DATES.search(newest.html):
        return  # no template yet (the default one prints it), or a custom one the administrator adapts
    html = DATES.sub(lambda match: match.group(0) + CERTIFIED, newest.html, count=1)
    templates = sa.table("certificate_templates", sa.column("version", sa.Integer), sa.column("html", sa.Text),
                         sa.column("css", sa.Text), sa.column("note", sa.String), sa.column("created_at", sa.DateTime))
    op.bulk_insert(templates, [{"version": newest.version + 1, "html": html, "css": (newest.css or "") + CERTIFIED_CSS,
                                "note": "Date de certification imprimée (migration 0016)",
                                "created_at": datetime.now(timezone.utc)}])


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_certificates_review_reason"), type_="check")
        batch_op.drop_constraint(op.f("fk_certificates_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_certificates_review_flagged_at"))
        batch_op.drop_index(op.f("ix_certificates_certified_on"))
        batch_op.drop_column("review_note")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("review_reason")
        batch_op.drop_column("review_flagged_at")
        batch_op.drop_column("certified_on")
