"""The application of a worker or scheduler subprocess started by the tests (`flask --app
tests.jobs.process_app cpms worker`): the test database and instance folder, and the tests' job handlers."""
import json
import os

import tests.jobs.fixtures  # noqa: F401  (registers the tests' handlers)
from cpms import create_app


def create():
    config = json.loads(os.environ["CPMS_JOBS_TEST_CONFIG"])
    return create_app(config, instance_path=os.environ["CPMS_JOBS_TEST_INSTANCE"])


app = create()
