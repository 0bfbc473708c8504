"""Values entered for an indicator: one per fiscal quarter and area, with evidence (a file or a link), a comment,
and an M&E officer's approval. Only approved values count in reports; a value of a locked period cannot change.

Evidence files are checked by their content (PDF, JPEG, PNG, XLSX, DOCX, ODS/ODT) and stored under
UPLOAD_DIR/indicators/ with random names; they are served only through a view that checks role and area.
"""
import os
import secrets
from datetime import date
from urllib.parse import urlparse

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core import contract
from cpms.core.errors import DomainError
from cpms.core.labels import AGE_GROUP_LABELS, SEX_GROUP_LABELS
from cpms.core.models import utcnow
from cpms.core.permissions import ADMIN, ME_OFFICER
from cpms.core.scans import check_pdf
from cpms.extensions import db
from cpms.geo.models import Commune, Province
from cpms.indicators.models import IndicatorValue, ProgrammeIndicator, ValueBreakdown
from cpms.indicators.reference import ADDITIVE_UNITS, DIMENSIONS, ENTERED_DIMENSIONS
from cpms.indicators.service import periods as P
from cpms.indicators.service.framework import programme_years, settings_of
from cpms.indicators.service.locking import locked_period_containing

REVIEWERS = frozenset({ADMIN, ME_OFFICER})
MAX_EVIDENCE_PDF_PAGES = 200  # a workshop's report or a register's scan; a longer file is something else
EVIDENCE_TYPES = [  # (magic bytes, extension, content type)
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
]
ZIP_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".ods": "application/vnd.oasis.opendocument.spreadsheet",
             ".odt": "application/vnd.oasis.opendocument.text"}


def categories_of(dimension):
    """The categories an entered value may be broken down by: [(key, label)]. Sex and age groups are shared; the
    others come from the domain that owns the dimension (its Dimension in the contract)."""
    if dimension == "sex":
        return [(k, str(v)) for k, v in SEX_GROUP_LABELS.items()]
    if dimension == "age_group":
        return [(k, str(v)) for k, v in AGE_GROUP_LABELS.items()]
    return contract.dimension_categories(dimension) or []


def entry_dimensions(indicator):
    return [d for d in (indicator.disaggregations or []) if d in ENTERED_DIMENSIONS]


def _area(actor_scope, programme, province_id, commune_id):
    """(province id, commune id) of a value, checked against the programme and the user's area."""
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune_id and commune is None:
        raise DomainError(_("Choose the commune from the list."), field="commune_id")
    if commune is not None:
        province_id = commune.province_id
    if province_id and db.session.get(Province, province_id) is None:
        raise DomainError(_("Choose the province from the list."), field="province_id")
    if province_id and province_id not in programme.province_ids:
        raise DomainError(_("The programme does not cover this province."), field="province_id")
    if not province_id and not actor_scope.is_national:
        raise DomainError(_("Choose the province or commune the value is for (your account is limited to an area)."),
                          field="province_id")
    if province_id and not actor_scope.allows(province_id, commune.id if commune else None):
        raise DomainError(_("This area is outside yours."), field="province_id")
    if province_id and commune is None and not actor_scope.is_national \
            and province_id not in actor_scope.full_province_ids:
        raise DomainError(_("Your account covers communes of this province, not all of it: choose the commune."),
                          field="commune_id")
    return province_id or None, commune.id if commune else None


def _check_breakdowns(indicator, total, breakdowns):
    cleaned = {}
    allowed = entry_dimensions(indicator)
    for dimension, cells in (breakdowns or {}).items():
        cells = {k: v for k, v in cells.items() if v is not None}
        if not cells:
            continue
        if dimension not in allowed:
            raise DomainError(_("This indicator is not broken down by %(name)s.", name=DIMENSIONS.get(dimension, dimension)))
        known = {key for key, _label in categories_of(dimension)}
        if any(key not in known for key in cells):
            raise DomainError(_("Choose the categories from the list."))
        if any(v < 0 for v in cells.values()):
            raise DomainError(_("Values cannot be negative."))
        if indicator.unit in ADDITIVE_UNITS:
            parts = sum(cells.values())
            complete = len(cells) == len(known) and dimension == "sex"
            if (complete and abs(parts - total) > 1e-9) or parts > total + 1e-9:
                raise DomainError(_("The values by %(name)s add up to %(parts)s, but the total is %(total)s: "
                                    "correct one of them.", name=str(DIMENSIONS[dimension]).lower(),
                                    parts=format_decimal(parts), total=format_decimal(total)))
        cleaned[dimension] = cells
    return cleaned


