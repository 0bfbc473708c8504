"""Demo training data, in the spirit of the 2016 programme in Mbuji-Mayi and Lubumbashi.

Invented officers; cohort sizes and dates follow the programme documents: Mbuji-Mayi 400 community +
50 mining police (29 March – 28 August 2016); Lubumbashi 279 community, 50 border, 50 mining, then
another 279 community; a training of 40 trainers (14–26 March 2016). Attendance and scores are drawn
from a seeded generator so that every run gives the same figures.

Today's work (load_training_today) goes to the programme running now: a cohort in progress (started ten weeks
ago, ends in ten weeks, 60 officers of Diulu and Kanshi, three of them enrolled late and one withdrawn, the
register of every past session taken except one, today's session planned) and a cohort that ended last month
with its attendance and scores complete, ready for its certificates.
"""
import random
from datetime import date, time, timedelta

from sqlalchemy import insert, select

from cpms.core.demo import demo_loader, say
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.training import service
from cpms.training.models import Attendance, Cohort, Course, Enrolment, Rank, Trainee, TrainingSession, Vetting
from cpms.training.reference import seed_ranks
from cpms.training.service import attendance

LAST = ["Kabongo", "Tshibangu", "Mbuyi", "Ilunga", "Kasongo", "Ngalula", "Kalala", "Mukendi", "Tshimanga", "Kabeya",
        "Mulumba", "Kanku", "Ntumba", "Muamba", "Kazadi", "Lukusa", "Mpoyi", "Banza", "Kalonji", "Mwamba", "Nkongolo",
        "Tshilumba", "Kayembe", "Mutombo", "Ngoy", "Kapinga", "Beya", "Mbala", "Kitenge", "Numbi", "Monga", "Kyungu"]
POST = ["Mulamba", "Kanyinda", "Tshiala", "Muteba", "Kabamba", "Mutanda", "Nsenga", "Kaseba", "Lumbala", "Kadima", ""]
FIRST_M = ["Jean", "Pierre", "Joseph", "Patrick", "Christophe", "Alphonse", "Fidèle", "Dieudonné", "Trésor", "Junior",
           "Papy", "Didier", "Serge", "Blaise", "Héritier", "Jonathan"]
FIRST_F = ["Marie", "Thérèse", "Jeanne", "Odette", "Bernadette", "Gracia", "Félicité", "Mireille", "Nadine", "Esther",
           "Rachel", "Chantal"]
TOPICS = ["Travail policier de base", "Police de proximité", "Droits humains", "Violences sexuelles et basées sur le genre",
          "Protection de l'enfant", "PSEA", "Principes humanitaires", "Communication avec la population"]
HOLIDAYS = [date(2016, 4, 30 - 0), date(2016, 5, 1), date(2016, 5, 17), date(2016, 6, 30), date(2016, 8, 1),
            date(2016, 12, 25), date(2017, 1, 1), date(2017, 1, 4), date(2017, 1, 16), date(2017, 1, 17)]

COURSES = [
    dict(code="PDP-BASE", title_fr="Police de proximité – formation de base", title_en="Community policing – basic course",
         course_type="basic", duration_days=150, hours=600, attendance_threshold=80, pass_mark=50),
    dict(code="PDP-MINES", title_fr="Police des mines", title_en="Mining policing", course_type="mining",
         duration_days=150, hours=600, attendance_threshold=80, pass_mark=50),
    dict(code="PDP-FRONT", title_fr="Police des frontières", title_en="Border policing", course_type="border",
         duration_days=150, hours=600, attendance_threshold=80, pass_mark=50),
    dict(code="TOT", title_fr="Formation de formateurs", title_en="Training of trainers", course_type="tot",
         duration_days=13, hours=80, attendance_threshold=90, pass_mark=60),
]

