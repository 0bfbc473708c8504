"""Demo certificates: the default template, invented logos and signatories for the three programmes, the
certificates of the training of trainers (one corrected and re-issued, one revoked), and a queued batch for
each other completed cohort – the scheduler of `make run` issues those in the background within a minute
(or `flask cpms certificates run-batches`). Rendering the 1,100 PDFs during `flask cpms demo` would make
loading a minute longer. Every certificate is certified on its cohort's end date (2016 for the historical
ones), whenever it is issued.

In the programme running today (`context["current_programme"]`), the cohorts that have ended (e.g. the one
that ended last month) get their certificates now (directly up to DIRECT_LIMIT trainees, else by a queued
batch); the running cohort gets none – its certificate page says why.
"""
import io
import math

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from cpms.certificates import service
from cpms.certificates.service import batches, design
from cpms.core.demo import demo_loader
from cpms.extensions import db
from cpms.training.models import Cohort
from cpms.training.service.attendance import cohort_completion

# (programme, colours, initials, donor initials, signatories) – all invented
PROFILES = {
    "PDP-KOR-2015": ((31, 78, 121), "PDP", "INL", [
        ("Mireille Kabeya Ntumba", "Cheffe de programme, police de proximité"),
        ("Albert Mukendi Kasongo", "Commissaire provincial, Kasaï-Oriental"),
        ("Bernadette Lukusa Mpoyi", "Directrice du centre de formation de Mbuji-Mayi")]),
    "PDP-HKT-2016": ((23, 107, 84), "PDP", "INL", [
        ("Didier Kalonji Banza", "Chef de programme, Lubumbashi"),
        ("Thérèse Numbi Kyungu", "Commissaire provinciale, Haut-Katanga")]),
    "STAB-KAS-2021": ((140, 70, 20), "STAB", "UK", [
        ("Esther Kanku Beya", "Coordinatrice de la stabilisation communautaire")]),
}
TOT = "Lubumbashi 2016 – formation de formateurs"
DIRECT_LIMIT = 60
ENGLISH = "Lubumbashi 2016 (1) – police des frontières"


def _font(size):
    return ImageFont.load_default(size=size)


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def programme_logo(colour, initials):
    """A shield with the programme's initials."""
    image = Image.new("RGBA", (360, 360), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(30, 30), (330, 30), (330, 190), (180, 340), (30, 190)], fill=colour + (255,))
    draw.polygon([(55, 55), (305, 55), (305, 180), (180, 305), (55, 180)], outline=(255, 255, 255, 255), width=6)
    draw.text((180, 150), initials, font=_font(88), fill="white", anchor="mm")
    return _png(image)


def donor_logo(colour, initials):
    """A globe with meridians and the donor's initials beside it."""
    image = Image.new("RGBA", (560, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 220, 220), outline=colour + (255,), width=10)
    for width in (60, 120):
        draw.ellipse((120 - width // 2, 20, 120 + width // 2, 220), outline=colour + (255,), width=5)
    draw.line((20, 120, 220, 120), fill=colour + (255,), width=5)
    draw.text((250, 120), initials, font=_font(110), fill=colour + (255,), anchor="lm")
    return _png(image)


def signature(seed):
    """A flowing line that looks like a signature, on a transparent background."""
    image = Image.new("RGBA", (420, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x, 60 + 30 * math.sin(x / (12 + seed)) * math.cos(x / (37 + 3 * seed))) for x in range(0, 380, 2)]
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    draw.line([(40 + 10 * seed, 100), (330, 92)], fill=(20, 30, 90, 255), width=3)
    return _png(image)


class _Upload:
    """What design.save_profile expects of an uploaded file (like werkzeug's FileStorage)."""

    def __init__(self, data, filename="image.png"):
        self.stream, self.filename = io.BytesIO(data), filename


@demo_loader
def load_certificates(context):
    service.current_template()
    for code, (colour, initials, donor, people) in PROFILES.items():
        design.save_profile(context["programmes"][code],
                            programme_logo=_Upload(programme_logo(colour, initials)),
                            donor_logo=_Upload(donor_logo(colour, donor)),
                            signatories=[{"name": name, "title": title, "signature": _Upload(signature(n))}
                                         for n, (name, title) in enumerate(people)])
    cohorts = {c.name: c for c in db.session.scalars(select(Cohort))}
    if ENGLISH in cohorts:
        cohorts[ENGLISH].certificate_language = "en"
    db.session.flush()
    issued = _issue_cohort(cohorts[TOT]) if TOT in cohorts else 0
    officer = context["users"]["suivi@demo.cpms.example"]
    queued = 0
    historical = {programme.id for programme in context["programmes"].values()}
    for name, cohort in cohorts.items():
        if name != TOT and cohort.programme_id in historical and cohort.status == "completed":
            batches.request_batch(officer, cohort)
            queued += 1
    current_issued, current_queued = _issue_current_programme(context.get("current_programme"), officer)
    return {"certificates issued": issued + current_issued, "certificate batches queued": queued + current_queued}


def _issue_current_programme(programme, officer):
    """The ended cohorts of the programme running today: certificates issued (or a batch queued when large)."""
    if programme is None:
        return 0, 0
    issued = queued = 0
    cohorts = db.session.scalars(select(Cohort).where(Cohort.programme_id == programme.id)
                                 .order_by(Cohort.end_date, Cohort.id)).all()
    for cohort in cohorts:
        if not service.cohort_has_ended(cohort) or not cohort.course.issues_certificate:
            continue  # the running cohort: no certificate before it ends
        completed = [row.enrolment for row in cohort_completion(cohort) if row.completed]
        if len(completed) > DIRECT_LIMIT:
            batches.request_batch(officer, cohort)
            queued += 1
            continue
        for enrolment in completed:
            service.issue_certificate(officer, enrolment)
        issued += len(completed)
    return issued, queued


def _issue_cohort(cohort):
    """Every completed trainee of the cohort; the first one's name was misspelt, then corrected and re-issued;
    the last certificate is revoked."""
    completed = [row for row in cohort_completion(cohort) if row.completed]
    first = completed[0].trainee
    correct_name = first.post_name
    first.post_name = (correct_name or "Mulumba")[:-1] + "h"  # a typing mistake
    certificates = [service.issue_certificate(None, row.enrolment) for row in completed]
    first.post_name = correct_name or "Mulumba"
    service.reissue_certificate(None, certificates[0], "Post-nom mal orthographié sur la première version")
    service.revoke_certificate(None, certificates[-1], "Feuilles de présence falsifiées (inspection de mai 2016)")
    return len(certificates) + 1