def _check_evidence(url, upload, existing_file):
    url = (url or "").strip()
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise DomainError(_("The evidence link must be a web address starting with https:// or http://."),
                              field="evidence_url")
    has_file = upload is not None and getattr(upload, "filename", "")
    if not url and not has_file and not existing_file:
        raise DomainError(_("Attach the evidence: a file (PDF, photo, spreadsheet…) or a link to it."),
                          field="evidence_file")
    return url


def _store_evidence(upload):
    """Save an uploaded evidence file after checking its content; returns (stored name, original name, type). A PDF
    is checked and kept as its pages written again (cpms.core.scans: not encrypted, at most MAX_EVIDENCE_PDF_PAGES,
    nothing in it that can act or carry another file); the file is always downloaded, never shown in the page."""
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The file is too large: the limit is %(mb)d MB.", mb=current_app.config["MAX_UPLOAD_MB"]),
                          field="evidence_file")
    extension = content_type = None
    for magic, ext, kind in EVIDENCE_TYPES:
        if data.startswith(magic):
            extension, content_type = ext, kind
    suffix = os.path.splitext(upload.filename or "")[1].lower()
    if data.startswith(b"PK\x03\x04") and suffix in ZIP_TYPES:
        extension, content_type = suffix[1:], ZIP_TYPES[suffix]
    if extension is None:
        raise DomainError(_("The evidence file must be a PDF, a JPEG or PNG photo, or an XLSX, DOCX, ODS or ODT "
                            "document."), field="evidence_file")
    if content_type == "application/pdf":
        label = os.path.basename(upload.filename or "") or _("The file")
        data = check_pdf(data, label, field="evidence_file", max_pages=MAX_EVIDENCE_PDF_PAGES).data
    folder = os.path.join(current_app.config["UPLOAD_DIR"], "indicators")
    os.makedirs(folder, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{extension}"
    with open(os.path.join(folder, stored), "wb") as handle:
        handle.write(data)
    name = os.path.basename(upload.filename or f"evidence.{extension}")[:255]
    return stored, name, content_type


def evidence_path(value):
    return os.path.join(current_app.config["UPLOAD_DIR"], "indicators", value.evidence_stored)


def quarter_for(programme, key):
    month = settings_of(programme.id).fiscal_year_start_month
    try:
        period = P.parse_period(key, month)
    except ValueError:
        raise DomainError(_("Choose the quarter."), field="period")
    if period.kind != "quarter":
        raise DomainError(_("Values are entered per quarter; choose one."), field="period")
    years = programme_years(programme, month)
    if not years or period.start < years[0].start or period.end > years[-1].end:
        raise DomainError(_("%(period)s is outside the programme's fiscal years.", period=period.label), field="period")
    return period


def _refuse_if_locked(programme_id, start, end):
    lock = locked_period_containing(programme_id, start, end)
    if lock is not None:
        raise DomainError(_("The period %(period)s is locked: its figures were reported and cannot change.",
                            period=lock.label))


def save_value(actor, scope, programme, pi, value_row=None, *, period, province_id=None, commune_id=None, value,  # noqa: C901
               comment="", evidence_url="", evidence_file=None, breakdowns=None, today=None):
    """Enter (or correct) the value of a quarter and area; it then awaits approval.

    Errors: a computed indicator, a quarter outside the programme or not begun, a locked period, an area outside
    the programme or the user's, a second value for the same quarter and area, no value, a negative value or a
    percentage above 100, breakdowns that do not add up to the total, no evidence, an evidence file of another
    type."""
    today = today or date.today()
    if pi.indicator.is_computed:
        raise DomainError(_("This indicator is computed from CPMS data; it cannot be entered."))
    quarter = quarter_for(programme, period)
    if quarter.start > today:
        raise DomainError(_("%(period)s has not begun; enter values for past or current quarters.",
                            period=quarter.label), field="period")
    _refuse_if_locked(programme.id, quarter.start, quarter.end)
    if value_row is not None:
        _refuse_if_locked(programme.id, value_row.period_start, value_row.period_end)
    province_id, commune_id = _area(scope, programme, province_id, commune_id)
    same = select(IndicatorValue.id).where(
        IndicatorValue.programme_indicator_id == pi.id, IndicatorValue.period_start == quarter.start,
        IndicatorValue.status != "rejected",
        IndicatorValue.province_id.is_(None) if province_id is None else IndicatorValue.province_id == province_id,
        IndicatorValue.commune_id.is_(None) if commune_id is None else IndicatorValue.commune_id == commune_id)
    clash = db.session.scalar(same)
    if clash is not None and (value_row is None or clash != value_row.id):
        raise DomainError(_("A value for %(period)s and this area was already entered; open it to correct it.",
                            period=quarter.label), field="period")
    if value is None:
        raise DomainError(_("Enter the value."), field="value")
    if value < 0:
        raise DomainError(_("Values cannot be negative."), field="value")
    if value > 100 and pi.indicator.unit == "percentage":
        raise DomainError(_("A percentage cannot exceed 100."), field="value")
    cells = _check_breakdowns(pi.indicator, value, breakdowns)
    evidence_url = _check_evidence(evidence_url, evidence_file, value_row is not None and value_row.evidence_stored)
    row = value_row or IndicatorValue(programme_indicator_id=pi.id)
    if evidence_file is not None and getattr(evidence_file, "filename", ""):
        row.evidence_stored, row.evidence_name, row.evidence_type = _store_evidence(evidence_file)
    row.period_start, row.period_end = quarter.start, quarter.end
    row.province_id, row.commune_id, row.value = province_id, commune_id, value
    row.comment, row.evidence_url = (comment or "").strip(), evidence_url
    row.status, row.entered_by_id, row.reviewed_by_id, row.reviewed_at = "submitted", getattr(actor, "id", None), None, None
    db.session.add(row)
    db.session.flush()
    if value_row is not None:
        for part in db.session.scalars(select(ValueBreakdown).where(ValueBreakdown.value_id == row.id)):
            db.session.delete(part)
        db.session.flush()
    db.session.add_all(ValueBreakdown(value_id=row.id, dimension=dimension, category=key, value=v)
                       for dimension, parts in cells.items() for key, v in parts.items())
    db.session.flush()
    return row


def review_value(actor, value_row, *, approve, note=""):
    """Approve or reject an entered value (M&E officers and admins). Errors: a locked period, a rejection
    without a reason, a value already reviewed the same way."""
    if getattr(actor, "role", None) not in REVIEWERS:
        raise DomainError(_("Only M&E officers and administrators approve values."))
    _refuse_if_locked(value_row.programme_indicator.programme_id, value_row.period_start, value_row.period_end)
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("Say why the value is rejected, so that it can be corrected."), field="note")
    status = "approved" if approve else "rejected"
    if value_row.status == status:
        raise DomainError(_("This value is already %(status)s.", status=str(value_row.status_label).lower()))
    value_row.status, value_row.review_note = status, note
    value_row.reviewed_by_id, value_row.reviewed_at = getattr(actor, "id", None), utcnow()
    db.session.flush()
    return value_row


def value_breakdowns(value_row):
    return db.session.scalars(select(ValueBreakdown).where(ValueBreakdown.value_id == value_row.id)
                              .order_by(ValueBreakdown.dimension, ValueBreakdown.category)).all()


def can_see_value(value_row, scope):
    if value_row.province_id is None:
        return True  # a programme-wide value: whoever sees the programme may read it
    return scope.allows(value_row.province_id, value_row.commune_id)


def visible_values(scope, programme_id, *, pi_id=None, status=None):
    stmt = select(IndicatorValue).where(IndicatorValue.programme_indicator_id.in_(
        select(ProgrammeIndicator.id).where(ProgrammeIndicator.programme_id == programme_id)))
    if not scope.is_national:
        stmt = stmt.where(scope.filter(IndicatorValue.province_id, IndicatorValue.commune_id)
                          | IndicatorValue.province_id.is_(None))
    if pi_id:
        stmt = stmt.where(IndicatorValue.programme_indicator_id == pi_id)
    if status:
        stmt = stmt.where(IndicatorValue.status == status)
    return stmt.order_by(IndicatorValue.period_start.desc(), IndicatorValue.id.desc())
