"""The printable sign-in sheet of a session: drawn at once for a small session, by a job (with its progress page
and a download) above tasks.SIGNIN_DIRECT_TRAINEES trainees. The PDF's text holds every name and the date."""
import io
import re
from datetime import date, time

from pypdf import PdfReader
from sqlalchemy import insert, select

from cpms.core.jobs import Job, run_queued_jobs
from cpms.extensions import db as _db
from cpms.training import service
from cpms.training.models import Trainee, TrainingSession
from cpms.training.tasks import SIGNIN_DIRECT_TRAINEES
from tests.conftest import commune_id
from tests.training.fixtures import logout


def _session(make_cohort, make_trainee, trainer=None, n=3, day=date(2016, 4, 4), topic="Droits humains"):
    cohort = make_cohort(trainers=[trainer] if trainer else [])
    trainees = [make_trainee(last_name=f"Kasongo{i}") for i in range(n)]
    service.enrol_trainees(cohort, [t.id for t in trainees], enrolled_on=date(2016, 3, 29))
    session = TrainingSession(cohort_id=cohort.id, session_date=day, start_time=time(8), end_time=time(12, 30),
                              topic=topic)
    _db.session.add(session)
    _db.session.commit()
    return cohort, session, trainees


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _many_trainees(n, ranks, province_id):
    """n officers in one insert (the factory commits one by one: slow for a large session)."""
    _db.session.execute(insert(Trainee), [
        {"matricule": f"7-{i:05d}", "last_name": f"Mutombo{i:03d}", "post_name": "Ilunga", "first_name": "Marie",
         "sex": "F", "commune_id": commune_id("Bipemba"), "province_id": province_id, "rank_id": ranks["AGT"].id,
         "specialty": "community", "unit": ""} for i in range(n)])
    _db.session.commit()
    return _db.session.scalars(select(Trainee).where(Trainee.matricule.like("7-%")).order_by(Trainee.id)).all()


def test_a_large_session_is_drawn_by_a_job_that_lists_every_trainee(client, login_as, make_cohort, make_trainee,
                                                                     ranks):
    trainer = login_as("trainer", "Kasaï-Oriental")
    cohort, session, _few = _session(make_cohort, make_trainee, trainer, n=1)
    trainees = _many_trainees(SIGNIN_DIRECT_TRAINEES + 40, ranks, cohort.province_id)  # 4 pages: drawn in 2 parts
    service.enrol_trainees(cohort, [t.id for t in trainees], enrolled_on=date(2016, 3, 29))
    late = make_trainee(last_name="Tardif")
    service.enrol_trainees(cohort, [late.id], enrolled_on=date(2016, 4, 5))  # after the session: not listed
    _db.session.commit()
    register = client.get(f"/training/sessions/{session.id}/register").get_data(as_text=True)
    assert f"/training/sessions/{session.id}/sign-in-sheet.pdf" in register
    response = client.get(f"/training/sessions/{session.id}/sign-in-sheet.pdf")
    assert response.status_code == 302 and re.match(r".*/jobs/\d+$", response.headers["Location"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting to start" in page and "Sign-in sheet" in page
    assert run_queued_jobs() == 1
    job = _db.session.scalars(select(Job)).one()
    assert job.state == "done" and job.back_url.endswith(f"/training/sessions/{session.id}/register")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The sign-in sheet is ready." in page and f"/jobs/{job.id}/result" in page
    download = client.get(f"/jobs/{job.id}/result")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    pages = pdf_pages(download.get_data())
    text = "\n".join(pages)
    assert len(pages) == 4
    assert cohort.name in pages[0] and "Droits humains" in pages[0] and "08:00–12:30" in pages[0]
    assert "Monday, April 4, 2016" in pages[0]
    squeezed = "".join(text.split())  # a long name may wrap in its cell
    for trainee in trainees:
        assert trainee.matricule in text and "".join(trainee.full_name.split()) in squeezed
    assert "Police officer" in text  # the rank
    listing = [page for page in pages if "MUTOMBO" in page]
    assert len(listing) >= 3 and all("Signature" in page and "Arrival time" in page for page in listing)  # repeated
    assert all("2016-04-04" in page for page in pages)  # the session's date at the foot of every page
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))  # page numbers
    assert late.matricule not in text
    # every officer once, in the register's order (by name), numbered from 1 without a gap
    listed = sorted([_few[0], *trainees], key=lambda t: (t.last_name, t.first_name, t.id))
    positions = [text.index(trainee.matricule) for trainee in listed]
    assert positions == sorted(positions) and all(text.count(t.matricule) == 1 for t in listed)
    assert all(f"{n}{''.join(trainee.full_name.split())}{trainee.matricule}" in squeezed
               for n, trainee in enumerate(listed, start=1))


