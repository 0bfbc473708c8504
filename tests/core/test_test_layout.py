"""The tests keep one layout (tests/README.md): each domain's factories and helpers in tests/<domain>/fixtures.py,
loaded as a plugin for the whole suite; another domain's factories come through fixtures, never by import;
domain-free helpers in tests/helpers/."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SHARED_PACKAGES = {"helpers"}  # tests/helpers/: domain-free, shared by every domain
DOMAINS = sorted(path.parent.name for path in TESTS.glob("*/__init__.py") if path.parent.name not in SHARED_PACKAGES)


def modules(folder):
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def imported_modules(path):
    """Every module a file imports (also inside functions), as absolute dotted names; `from tests import x`
    counts as importing tests.x."""
    package = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_the_layout_knows_the_domains():
    assert {"committees", "surveys", "training", "e2e", "security"} <= set(DOMAINS)


def test_no_domain_imports_another_domains_tests():
    """A test needing another domain's factory asks for the fixture that domain's fixtures.py provides."""
    problems = []
    for domain in DOMAINS:
        for path in modules(TESTS / domain):
            for name in imported_modules(path):
                parts = name.split(".")
                if parts[0] == "tests" and len(parts) > 1 and parts[1] in DOMAINS and parts[1] != domain:
                    problems.append(f"{path.relative_to(TESTS)} imports {name}")
    assert problems == []


def test_shared_modules_import_no_domain():
    problems = []
    shared = [path for path in TESTS.glob("*.py")] + [path for name in SHARED_PACKAGES
                                                       for path in modules(TESTS / name)]
    for path in shared:
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "tests" and len(parts) > 1 and parts[1] in DOMAINS:
                problems.append(f"{path.relative_to(TESTS)} imports {name}")
    assert problems == []


def test_no_test_module_is_imported():
    """Helpers used by several test modules live in fixtures.py (or tests/helpers/), not in a test module."""
    problems = [f"{path.relative_to(TESTS)} imports {name}" for path in modules(TESTS)
                for name in imported_modules(path)
                if name.startswith("tests.") and name.split(".")[-1].startswith("test_")]
    assert problems == []


def test_factories_live_in_fixtures_py():
    """No factories.py or helpers.py in a domain folder; a domain's conftest.py holds only fixtures that must stay
    scoped to its folder, no factory (make_*) and no plain function."""
    misplaced = [str(path.relative_to(TESTS)) for domain in DOMAINS for path in modules(TESTS / domain)
                 if path.name in ("factories.py", "helpers.py")]
    assert misplaced == []
    problems = []
    for domain in DOMAINS:
        conftest = TESTS / domain / "conftest.py"
        if not conftest.exists():
            continue
        for node in ast.parse(conftest.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            is_fixture = any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
            if not is_fixture or node.name.startswith(("make_", "new_")):
                problems.append(f"{domain}/conftest.py: {node.name}")
    assert problems == []


def test_every_fixtures_py_is_a_plugin_of_the_suite():
    import tests.conftest

    expected = {f"tests.{path.parent.name}.fixtures" for path in TESTS.glob("*/fixtures.py")}
    assert expected <= set(tests.conftest.pytest_plugins)
    assert "tests.committees.fixtures" in expected
