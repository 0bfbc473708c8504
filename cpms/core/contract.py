"""The domain contract: what each domain contributes to the cross-cutting packages, declared in one place.

Every domain package declares, in its `cpms/<domain>/__init__.py`, one

    DOMAIN = Domain("training", columns={...}, tables={...}, retention=(...), settings=(...), panels=(...))

and the cross-cutting code reads these declarations instead of naming domains: the personal-data
classification (cpms/core/classification.py), retention and subject access (cpms/privacy/), the configuration
(cpms/config.py), the panels a page offers to other domains (the `panels(slot, obj)` template global) and the
disaggregations of indicators whose categories a domain owns (cpms/indicators/).
Functions are named by dotted strings ("cpms.training.privacy:retire_trainees") and imported only when used, so
importing a domain's `__init__.py` stays cheap and creates no circular import. docs/domains.md describes every
field. The conventional modules of a domain (models, views, api, reminders, indicators, jobs, demo, cli…) are
found by their file names (cpms.domains.domain_modules), not declared here.
"""
import importlib
from dataclasses import dataclass, field
from functools import cache

from markupsafe import Markup

PII_KINDS = ("personal", "sensitive", "none")
UNITS = ("days", "years")


@dataclass(frozen=True)
class Setting:
    """A configuration setting: `CPMS_<env>` in the environment, `key` in app.config (instance/config.py too).

    `type` reads the environment's text: int, float, str or "bool" (1/true/yes/on)."""

    env: str
    key: str
    type: object
    default: object


@dataclass(frozen=True)
class RetentionClass:
    """A retention class: how long the personal data of this class is kept, and how it is retired.

    `setting` is the config key of the period (in `unit`, days or years; 0 keeps the data); `retire` is
    "module:function", called as retire(before) with the moment before which the data has expired, returning
    the number of rows anonymised or deleted. Without `setting` the data is kept (part of the programme's record).
    """

    name: str
    description: str
    setting: str | None = None
    unit: str = "years"
    retire: str | None = None


@dataclass(frozen=True)
class MapLayer:
    """Places this domain draws on the maps of an area (the province page, a donor's home page:
    cpms.geo.maps.area_map). `places` is "module:function", called as function(scope, province_id=None, cap=N) and
    returning (layers, places, total): cpms.geo.maps.Layer for the legend, at most `cap` cpms.geo.maps.Place in
    the scope, and how many there are in all. One query."""

    name: str
    places: str
    position: int = 50  # layers are drawn by position, then in domain order


@dataclass(frozen=True)
class Panel:
    """A part of another domain's page (a `slot`, e.g. "training.trainee"), drawn by this domain.

    `context` is "module:function", called with the page's object (None for layout slots); it returns the
    template's variables, or None to leave the panel out (e.g. the user may not read it). `template` is a
    partial of this domain's own template folder; it sees the page's variables plus those returned."""

    slot: str
    template: str
    context: str
    position: int = 50  # panels of one slot are shown by position, then in domain order


@dataclass(frozen=True)
class Column:
    """A column of a table on another domain's page (a `slot`, e.g. "training.closeout"), drawn by this domain.

    `context` is "module:function", called once per page with the page's object; it returns the variables the
    cells need (e.g. {enrolment id: certificate}, one query), or None to leave the column out. `template` is a
    partial of this domain's own folder that draws one cell (`<td>…</td>`) from those variables and `row`, the
    table's row; `heading` is the column's title."""

    slot: str
    heading: object
    template: str
    context: str
    position: int = 50


@dataclass(frozen=True)
class Subject:
    """People whose data can be exported on request (subject access): the rows of `table`.

    `find` is "module:function", called as find(row_id, user): the row, or 404 when the user may not see it.
    The export itself is generic: every row that refers to the subject's row, directly or through other rows."""

    table: str
    find: str


@dataclass(frozen=True)
class Dimension:
    """A disaggregation of indicators whose categories this domain owns (e.g. "rank": the trainees' ranks).

    `labels` is "module:function", called as labels(keys) with category keys as the figures give them; it returns
    {key: label} for the keys it knows (the others are shown as they are), with at most one query. `categories`
    is "module:function", called without arguments; it returns [(key, label)], the categories an entered value
    may be broken down by, in the order of the entry form (None: only computed indicators give this dimension).
    `title` names the dimension in reports, exports and forms; `position` places it among all dimensions (the
    shared ones – sex, areas, age groups – are in cpms/indicators/reference.py)."""

    name: str
    labels: str
    categories: str | None = None
    title: object = None
    position: int = 50


@dataclass(frozen=True)
class Domain:
    """What a domain contributes outside its own package (see docs/domains.md)."""

    name: str
    columns: dict = field(default_factory=dict)  # "table.column" → "personal" | "sensitive" | "none"
    tables: dict = field(default_factory=dict)  # table → retention class of its personal columns
    retention: tuple = ()  # RetentionClass, …
    settings: tuple = ()  # Setting, …
    panels: tuple = ()  # Panel, …
    table_columns: tuple = ()  # Column, …
    subjects: tuple = ()  # Subject, …
    dimensions: tuple = ()  # Dimension, …
    map_layers: tuple = ()  # MapLayer, …

    @property
    def contract_file(self):
        return f"cpms/{self.name}/__init__.py"


