"""The app under benchmark and its logged-in test clients (one per role, through the real login form)."""
import re

from flask.testing import FlaskClient

from bench.database import ROOT

BENCH_SECRET = "bench-only-not-secret"
# the demo accounts the generator creates (bench/generate/auth.py), by role
ROLES = ("admin", "trainer", "project_officer", "me_officer", "viewer")


def make_app(database):
    from cpms import create_app
    config = {"SECRET_KEY": BENCH_SECRET, "SQLALCHEMY_DATABASE_URI": database.url,
              "SQLALCHEMY_ENGINE_OPTIONS": dict(database.engine_options), "RATELIMIT_ENABLED": False}
    instance = ROOT / "bench" / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(config, instance_path=str(instance))
    app.test_client_class = RequestClient
    return app


class RequestClient(FlaskClient):
    """Every request in its own app context (own database session), as in a web worker."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def csrf_token(html):
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def login(app, role):
    """A test client logged in as the demo account of `role`."""
    from cpms.auth.demo import DEMO_USERS
    user = next(u for u in DEMO_USERS if u["role"] == role)
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user["email"], "password": user["password"],
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"login as {role} failed ({response.status_code})")
    return client
