"""Generated training data: national scale is 100,000 officers, 2,500 cohorts of six course formats, about
110,000 enrolments, 110,000 sessions and 5,000,000 attendance marks.

Cohorts run from 2015 to the data's "today"; most are completed, some running, a few planned. One cohort of
450 officers in Bipemba (REGISTER_COHORT), taught by the demo trainer, is running; the register of its latest
session (today's, on a weekday) is still empty: the benchmark opens and saves it. Another cohort of 450
(CERTIFICATE_COHORT, a refresher of the national programme, finished a few weeks ago) was completed by every
officer and holds no certificate yet: the benchmark issues its certificates as one batch. The completed,
passed enrolments of the other finished cohorts are left in `gen.shared["certifiable"]` for the certificates
generator.
"""
from datetime import date, time, timedelta

from sqlalchemy import select

from bench.generate import generator
from cpms.training.demo import FIRST_F, FIRST_M, LAST, POST, TOPICS
from cpms.training.models import (
    Attendance,
    Cohort,
    Course,
    Enrolment,
    Rank,
    Trainee,
    TrainingSession,
    Vetting,
    cohort_trainers,
)

REGISTER_COHORT = "Mbuji-Mayi 2026 – police de proximité et police des mines (450)"
REGISTER_COHORT_SIZE = 450
CERTIFICATE_COHORT = "Mbuji-Mayi – recyclage droits humains et VSBG, national (450)"
# code, French title, English title, type, days, hours, attendance threshold, pass mark, sessions, share of cohorts
COURSES = [
    ("PDP-BASE", "Police de proximité – formation de base", "Community policing – basic course", "basic", 150, 600,
     80, 50, 100, 0.25),
    ("PDP-MINES", "Police des mines", "Mining policing", "mining", 90, 360, 80, 50, 60, 0.10),
    ("PDP-FRONT", "Police des frontières", "Border policing", "border", 90, 360, 80, 50, 60, 0.10),
    ("CMD", "Formation des commandants", "Commanders' course", "commanders", 25, 100, 90, 60, 18, 0.25),
    ("TOT", "Formation de formateurs", "Training of trainers", "tot", 13, 80, 90, 60, 10, 0.15),
    ("RECYCL", "Recyclage – droits humains et VSBG", "Refresher – human rights and SGBV", "refresher", 10, 40,
     90, 50, 8, 0.15),
]
SPECIALTIES = [("community", 70), ("mining", 8), ("border", 8), ("riverine", 4), ("child_protection", 4),
               ("sgbv", 4), ("other", 2)]
CENTRES = ["Centre de formation de {town}", "Académie de police de {town}", "École de police de {town}",
           "Centre d'instruction de {town}"]
FIRST_DAY = date(2015, 1, 5)
START_TIME, END_TIME = time(8), time(13)
WITHDRAWAL_REASONS = ["Réaffecté par sa hiérarchie", "Raisons de santé", "Mission opérationnelle", "Abandon"]


def _weekdays(start, count):
    """`count` weekdays from `start` (included when it is a weekday)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _spread(total, weights):
    """Split `total` into integers proportional to `weights` (largest remainders)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])[:total - sum(counts)]:
        counts[i] += 1
    return counts


