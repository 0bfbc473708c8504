"""DHIS2: the mapping tables (indicator → data element, category → category option combo, area → organisation
unit) and the `dataValueSets` JSON of a report period.

An indicator is sent when it has a data element (Dhis2DataElement). Its values go to the organisation unit
of the report's area (the country's, a province's or a commune's, from Dhis2OrgUnit), or – with `level=province`
or `commune` – to each province's or commune's unit. A data element whose category combo carries a disaggregation
(e.g. sex) gets one value per category, with the category option combos of Dhis2CategoryOptionCombo; otherwise the
total, with the data element's own combo (or DHIS2's default when empty). Periods use DHIS2's period formats:
2017Q1, 2017S1, 2017AprilS1, 2017NovS1, 2017, 2016April, 2016July, 2016Oct, 2016Nov.

The set carries, as DHIS2's dataValueSets import reads them: `dataSet` and `attributeOptionCombo` when the
programme's reporting settings map them, `completeDate` (the day of the export),
`period`, and `orgUnit` when all values go to the area's unit. With `level=province|commune`, no unit mapped at that
level is an error naming what to map, not an empty set.
"""
import re

from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.extensions import db
from cpms.indicators.models import Dhis2CategoryOptionCombo, Dhis2DataElement, Dhis2OrgUnit
from cpms.indicators.service.reports import build_reports

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


def check_uid(value, field):
    value = (value or "").strip()
    if value and not UID.match(value):
        raise DomainError(_("A DHIS2 identifier has 11 letters or digits and starts with a letter."), field=field)
    return value


def save_data_element(indicator, *, data_element, disaggregation="", category_option_combo=""):
    """Map an indicator to a data element (an empty one removes the mapping). Errors: a malformed identifier, a
    disaggregation the indicator does not have."""
    data_element = check_uid(data_element, "data_element")
    category_option_combo = check_uid(category_option_combo, "category_option_combo")
    disaggregation = disaggregation or ""
    if disaggregation and disaggregation not in (indicator.disaggregations or []):
        raise DomainError(_("The indicator is not broken down by this disaggregation."), field="disaggregation")
    row = db.session.scalar(select(Dhis2DataElement).where(Dhis2DataElement.indicator_id == indicator.id))
    if not data_element:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return None
    row = row or Dhis2DataElement(indicator_id=indicator.id)
    row.data_element, row.disaggregation, row.category_option_combo = data_element, disaggregation, category_option_combo
    db.session.add(row)
    db.session.flush()
    return row


def save_combo(dimension, category, category_option_combo):
    """Map a category of a disaggregation to a category option combo (empty: remove)."""
    category_option_combo = check_uid(category_option_combo, "category_option_combo")
    row = db.session.scalar(select(Dhis2CategoryOptionCombo).where(Dhis2CategoryOptionCombo.dimension == dimension,
                                                                   Dhis2CategoryOptionCombo.category == category))
    if not category_option_combo:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return None
    row = row or Dhis2CategoryOptionCombo(dimension=dimension, category=category)
    row.category_option_combo = category_option_combo
    db.session.add(row)
    db.session.flush()
    return row


def save_org_unit(*, province_id=None, commune_id=None, org_unit):
    """Map the country (no province or commune), a province or a commune to an organisation unit (empty: remove)."""
    org_unit = check_uid(org_unit, "org_unit")
    if commune_id:
        province_id = None
    row = db.session.scalar(select(Dhis2OrgUnit).where(
        Dhis2OrgUnit.province_id.is_(None) if province_id is None else Dhis2OrgUnit.province_id == province_id,
        Dhis2OrgUnit.commune_id.is_(None) if commune_id is None else Dhis2OrgUnit.commune_id == commune_id))
    if not org_unit:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return None
    row = row or Dhis2OrgUnit(province_id=province_id, commune_id=commune_id)
    row.org_unit = org_unit
    db.session.add(row)
    db.session.flush()
    return row


def mappings():
    """(data elements by indicator id, {(dimension, category): combo}, org units) – three queries."""
    elements = {e.indicator_id: e for e in db.session.scalars(select(Dhis2DataElement))}
    combos = {(c.dimension, c.category): c.category_option_combo
              for c in db.session.scalars(select(Dhis2CategoryOptionCombo))}
    return elements, combos, org_unit_map()


YEAR_TYPES = {1: "", 4: "April", 7: "July", 9: "Sep", 10: "Oct", 11: "Nov"}


