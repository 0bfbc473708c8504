"""The results framework and its figures: programme settings, framework and library (framework.py), periods,
targets, computed and entered values (values.py, entries.py), locks, reports, drill-down, exports and DHIS2.

The package gives the main part's services under `cpms.indicators.service` and imports its topic modules; no part
imports this module back."""
from cpms.indicators.service import (  # noqa: F401  (its topic modules)
    dhis2,
    drilldown,
    entries,
    exports,
    locking,
    narratives,
    periods,
    reports,
    targets,
    values,
)
from cpms.indicators.service.framework import (  # noqa: F401  (its services, as cpms.indicators.service.<name>)
    CODE,
    add_programme_indicator,
    create_indicator,
    indicator_cards,
    library,
    programme_indicators,
    programme_nodes,
    programme_span,
    programme_years,
    save_node,
    save_settings,
    settings_of,
    tree_order,
    update_indicator,
    update_programme_indicator,
)
