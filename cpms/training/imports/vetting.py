"""The nominee list of a vetting batch (export) and the import of the decisions that come back.

The export's columns are the import's, so the list can be filled in and uploaded again."""
from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.audit import record_event
from cpms.core.bounds import check_date
from cpms.core.errors import DomainError
from cpms.core.imports.base import Column
from cpms.core.imports.values import chunks, optional_date, required_choice
from cpms.extensions import db
from cpms.training.forms import SPECIALTY_LABELS, VETTING_STATUS_LABELS
from cpms.training.imports.common import TrainingImportKind
from cpms.training.imports.trainees import MATRICULE, TraineeImport
from cpms.training.models import Cohort, Enrolment, Trainee, Vetting
from cpms.training.service import normalise_matricule
from cpms.training.service import vetting as vetting_service

STATUS_SYNONYMS = {
    "pending": ("pending", "en attente", "attente", "submitted", "soumis"),
    "approved": ("approved", "approuvé", "approuvée", "accepted", "accepté", "cleared", "favorable", "ok"),
    "denied": ("denied", "refusé", "refusée", "rejected", "rejeté", "défavorable", "refused"),
    "expired": ("expired", "expiré", "expirée"),
}
BATCH = Column("batch_reference", "Batch reference", "Référence du lot", False, ("batch", "lot"))
STATUS = Column("status", "Vetting status", "Statut de la vérification", True, ("status", "statut", "decision", "décision"))
DECIDED = Column("decided_on", "Decision date", "Date de décision", False, ("decided on", "décidé le"))
EXPIRES = Column("expires_on", "Expires on", "Date d'expiration", False, ("expiry", "expiry date", "expire le"))
NOTES = Column("notes", "Notes", "Remarques", False, ("comments", "commentaires"))
SUBMITTED = Column("submitted_on", "Submitted on", "Soumis le", False, ("submission date", "date de soumission"))
_TRAINEE_COLUMNS = {c.key: c for c in TraineeImport.columns}
NOMINEE_COLUMNS = (BATCH, MATRICULE, _TRAINEE_COLUMNS["last_name"], _TRAINEE_COLUMNS["post_name"],
                   _TRAINEE_COLUMNS["first_name"], _TRAINEE_COLUMNS["sex"], _TRAINEE_COLUMNS["birth_date"],
                   _TRAINEE_COLUMNS["rank"], _TRAINEE_COLUMNS["unit"], _TRAINEE_COLUMNS["specialty"],
                   _TRAINEE_COLUMNS["commune"], SUBMITTED, STATUS, DECIDED, EXPIRES, NOTES)


def nominee_table(records, language):
    """(header, rows) of a batch's nominee list."""
    header = [column.header(language) for column in NOMINEE_COLUMNS]
    rows = [[v.batch_reference, t.matricule, t.last_name, t.post_name, t.first_name, t.sex, t.birth_date,
             t.rank.code if t.rank else "", t.unit, str(SPECIALTY_LABELS[t.specialty]), t.commune.name, v.submitted_on,
             str(VETTING_STATUS_LABELS[v.status]), v.decided_on, v.expires_on, v.notes] for v, t in records]
    return header, rows


def _plausible(row, key, label, check):
    """The date in row[key] (None when empty) if readable and plausible (cpms/core/bounds.py); else False, with
    the problem recorded."""
    value = optional_date(row, key, key, check)
    if value:
        try:
            check_date(value, label)
        except DomainError as error:
            check.error(row["row"], key, error.message)
            return False
    return value


