"""Indicators: the results framework, targets, values entered with evidence or computed from every domain's
indicators.py, reports and the DHIS2 export."""
from cpms.core.contract import Domain, Panel, Setting, not_personal

DOMAIN = Domain(
    "indicators",
    # aggregates and configuration are not personal
    columns={
        **not_personal("dhis2_category_option_combos", "dimension", "category", "category_option_combo"),
        **not_personal("indicators", "code", "name_en", "name_fr", "definition", "computation", "computation_param",
                       "disaggregations"),
        **not_personal("dhis2_data_elements", "data_element", "disaggregation", "category_option_combo"),
        **not_personal("indicator_period_locks", "note"),
        **not_personal("indicator_narratives", "period_kind", "text"),
        **not_personal("results_frameworks", "dhis2_data_set", "dhis2_attribute_option_combo"),
        **not_personal("result_nodes", "code", "title_en", "title_fr"),
        **not_personal("programme_indicators", "code", "notes"),
        **not_personal("dhis2_org_units", "org_unit"),
        **not_personal("indicator_snapshot_values", "dimension", "category"),
        **not_personal("indicator_values", "comment", "evidence_url", "evidence_name", "evidence_stored",
                       "evidence_type", "review_note"),
        **not_personal("indicator_value_breakdowns", "dimension", "category"),
    },
    # the donor's home: a viewer's dashboard opens on the programme's key results against their targets
    panels=(Panel("core.home", "indicators/_donor_home.html", context="cpms.indicators.views.home:home_panel",
                  position=10),),
    settings=(
        Setting("CPMS_INDICATOR_ON_TRACK", "INDICATOR_ON_TRACK", float, 0.9),
        Setting("CPMS_INDICATOR_AT_RISK", "INDICATOR_AT_RISK", float, 0.7),
    ),
)
