"""Build step of the wheel (metadata: setup.cfg; docs/packaging.md).

A checkout keeps templates/, static/ and migrations/ beside the `cpms` package and compiles the French catalogue
with `make`. The wheel must carry all of it: build_py copies the three folders into the built package
(cpms/templates, cpms/static, cpms/migrations, where cpms.resource_dir looks when installed) and compiles every
translations/<lang>/LC_MESSAGES/*.po into its .mo.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = ROOT / "cpms" / "translations"
RESOURCES = ("templates", "static", "migrations")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]")


def compile_catalogues(source, target):
    """Each source/<lang>/LC_MESSAGES/<domain>.po compiled to target/<lang>/LC_MESSAGES/<domain>.mo."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=True)  # as `pybabel compile --use-fuzzy` (make translations)


class BuildPyWithResources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            # an editable install reads templates, static files and migrations from the checkout itself
            compile_catalogues(TRANSLATIONS, TRANSLATIONS)
            return
        package = Path(self.build_lib) / "cpms"
        for name in RESOURCES:
            shutil.rmtree(package / name, ignore_errors=True)  # nothing left over from an earlier build
            shutil.copytree(ROOT / name, package / name, ignore=IGNORED)
        compile_catalogues(TRANSLATIONS, package / "translations")


setup(cmdclass={"build_py": BuildPyWithResources})
