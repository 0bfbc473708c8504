"""Who may use the deployment pages (the same decisions as cpms/deployments/views/).

- Admins and project officers post officers (one at a time or a cohort's graduates together), edit and end
  postings, and record coaching visits.
- M&E officers read postings, officers' posting histories, the early departures and the coaching visits.
- Trainers read the postings of the trainees of their own cohorts (elsewhere: 404) and the retention of those
  cohorts; coaching visits are not theirs.
- Viewers (donors, management) see the retention aggregates and its export, with the early departures counted
  by reason: no names, no postings.
Everything is also limited to the user's area: elsewhere the answer is 404.
"""
from tests.access import ANY, STAFF

MANAGE = frozenset({"admin", "project_officer"})
COACHING = frozenset({"admin", "project_officer", "me_officer"})

EXPECTED = {
    "deployments.posting_list": STAFF,
    "deployments.officer_detail": STAFF,
    "deployments.posting_create": MANAGE,
    "deployments.posting_edit": MANAGE,
    "deployments.cohort_list": MANAGE,
    "deployments.cohort_posting": MANAGE,
    "deployments.retention": ANY,
    "deployments.retention_export": ANY,
    "deployments.visit_list": COACHING,
    "deployments.visit_detail": COACHING,
    "deployments.visit_create": MANAGE,
    "deployments.visit_edit": MANAGE,
    "api.postings": STAFF,
}


def samples(request):
    """An officer posted in Bipemba (Kasaï-Oriental) and a coaching visit that saw them. (trainee_id and
    cohort_id also come from tests/training/access.py: any officer or cohort in Kasaï-Oriental will do.)"""
    trainee = request.getfixturevalue("make_trainee")()
    posting = request.getfixturevalue("make_posting")(trainee)
    visit = request.getfixturevalue("make_visit")([trainee])
    return {"trainee_id": trainee.id, "posting_id": posting.id, "visit_id": visit.id}
