"""The domain contract: every domain declares what it contributes in cpms/<domain>/__init__.py, and the
cross-cutting packages (privacy, notifications, indicators) and templates reach other domains only through it."""
import ast
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from cpms.core import contract
from cpms.core.classification import table_domains, unclassified
from cpms.domains import DOMAINS
from cpms.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CROSS_CUTTING = ("privacy", "notifications", "indicators")
# the domains every other one is scoped by: areas (geo), users (auth) and programmes
FOUNDATIONS = ("geo", "auth", "programmes")


def test_every_domain_declares_its_contract():
    domains = contract.all_domains()
    assert [domain.name for domain in domains] == list(DOMAINS)
    names = [rc.name for domain in domains for rc in domain.retention]
    assert len(names) == len(set(names)), "a retention class is declared by one domain"
    dimensions = [dimension.name for domain in domains for dimension in domain.dimensions]
    assert len(dimensions) == len(set(dimensions)), "a disaggregation is offered by one domain"
    for domain in domains:
        assert set(domain.columns.values()) <= set(contract.PII_KINDS), domain.name
        for retention_class in domain.retention:
            assert retention_class.unit in contract.UNITS, retention_class.name
            assert (retention_class.setting is None) == (retention_class.retire is None), retention_class.name
        for setting in domain.settings:
            assert setting.env == f"CPMS_{setting.key}", setting


def test_declared_functions_and_templates_exist(app):
    for domain in contract.all_domains():
        for dotted in ([rc.retire for rc in domain.retention if rc.retire] + [p.context for p in domain.panels]
                       + [c.context for c in domain.table_columns]
                       + [s.find for s in domain.subjects] + [d.labels for d in domain.dimensions]
                       + [d.categories for d in domain.dimensions if d.categories]):
            assert dotted.startswith(f"cpms.{domain.name}."), f"{dotted}: a domain declares its own functions"
            assert callable(contract.resolve(dotted)), dotted
        for panel in domain.panels + domain.table_columns:
            assert panel.template.startswith(f"{domain.name}/_"), f"{panel.template}: a partial of its own folder"
            assert (ROOT / "templates" / panel.template).is_file(), panel.template


def test_a_domain_classifies_only_its_own_tables(app):
    with app.app_context():
        owners = table_domains(db.metadata)
    assert None not in owners.values(), [table for table, owner in owners.items() if owner is None]
    for domain in contract.all_domains():
        tables = {key.split(".")[0] for key in domain.columns} | set(domain.tables)
        foreign = sorted(table for table in tables if owners.get(table) != domain.name)
        assert foreign == [], f"{domain.contract_file} classifies tables of other domains: {foreign}"


def test_an_unclassified_column_names_its_domain_and_the_file_to_edit(app):
    with app.app_context():
        table = db.metadata.tables["trainees"]
        column = sa.Column("nickname", sa.String(50))
        table.append_column(column)
        try:
            problems = unclassified(db.metadata)
        finally:
            table._columns.remove(column)
    assert problems == ["trainees.nickname (domain training): add it to the `columns` of DOMAIN in "
                        "cpms/training/__init__.py, or info=personal(...) on the column"]


def test_every_former_setting_is_read_with_the_same_default(app):
    from cpms.config import env_settings
    names = env_settings()
    for env_name, key, kind, default in FORMER_DOMAIN_SETTINGS:
        assert names[env_name] == (key, kind), env_name
        assert app.config[key] == default, key
    assert len({setting.key for setting in contract.settings()}) == len(contract.settings())


def test_environment_variables_of_a_domain_override_its_default(monkeypatch, tmp_path):
    from cpms import create_app
    monkeypatch.setenv("CPMS_RETENTION_TRAINEE_YEARS", "7.5")
    monkeypatch.setenv("CPMS_REQUIRE_ADMIN_2FA", "yes")
    monkeypatch.setenv("CPMS_COMMITTEE_QUORUM_SHARE", "")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["RETENTION_TRAINEE_YEARS"] == 7.5 and app.config["REQUIRE_ADMIN_2FA"] is True
    assert app.config["COMMITTEE_QUORUM_SHARE"] == 0.5


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names if node.module == "cpms")


