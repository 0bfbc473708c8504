"""Who may use the complaints pages (the same decisions as cpms/complaints/views.py).

- Anybody, without an account, sends feedback and follows it by its receipt code.
- Admins, project officers and M&E officers list the non-sensitive cases of their area; admins and project
  officers record cases received by other channels.
- Case pages and their actions are open to every role at the door; the object check answers 404 to whoever may
  not see the case: sensitive cases only to named focal points (not implied by the admin role).
- Everybody with an account sees the aggregate figures (small cells hidden); only admins name focal points.
"""
from tests.access import ADMIN, ANY, PUBLIC

READERS = frozenset({"admin", "project_officer", "me_officer"})
HANDLERS = frozenset({"admin", "project_officer"})

EXPECTED = {
    "complaints.public_form": PUBLIC,
    "complaints.public_receipt": PUBLIC,
    "complaints.public_status": PUBLIC,
    "complaints.complaint_list": READERS,
    "complaints.sensitive_list": ANY,
    "complaints.complaint_create": HANDLERS,
    "complaints.complaint_detail": ANY,
    "complaints.complaint_acknowledge": ANY,
    "complaints.complaint_review": ANY,
    "complaints.complaint_answer": ANY,
    "complaints.complaint_refer": ANY,
    "complaints.complaint_close": ANY,
    "complaints.complaint_data": ANY,
    "complaints.figures": ANY,
    "complaints.focal_points": ADMIN,
    "api.complaints": READERS,
}


def samples(request):
    from cpms.complaints import service

    complaint = service.submit_complaint(category="feedback", account="Merci pour les patrouilles")
    return {"complaint_id": complaint.id}
