"""CPMS – Community Policing Programme Management System."""
import gc
import os

from flask import Flask

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# A checkout keeps templates/, static/ and migrations/ beside the package; the wheel carries them inside it
# (setup.py copies them at build time, docs/packaging.md).
CHECKOUT_DIR = os.path.dirname(PACKAGE_DIR)
INSTALLED = os.path.isdir(os.path.join(PACKAGE_DIR, "templates"))


def resource_dir(name):
    """The directory of `templates`, `static` or `migrations`, in a checkout or in an installed wheel."""
    return os.path.join(PACKAGE_DIR if INSTALLED else CHECKOUT_DIR, name)


def default_instance_path():
    """CPMS_INSTANCE_PATH, else the checkout's instance/ (or, when installed, instance/ in the current directory:
    never inside site-packages)."""
    if os.environ.get("CPMS_INSTANCE_PATH"):
        return os.path.abspath(os.environ["CPMS_INSTANCE_PATH"])
    return os.path.join(os.getcwd() if INSTALLED else CHECKOUT_DIR, "instance")


def create_app(test_config=None, instance_path=None):
    """Build the application. It never migrates the database and never starts the scheduler."""
    app = Flask(
        "cpms",
        template_folder=resource_dir("templates"),
        static_folder=resource_dir("static"),
        instance_path=instance_path or default_instance_path(),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)  # the default SQLite database and uploads live there
    from cpms.config import load_config
    load_config(app, test_config)

    from cpms.core import setup
    setup.init_extensions(app)
    setup.register_blueprints(app)
    setup.register_hooks(app)
    setup.register_error_handlers(app)
    setup.register_template_helpers(app)
    setup.register_cli(app)
    if not app.testing:
        freeze_long_lived_objects()
    return app


def freeze_long_lived_objects():
    """Put what exists once the app is built (about 230,000 objects: modules, SQLAlchemy's mappers, templates,
    translations) out of the garbage collector's sight. Left in sight, every full collection walks them all, and a
    page that builds many objects – the register of 450 officers – triggers several per request: about half of its
    CPU time went to the collector (issue 22). Garbage is collected first, so none of it is frozen with them; what
    the app creates later is collected as usual. Not in tests, which build many apps in one process."""
    gc.collect()
    gc.freeze()