def test_a_small_session_is_drawn_at_once_in_french_and_only_for_the_cohorts_trainer(
        client, web, login_as, make_cohort, make_trainee, make_user):
    other = make_user("trainer", provinces=["Kasaï-Oriental"])
    _cohort, session, trainees = _session(make_cohort, make_trainee, other, n=2)
    login_as("trainer", "Kasaï-Oriental")
    assert client.get(f"/training/sessions/{session.id}/sign-in-sheet.pdf").status_code == 404
    logout(client, web)
    login_as("me_officer", locale="fr")
    response = client.get(f"/training/sessions/{session.id}/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(pdf_pages(response.get_data()))
    assert "Feuille d'émargement" in text and "Heure d'arrivée" in text and "lundi 4 avril 2016" in text
    assert all(t.matricule in text and t.full_name in text for t in trainees)
    assert _db.session.scalar(select(Job.id)) is None


def _content_streams(data):
    """Each page's drawing (lines, rectangles, text and where), font resource names left out (each part of a sheet
    drawn in parts names its own fonts)."""
    return [re.sub(rb"/\w+ ([\d.]+) Tf", rb"/F \1 Tf", re.sub(rb"/\w+ gs", b"/G gs", page.get_contents().get_data()))
            for page in PdfReader(io.BytesIO(data)).pages]


def _sheet_of(app, make_cohort, make_trainee, ranks, n, lang="en"):
    from cpms.core.pdf import render_pdf
    from cpms.training import pdf as sheet
    from cpms.training.service import attendance
    from tests.conftest import english

    cohort, session, _few = _session(make_cohort, make_trainee, n=1)
    trainees = _many_trainees(n - 1, ranks, cohort.province_id)
    service.enrol_trainees(cohort, [t.id for t in trainees], enrolled_on=date(2016, 3, 29))
    _db.session.commit()
    with english(app):
        rows = attendance.register(session, with_rank=True)
        whole = render_pdf(sheet.TEMPLATE, session=session, cohort=session.cohort, rows=rows, lang=lang)
        return sheet.render_signin_sheet(session, lang, rows), whole


def test_a_large_sheet_is_drawn_in_two_parts_with_the_pages_of_the_sheet_drawn_whole(
        app, make_cohort, make_trainee, ranks, monkeypatch):
    from cpms.training import pdf as sheet
    calls = []
    parallel = sheet.html_to_pdfs_in_parallel
    monkeypatch.setattr(sheet, "html_to_pdfs_in_parallel", lambda *args: calls.append(1) or parallel(*args))
    # 138 officers: 23 on the first page, 29 on each of the next four, the trainer's signature line alone on a sixth
    parts, whole = _sheet_of(app, make_cohort, make_trainee, ranks, 138)
    assert calls == [1]  # drawn in two parts at the first try: the page plan held
    pages = pdf_pages(parts)
    assert len(pages) == 6 == sheet.planned_pages(138, sheet.FIRST_PAGE_ROWS)
    assert pages == pdf_pages(whole)  # the same rows on each page, numbered the same, "n / 6" at every foot
    assert _content_streams(parts) == _content_streams(whole)  # drawn at the same places
    assert "Trainer's name and signature" in pages[5] and "MUTOMBO" not in pages[5]
    assert "1 / 6" in pages[0] and "3 / 6" in pages[2] and "4 / 6" in pages[3]  # the parts' seam: pages 3 and 4
    joined, alone = PdfReader(io.BytesIO(parts)), PdfReader(io.BytesIO(whole))
    assert joined.metadata.title == alone.metadata.title and "Sign-in sheet" in joined.metadata.title
    assert joined.trailer["/Root"]["/Lang"] == alone.trailer["/Root"]["/Lang"] == "en"


def test_a_sheet_whose_page_plan_does_not_hold_is_drawn_whole(app, make_cohort, make_trainee, ranks, monkeypatch):
    from cpms.training import pdf as sheet
    calls = []
    parallel = sheet.html_to_pdfs_in_parallel
    monkeypatch.setattr(sheet, "html_to_pdfs_in_parallel", lambda *args: calls.append(1) or parallel(*args))
    monkeypatch.setattr(sheet, "FIRST_PAGE_ROWS", 30)  # more rows than fit: the first part takes a page too many
    parts, whole = _sheet_of(app, make_cohort, make_trainee, ranks, 130)
    assert calls == [1]
    assert pdf_pages(parts) == pdf_pages(whole)


def test_rows_that_keep_one_height_and_rows_too_tall_for_the_page_plan(app):
    from types import SimpleNamespace

    from cpms.training import pdf as sheet

    def row(rank_fr, rank_en="Police officer", name="BANZA Lumbala Chantal"):
        return None, SimpleNamespace(rank=SimpleNamespace(name_fr=rank_fr, name_en=rank_en), full_name=name), None

    with app.app_context():
        assert sheet.rows_of_one_height([row("Agent de police"), row("Commissaire divisionnaire")], "fr")
        assert not sheet.rows_of_one_height([row("Commissaire supérieur principal")], "fr")  # three lines
        assert sheet.rows_of_one_height([row("Commissaire supérieur principal", "Deputy commissioner")], "en")
        assert not sheet.rows_of_one_height([row("Agent de police", name="MUTOMBO-KALALA " * 6)], "fr")