# (cohort name, course, programme, commune, centre, start, end, size, specialty, share of women)
COHORTS = [
    ("Mbuji-Mayi 2016 – police de proximité", "PDP-BASE", "PDP-KOR-2015", "Bipemba", "Centre de formation de Mbuji-Mayi",
     date(2016, 3, 29), date(2016, 8, 28), 400, "community", 0.15),
    ("Mbuji-Mayi 2016 – police des mines", "PDP-MINES", "PDP-KOR-2015", "Bipemba", "Centre de formation de Mbuji-Mayi",
     date(2016, 3, 29), date(2016, 8, 28), 50, "mining", 0.06),
    ("Lubumbashi 2016 – formation de formateurs", "TOT", "PDP-HKT-2016", "Annexe", "Académie de police de Kassapa",
     date(2016, 3, 14), date(2016, 3, 26), 40, "community", 0.2),
    ("Lubumbashi 2016 (1) – police de proximité", "PDP-BASE", "PDP-HKT-2016", "Kampemba", "Académie de police de Kassapa",
     date(2016, 4, 4), date(2016, 9, 30), 279, "community", 0.14),
    ("Lubumbashi 2016 (1) – police des frontières", "PDP-FRONT", "PDP-HKT-2016", "Kampemba", "Académie de police de Kassapa",
     date(2016, 4, 4), date(2016, 9, 30), 50, "border", 0.08),
    ("Lubumbashi 2016 (1) – police des mines", "PDP-MINES", "PDP-HKT-2016", "Kampemba", "Académie de police de Kassapa",
     date(2016, 4, 4), date(2016, 9, 30), 50, "mining", 0.06),
    ("Lubumbashi 2016 (2) – police de proximité", "PDP-BASE", "PDP-HKT-2016", "Kampemba", "Académie de police de Kassapa",
     date(2016, 10, 3), date(2017, 3, 31), 279, "community", 0.16),
]


@demo_loader
def load_training(context):
    rng = random.Random(2016)
    courses = {spec["code"]: service.save_course(topics="\n".join(TOPICS), issues_certificate=True, **spec)
               for spec in COURSES}
    communes = {c.name: c for c in db.session.scalars(select(Commune))}
    seed_ranks(db.session.connection())  # the migration seeds them; a create_all() schema has none
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()
    trainer = context["users"]["formateur@demo.cpms.example"]
    programmes = context["programmes"]
    totals = {"trainees": 0, "attendance marks": 0}
    serial = 0
    for name, course_code, programme_code, commune_name, centre, start, end, size, specialty, women in COHORTS:
        commune = communes[commune_name]
        cohort = service.save_cohort(name=name, course_id=courses[course_code].id,
                                     programme_id=programmes[programme_code].id, training_centre=centre,
                                     commune_id=commune.id, start_date=start, end_date=end, capacity=size,
                                     status="completed", trainer_ids=[trainer.id] if programme_code == "PDP-KOR-2015" else [])
        trainees = []
        for _ in range(size):
            serial += 1
            sex = "F" if rng.random() < women else "M"
            trainees.append({"matricule": f"{'13' if commune.province.name == 'Kasaï-Oriental' else '14'}{serial:06d}",
                             "last_name": rng.choice(LAST), "post_name": rng.choice(POST),
                             "first_name": rng.choice(FIRST_F if sex == "F" else FIRST_M), "sex": sex,
                             "birth_date": date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 25)),
                             "rank_id": rng.choice(ranks[:4]).id if course_code != "TOT" else rng.choice(ranks[3:7]).id,
                             "specialty": specialty, "unit": "", "commune_id": commune.id,
                             "province_id": commune.province_id, "consent_recorded_at": utcnow(),
                             "created_at": utcnow(), "updated_at": utcnow()})
        db.session.execute(insert(Trainee), trainees)
        ids = db.session.scalars(select(Trainee.id).where(Trainee.matricule.in_([t["matricule"] for t in trainees]))
                                 .order_by(Trainee.id)).all()
        db.session.execute(insert(Vetting), [
            {"trainee_id": tid, "submitted_on": start - timedelta(days=75), "batch_reference": f"{programme_code}-B1",
             "status": "approved", "decided_on": start - timedelta(days=30), "notes": "",
             "created_at": utcnow(), "updated_at": utcnow()} for tid in ids])
        db.session.execute(insert(Enrolment), [
            {"cohort_id": cohort.id, "trainee_id": tid, "enrolled_on": start, "created_at": utcnow(), "updated_at": utcnow(),
             "pre_score": round(min(95, max(10, rng.gauss(45, 12))), 1), "withdrawal_reason": ""} for tid in ids])
        attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(13),
                                     holidays=HOLIDAYS, topics=TOPICS)
        totals["attendance marks"] += _attendance_and_scores(rng, cohort, start, end)
        totals["trainees"] += size
    return totals


