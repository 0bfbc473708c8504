"""Who may use the indicators pages and API (the same decisions as cpms/indicators/views/).

- M&E officers and admins manage the library, frameworks, targets and DHIS2 mappings, approve entered values,
  lock reported periods and export to DHIS2; only admins unlock a period.
- Project officers enter values for their area, list them, open their evidence, and open the records behind a
  figure of a report (officers, meetings, projects…).
- Everybody reads the frameworks, reports (and their PDF, XLSX, CSV), dashboards and the API – aggregates only:
  viewers (donors) and trainers get no drill-down to records and no entered values with their evidence.
Everything is limited to the user's area: programmes outside it answer 404, figures count only its records.
"""
from tests.access import ADMIN, ANY

MANAGE = frozenset({"admin", "me_officer"})
ENTER = frozenset({"admin", "me_officer", "project_officer"})

EXPECTED = {
    "indicators.index": ANY,
    "indicators.library": ANY,
    "indicators.indicator_create": MANAGE,
    "indicators.indicator_edit": MANAGE,
    "indicators.framework": ANY,
    "indicators.settings_edit": MANAGE,
    "indicators.node_create": MANAGE,
    "indicators.node_edit": MANAGE,
    "indicators.programme_indicator_create": MANAGE,
    "indicators.programme_indicator_edit": MANAGE,
    "indicators.targets_edit": MANAGE,
    "indicators.dhis2_mapping": MANAGE,
    "indicators.dhis2_data_element": MANAGE,
    "indicators.dhis2_combo": MANAGE,
    "indicators.dhis2_org_unit": MANAGE,
    "indicators.report": ANY,
    "indicators.report_export": ANY,
    "indicators.report_dhis2": MANAGE,
    "indicators.dashboard": ANY,
    "indicators.indicator_detail": ANY,
    "indicators.records": ENTER,
    "indicators.lock_create": MANAGE,
    "indicators.narrative_edit": MANAGE,
    "indicators.lock_remove": ADMIN,
    "indicators.value_create": ENTER,
    "indicators.value_detail": ENTER,
    "indicators.value_review": MANAGE,
    "indicators.value_evidence": ENTER,
    "indicators.value_list": ENTER,
    "indicators.review_queue": MANAGE,
    "api.indicator_list": ANY,
    "api.indicator_values": ANY,
}

# the indicator library is shared by every programme: its entries belong to no area
AREA_NEUTRAL = {"indicators.indicator_edit"}

def samples(request):
    """A framework of a Kasaï-Oriental programme with an entered indicator, an approved value with a PDF in
    Bipemba, and a locked quarter. (The programmes matrix supplies programme_id.)"""
    import io
    from datetime import date

    from werkzeug.datastructures import FileStorage

    from cpms.core.permissions import Scope
    from cpms.extensions import db
    from cpms.indicators.service import entries, locking
    from tests.conftest import commune_id
    from tests.helpers.pdf import scanned_pdf
    from tests.indicators.fixtures import add_indicator, new_framework, new_indicator

    framework = new_framework(request.getfixturevalue("make_programme")(provinces=["Kasaï-Oriental"], code="IND-ACCESS"))
    indicator = new_indicator(code="ACCESS-1", disaggregations=["sex"])
    pi = add_indicator(framework, indicator, lop=100)
    me = request.getfixturevalue("make_user")("me_officer")
    value = entries.save_value(me, Scope.national(), framework.programme, pi, period="2016-Q2", value=12,
                               commune_id=commune_id("Bipemba"), evidence_file=FileStorage(
                                   io.BytesIO(scanned_pdf(1)), filename="atelier.pdf"), today=date(2017, 1, 1))
    entries.review_value(me, value, approve=True)
    lock = locking.lock_period(me, Scope.national(), framework.programme, "2016-Q3", today=date(2017, 1, 1))
    db.session.commit()
    return {"library_id": indicator.id, "node_id": framework.output.id, "outcome_id": framework.outcome.id, "pi_id": pi.id, "indicator_id": pi.id,
            "value_id": value.id, "lock_id": lock.id}
