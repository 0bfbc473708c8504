"""Page weight in the real browser: Debian's Chromium through Playwright, against the app on the generated data.

Each page is opened logged in, with an empty cache (a new browser context that only keeps the session cookie),
and every request it makes is counted with the bytes that crossed the wire (compressed body and headers).
Target: at most 60 KB and 4 requests per page.
"""
import threading

from werkzeug.serving import make_server

from bench.app import ROLES  # noqa: F401  (the roles pages are opened as)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 4


def main_pages(bench_app):
    """(name, role, path) of the pages to weigh, with ids from the generated data."""
    from sqlalchemy import select

    from bench.generate.training import REGISTER_COHORT
    from cpms.committees.models import Committee, Meeting
    from cpms.extensions import db
    from cpms.plans.models import SecurityPlan
    from cpms.stations.models import ConstructionProject, Station
    from cpms.surveys.models import SurveyRound
    from cpms.training.models import Cohort, Trainee, TrainingSession

    with bench_app.app_context():
        first = lambda model: db.session.scalar(select(model.id).order_by(model.id))  # noqa: E731
        cohort = db.session.scalar(select(Cohort.id).where(Cohort.name == REGISTER_COHORT))
        session = db.session.scalar(select(TrainingSession.id).where(TrainingSession.cohort_id == cohort)
                                    .order_by(TrainingSession.session_date.desc()))
        endline = db.session.scalar(select(SurveyRound.id).where(SurveyRound.kind == "endline"))
        pages = [("Login", None, "/login"),
                 ("Dashboard", "admin", "/"),
                 ("Cohorts", "admin", "/training/"),
                 ("Trainee search", "admin", "/training/trainees?q=kab"),
                 ("Trainee", "admin", f"/training/trainees/{first(Trainee)}"),
                 ("Cohort of 450 (attendance rates)", "admin", f"/training/cohorts/{cohort}"),
                 ("Register of 450", "trainer", f"/training/sessions/{session}/register"),
                 ("Committees", "admin", "/committees/"),
                 ("Committee", "admin", f"/committees/{first(Committee)}"),
                 ("Meeting", "admin", f"/committees/meetings/{first(Meeting)}"),
                 ("Action items", "admin", "/committees/action-items"),
                 ("Security plans", "admin", "/plans/"),
                 ("Security plan", "admin", f"/plans/{first(SecurityPlan)}"),
                 ("Surveys", "admin", "/surveys/"),
                 ("Survey results", "admin", f"/surveys/rounds/{endline}/results"),
                 ("Stations", "admin", "/stations/"),
                 ("Station", "admin", f"/stations/{first(Station)}"),
                 ("Construction portfolio", "admin", "/construction/"),
                 ("Construction project", "admin", f"/construction/{first(ConstructionProject)}"),
                 ("Programmes", "admin", "/programmes/"),
                 ("Users", "admin", "/users"),
                 ("Audit log", "admin", "/audit")]
    from flask import url_for

    from cpms.domains import DOMAINS
    with bench_app.test_request_context():
        optional = []  # (domain, name, role, endpoint, arguments): pages of domains that may not be in the build
        if "certificates" in DOMAINS:
            from bench.harness import Bench
            from bench.scenarios.certificates import certificate_cohort, verification_code
            from cpms.certificates.models import Certificate
            bench = Bench(bench_app, None)
            code = verification_code(bench)
            with bench_app.app_context():
                certificate = db.session.scalar(select(Certificate.id).where(Certificate.verification_code == code))
            optional += [("Certificates", "admin", "certificates.certificate_list", {}),
                         ("Certificate", "admin", "certificates.certificate_detail", {"certificate_id": certificate}),
                         ("Cohort of 450 (certificates)", "admin", "certificates.cohort_certificates",
                          {"cohort_id": certificate_cohort(bench)}),
                         ("Certificate verification (public)", None, "certificates.verify", {"code": code})]
        optional += [("Vetting", "admin", "training.vetting_overview", {}),
                     ("Deployments", "admin", "deployments.posting_list", {}),
                     ("Retention", "admin", "deployments.retention", {}),
                     ("Indicators", "admin", "indicators.index", {}),
                     ("Geography", "admin", "geo.province_list", {}),
                     ("Reminders", "admin", "notifications.settings", {})]
        pages += [(name, role, url_for(endpoint, **arguments)) for name, role, endpoint, arguments in optional
                  if endpoint in bench_app.view_functions]
    return pages


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


PHONE = {"width": 375, "height": 740}


def _opens_offline(page):
    """A repeat visit with the connection cut: does the register come from the device (service worker)?"""
    kept = ("() => caches.open('cpms-pages-v1').then(c => c.match(location.pathname)).then(hit => !!hit)")
    for _ in range(100):  # the service worker keeps the page shortly after the first visit
        if page.evaluate(kept):
            break
        page.wait_for_timeout(100)
    page.context.set_offline(True)
    try:
        page.reload(wait_until="load")
        return "yes" if page.locator("form[data-user]").count() else "no"
    finally:
        page.context.set_offline(False)


def measure_pages(app, database, echo=print):
    import logging

    from playwright.sync_api import sync_playwright

    from cpms.auth.demo import DEMO_USERS
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    pages = main_pages(app)
    results = []
    with LiveServer(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        states = {}
        for role in {role for _n, role, _p in pages if role}:
            user = next(u for u in DEMO_USERS if u["role"] == role)
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=email]", user["email"])
            page.fill("input[name=password]", user["password"])
            with page.expect_navigation():
                page.click("form:has(input[name=password]) button[type=submit]")
            states[role] = context.storage_state()
            context.close()
        for name, role, path in pages:
            # at phone width: the field's screen (issue 19); the CSS and scripts are the same at any width
            context = browser.new_context(storage_state=states.get(role), viewport=PHONE)
            page = context.new_page()
            finished = []
            page.on("requestfinished", lambda request: finished.append(request))
            response = page.goto(f"{base}{path}", wait_until="load")
            page.wait_for_load_state("networkidle")
            if response is None or response.status != 200:
                raise AssertionError(f"{path}: {response.status if response else 'no response'}")
            transferred = uncompressed = 0
            for request in finished:
                sizes = request.sizes()
                transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                body = request.response().body() if request.response() else b""
                uncompressed += len(body)
            results.append({"name": name, "role": role or "anonymous", "path": path, "requests": len(finished),
                            "transferred": transferred, "uncompressed": uncompressed,
                            "urls": [r.url.replace(base, "") for r in finished]})
            if path.endswith("/register"):
                results[-1]["offline_repeat"] = _opens_offline(page)
            echo(f"  {name}: {transferred / 1024:,.1f} KB in {results[-1]['requests']} requests "
                 f"({uncompressed / 1024:,.1f} KB uncompressed)"
                 + (f"; offline repeat visit from the device: {results[-1]['offline_repeat']}"
                    if "offline_repeat" in results[-1] else ""))
            context.close()
        browser.close()
    return results
