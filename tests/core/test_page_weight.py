"""Pages stay within the field budget: at most 60 KB and 4 requests (the page and its own assets)."""
import re

PAGES = ["/", "/users", "/programmes/", "/geography/", "/audit", "/account", "/users/new"]


def test_main_pages_fit_the_budget(client, login_as, make_programme):
    login_as("admin")
    make_programme()
    for url in PAGES:
        html = client.get(url).get_data()
        assets = set(re.findall(rb'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html))
        total = len(html)
        for asset in assets:
            with client.get(asset.decode()) as response:
                assert response.status_code == 200
                total += len(response.get_data())
        # uncompressed sizes: an upper bound of what gzip would transfer
        assert total <= 60 * 1024, (url, total)
        assert 1 + len(assets) <= 4, (url, assets)
        assert b'rel="icon" href="data:,"' in html  # no extra favicon request


def test_the_register_of_450_fits_the_budget_compressed(client, login_as, make_cohort, make_trainee):
    """Issue 19: the register of 450 at phone width, first visit: at most 60 KB transferred (gzip, as served) and 4
    requests (the page, app.css, app.js, register.js: the register's styles come with its script)."""
    from datetime import date, time

    from cpms.extensions import db
    from cpms.training import service
    from cpms.training.models import TrainingSession

    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort = make_cohort(trainers=[trainer])
    service.enrol_trainees(cohort, [make_trainee().id for _ in range(450)])
    session = TrainingSession(cohort_id=cohort.id, session_date=date(2016, 4, 4), start_time=time(8), end_time=time(12))
    db.session.add(session)
    db.session.commit()
    gzip = {"Accept-Encoding": "gzip"}
    page = client.get(f"/training/sessions/{session.id}/register", headers=gzip)
    assert page.headers.get("Content-Encoding") == "gzip"
    html = client.get(f"/training/sessions/{session.id}/register").get_data()
    assert html.count(b'type="radio"') == 450 * 4
    assets = set(re.findall(rb'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', html))
    total = len(page.get_data())
    for asset in assets:
        with client.get(asset.decode(), headers=gzip) as response:
            assert response.status_code == 200
            total += len(response.get_data())
    assert 1 + len(assets) <= 4, assets
    assert total <= 60 * 1024, total
