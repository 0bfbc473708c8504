"""CPMS – Community Policing Programme Management System."""
import os

from flask import Flask

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def create_app(test_config=None, instance_path=None):
    """Build the application. It never migrates the database and never starts the scheduler."""
    project_root = os.path.dirname(PACKAGE_DIR)
    app = Flask(
        "cpms",
        template_folder=os.path.join(project_root, "templates"),
        static_folder=os.path.join(project_root, "static"),
        instance_path=instance_path or os.environ.get("CPMS_INSTANCE_PATH") or os.path.join(project_root, "instance"),
        instance_relative_config=True,
    )
    from cpms.config import load_config
    load_config(app, test_config)

    from cpms.core import setup
    setup.init_extensions(app)
    setup.register_blueprints(app)
    setup.register_hooks(app)
    setup.register_error_handlers(app)
    setup.register_template_helpers(app)
    setup.register_cli(app)
    return app
