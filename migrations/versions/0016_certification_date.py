"""Certificates: the certification date (the completion date, not the moment of issue) and the review flag

- certificates.certified_on: the day the course was completed (the cohort's end date); existing rows get their
  cohort's end date;
- certificates.review_flagged_at, review_reason: a valid certificate whose enrolment is no longer completed
  (vetting denied, correction after issue) is flagged "to review";
- certificates.reviewed_at, reviewed_by_id, review_note: a flagged certificate kept after review;
- the newest certificate template, when it does not print the certification date yet and has the default's
  dates paragraph, gets a new version that prints it under the dates (certificates already issued keep theirs).

Revision ID: 0016
Revises: 0013
"""
import re
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0013"
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
    _print_the_certification_date()


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
