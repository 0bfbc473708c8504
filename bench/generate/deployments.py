"""Generated postings and coaching visits: national scale is about 70,000 officers posted after the courses they
passed, about 110,000 postings with their moves and departures, and 4,000 coaching visits.

Officers who passed a finished cohort (not withdrawn, final score at or above the course's pass mark: the
enrolments the certificates generator certifies) are posted a few days to six weeks after their first such
course, mostly in the cohort's commune, otherwise elsewhere in its province; half of the postings name one of the
commune's stations when it has any. Some officers are never posted (NEVER_POSTED). Then each officer's career
runs until the data's "today":

- moves within the province (another commune or station, the next day), about every three years;
- one departure from the programme's area, with a yearly probability of DEPARTURE_PER_YEAR: transferred out
  (then posted in another province), resigned, dismissed, died or other. Reasons are recorded on the posting
  that ends, as the app asks for departures before the minimum period.

An officer trained again later was still serving in the area then: departures are drawn from the last course on.
With these rates about 83 % of the officers certified a year earlier are still posted in the area, and about
64 % after three years (the retention page and the indicators RET-12 and RET-36 count certificates, so they need
the certificates generator's rows). Coaching visits follow officers in post: a commune (and a station when the
posting names one), a day when the officer was there, a few of the officers posted there then, and one to three
follow-up actions, done or still open.
"""
import math
from bisect import bisect_right
from datetime import timedelta

from sqlalchemy import select

from bench.generate import generator
from cpms.deployments.demo import COACHES, VISITS
from cpms.deployments.models import CoachingVisit, FollowUpAction, Posting, coaching_visit_officers
from cpms.programmes.models import programme_provinces
from cpms.stations.models import Station
from cpms.training.models import Cohort, Course, Enrolment

NEVER_POSTED = 0.03
DEPARTURE_PER_YEAR = 0.15
MOVE_EVERY_YEARS = 3.0
# why officers leave the area (the demo's proportions), and the note "other" needs
DEPARTURES = [("transfer_out", 0.50, ""), ("resignation", 0.25, ""), ("dismissal", 0.12, ""), ("death", 0.05, ""),
              ("other", 0.08, "Mise en disponibilité pour études")]
FUNCTIONS = {"mining": "Agent de la police des mines", "border": "Agent de la police des frontières",
             "commanders": "Commandant de poste", "tot": "Formateur"}
DEFAULT_FUNCTION = "Agent de police de proximité"
VISITS_NATIONAL = 4_000


def _passed(gen):
    """(trainee, course end, cohort province, cohort commune, programme, course type, last course end) of every
    officer who passed a finished cohort: the first such course of each officer, and the end of the last one."""
    rows = gen.connection.execute(
        select(Enrolment.trainee_id, Cohort.end_date, Cohort.province_id, Cohort.commune_id, Cohort.programme_id,
               Course.course_type)
        .join(Cohort, Cohort.id == Enrolment.cohort_id).join(Course, Course.id == Cohort.course_id)
        .where(Cohort.status == "completed", Cohort.end_date < gen.today, Enrolment.withdrawn_on.is_(None),
               Enrolment.final_score >= Course.pass_mark)
        .order_by(Enrolment.trainee_id, Cohort.end_date, Enrolment.id)).all()
    first, last = {}, {}
    for row in rows:
        first.setdefault(row[0], tuple(row))
        last[row[0]] = row[1]
    return [(*row, last[row[0]]) for row in first.values()]