def _attendance_and_scores(rng, cohort, start, end):
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)).all()
    sessions = db.session.scalars(select(TrainingSession).where(TrainingSession.cohort_id == cohort.id)
                                  .order_by(TrainingSession.session_date)).all()
    rows, count = [], 0
    for n, enrolment in enumerate(enrolments):
        diligence = rng.choice([0.97] * 8 + [0.9, 0.7])  # most attend well, a few often miss
        leaves = sessions[len(sessions) // 2].session_date if n % 97 == 5 else None  # a few withdraw mid-course
        for session in sessions:
            if leaves and session.session_date >= leaves:
                break
            roll = rng.random()
            status = ("present" if roll < diligence - 0.03 else "late" if roll < diligence
                      else "excused" if roll < diligence + 0.01 else "absent")
            rows.append({"session_id": session.id, "enrolment_id": enrolment.id, "status": status,
                         "recorded_at": utcnow(), "recorded_by_id": None})
        if leaves:
            enrolment.withdrawn_on = leaves
            enrolment.withdrawal_reason = say("Réaffecté par sa hiérarchie", "Reassigned by his superiors")
        else:
            enrolment.post_score = round(min(100, enrolment.pre_score + max(0, rng.gauss(22, 8))), 1)
            enrolment.final_score = round(min(100, max(20, rng.gauss(68, 12))), 1)
        if len(rows) >= 5000:
            db.session.execute(insert(Attendance), rows)
            count, rows = count + len(rows), []
    if rows:
        db.session.execute(insert(Attendance), rows)
        count += len(rows)
    db.session.flush()
    return count


@demo_loader
def load_vetting_batches(context):
    """The next Mbuji-Mayi intake waits for vetting: 30 officers registered, 20 of them submitted in batch
    PDP-KOR-2015-B2 three weeks before the demo was loaded (pending), 10 not yet submitted. One officer of
    the 2016 community-policing cohort was denied after enrolment, so the close-out shows that case."""
    rng = random.Random(2017)
    communes = {c.name: c for c in db.session.scalars(select(Commune).where(Commune.name.in_(["Bipemba", "Muya",
                                                                                              "Dibindi"])))}
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()
    officers = []
    for n in range(30):
        commune = communes[("Bipemba", "Muya", "Dibindi")[n % 3]]
        sex = "F" if rng.random() < 0.2 else "M"
        officers.append({"matricule": f"13{900001 + n:06d}", "last_name": rng.choice(LAST), "post_name": rng.choice(POST),
                         "first_name": rng.choice(FIRST_F if sex == "F" else FIRST_M), "sex": sex,
                         "birth_date": date(1975, 1, 1) + timedelta(days=rng.randrange(0, 365 * 20)),
                         "rank_id": rng.choice(ranks[:3]).id, "specialty": "community", "unit": "",
                         "commune_id": commune.id, "province_id": commune.province_id, "consent_recorded_at": utcnow(),
                         "created_at": utcnow(), "updated_at": utcnow()})
    db.session.execute(insert(Trainee), officers)
    ids = db.session.scalars(select(Trainee.id).where(Trainee.matricule.in_([o["matricule"] for o in officers]))
                             .order_by(Trainee.id)).all()
    submitted = date.today() - timedelta(days=21)
    db.session.execute(insert(Vetting), [
        {"trainee_id": tid, "submitted_on": submitted, "batch_reference": "PDP-KOR-2015-B2", "status": "pending",
         "notes": "", "created_at": utcnow(), "updated_at": utcnow()} for tid in ids[:20]])
    denied = db.session.scalar(select(Enrolment.trainee_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
                               .where(Cohort.name == COHORTS[0][0], Enrolment.withdrawn_on.is_(None))
                               .order_by(Enrolment.id).offset(17).limit(1))
    db.session.execute(insert(Vetting), [
        {"trainee_id": denied, "submitted_on": date(2016, 4, 15), "batch_reference": "PDP-KOR-2015-B1R",
         "status": "denied", "decided_on": date(2016, 5, 20), "notes": "Réexamen après signalement",
         "created_at": utcnow(), "updated_at": utcnow()}])
    return {"officers waiting for vetting": len(ids)}


def _officers(rng, ranks, communes, first_serial, n, women=0.15):
    """Insert n invented officers (matricules from first_serial); returns their ids in order."""
    rows = []
    for k in range(n):
        commune = communes[k % len(communes)]
        sex = "F" if rng.random() < women else "M"
        rows.append({"matricule": f"13{first_serial + k:06d}", "last_name": rng.choice(LAST),
                     "post_name": rng.choice(POST), "first_name": rng.choice(FIRST_F if sex == "F" else FIRST_M),
                     "sex": sex, "birth_date": date(1975, 1, 1) + timedelta(days=rng.randrange(0, 365 * 22)),
                     "rank_id": rng.choice(ranks[:4]).id, "specialty": "community", "unit": "",
                     "commune_id": commune.id, "province_id": commune.province_id, "consent_recorded_at": utcnow(),
                     "created_at": utcnow(), "updated_at": utcnow()})
    db.session.execute(insert(Trainee), rows)
    return db.session.scalars(select(Trainee.id).where(Trainee.matricule.in_([r["matricule"] for r in rows]))
                              .order_by(Trainee.id)).all()


def _approved_vetting(ids, start, batch):
    db.session.execute(insert(Vetting), [
        {"trainee_id": tid, "submitted_on": start - timedelta(days=60), "batch_reference": batch,
         "status": "approved", "decided_on": start - timedelta(days=20), "notes": "",
         "created_at": utcnow(), "updated_at": utcnow()} for tid in ids])


def _mark_past_sessions(rng, cohort, today, untaken=()):
    """Marks for every session held before `today` (or on it, for an ended cohort), for the trainees enrolled
    that day, except the sessions in `untaken`; returns the number of marks."""
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id)
                                    .order_by(Enrolment.id)).all()
    sessions = [s for s in service.cohort_sessions(cohort.id) if s.session_date < today and s.id not in untaken]
    rows = []
    for enrolment in enrolments:
        diligence = rng.choice([0.97] * 8 + [0.9, 0.7])
        for session in sessions:
            if session.session_date < enrolment.enrolled_on or (
                    enrolment.withdrawn_on and session.session_date >= enrolment.withdrawn_on):
                continue
            roll = rng.random()
            status = ("present" if roll < diligence - 0.03 else "late" if roll < diligence
                      else "excused" if roll < diligence + 0.01 else "absent")
            rows.append({"session_id": session.id, "enrolment_id": enrolment.id, "status": status,
                         "recorded_at": utcnow(), "recorded_by_id": None})
    if rows:
        db.session.execute(insert(Attendance), rows)
    return len(rows)