class VettingResultsImport(TrainingImportKind):
    name = "vetting-results"
    columns = (MATRICULE, STATUS, DECIDED, EXPIRES, NOTES, BATCH)
    informative = tuple(c for c in NOMINEE_COLUMNS if c not in (MATRICULE, STATUS, DECIDED, EXPIRES, NOTES, BATCH))

    def imported_message(self, count):
        return _("%(n)d vetting results recorded.", n=count)

    @property
    def display_headers(self):
        return [_("Matricule"), _("Name"), _("Batch reference"), _("Status"), _("Decision date"), _("Expires on")]

    def display(self, item):
        return [item["matricule"], item["name"], item["batch"], str(VETTING_STATUS_LABELS[item["status"]]),
                item["decided_on"] or "", item["expires_on"] or ""]

    def _load(self, matricules):
        trainees, records = {}, {}
        for part in chunks(matricules):
            for t in db.session.scalars(select(Trainee).where(Trainee.matricule.in_(part))):
                if self.scope.allows(t.province_id, t.commune_id):
                    trainees[t.matricule] = t
        for part in chunks([t.id for t in trainees.values()]):
            for v in db.session.scalars(select(Vetting).where(Vetting.trainee_id.in_(part)).order_by(Vetting.id)):
                records.setdefault(v.trainee_id, []).append(v)
        enrolled = {}
        for part in chunks([t.id for t in trainees.values()]):
            for trainee_id, name in db.session.execute(
                    select(Enrolment.trainee_id, Cohort.name).join(Cohort, Cohort.id == Enrolment.cohort_id)
                    .where(Enrolment.trainee_id.in_(part), Enrolment.withdrawn_on.is_(None))):
                enrolled.setdefault(trainee_id, []).append(name)
        return trainees, records, enrolled

    def validate(self, rows, context, check):  # noqa: C901
        trainees, records, enrolled = self._load({normalise_matricule(r.get("matricule")) for r in rows} - {""})
        first_row_of = {}
        for row in rows:
            n = row["row"]
            matricule = normalise_matricule(row.get("matricule"))
            trainee = trainees.get(matricule)
            if not matricule:
                check.error(n, "matricule", _("The matricule is missing."))
                continue
            if matricule in first_row_of:
                check.error(n, "matricule", _("The matricule %(m)s is already in row %(row)d of the file.",
                                              m=matricule, row=first_row_of[matricule]))
                continue
            first_row_of[matricule] = n
            if trainee is None:
                check.error(n, "matricule", _("No trainee with the matricule %(m)s in your area.", m=matricule))
                continue
            batch = " ".join((row.get("batch_reference") or "").split())
            history = [v for v in records.get(trainee.id, []) if not batch or v.batch_reference == batch]
            if not history:
                check.error(n, "batch_reference" if batch else "matricule",
                            _("No vetting submission of %(name)s in batch %(batch)s.", name=trainee.full_name, batch=batch)
                            if batch else _("No vetting submission recorded for %(name)s: export a nominee list first.",
                                            name=trainee.full_name))
                continue
            record = history[-1]
            status = required_choice(row, "status", STATUS_SYNONYMS, check, lambda text: _(
                "“%(value)s” is not a vetting status: write pending, approved, denied or expired.", value=text),
                _("The vetting status is missing."))
            if status is None:
                continue
            decided_on = _plausible(row, "decided_on", _("The decision date"), check)
            expires_on = _plausible(row, "expires_on", _("The expiry date"), check)
            if decided_on is False or expires_on is False:
                continue
            if status in ("approved", "denied") and decided_on is None:
                check.error(n, "decided_on", _("Enter the date of the decision."))
                continue
            if decided_on is not None and decided_on < record.submitted_on:
                check.error(n, "decided_on", _("The decision date cannot be before the submission date (%(date)s).",
                                               date=record.submitted_on.isoformat()))
                continue
            if expires_on is not None and decided_on is not None and expires_on < decided_on:
                check.error(n, "expires_on", _("The expiry date cannot be before the decision date."))
                continue
            if record.status not in ("pending", status):
                check.warning(n, "status", _("Changes the recorded decision from %(old)s to %(new)s.",
                                             old=VETTING_STATUS_LABELS[record.status], new=VETTING_STATUS_LABELS[status]))
            if status == "denied" and enrolled.get(trainee.id):
                check.warning(n, "status", _("%(name)s is enrolled in %(cohorts)s: the denial will block completion.",
                                             name=trainee.full_name, cohorts=", ".join(enrolled[trainee.id])))
            notes = row.get("notes")
            check.items.append({"vetting_id": record.id, "matricule": matricule, "name": trainee.full_name,
                                "batch": record.batch_reference, "status": status,
                                "decided_on": decided_on.isoformat() if decided_on else None,
                                "expires_on": expires_on.isoformat() if expires_on else None,
                                "notes": notes[:2000] if "notes" in row else None})

    def apply(self, context, items):
        from datetime import date
        records = {}
        for part in chunks([i["vetting_id"] for i in items]):
            records.update({v.id: v for v in db.session.scalars(select(Vetting).where(Vetting.id.in_(part)))})
        for item in items:
            vetting_service.record_decision(
                records[item["vetting_id"]], status=item["status"],
                decided_on=date.fromisoformat(item["decided_on"]) if item["decided_on"] else None,
                expires_on=date.fromisoformat(item["expires_on"]) if item["expires_on"] else None, notes=item["notes"])
        record_event("update", entity="vettings", detail=f"{len(items)} vetting results imported")
        return len(items)
