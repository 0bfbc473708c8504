"""Benchmark scenarios, one module per domain; every module here is imported, and its @scenario classes run in
the order of the modules' names then of the classes in each module. See bench/harness.py for the interface and
certificates.py for a placeholder to fill in once that domain lands."""
import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