def _today_cohort(context, rng, ranks, communes, course, trainer, today):
    """The cohort in progress: 57 officers from the start, 3 enrolled two weeks late, one withdrawn."""
    start, end = today - timedelta(weeks=10), today + timedelta(weeks=10)
    cohort = service.save_cohort(
        name=say(f"Mbuji-Mayi {today.year} – police de proximité (en cours)",
                 f"Mbuji-Mayi {today.year} – community policing (in progress)"),
        course_id=course.id, programme_id=context["current_programme"].id,
        training_centre="Centre de formation de Mbuji-Mayi", commune_id=communes[0].id, start_date=start,
        end_date=end, capacity=60, trainer_ids=[trainer.id])
    ids = _officers(rng, ranks, communes, 800001, 60)
    _approved_vetting(ids, start, f"{CURRENT_BATCH}-B1")
    enrolments = service.enrol_trainees(cohort, ids[:57])
    service.enrol_trainees(cohort, ids[57:], enrolled_on=start + timedelta(weeks=2))  # late enrolments
    service.withdraw_enrolment(enrolments[11], start + timedelta(weeks=5),
                               say("Muté au commissariat de Tshilenge", "Transferred to the Tshilenge station"))
    attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(13),
                                 topics=TOPICS)
    if today.weekday() >= 5:  # a weekend: today's session is a catch-up session
        db.session.add(TrainingSession(cohort_id=cohort.id, session_date=today, start_time=time(9),
                                       end_time=time(12), topic=say("Séance de rattrapage", "Catch-up session")))
        db.session.flush()
    held = [s for s in service.cohort_sessions(cohort.id) if s.session_date < today]
    forgotten = held[-3].id  # one held session whose register nobody took
    return _mark_past_sessions(rng, cohort, today, untaken={forgotten})


