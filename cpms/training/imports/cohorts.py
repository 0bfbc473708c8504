"""Imports into one cohort: enrolment from a list of matricules, and the attendance marks of one session
typed in later (from the printed sign-in sheet). Both end in the services that already check everything:
`enrol_trainees` and the idempotent `record_attendance`."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.errors import DomainError
from cpms.core.transaction import current_actor
from cpms.extensions import db
from cpms.training import service
from cpms.training.forms import ATTENDANCE_LABELS
from cpms.training.imports.base import Column, ImportKind, chunks, required_choice
from cpms.training.imports.trainees import MATRICULE, TraineeImport
from cpms.training.models import Enrolment, Trainee
from cpms.training.service import attendance

ATTENDANCE_SYNONYMS = {
    "present": ("present", "présent", "présente", "p", "yes", "oui", "1", "x"),
    "late": ("late", "en retard", "retard", "l", "r"),
    "excused": ("excused", "excusé", "excusée", "justifié", "justified", "e"),
    "absent": ("absent", "absente", "a", "no", "non", "0"),
}
NAME = Column("name", "Name", "Nom complet", False, ("full name",))
ARRIVAL = Column("arrival", "Arrival time", "Heure d'arrivée", False, ("arrival", "arrivée"))
SIGNATURE = Column("signature", "Signature", "Signature")
_INFORMATIVE = (NAME, ARRIVAL, SIGNATURE) + tuple(c for c in TraineeImport.columns if c is not MATRICULE)


def _first_rows(rows, check):
    """[(row, matricule)] of the rows with a matricule seen for the first time; errors for the others."""
    seen, result = {}, []
    for row in rows:
        matricule = service.normalise_matricule(row.get("matricule"))
        if not matricule:
            check.error(row["row"], "matricule", _("The matricule is missing."))
        elif matricule in seen:
            check.error(row["row"], "matricule", _("The matricule %(m)s is already in row %(row)d of the file.",
                                                   m=matricule, row=seen[matricule]))
        else:
            seen[matricule] = row["row"]
            result.append((row, matricule))
    return result


def _trainees_by_matricule(matricules):
    found = {}
    for part in chunks(matricules):
        found.update({t.matricule: t for t in db.session.scalars(select(Trainee).where(Trainee.matricule.in_(part)))})
    return found


class EnrolmentImport(ImportKind):
    """Enrol in a cohort (the context) the trainees listed by matricule."""

    name = "enrolment"
    columns = (MATRICULE,)
    informative = _INFORMATIVE

    def __init__(self, scope):
        self.scope = scope

    @property
    def display_headers(self):
        return [_("Matricule"), _("Name"), _("Sex"), _("Commune")]

    def display(self, item):
        return [item["matricule"], item["name"], item["sex"], item["commune"]]

    def validate(self, rows, cohort, check):
        firsts = _first_rows(rows, check)
        trainees = _trainees_by_matricule([m for _r, m in firsts])
        enrolments = {}
        for part in chunks([t.id for t in trainees.values()]):
            enrolments.update({e.trainee_id: e for e in db.session.scalars(select(Enrolment).where(
                Enrolment.cohort_id == cohort.id, Enrolment.trainee_id.in_(part)))})
        vettings = service.latest_vetting([t.id for t in trainees.values()]) if cohort.programme.requires_vetting else {}
        for row, matricule in firsts:
            n, trainee = row["row"], trainees.get(matricule)
            if trainee is None or not self.scope.allows(trainee.province_id, trainee.commune_id):
                check.error(n, "matricule", _("No trainee with the matricule %(m)s in your area: import the trainees "
                                              "first.", m=matricule))
                continue
            enrolment = enrolments.get(trainee.id)
            if enrolment is not None:
                message = (_("%(name)s was withdrawn from this cohort on %(date)s; not enrolled again.",
                             name=trainee.full_name, date=enrolment.withdrawn_on.isoformat()) if enrolment.withdrawn_on
                           else _("%(name)s is already enrolled; the row is skipped.", name=trainee.full_name))
                check.warning(n, "matricule", message)
                continue
            if cohort.programme.requires_vetting and not service.vetting_is_valid(vettings.get(trainee.id),
                                                                                  cohort.start_date):
                check.error(n, "matricule", _("%(name)s cannot be enrolled – the programme requires approved "
                                              "human-rights vetting: %(reason)s.", name=trainee.full_name,
                                              reason=service.vetting_reason(vettings.get(trainee.id))))
                continue
            check.items.append({"trainee_id": trainee.id, "matricule": matricule, "name": trainee.full_name,
                                "sex": trainee.sex, "commune": trainee.commune.name})
        current = db.session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.withdrawn_on.is_(None)))
        if check.items and current + len(check.items) > cohort.capacity:
            check.error(None, "", _("The cohort has %(free)d places left; the file enrols %(n)d trainees.",
                                    free=max(cohort.capacity - current, 0), n=len(check.items)))

    def apply(self, cohort, items):
        if not items:
            raise DomainError(_("Nobody to enrol: every trainee in the file is already enrolled."))
        return len(service.enrol_trainees(cohort, [item["trainee_id"] for item in items]))


class AttendanceImport(ImportKind):
    """The marks of one session (the context), by matricule; trainees left out of the file keep their marks."""

    name = "attendance"
    columns = (MATRICULE, Column("status", "Attendance", "Présence", True, ("status", "statut", "mark")))
    informative = _INFORMATIVE

    @property
    def display_headers(self):
        return [_("Matricule"), _("Name"), _("Attendance")]

    def display(self, item):
        return [item["matricule"], item["name"], str(ATTENDANCE_LABELS[item["status"]])]

    def validate(self, rows, session, check):
        attendance.check_session_open(session)
        register = {trainee.matricule: (enrolment, trainee) for enrolment, trainee, _status in attendance.register(session)}
        firsts = _first_rows(rows, check)
        strangers = [m for _r, m in firsts if m not in register]
        known = set(_trainees_by_matricule(strangers)) if strangers else set()
        for row, matricule in firsts:
            n = row["row"]
            if matricule not in register:
                check.error(n, "matricule", _("%(m)s is not enrolled in this cohort on the day of the session.",
                                              m=matricule) if matricule in known
                            else _("No trainee has the matricule %(m)s.", m=matricule))
                continue
            status = required_choice(row, "status", ATTENDANCE_SYNONYMS, check, lambda text: _(
                "“%(value)s” is not an attendance mark: write present, late, excused or absent (or P, L, E, A).",
                value=text), _("The attendance mark is missing."))
            if status is None:
                continue
            enrolment, trainee = register[matricule]
            check.items.append({"enrolment_id": enrolment.id, "matricule": matricule, "name": trainee.full_name,
                                "status": status})
        missing = len(register) - len({item["enrolment_id"] for item in check.items})
        if check.items and missing > 0:
            check.warning(None, "", _("%(n)d trainees of the register are not in the file: their marks stay as they are.",
                                      n=missing))

    def apply(self, session, items):
        marks = {item["enrolment_id"]: item["status"] for item in items}
        return attendance.record_attendance(current_actor(), session, marks)  # recorded by whoever imports
