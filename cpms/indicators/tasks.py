"""Indicator jobs: the report's exports that take time – the workbook (XLSX, every disaggregation), the PDF
(charts and pages) and the DHIS2 dataValueSets JSON. The report's CSV is its page's own table and is answered
at once (cpms/indicators/views/reports.py).

The handler acts as the user who asked (their area limits the figures) and in their language; it writes
nothing but its audit entry, so running it again is harmless.
"""
import json

from flask_babel import gettext as _

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.jobs import N_, task
from cpms.core.permissions import scope_of
from cpms.core.transaction import current_actor, in_transaction
from cpms.extensions import db
from cpms.indicators import service
from cpms.indicators.service import dhis2, exports
from cpms.indicators.service import periods as P
from cpms.indicators.service.pictures import province_maps, report_places
from cpms.indicators.service.reports import build_report
from cpms.indicators.service.values import Area

EXPORT_KIND = "indicators.report_export"
FORMATS = ("xlsx", "pdf", "dhis2")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf", "dhis2": "application/json"}


def export_params(programme, fmt, period, area_key, area_label, dimension=None, level="area"):
    """The job's parameters (JSON values) for one export of the report."""
    return {"programme_id": programme.id, "fmt": fmt, "period": period.key, "area": area_key,
            "area_label": area_label, "dimension": dimension, "level": level}


def _area(key):
    return Area(province_id=int(key[1:]) if key.startswith("p") else None,
                commune_id=int(key[1:]) if key.startswith("c") else None)


def _programme(programme_id, scope):
    from cpms.programmes.models import Programme
    from cpms.programmes.service import can_see
    programme = db.session.get(Programme, programme_id)
    if programme is None or not can_see(programme, scope):
        raise DomainError(_("This programme is not in your area any more."))
    return programme


def _xlsx(job, programme, period, scope, area, area_label, dimension, level):
    job.progress(30, N_("Computing the figures"))
    data = exports.report_xlsx(programme, period, scope=scope, area=area, area_label=area_label)
    return f"indicators-{programme.code}-{period.key}.xlsx", data, None


def _pdf(job, programme, period, scope, area, area_label, dimension, level):
    report = build_report(programme, period, scope=scope, area=area, dimension=dimension, area_label=area_label)
    job.progress(40, N_("Drawing the pages"))
    maps = province_maps(report, scope)
    places = report_places(report, scope)
    return f"indicators-{programme.code}-{period.key}.pdf", exports.report_pdf(report, maps, places), None


def _dhis2(job, programme, period, scope, area, area_label, dimension, level):
    payload, skipped = dhis2.dhis2_payload(programme, period, scope=scope, area=area, level=level)
    job.progress(80, N_("Writing the data values"))
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    note = _("%(count)s values. Left out (no DHIS2 mapping): %(skipped)s.", count=len(payload["dataValues"]),
             skipped=", ".join(skipped)) if skipped else _("%(count)s values.", count=len(payload["dataValues"]))
    return f"dhis2-{programme.code}-{period.key}.json", data, note


WRITERS = {"xlsx": _xlsx, "pdf": _pdf, "dhis2": _dhis2}


@task(EXPORT_KIND, title=N_("Indicator report export"))
def report_export(job, programme_id, fmt, period, area="", area_label="", dimension=None, level="area"):
    db.session.info.pop("indicator_settings", None)  # settings_of's cache may hold rows of an earlier session
    scope = scope_of(current_actor())
    programme = _programme(programme_id, scope)
    month = service.settings_of(programme.id).fiscal_year_start_month
    try:
        period = P.parse_period(period, month)
    except ValueError:
        raise DomainError(_("This period is not one of the programme's.")) from None
    job.progress(10, N_("Computing figures"))
    filename, data, note = WRITERS[fmt](job, programme, period, scope, _area(area or ""), area_label, dimension,
                                        level)
    with in_transaction():
        record_event("export", entity="programmes", entity_id=programme_id,
                     detail=f"indicator report {fmt.upper()} {period.key} {area_label}"[:500])
    job.progress(95, N_("Saving the file"))
    job.save_result(filename, data, MIMETYPES[fmt])
    return note or N_("The file is ready.")