def _ended_cohort(context, rng, ranks, communes, course, trainer, today):
    """A cohort that ended last month, its registers all taken and its scores entered."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end - timedelta(weeks=12) + timedelta(days=1)
    cohort = service.save_cohort(
        name=say(f"Mbuji-Mayi {end.year} – police des mines (terminée)",
                 f"Mbuji-Mayi {end.year} – mining police (ended)"),
        course_id=course.id, programme_id=context["current_programme"].id,
        training_centre="Centre de formation de Mbuji-Mayi", commune_id=communes[1].id, start_date=start,
        end_date=end, capacity=30, trainer_ids=[trainer.id])
    ids = _officers(rng, ranks, communes, 800101, 30, women=0.1)
    _approved_vetting(ids, start, f"{CURRENT_BATCH}-B0")
    enrolments = service.enrol_trainees(cohort, ids)
    attendance.generate_sessions(cohort, weekdays={0, 1, 2, 3, 4}, start_time=time(8), end_time=time(13),
                                 topics=TOPICS)
    marks = _mark_past_sessions(rng, cohort, end + timedelta(days=1))
    for enrolment in enrolments:
        enrolment.pre_score = round(min(95, max(10, rng.gauss(45, 12))), 1)
        enrolment.post_score = round(min(100, enrolment.pre_score + max(0, rng.gauss(22, 8))), 1)
        enrolment.final_score = round(min(100, max(20, rng.gauss(68, 12))), 1)
    db.session.flush()
    return marks


CURRENT_BATCH = "PDP-MBM-ACTUEL"


@demo_loader
def load_training_today(context):
    """Today's training on the programme running now (context["current_programme"])."""
    rng = random.Random(2026)
    today = date.today()
    courses = {c.code: c for c in db.session.scalars(select(Course))}
    communes = db.session.scalars(select(Commune).where(Commune.name.in_(["Diulu", "Kanshi"]))
                                  .order_by(Commune.name)).all()
    ranks = db.session.scalars(select(Rank).order_by(Rank.position)).all()
    trainer = context["users"]["formateur@demo.cpms.example"]
    marks = _today_cohort(context, rng, ranks, communes, courses["PDP-BASE"], trainer, today)
    marks += _ended_cohort(context, rng, ranks, communes, courses["PDP-MINES"], trainer, today)
    return {"cohorts today": 2, "attendance marks today": marks}