def dhis2_period(period):
    """The DHIS2 period code of a Period, or None when DHIS2 has no matching period type."""
    start = period.start
    if period.kind == "quarter":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}" if start.month in (1, 4, 7, 10) else None
    if period.kind == "half":
        return {1: f"{start.year}S1", 7: f"{start.year}S2", 4: f"{start.year}AprilS1", 10: f"{start.year}AprilS2",
                11: f"{start.year}NovS1", 5: f"{start.year - 1}NovS2"}.get(start.month)
    if period.kind == "year" and start.month in YEAR_TYPES:
        return f"{start.year}{YEAR_TYPES[start.month]}"
    return None


def dhis2_value(value, unit):
    if unit == "count" or float(value).is_integer():
        return str(int(round(value)))
    return str(round(value, 2))


def org_unit_map():
    """{("country", None) | ("province", id) | ("commune", id): uid} in one query."""
    result = {}
    for unit in db.session.scalars(select(Dhis2OrgUnit)):
        if unit.commune_id:
            result[("commune", unit.commune_id)] = unit.org_unit
        elif unit.province_id:
            result[("province", unit.province_id)] = unit.org_unit
        else:
            result[("country", None)] = unit.org_unit
    return result


def check_dhis2_period(period):
    """The DHIS2 code of the period, or a DomainError when DHIS2 cannot express it."""
    code = dhis2_period(period)
    if code is None:
        raise DomainError(_("DHIS2 has no period type for %(period)s (%(range)s): its fiscal year must start in "
                            "January, April, July, September, October or November.", period=period.label,
                            range=period.range_label))
    return code


def set_header(programme, code, complete_date, org_unit=None):
    """The dataValueSet's own fields: dataSet and attributeOptionCombo where mapped, completeDate, period, orgUnit."""
    from cpms.indicators.service.framework import settings_of
    settings = settings_of(programme.id)
    header = {"dataSet": settings.dhis2_data_set or None, "completeDate": complete_date.isoformat(), "period": code,
              "orgUnit": org_unit, "attributeOptionCombo": settings.dhis2_attribute_option_combo or None}
    return {name: value for name, value in header.items() if value}


def dhis2_payload(programme, period, *, scope, area, level="area", today=None, complete_date=None):  # noqa: C901
    """The dataValueSet of one period (see the module's docstring). Errors: a period DHIS2 cannot express, no
    organisation unit for the area (or, by level, for any province or commune). Indicators without a data element
    are left out (`skipped` lists their codes)."""
    from datetime import date
    code = check_dhis2_period(period)
    units = org_unit_map()
    if level in ("province", "commune") and not any(kind == level for kind, _id in units):
        raise DomainError(_("No %(level)s has a DHIS2 organisation unit yet: map them on the DHIS2 mapping page, or "
                            "export for the report's area.", level=_("province") if level == "province"
                            else _("commune")))
    area_unit = (units.get(("commune", area.commune_id)) if area.commune_id else
                 units.get(("province", area.province_id)) if area.province_id else units.get(("country", None)))
    if level == "area" and area_unit is None:
        raise DomainError(_("Map the report's area to a DHIS2 organisation unit first (DHIS2 mapping page)."))
    elements, combos, _units = mappings()
    dimensions = {None} | {e.disaggregation or None for e in elements.values()}
    if level in ("province", "commune"):
        dimensions = {level}
    values, skipped = [], set()
    ordered = sorted(dimensions, key=lambda d: d or "")
    reports = build_reports(programme, period, scope=scope, area=area, dimensions=ordered, today=today,
                            with_trend=False)
    for dimension in ordered:
        report = reports[dimension]
        for row in report.rows:
            element = elements.get(row.pi.indicator_id)
            if element is None:
                skipped.add(row.pi.code)
                continue
            if row.actual is None:
                continue
            wanted = element.disaggregation or None
            data = {"dataElement": element.data_element, "period": code, "value": dhis2_value(row.actual, row.unit)}
            if level in ("province", "commune"):
                if row.category is None or (wanted is not None):
                    continue
                unit = units.get((level, int(row.category)))
                if unit is None:
                    skipped.add(f"{row.pi.code}:{row.label}")
                    continue
                data["orgUnit"] = unit
                if element.category_option_combo:
                    data["categoryOptionCombo"] = element.category_option_combo
            elif dimension != wanted:
                continue
            elif row.category is None:
                if wanted is not None:
                    continue
                data["orgUnit"] = area_unit
                if element.category_option_combo:
                    data["categoryOptionCombo"] = element.category_option_combo
            else:
                combo = combos.get((dimension, row.category))
                if combo is None:
                    skipped.add(f"{row.pi.code}:{row.label}")
                    continue
                data.update(orgUnit=area_unit, categoryOptionCombo=combo)
            values.append(data)
    header = set_header(programme, code, complete_date or today or date.today(),
                        area_unit if level == "area" else None)
    return {**header, "dataValues": values}, sorted(skipped)