@generator
def generate_deployments(gen):  # noqa: C901
    rng = gen.random("deployments")
    communes_by_province = {}
    for commune_id, province_id, _city, _name in gen.shared["communes"]:
        communes_by_province.setdefault(province_id, []).append(commune_id)
    stations_by_commune = {}
    for station_id, commune_id in gen.connection.execute(select(Station.id, Station.commune_id).order_by(Station.id)):
        stations_by_commune.setdefault(commune_id, []).append(station_id)
    area = {}
    for programme_id, province_id in gen.connection.execute(select(programme_provinces.c.programme_id,
                                                                   programme_provinces.c.province_id)):
        area.setdefault(programme_id, set()).add(province_id)
    provinces = sorted(communes_by_province)
    leave_rate = -math.log(1 - DEPARTURE_PER_YEAR) / 365.25
    move_rate = 1 / (MOVE_EVERY_YEARS * 365.25)
    reasons = [reason for reason, _share, _note in DEPARTURES]
    reason_weights = [share for _reason, share, _note in DEPARTURES]
    notes = {reason: note for reason, _share, note in DEPARTURES}
    last_day = gen.today - timedelta(days=1)

    def place(province_id, commune_id=None):
        commune_id = commune_id or rng.choice(communes_by_province[province_id])
        stations = stations_by_commune.get(commune_id)
        return (rng.choice(stations) if stations and rng.random() < 0.5 else None), commune_id, province_id

    postings = []  # (trainee, station, commune, province, function, start, end, reason, note)
    for trainee_id, course_end, province_id, commune_id, programme_id, course_type, last_course in _passed(gen):
        start = course_end + timedelta(days=rng.randint(4, 45))
        if start > last_day or rng.random() < NEVER_POSTED:
            continue
        function = FUNCTIONS.get(course_type, DEFAULT_FUNCTION)
        station, commune, province = place(province_id, commune_id if rng.random() < 0.7 else None)
        # an officer trained again later was still serving in the area then
        leaves = max(start, last_course) + timedelta(days=int(rng.expovariate(leave_rate)))
        while True:
            moves = start + timedelta(days=max(90, int(rng.expovariate(move_rate))))
            end = min(leaves, moves)
            if end > last_day:
                postings.append((trainee_id, station, commune, province, function, start, None, None, ""))
                break
            if end == leaves:
                reason = rng.choices(reasons, reason_weights)[0]
                postings.append((trainee_id, station, commune, province, function, start, end, reason, notes[reason]))
                outside = [p for p in provinces if p not in area.get(programme_id, ())]
                if reason == "transfer_out" and outside:
                    postings.append((trainee_id, *place(rng.choice(outside)), function, end + timedelta(days=1),
                                     None, None, ""))
                break
            postings.append((trainee_id, station, commune, province, function, start, end, None, ""))
            station, commune, province = place(province)
            start = end + timedelta(days=1)
    stamps = (gen.now, gen.now)
    posting_ids = gen.ids(Posting, len(postings))
    gen.insert(Posting, ["id", "trainee_id", "station_id", "commune_id", "province_id", "function", "start_date",
                         "end_date", "end_reason", "end_note", "created_at", "updated_at"],
               [(posting_id, *row, *stamps) for posting_id, row in zip(posting_ids, postings)])
    visits = _coaching(gen, rng, postings)
    posted = len({row[0] for row in postings})
    return {"officers posted": posted, "postings": len(postings), "coaching visits": visits}


def _coaching(gen, rng, postings):
    """Coaching visits of officers in post, with the officers seen and follow-up actions."""
    if not postings:
        return 0
    by_commune = {}
    for row in postings:
        by_commune.setdefault(row[2], []).append(row)
    starts = {}
    for commune, rows in by_commune.items():
        rows.sort(key=lambda row: row[5])
        starts[commune] = [row[5] for row in rows]
    visits, seen, actions = [], [], []
    stamps = (gen.now, gen.now)
    for visit_id in gen.ids(CoachingVisit, gen.count(VISITS_NATIONAL)):
        trainee_id, station, commune, province, _function, start, end, _reason, _note = rng.choice(postings)
        # a posting that starts today has no past day yet: its visit is on its first day
        span = max(0, ((end or gen.today - timedelta(days=1)) - start).days)
        day = start + timedelta(days=rng.randrange(0, span + 1))
        rows = by_commune[commune]
        present = {row[0] for row in rows[:bisect_right(starts[commune], day)]
                   if row[6] is None or row[6] >= day} - {trainee_id}
        officers = [trainee_id] + rng.sample(sorted(present), min(len(present), rng.randint(2, 8)))
        name, kind, organisation = rng.choice(COACHES)
        _commune, _date, _coach, _station, observations, agreed = rng.choice(VISITS)
        visits.append((visit_id, day, commune, province, station, name, kind, organisation, observations,
                       None, *stamps))
        seen.extend((visit_id, officer) for officer in officers)
        for position, (what, who, days) in enumerate(agreed, start=1):
            due = day + timedelta(days=days)
            done = due < gen.today and rng.random() < 0.7
            actions.append((visit_id, position, what, who, due, done,
                            min(due - timedelta(days=rng.randrange(0, 10)), gen.today) if done else None, *stamps))
    gen.insert(CoachingVisit, ["id", "visit_date", "commune_id", "province_id", "station_id", "coach_name",
                               "coach_type", "coach_organisation", "observations", "recorded_by_id", "created_at",
                               "updated_at"], visits)
    gen.insert(coaching_visit_officers, ["visit_id", "trainee_id"], seen)
    gen.insert(FollowUpAction, ["id", "visit_id", "position", "description", "responsible", "due_date", "is_done",
                                "done_on", "created_at", "updated_at"],
               [(action_id, *row) for action_id, row in zip(gen.ids(FollowUpAction, len(actions)), actions)])
    return len(visits)
