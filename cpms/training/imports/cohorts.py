"""Imports into one cohort: enrolment from a list of matricules, and the attendance marks of one session
typed in later (from the printed sign-in sheet). Both end in the services that already check everything:
`enrol_trainees` and the idempotent `record_attendance`."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.bounds import check_date, check_within
from cpms.core.errors import DomainError
from cpms.core.imports.base import Column
from cpms.core.imports.values import chunks, optional_date, required_choice
from cpms.core.transaction import current_actor
from cpms.extensions import db
from cpms.training import service
from cpms.training.forms import ATTENDANCE_LABELS
from cpms.training.imports.common import TrainingImportKind
from cpms.training.imports.trainees import MATRICULE, TraineeImport
from cpms.training.models import Cohort, Enrolment, Trainee, TrainingSession
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


ENROLLED_ON = Column("enrolled_on", "Enrolment date", "Date d'inscription", False,
                     ("enrolled on", "date of enrolment", "enrolment", "inscrit le", "inscription", "date inscription"))
WITHDRAWN_ON = Column("withdrawn_on", "Withdrawal date", "Date de retrait", False,
                      ("withdrawn on", "date of withdrawal", "withdrawal", "retiré le", "retrait"))
WITHDRAWAL_REASON = Column("withdrawal_reason", "Withdrawal reason", "Motif du retrait", False,
                           ("reason for withdrawal", "reason", "motif", "motif de retrait", "raison du retrait"))


def _cohort_date(row, key, label, cohort, check):
    """The date in row[key] if readable, plausible and within the cohort's dates; None when empty; False (with
    the problem recorded) otherwise."""
    value = optional_date(row, key, key, check)
    if not value:
        return value
    try:
        check_date(value, label)
        check_within(value, cohort.start_date, cohort.end_date, label, period=_("the cohort"))
    except DomainError as error:
        check.error(row["row"], key, error.message)
        return False
    return value


def _dates(row, cohort, check, enrolled_on=None):
    """(enrolled_on, withdrawn_on, reason) of a row, or None when one of them is wrong (problems recorded).
    `enrolled_on`: the date already recorded, for a trainee enrolled before."""
    n = row["row"]
    written = _cohort_date(row, "enrolled_on", _("The enrolment date"), cohort, check)
    withdrawn = _cohort_date(row, "withdrawn_on", _("The withdrawal date"), cohort, check)
    reason = " ".join((row.get("withdrawal_reason") or "").split())[:300]
    if written is False or withdrawn is False:
        return None
    start = enrolled_on or written or cohort.start_date
    if withdrawn and not reason:
        check.error(n, "withdrawal_reason", _("Give the reason for the withdrawal."))
    elif reason and not withdrawn:
        check.error(n, "withdrawn_on", _("Enter the withdrawal date, or leave the reason empty."))
    elif withdrawn and withdrawn < start:
        check.error(n, "withdrawn_on", _("The withdrawal date cannot be before the enrolment date (%(date)s).",
                                         date=format_date(start)))
    elif withdrawn and withdrawn > date.today():
        check.error(n, "withdrawn_on", _("The withdrawal date cannot be in the future."))
    else:
        return written, withdrawn, reason
    return None


def _iso(value):
    return value.isoformat() if value else None


class EnrolmentImport(TrainingImportKind):
    """Enrol in a cohort (the context) the trainees listed by matricule, each on the enrolment date of the file
    (else the cohort's start), and record the withdrawals the file dates (with their reason) – of trainees it
    enrols, or of trainees enrolled before."""

    name = "enrolment"
    columns = (MATRICULE, ENROLLED_ON, WITHDRAWN_ON, WITHDRAWAL_REASON)
    informative = _INFORMATIVE

    def load_context(self, context_id):
        return db.session.get(Cohort, context_id)

    def imported_message(self, count):
        return _("%(n)d enrolments recorded.", n=count)

    @property
    def display_headers(self):
        return [_("Matricule"), _("Name"), _("Sex"), _("Commune"), _("Enrolment date"), _("Withdrawal date")]

    def display(self, item):
        return [item["matricule"], item["name"], item["sex"], item["commune"], item["enrolled_on"] or "",
                item["withdrawn_on"] or ""]

    def _existing(self, cohort, trainees):
        enrolments = {}
        for part in chunks([t.id for t in trainees.values()]):
            enrolments.update({e.trainee_id: e for e in db.session.scalars(select(Enrolment).where(
                Enrolment.cohort_id == cohort.id, Enrolment.trainee_id.in_(part)))})
        return enrolments

    def _enrolled_before(self, n, trainee, enrolment, dates, check):
        """The item withdrawing an enrolment recorded before, or None (the row is skipped, with a warning)."""
        written, withdrawn, reason = dates
        if enrolment.withdrawn_on:
            check.warning(n, "matricule", _("%(name)s was withdrawn from this cohort on %(date)s; not enrolled again.",
                                            name=trainee.full_name, date=enrolment.withdrawn_on.isoformat()))
            return None
        if not withdrawn:
            check.warning(n, "matricule", _("%(name)s is already enrolled; the row is skipped.", name=trainee.full_name))
            return None
        if written and written != enrolment.enrolled_on:
            check.warning(n, "enrolled_on", _("%(name)s was enrolled on %(date)s: that date stays.",
                                              name=trainee.full_name, date=format_date(enrolment.enrolled_on)))
        return {"action": "withdraw", "enrolment_id": enrolment.id, "enrolled_on": _iso(enrolment.enrolled_on),
                "withdrawn_on": _iso(withdrawn), "reason": reason}

    def validate(self, rows, cohort, check):
        firsts = _first_rows(rows, check)
        trainees = _trainees_by_matricule([m for _r, m in firsts])
        enrolments = self._existing(cohort, trainees)
        vettings = service.latest_vetting([t.id for t in trainees.values()]) if cohort.programme.requires_vetting else {}
        for row, matricule in firsts:
            n, trainee = row["row"], trainees.get(matricule)
            if trainee is None or not self.scope.allows(trainee.province_id, trainee.commune_id):
                check.error(n, "matricule", _("No trainee with the matricule %(m)s in your area: import the trainees "
                                              "first.", m=matricule))
                continue
            enrolment = enrolments.get(trainee.id)
            dates = _dates(row, cohort, check, enrolment.enrolled_on if enrolment else None)
            if dates is None:
                continue
            if enrolment is not None:
                item = self._enrolled_before(n, trainee, enrolment, dates, check)
            elif cohort.programme.requires_vetting and not service.vetting_is_valid(vettings.get(trainee.id),
                                                                                    cohort.start_date):
                check.error(n, "matricule", _("%(name)s cannot be enrolled – the programme requires approved "
                                              "human-rights vetting: %(reason)s.", name=trainee.full_name,
                                              reason=service.vetting_reason(vettings.get(trainee.id))))
                continue
            else:
                item = {"action": "enrol", "trainee_id": trainee.id, "enrolled_on": _iso(dates[0]),
                        "withdrawn_on": _iso(dates[1]), "reason": dates[2]}
            if item is not None:
                item.update(matricule=matricule, name=trainee.full_name, sex=trainee.sex, commune=trainee.commune.name)
                check.items.append(item)
        self._check_capacity(cohort, check)

    def _check_capacity(self, cohort, check):
        new = sum(1 for item in check.items if item["action"] == "enrol")
        freed = sum(1 for item in check.items if item["action"] == "withdraw")
        current = db.session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.withdrawn_on.is_(None))) - freed
        if new and current + new > cohort.capacity:
            check.error(None, "", _("The cohort has %(free)d places left; the file enrols %(n)d trainees.",
                                    free=max(cohort.capacity - current, 0), n=new))

    def apply(self, cohort, items):
        """Withdrawals of earlier enrolments first (they free places), then the enrolments by date, then the
        withdrawals of those just enrolled – through the services, which check each rule again."""
        if not items:
            raise DomainError(_("Nobody to enrol: every trainee in the file is already enrolled."))
        earlier = [item for item in items if item["action"] == "withdraw"]
        found = {e.id: e for part in chunks([item["enrolment_id"] for item in earlier])
                 for e in db.session.scalars(select(Enrolment).where(Enrolment.id.in_(part)))}
        for item in earlier:
            _withdraw(found[item["enrolment_id"]], item)
        by_date = {}
        for item in items:
            if item["action"] == "enrol":
                by_date.setdefault(item["enrolled_on"], []).append(item)
        for day in sorted(by_date, key=lambda value: value or ""):
            group = by_date[day]
            enrolled = service.enrol_trainees(cohort, [item["trainee_id"] for item in group],
                                              enrolled_on=date.fromisoformat(day) if day else None)
            for enrolment, item in zip(enrolled, group):
                if item["withdrawn_on"]:
                    _withdraw(enrolment, item)
        return len(items)


def _withdraw(enrolment, item):
    service.withdraw_enrolment(enrolment, withdrawn_on=date.fromisoformat(item["withdrawn_on"]), reason=item["reason"])


class AttendanceImport(TrainingImportKind):
    """The marks of one session (the context), by matricule; trainees left out of the file keep their marks."""

    name = "attendance"
    columns = (MATRICULE, Column("status", "Attendance", "Présence", True, ("status", "statut", "mark")))
    informative = _INFORMATIVE

    @classmethod
    def for_owner(cls, owner):
        return cls()

    def load_context(self, context_id):
        return db.session.get(TrainingSession, context_id)

    def imported_message(self, count):
        return _("Attendance saved for %(n)d trainees.", n=count)

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
