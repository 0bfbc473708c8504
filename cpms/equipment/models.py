"""Equipment items given to police units, their deliveries (handover to a station, signed by its commander) and
the periodic condition checks that say what state each item is in today."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpms.core.models import Audited, TimestampMixin, UTCDateTime, utcnow, values_check
from cpms.extensions import db

CATEGORIES = ("it", "communication", "vehicles", "furniture", "uniforms", "sgbv_kit", "other")
CONDITIONS = ("in_use", "damaged", "lost", "not_found")
CURRENCIES = ("USD", "EUR", "CDF")
DISPOSAL_REASONS = ("worn_out", "beyond_repair", "lost", "obsolete", "other")
LOSS_STATUSES = ("open", "recovered", "not_recovered")
PHOTO_KINDS = ("photo", "signed_receipt")


class EquipmentItem(Audited, TimestampMixin, db.Model):
    """One tagged item (serial or tag number, quantity 1) or a line of untagged consumables (a quantity).

    It is kept in stock in a commune (`commune_id`) until a delivery hands it over to a station; then
    `delivery_id` and `station_id` say where it is and `commune_id` follows the station. `province_id` repeats the
    commune's province for area filters. A serial number is unique when given."""

    __tablename__ = "equipment_items"
    __table_args__ = (
        CheckConstraint(values_check("category", CATEGORIES), name="category"),
        CheckConstraint(values_check("currency", CURRENCIES), name="currency"),
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("serial_number IS NULL OR quantity = 1", name="tagged_one"),
        CheckConstraint("unit_value IS NULL OR unit_value >= 0", name="unit_value"),
        CheckConstraint("(delivery_id IS NULL) = (station_id IS NULL)", name="delivered_to_station"),
        CheckConstraint("disposal_reason IS NULL OR " + values_check("disposal_reason", DISPOSAL_REASONS),
                        name="disposal_reason"),
        CheckConstraint("(disposed_on IS NULL) = (disposal_reason IS NULL)", name="disposed_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))
    make_model: Mapped[str] = mapped_column(String(120), default="")
    serial_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    donor: Mapped[str] = mapped_column(String(120), default="")
    purchase_reference: Mapped[str] = mapped_column(String(80), default="")
    received_on: Mapped[date] = mapped_column(Date)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("equipment_deliveries.id", ondelete="RESTRICT"),
                                                    index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # end of life: a disposed item stays in the register (the audit trail) but leaves the units' counts
    disposed_on: Mapped[date | None] = mapped_column(Date)
    disposal_reason: Mapped[str | None] = mapped_column(String(20))
    disposal_note: Mapped[str] = mapped_column(Text, default="")
    disposal_authorised_by: Mapped[str] = mapped_column(String(200), default="")

    programme = relationship("Programme", lazy="joined", innerjoin=True)
    commune = relationship("Commune", lazy="joined", innerjoin=True)
    station = relationship("Station", lazy="joined")

    def __repr__(self):
        return f"<EquipmentItem {self.id} {self.category} {self.serial_number or self.quantity}>"


class EquipmentDelivery(Audited, TimestampMixin, db.Model):
    """A handover of several items to a station, on one day, signed for by the receiving commander."""

    __tablename__ = "equipment_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="RESTRICT"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id", ondelete="RESTRICT"), index=True)
    delivered_on: Mapped[date] = mapped_column(Date, index=True)
    received_by_name: Mapped[str] = mapped_column(String(200))
    received_by_rank: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    station = relationship("Station", lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<EquipmentDelivery {self.id} station={self.station_id} {self.delivered_on}>"


class EquipmentCheck(Audited, TimestampMixin, db.Model):
    """A condition check of a delivered item during a monitoring visit; the item's state is its latest check."""

    __tablename__ = "equipment_checks"
    __table_args__ = (CheckConstraint(values_check("condition", CONDITIONS), name="condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id", ondelete="CASCADE"), index=True)
    checked_on: Mapped[date] = mapped_column(Date, index=True)
    condition: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<EquipmentCheck {self.id} item={self.item_id} {self.condition} {self.checked_on}>"


class EquipmentMaintenance(Audited, TimestampMixin, db.Model):
    """Maintenance or repair work done on an item: the day, what was done, by whom and what it cost."""

    __tablename__ = "equipment_maintenance"
    __table_args__ = (CheckConstraint(values_check("currency", CURRENCIES), name="currency"),
                      CheckConstraint("cost IS NULL OR cost >= 0", name="cost"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id", ondelete="CASCADE"), index=True)
    done_on: Mapped[date] = mapped_column(Date, index=True)
    work: Mapped[str] = mapped_column(Text)
    done_by: Mapped[str] = mapped_column(String(200))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<EquipmentMaintenance {self.id} item={self.item_id} {self.done_on}>"


class EquipmentLoss(Audited, TimestampMixin, db.Model):
    """A loss or theft reported for a delivered item, and its follow-up: open until the item is recovered or the
    search is closed as not recovered (with a closing note)."""

    __tablename__ = "equipment_losses"
    __table_args__ = (CheckConstraint(values_check("status", LOSS_STATUSES), name="status"),
                      CheckConstraint("(status = 'open') = (closed_on IS NULL)", name="closed_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[date] = mapped_column(Date, index=True)
    circumstances: Mapped[str] = mapped_column(Text)
    police_report_reference: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closing_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<EquipmentLoss {self.id} item={self.item_id} {self.status}>"


class EquipmentTransfer(Audited, TimestampMixin, db.Model):
    """One item moved from the unit holding it to another unit: the history of where an item has been."""

    __tablename__ = "equipment_transfers"
    __table_args__ = (CheckConstraint("from_station_id <> to_station_id", name="two_units"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_items.id", ondelete="CASCADE"), index=True)
    from_station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    to_station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    transferred_on: Mapped[date] = mapped_column(Date, index=True)
    received_by_name: Mapped[str] = mapped_column(String(200))
    received_by_rank: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    from_station = relationship("Station", foreign_keys=[from_station_id], lazy="joined", innerjoin=True)
    to_station = relationship("Station", foreign_keys=[to_station_id], lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<EquipmentTransfer {self.id} item={self.item_id} {self.from_station_id}->{self.to_station_id}>"


class EquipmentPhoto(Audited, db.Model):
    """A photo of a delivery (the items handed over, or the signed receipt's scan) or of a condition check.

    Uploaded through core's safe path for photos (cpms.core.images): recognised by its bytes, bounded,
    re-encoded without metadata, thumbnailed, stored with a random name under UPLOAD_DIR/equipment/ (older ones
    under UPLOAD_DIR/stations/) and
    served by an equipment view that checks access. Exactly one of delivery_id and check_id is set. The signed
    receipt's scan may also be a PDF (cpms.equipment.service.scans: checked, rewritten, no thumbnail)."""

    __tablename__ = "equipment_photos"
    __table_args__ = (
        CheckConstraint(values_check("kind", PHOTO_KINDS), name="kind"),
        CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'application/pdf')", name="content_type"),
        CheckConstraint("content_type <> 'application/pdf' OR kind = 'signed_receipt'", name="pdf_receipt_only"),
        CheckConstraint("(thumbnail_name IS NULL) = (content_type = 'application/pdf')",
                        name="thumbnail_of_pictures"),
        CheckConstraint("(delivery_id IS NULL) <> (check_id IS NULL)", name="one_owner"),
        CheckConstraint("kind = 'photo' OR delivery_id IS NOT NULL", name="receipt_on_delivery"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("equipment_deliveries.id", ondelete="CASCADE"),
                                                    index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("equipment_checks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="photo")
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    thumbnail_name: Mapped[str | None] = mapped_column(String(80), unique=True)  # none for a PDF
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int]
    page_count: Mapped[int | None] = mapped_column(Integer)  # of a PDF
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self):
        return f"<EquipmentPhoto {self.id} {self.kind} {self.stored_name}>"


class EquipmentRecipient(Audited, db.Model):
    """A named trained officer who received items of a delivery (chosen from the trainee registry by matricule)."""

    __tablename__ = "equipment_recipients"
    __table_args__ = (UniqueConstraint("delivery_id", "trainee_id", name="uq_equipment_recipients_delivery_trainee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("equipment_deliveries.id", ondelete="CASCADE"), index=True)
    # a trainee erased from the registry (privacy) leaves the delivery without their name
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)

    trainee = relationship("Trainee", lazy="joined", innerjoin=True)

    def __repr__(self):
        return f"<EquipmentRecipient delivery={self.delivery_id} trainee={self.trainee_id}>"