def resolve(dotted):
    """The object named by "package.module:attribute"."""
    module_name, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


@cache
def all_domains():
    """Every domain's declaration, in the order of cpms.domains.DOMAINS (read once; the declarations are data)."""
    from cpms.domains import DOMAINS
    declarations = []
    for name in DOMAINS:
        declaration = getattr(importlib.import_module(f"cpms.{name}"), "DOMAIN", None)
        if not isinstance(declaration, Domain) or declaration.name != name:
            raise LookupError(f"cpms/{name}/__init__.py must declare DOMAIN = Domain({name!r}, ...) "
                              "(see docs/domains.md)")
        declarations.append(declaration)
    return tuple(declarations)


@cache
def column_classes():
    """{"table.column": kind} declared by all domains."""
    return {key: kind for domain in all_domains() for key, kind in domain.columns.items()}


@cache
def table_retention():
    """{table: retention class} declared by all domains."""
    return {table: retention for domain in all_domains() for table, retention in domain.tables.items()}


@cache
def retention_classes():
    """{name: RetentionClass} of all domains, in domain order."""
    return {rc.name: rc for domain in all_domains() for rc in domain.retention}


@cache
def settings():
    """Every domain's Setting, in domain order."""
    return tuple(setting for domain in all_domains() for setting in domain.settings)


def subject(table):
    """The Subject declared for `table`, or None."""
    return next((s for domain in all_domains() for s in domain.subjects if s.table == table), None)


@cache
def dimensions():
    """{name: Dimension} offered by all domains, in domain order."""
    return {dimension.name: dimension for domain in all_domains() for dimension in domain.dimensions}


def dimension_labels(name, keys):
    """{key: label} for category keys of the disaggregation `name`, from the domain that offers it (the keys it does
    not know left out); None when no domain offers `name`."""
    dimension = dimensions().get(name)
    return None if dimension is None else resolve(dimension.labels)(keys)


def dimension_categories(name):
    """[(key, label)] an entered value may be broken down by for the disaggregation `name`, from the domain that
    offers it; None when no domain offers entry by `name`."""
    dimension = dimensions().get(name)
    return None if dimension is None or dimension.categories is None else resolve(dimension.categories)()


@cache
def _offered_to(slot, kind):
    """[(domain, Panel or Column)] that domains offer to `slot` (`kind`: "panels" or "table_columns"), by position
    then domain order."""
    offered = [(domain, part) for domain in all_domains() for part in getattr(domain, kind) if part.slot == slot]
    return tuple(sorted(offered, key=lambda item: item[1].position))


@cache
def map_layers():
    """[MapLayer] offered by all domains, by position then domain order."""
    offered = [layer for domain in all_domains() for layer in domain.map_layers]
    return tuple(sorted(offered, key=lambda layer: layer.position))


def panels_for(slot):
    return _offered_to(slot, "panels")


def columns_for(slot):
    return _offered_to(slot, "table_columns")


def _prepared(context, offered, obj):
    """(part, its template, the page's variables with its own) of each offered part whose context function does
    not leave it out (None)."""
    for _domain, part in offered:
        variables = resolve(part.context)(obj)
        if variables is not None:
            template = context.environment.get_template(part.template, parent=context.name)
            yield part, template, {**context.get_all(), **variables}


def render_panels(context, slot, obj=None):
    """The HTML of every panel offered to `slot`, each rendered with the page's variables and its own.

    The `panels(slot, obj)` template global (pass_context): a page says where other domains may show something
    (`{{ panels("training.trainee", trainee) }}`) without naming them."""
    parts = [template.render(variables) for _panel, template, variables in _prepared(context, panels_for(slot), obj)]
    return Markup("".join(parts))  # nosec B704 – each part is a template rendered with autoescaping, not user text


class PreparedColumn:
    """A column offered to a page, with its variables computed once: `heading`, and `cell(row)` for each row."""

    def __init__(self, heading, template, variables):
        self.heading = heading
        self._template = template
        self._variables = variables

    def cell(self, row):
        return Markup(self._template.render({**self._variables, "row": row}))  # nosec B704 – autoescaped template


def prepare_columns(context, slot, obj=None):
    """The `columns(slot, obj)` template global (pass_context): the columns other domains add to a table of the
    page, without the page naming them: `{% for c in columns("training.closeout", cohort) %}<th>{{ c.heading }}</th>`
    … `{% for c in extra %}{{ c.cell(row) }}{% endfor %}`."""
    return [PreparedColumn(column.heading, template, variables)
            for column, template, variables in _prepared(context, columns_for(slot), obj)]


def not_personal(table, *columns):
    """{"table.column": "none"} for text columns that hold no personal data (for a Domain's `columns`)."""
    return {f"{table}.{column}": "none" for column in columns}