@generator
def generate_training(gen):
    rng = gen.random("training")
    stamps = (gen.now, gen.now)
    provinces = gen.shared["provinces"]
    communes_by_province = {}
    for commune_id, province_id, _city, name in gen.shared["communes"]:
        communes_by_province.setdefault(province_id, []).append((commune_id, name))
    rank_ids = [r for (r,) in gen.connection.execute(select(Rank.id).order_by(Rank.position)).all()]

    course_ids = gen.ids(Course, len(COURSES))
    gen.insert(Course, ["id", "code", "title_fr", "title_en", "course_type", "duration_days", "hours", "topics",
                        "attendance_threshold", "pass_mark", "issues_certificate", "created_at", "updated_at"],
               [(cid, code, fr, en, kind, days, hours, "\n".join(TOPICS), threshold, mark, True, *stamps)
                for cid, (code, fr, en, kind, days, hours, threshold, mark, _s, _w) in zip(course_ids, COURSES)])
    courses = [(cid, spec) for cid, spec in zip(course_ids, COURSES)]

    weights = [rng.uniform(0.5, 1.5) * (2 if name == "Kinshasa" else 1) for _pid, name, _code in provinces]
    trainee_counts = _spread(gen.count(100_000), weights)
    cohort_counts = _spread(gen.count(2_500) - 2, weights)  # and the register and certificate cohorts
    trainee_counts[0] = max(trainee_counts[0], REGISTER_COHORT_SIZE)

    pools, names = _trainees(gen, rng, provinces, trainee_counts, communes_by_province, rank_ids)
    _vettings(gen, rng, pools)

    cohorts = _plan_cohorts(gen, rng, provinces, cohort_counts, courses, communes_by_province)
    gen.insert(Cohort, ["id", "name", "course_id", "programme_id", "training_centre", "commune_id", "province_id",
                        "start_date", "end_date", "capacity", "status", "certificate_language", "created_at", "updated_at"],
               [(c["id"], c["name"], c["course_id"], c["programme_id"], c["centre"], c["commune_id"], c["province_id"],
                 c["start"], c["days"][-1], c["size"], c["status"], "fr", *stamps) for c in cohorts])
    gen.insert(cohort_trainers, ["cohort_id", "user_id"],
               [(c["id"], trainer) for c in cohorts for trainer in c["trainers"]])

    session_rows, enrolment_rows, certifiable = [], [], []
    pass_marks = {cid: spec[7] for cid, spec in courses}
    cursors = {province_id: 0 for province_id in pools}
    for cohort in cohorts:
        pool = pools[cohort["province_id"]]
        start = cursors[cohort["province_id"]]
        members = [pool[(start + i) % len(pool)] for i in range(cohort["size"])]
        cursors[cohort["province_id"]] = (start + cohort["size"]) % len(pool)
        cohort["sessions"] = []
        for session_id, day in zip(gen.ids(TrainingSession, len(cohort["days"])), cohort["days"]):
            cancelled = day < gen.today and day != cohort.get("open_day") and rng.random() < 0.01
            session_rows.append((session_id, cohort["id"], day, START_TIME, END_TIME,
                                 TOPICS[len(cohort["sessions"]) % len(TOPICS)], cancelled, *stamps))
            cohort["sessions"].append((session_id, day, cancelled))
        cohort["enrolments"] = []
        held = [day for day in cohort["days"] if day <= gen.today]
        completed = cohort["status"] == "completed"
        everyone = cohort.get("everyone_completes", False)
        for enrolment_id, trainee_id in zip(gen.ids(Enrolment, len(members)), members):
            withdrawn = None
            if len(held) > 4 and not everyone and rng.random() < 0.02:
                withdrawn = held[rng.randrange(1, len(held))]
            pre = round(min(95, max(10, rng.gauss(45, 12))), 1)
            post = final = None
            if completed and withdrawn is None:
                post = round(min(100, pre + max(0, rng.gauss(22, 8))), 1)
                final = round(min(100, max(60 if everyone else 20, rng.gauss(68, 12))), 1)
                if final >= pass_marks[cohort["course_id"]] and not everyone:
                    certifiable.append((cohort["id"], enrolment_id, trainee_id))
            enrolment_rows.append((enrolment_id, cohort["id"], trainee_id, cohort["start"], withdrawn,
                                   rng.choice(WITHDRAWAL_REASONS) if withdrawn else "", pre, post, final, *stamps))
            cohort["enrolments"].append((enrolment_id, withdrawn))
    gen.insert(TrainingSession, ["id", "cohort_id", "session_date", "start_time", "end_time", "topic",
                                 "is_cancelled", "created_at", "updated_at"], session_rows)
    gen.insert(Enrolment, ["id", "cohort_id", "trainee_id", "enrolled_on", "withdrawn_on", "withdrawal_reason",
                           "pre_score", "post_score", "final_score", "created_at", "updated_at"], enrolment_rows)
    gen.commit()
    marks = gen.insert(Attendance, ["session_id", "enrolment_id", "status", "recorded_at", "recorded_by_id"],
                       _marks(gen, rng, cohorts))
    gen.shared["cohorts"] = [(c["id"], c["province_id"], c["commune_id"], c["programme_id"], c["status"])
                             for c in cohorts]
    # for the certificates generator: (cohort id, enrolment id, trainee id) of the passed, not withdrawn
    # enrolments of finished cohorts (attendance is not checked again), the officers' printed names, the cohorts
    gen.shared["certifiable"] = certifiable
    gen.shared["trainee_names"] = names
    gen.shared["cohort_details"] = {c["id"]: c for c in cohorts}
    gen.shared["courses"] = {cid: spec for cid, spec in courses}
    return {"trainees": sum(len(p) for p in pools.values()), "cohorts": len(cohorts),
            "enrolments": len(enrolment_rows), "training sessions": len(session_rows), "attendance marks": marks}


