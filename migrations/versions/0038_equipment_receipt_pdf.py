"""equipment: the signed receipt's scan may be a PDF (kept without thumbnail, with its page count)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-06 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("equipment_photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_count", sa.Integer(), nullable=True))
        batch_op.alter_column("thumbnail_name", existing_type=sa.String(length=80), nullable=True)
        batch_op.drop_constraint(op.f("ck_equipment_photos_content_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_equipment_photos_content_type"),
                                         "content_type IN ('image/jpeg', 'image/png', 'application/pdf')")
        batch_op.create_check_constraint(op.f("ck_equipment_photos_pdf_receipt_only"),
                                         "content_type <> 'application/pdf' OR kind = 'signed_receipt'")
        batch_op.create_check_constraint(op.f("ck_equipment_photos_thumbnail_of_pictures"),
                                         "(thumbnail_name IS NULL) = (content_type = 'application/pdf')")


def downgrade():
    op.execute("DELETE FROM equipment_photos WHERE content_type = 'application/pdf'")
    with op.batch_alter_table("equipment_photos", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_equipment_photos_thumbnail_of_pictures"), type_="check")
        batch_op.drop_constraint(op.f("ck_equipment_photos_pdf_receipt_only"), type_="check")
        batch_op.drop_constraint(op.f("ck_equipment_photos_content_type"), type_="check")
        batch_op.create_check_constraint(op.f("ck_equipment_photos_content_type"),
                                         "content_type IN ('image/jpeg', 'image/png')")
        batch_op.alter_column("thumbnail_name", existing_type=sa.String(length=80), nullable=False)
        batch_op.drop_column("page_count")
