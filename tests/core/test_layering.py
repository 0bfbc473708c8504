"""Layering: cpms/core is shared machinery that imports no domain, and the benchmark's code stays in bench/."""
import ast
from pathlib import Path

from cpms.domains import DOMAINS

CPMS = Path(__file__).resolve().parents[2] / "cpms"
DOMAIN_PACKAGES = {f"cpms.{domain}" for domain in DOMAINS if domain != "core"}
BENCH_MODULE_NAMES = {"generate.py", "bench.py", "loadtest.py"}


def module_name(path, root=CPMS.parent):
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path, root=CPMS.parent):
    """Every module an `import` or `from … import` statement of the file names (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def names_package(module, packages):
    return any(module == package or module.startswith(package + ".") for package in packages)


def test_core_imports_no_domain():
    offending = [f"{path.relative_to(CPMS.parent)}: {module}"
                 for path in sorted((CPMS / "core").rglob("*.py"))
                 for module in imported_modules(path)
                 if names_package(module, DOMAIN_PACKAGES | {"cpms.api"})]
    assert offending == []


def test_the_scanner_sees_domain_imports(tmp_path):
    """The check above would catch each way of writing an import."""
    sample = tmp_path / "cpms" / "core" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("import cpms.auth.models\nfrom cpms.training import service\nfrom ..geo.models import Commune\n"
                      "def f():\n    from cpms.surveys.models import SurveyRound\n", encoding="utf-8")
    modules = set(imported_modules(sample, root=tmp_path))
    for expected in ("cpms.auth.models", "cpms.training.service", "cpms.geo.models", "cpms.surveys.models"):
        assert names_package(expected, DOMAIN_PACKAGES) and expected in modules


def test_no_benchmark_or_load_test_code_in_the_app_package():
    misplaced = sorted(str(path.relative_to(CPMS.parent)) for path in CPMS.rglob("*.py")
                       if path.name in BENCH_MODULE_NAMES)
    assert misplaced == []
    importing_bench = sorted(f"{path.relative_to(CPMS.parent)}: {module}" for path in CPMS.rglob("*.py")
                             for module in imported_modules(path) if names_package(module, {"bench"}))
    assert importing_bench == []