def _trainees(gen, rng, provinces, counts, communes_by_province, rank_ids):
    rows, pools, names = [], {}, {}
    specialties = [s for s, _w in SPECIALTIES]
    specialty_weights = [w for _s, w in SPECIALTIES]
    serial = 0
    for index, ((province_id, _name, _code), count) in enumerate(zip(provinces, counts)):
        communes = communes_by_province[province_id]
        ids = list(gen.ids(Trainee, count))
        for trainee_id in ids:
            serial += 1
            commune_id, commune_name = rng.choice(communes)
            sex = "F" if rng.random() < 0.15 else "M"
            matricule, last, post, first = (f"{10 + index:02d}{serial:07d}", rng.choice(LAST), rng.choice(POST),
                                            rng.choice(FIRST_F if sex == "F" else FIRST_M))
            names[trainee_id] = (matricule, " ".join(p for p in (last.upper(), post, first) if p))
            rows.append((trainee_id, matricule, last, post, first, sex,
                         date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35)),
                         rank_ids[min(int(rng.expovariate(0.7)), len(rank_ids) - 1)],
                         rng.choices(specialties, specialty_weights)[0], commune_id, province_id,
                         f"Commissariat de {commune_name}",
                         f"+2438{rng.randint(10000000, 99999999)}" if rng.random() < 0.5 else None,
                         gen.now, gen.now, gen.now))
        rng.shuffle(ids)
        pools[province_id] = ids
    gen.insert(Trainee, ["id", "matricule", "last_name", "post_name", "first_name", "sex", "birth_date", "rank_id",
                         "specialty", "commune_id", "province_id", "unit", "phone", "consent_recorded_at",
                         "created_at", "updated_at"], rows)
    return pools, names


def _vettings(gen, rng, pools):
    rows = []
    trainee_ids = sorted(t for pool in pools.values() for t in pool)
    for vetting_id, trainee_id in zip(gen.ids(Vetting, len(trainee_ids)), trainee_ids):
        submitted = FIRST_DAY - timedelta(days=90) + timedelta(days=rng.randrange(0, 3000))
        roll = rng.random()
        status = "approved" if roll < 0.96 else "pending" if roll < 0.98 else "denied" if roll < 0.99 else "expired"
        decided = None if status == "pending" else submitted + timedelta(days=rng.randint(20, 60))
        rows.append((vetting_id, trainee_id, submitted, f"LEAHY-{submitted.year}-{rng.randint(1, 40):02d}", status,
                     decided, None, "", gen.now, gen.now))
    gen.insert(Vetting, ["id", "trainee_id", "submitted_on", "batch_reference", "status", "decided_on", "expires_on",
                         "notes", "created_at", "updated_at"], rows)