def _strings(path):
    """The string constants of a module's code (docstrings, whose examples may name a domain, left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _other_domains_imported(package):
    allowed = {"core", *CROSS_CUTTING, *FOUNDATIONS}
    found = set()
    for path in sorted((ROOT / "cpms" / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "cpms" and len(parts) > 1 and parts[1] in DOMAINS and parts[1] not in allowed:
                found.add((relative, name))
    return found


@pytest.mark.parametrize("package", CROSS_CUTTING)
def test_cross_cutting_packages_import_no_domain(package):
    """privacy, notifications and indicators reach the domains through the contract and the conventional modules
    (reminders.py, indicators.py, privacy.py), never by importing them."""
    assert _other_domains_imported(package) == set()


def test_classification_and_configuration_name_no_domain():
    tables = {domain.name: {key.split(".")[0] for key in domain.columns} | set(domain.tables)
              for domain in contract.all_domains()}
    hubs = ("cpms/core/classification.py", "cpms/config.py", "cpms/core/contract.py", "cpms/privacy/service/retention.py",
            "cpms/privacy/service/subject.py", "cpms/notifications/registry.py", "cpms/indicators/registry.py")
    for relative in hubs:
        path = ROOT / relative
        if relative.startswith(("cpms/core/", "cpms/config")):
            imported = [name for name in _imports(path) if name.split(".")[:1] == ["cpms"]
                        and len(name.split(".")) > 1 and name.split(".")[1] in DOMAINS[1:]]
            assert imported == [], f"{relative} imports domains: {imported}"
        strings = _strings(path)
        own = relative.split("/")[1]
        others = set().union(*(names for domain, names in tables.items() if domain != own))
        named = sorted(table for table in others if any(re.fullmatch(rf"{table}(\..*)?", text) for text in strings))
        assert named == [], f"{relative} names tables of domains: {named}"


INCLUDE = re.compile(r"{%-?\s*(?:include|import|from|extends)\s+[\"']([^\"']+)[\"']")


def test_templates_include_partials_of_their_own_folder_or_shared_ones():
    templates = ROOT / "templates"
    problems = []
    for path in sorted(templates.rglob("*.html")) + sorted(templates.rglob("*.txt")):
        relative = path.relative_to(templates).as_posix()
        folder = relative.split("/")[0] if "/" in relative else None
        for name in INCLUDE.findall(path.read_text(encoding="utf-8")):
            shared = "/" not in name
            if not shared and name.split("/")[0] != folder:
                problems.append(f"{relative} includes {name}")
    assert problems == [], "use a panel slot (docs/domains.md) or a shared partial at the root of templates/"


def test_panels_render_in_position_order(app):
    slots = {panel.slot for domain in contract.all_domains() for panel in domain.panels}
    assert {"training.trainee", "layout.top_bar"} <= slots
    trainee_panels = [domain.name for domain, _panel in contract.panels_for("training.trainee")]
    assert trainee_panels == ["deployments", "certificates"]  # the page's order before panels existed


# (CPMS_* name, config key, type, default) of the domain settings config.py held before the contract
FORMER_DOMAIN_SETTINGS = [
    ("CPMS_LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES", int, 10),
    ("CPMS_LOGIN_FAILURE_WINDOW_MINUTES", "LOGIN_FAILURE_WINDOW_MINUTES", int, 15),
    ("CPMS_MAIL_MAX_ATTEMPTS", "MAIL_MAX_ATTEMPTS", int, 6),
    ("CPMS_MAIL_RETRY_SECONDS", "MAIL_RETRY_SECONDS", int, 300),
    ("CPMS_REMINDER_LOOKBACK_DAYS", "REMINDER_LOOKBACK_DAYS", int, 14),
    ("CPMS_REMINDER_DIGEST_HOUR", "REMINDER_DIGEST_HOUR", int, 5),
    ("CPMS_TRAINING_ABSENCE_STREAK", "TRAINING_ABSENCE_STREAK", int, 3),
    ("CPMS_TRAINING_IMPORT_MAX_MB", "TRAINING_IMPORT_MAX_MB", float, 5),
    ("CPMS_TRAINING_IMPORT_MAX_ROWS", "TRAINING_IMPORT_MAX_ROWS", int, 5000),
    ("CPMS_SURVEY_UPLOAD_MAX_MB", "SURVEY_UPLOAD_MAX_MB", int, 200),
    ("CPMS_COMMITTEE_MIN_WOMEN_SHARE", "COMMITTEE_MIN_WOMEN_SHARE", float, 0.30),
    ("CPMS_COMMITTEE_MIN_YOUTH_SHARE", "COMMITTEE_MIN_YOUTH_SHARE", float, 0.20),
    ("CPMS_COMMITTEE_QUORUM_SHARE", "COMMITTEE_QUORUM_SHARE", float, 0.5),
    ("CPMS_RETENTION_MIN_MONTHS", "RETENTION_MIN_MONTHS", int, 36),
    ("CPMS_INDICATOR_ON_TRACK", "INDICATOR_ON_TRACK", float, 0.9),
    ("CPMS_INDICATOR_AT_RISK", "INDICATOR_AT_RISK", float, 0.7),
    ("CPMS_INDICATOR_CLSP_MIN_MEETINGS", "INDICATOR_CLSP_MIN_MEETINGS", int, 3),
    ("CPMS_CERTIFICATE_VERIFY_RATE_LIMIT", "CERTIFICATE_VERIFY_RATE_LIMIT", str, "30 per minute"),
    ("CPMS_CERTIFICATE_WORKERS", "CERTIFICATE_WORKERS", int, 2),
    ("CPMS_REQUIRE_ADMIN_2FA", "REQUIRE_ADMIN_2FA", "bool", False),
    ("CPMS_RETENTION_ACCOUNT_DAYS", "RETENTION_ACCOUNT_DAYS", int, 730),
    ("CPMS_RETENTION_TRAINEE_YEARS", "RETENTION_TRAINEE_YEARS", float, 10),
    ("CPMS_RETENTION_VETTING_YEARS", "RETENTION_VETTING_YEARS", float, 5),
    ("CPMS_RETENTION_MEMBER_YEARS", "RETENTION_MEMBER_YEARS", float, 5),
    ("CPMS_RETENTION_SURVEY_TEXT_YEARS", "RETENTION_SURVEY_TEXT_YEARS", float, 3),
    ("CPMS_RETENTION_AUDIT_DAYS", "RETENTION_AUDIT_DAYS", int, 1095),
]


def test_every_dimension_has_a_title_and_the_indicators_list_them_in_position_order(app):
    from cpms.indicators.reference import DIMENSIONS, ENTERED_DIMENSIONS, SHARED_DIMENSIONS

    declared = contract.dimensions()
    assert all(dimension.title for dimension in declared.values())
    assert set(DIMENSIONS) == set(SHARED_DIMENSIONS) | set(declared)
    positions = {name: position for name, (_t, position, _e) in SHARED_DIMENSIONS.items()}
    positions.update({name: dimension.position for name, dimension in declared.items()})
    assert list(DIMENSIONS) == sorted(DIMENSIONS, key=positions.get)
    entered = [name for name in DIMENSIONS if name in SHARED_DIMENSIONS and SHARED_DIMENSIONS[name][2]
               or name in declared and declared[name].categories is not None]
    assert tuple(ENTERED_DIMENSIONS) == tuple(entered)


def test_the_close_out_table_gets_its_certificate_column_from_the_certificates_domain(app):
    offered = [(domain.name, str(column.heading)) for domain, column in contract.columns_for("training.closeout")]
    assert [name for name, _heading in offered] == ["certificates"]
    closeout = (ROOT / "templates" / "training" / "cohort_closeout.html").read_text(encoding="utf-8")
    assert "certificates" not in closeout.replace("training.closeout", "")  # the page names no other domain
