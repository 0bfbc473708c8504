"""Browser journeys: a live CPMS server per test and Playwright driving Debian's chromium.

The fixtures `app`, `db`, `make_user` come from tests/conftest.py.
"""
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright's own browser download is unreachable: launch the Debian chromium instead."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url():
    """No base URL: the tests build absolute URLs from `live_server`, which changes with every test.

    This also replaces pytest-playwright's fallback `base_url` fixture, a session fixture defined as an
    instance method, which pytest 9 reports with a deprecation warning (an error under our filterwarnings).
    """
    return None


@pytest.fixture
def live_server(app, db):
    """Base URL of the app served over HTTP from a background thread, on a clean database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # a short poll interval keeps shutdown() quick (it waits for the serving loop to notice)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="cpms-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