def _plan_cohorts(gen, rng, provinces, counts, courses, communes_by_province):
    """Cohorts as dicts (id, name, course, programme, place, size, session days, status, trainers)."""
    trainers = gen.shared["trainers"]
    programmes = gen.shared["programmes"]
    course_weights = [spec[-1] for _cid, spec in courses]
    span = (gen.today + timedelta(days=90) - FIRST_DAY).days
    cohorts = []
    first_province = provinces[0][0]
    bipemba = next((c for c in communes_by_province[first_province] if c[1] == "Bipemba"),
                   communes_by_province[first_province][0])
    register_start = gen.today - timedelta(days=gen.today.weekday()) - timedelta(weeks=17)
    base_course = courses[0]
    cohorts.append(dict(name=REGISTER_COHORT, course_id=base_course[0], province_id=first_province,
                        commune_id=bipemba[0], town=bipemba[1], size=REGISTER_COHORT_SIZE,
                        days=_weekdays(register_start, base_course[1][8]),
                        trainers=trainers[first_province][:2]))
    refresher = courses[5]
    certificate_start = gen.today - timedelta(days=gen.today.weekday()) - timedelta(weeks=6)
    cohorts.append(dict(name=CERTIFICATE_COHORT, course_id=refresher[0], province_id=first_province,
                        commune_id=bipemba[0], town=bipemba[1], size=REGISTER_COHORT_SIZE,
                        days=_weekdays(certificate_start, refresher[1][8]), trainers=trainers[first_province][:1],
                        everyone_completes=True, programme_id=gen.shared["national_programme"]))
    for (province_id, name, _code), count in zip(provinces, counts):
        for n in range(count):
            course_id, spec = rng.choices(courses, course_weights)[0]
            commune_id, town = rng.choice(communes_by_province[province_id])
            start = FIRST_DAY + timedelta(days=rng.randrange(0, span))
            staff = trainers.get(province_id, [])
            cohorts.append(dict(name=f"{town} {start.year} – {spec[1]} ({n + 1})", course_id=course_id,
                                province_id=province_id, commune_id=commune_id, town=town, size=rng.randint(22, 74),
                                days=_weekdays(start, spec[8]),
                                trainers=rng.sample(staff, min(len(staff), rng.randint(1, 2)))))
    register = cohorts[0]
    register["open_day"] = max(day for day in register["days"] if day <= gen.today)
    for cohort_id, cohort in zip(gen.ids(Cohort, len(cohorts)), cohorts):
        cohort["id"] = cohort_id
        cohort["start"] = cohort["days"][0]
        cohort.setdefault("programme_id", programmes[cohort["province_id"]])
        cohort["centre"] = rng.choice(CENTRES).format(town=cohort["town"])
        cohort["status"] = ("planned" if cohort["start"] > gen.today else
                            "completed" if cohort["days"][-1] < gen.today else "running")
    return cohorts


def _marks(gen, rng, cohorts):
    """Attendance marks, streamed: each trainee has a diligence; a few miss many sessions."""
    statuses = ("present", "late", "excused", "absent")
    for cohort in cohorts:
        recorder = cohort["trainers"][0] if cohort["trainers"] else None
        diligence = [(enrolment_id, withdrawn, 1.0 if cohort.get("everyone_completes") else
                      rng.choice((0.97,) * 8 + (0.9, 0.7))) for enrolment_id, withdrawn in cohort["enrolments"]]
        for session_id, day, cancelled in cohort["sessions"]:
            if cancelled or day > gen.today or day == cohort.get("open_day"):
                continue  # the register of the latest session is left for the trainer (and the benchmark)
            recorded_at = gen.now.replace(year=day.year, month=day.month, day=day.day, hour=13)
            for enrolment_id, withdrawn, attends in diligence:
                if withdrawn is not None and day >= withdrawn:
                    continue
                roll = rng.random()
                status = statuses[0 if roll < attends - 0.03 else 1 if roll < attends else
                                  2 if roll < attends + 0.01 else 3]
                yield session_id, enrolment_id, status, recorded_at, recorder
