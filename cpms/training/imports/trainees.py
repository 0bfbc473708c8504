"""Importing trainees (police officers) from a CSV or XLSX file, and the template to fill in."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.audit import record_event
from cpms.core.errors import DomainError
from cpms.core.imports.base import Column
from cpms.core.imports.staging import insert_audited
from cpms.core.imports.values import choice, chunks, optional_date, quiet_date, required_choice
from cpms.core.models import utcnow
from cpms.core.tabular import fold
from cpms.extensions import db
from cpms.geo.models import City, Commune, Province
from cpms.training.forms import SPECIALTY_LABELS
from cpms.training.imports.common import TrainingImportKind
from cpms.training.models import SPECIALTIES, Rank, Trainee
from cpms.training.service import normalise_matricule

SEX_SYNONYMS = {"F": ("f", "female", "woman", "femme", "féminin", "feminin"),
                "M": ("m", "h", "male", "man", "homme", "masculin")}
# (English label, French label, other spellings accepted)
SPECIALTY_SYNONYMS = {
    "community": ("Community policing", "Police de proximité", "community", "proximité"),
    "mining": ("Mining police", "Police des mines", "mining", "mines"),
    "border": ("Border police", "Police des frontières", "border", "frontières", "frontière"),
    "riverine": ("Riverine police", "Police fluviale", "riverine", "police lacustre", "fluviale", "lacustre"),
    "child_protection": ("Child protection", "Protection de l'enfant", "protection de l'enfance"),
    "sgbv": ("Counter-SGBV unit", "Unité de lutte contre les VSBG", "counter-sgbv", "vsbg", "lutte contre les vsbg"),
    "other": ("Other", "Autre"),
}
YES_NO = {True: ("yes", "y", "oui", "o", "1", "true", "vrai", "x"), False: ("no", "n", "non", "0", "false", "faux")}

MATRICULE = Column("matricule", "Matricule", "Matricule", True, ("service number", "numéro matricule", "n° matricule"))


class TraineeImport(TrainingImportKind):
    name = "trainees"
    columns = (
        MATRICULE,
        Column("last_name", "Last name", "Nom", True, ("surname", "nom de famille")),
        Column("post_name", "Post-name", "Postnom", False, ("post name", "post-nom")),
        Column("first_name", "First name", "Prénom", False, ("given name", "firstname")),
        Column("sex", "Sex", "Sexe", True, ("gender", "genre")),
        Column("birth_date", "Date of birth", "Date de naissance", False, ("birth date", "birthdate", "né le")),
        Column("rank", "Rank", "Grade"),
        Column("specialty", "Specialty", "Spécialité", False, ("speciality", "unit type")),
        Column("unit", "Unit", "Unité"),
        Column("commune", "Commune", "Commune", True, ("home station commune", "commune of the home station")),
        Column("phone", "Phone", "Téléphone", False, ("telephone", "tel", "tél")),
        Column("consent", "Consent", "Consentement", False, ("consent recorded", "consentement recueilli")),
    )

    @property
    def display_headers(self):
        return [_("Matricule"), _("Name"), _("Sex"), _("Date of birth"), _("Rank"), _("Commune")]

    def imported_message(self, count):
        return _("%(n)d trainees imported.", n=count)

    def display(self, item):
        return [item["matricule"], item["full_name"], item["sex"], item["birth_date"] or "", item["rank_label"],
                item["commune_label"]]

    # --- checking ---------------------------------------------------------------------------

    def _communes(self):
        """{folded name or "name (city)" or "name – city (province)": [(id, province_id, label)]} in scope."""
        rows = db.session.execute(select(Commune.id, Commune.province_id, Commune.name, City.name, Province.name)
                                  .join(City, City.id == Commune.city_id).join(Province, Province.id == Commune.province_id)
                                  .where(self.scope.filter(Commune.province_id, Commune.id)))
        lookup = {}
        for commune_id, province_id, name, city, province in rows:
            entry = (commune_id, province_id, f"{name} ({city})")
            for spelling in (name, f"{name} ({city})", f"{name} – {city} ({province})", f"{name}, {city}"):
                bucket = lookup.setdefault(fold(spelling), [])
                if entry not in bucket:
                    bucket.append(entry)
        return lookup

    def _ranks(self):
        lookup = {}
        for rank in db.session.scalars(select(Rank)):
            for spelling in (rank.code, rank.name_fr, rank.name_en):
                lookup.setdefault(fold(spelling), rank)
        return lookup

    def _existing(self, matricules, birth_dates):
        taken = set()
        for part in chunks(matricules):
            taken.update(db.session.scalars(select(Trainee.matricule).where(Trainee.matricule.in_(part))))
        lookalikes = {}
        for part in chunks(birth_dates):
            for t in db.session.scalars(select(Trainee).where(Trainee.birth_date.in_(part))):
                lookalikes.setdefault((fold(t.last_name), fold(t.first_name), t.birth_date), []).append(t)
        return taken, lookalikes

    def validate(self, rows, context, check):  # noqa: C901
        communes, ranks = self._communes(), self._ranks()
        specialty_names = {key: (*SPECIALTY_SYNONYMS[key], key, str(SPECIALTY_LABELS[key])) for key in SPECIALTIES}
        matricules = {normalise_matricule(r.get("matricule")) for r in rows} - {""}
        births = {d for d in (quiet_date(r.get("birth_date")) for r in rows) if d}
        taken, lookalikes = self._existing(matricules, births)
        first_row_of, first_row_of_person = {}, {}
        youngest = date.today().replace(year=date.today().year - 16)
        for row in rows:
            n, ok = row["row"], True
            item = {}
            matricule = normalise_matricule(row.get("matricule"))
            if not matricule:
                check.error(n, "matricule", _("The matricule is missing."))
                ok = False
            elif len(matricule) > 30:
                check.error(n, "matricule", _("The matricule has more than 30 characters."))
                ok = False
            elif matricule in first_row_of:
                check.error(n, "matricule", _("The matricule %(m)s is already in row %(row)d of the file.",
                                              m=matricule, row=first_row_of[matricule]))
                ok = False
            elif matricule in taken:
                check.error(n, "matricule", _("An officer with the matricule %(m)s is already registered.", m=matricule))
                ok = False
            first_row_of.setdefault(matricule, n)
            item["matricule"] = matricule
            for key, limit, required in (("last_name", 80, True), ("post_name", 80, False), ("first_name", 80, False),
                                         ("unit", 120, False), ("phone", 30, False)):
                value = " ".join((row.get(key) or "").split())
                if required and not value:
                    check.error(n, key, _("The last name is missing."))
                    ok = False
                elif len(value) > limit:
                    check.error(n, key, _("At most %(max)d characters.", max=limit))
                    ok = False
                item[key] = value
            item["sex"] = required_choice(row, "sex", SEX_SYNONYMS, check,
                                          lambda text: _("“%(value)s” is not a sex: write F or M.", value=text),
                                          _("The sex is missing: write F or M."))
            ok = ok and item["sex"] is not None
            birth = optional_date(row, "birth_date", "birth_date", check)
            if birth is False:
                ok = False
            elif birth is not None and not date(1940, 1, 1) <= birth <= youngest:
                check.error(n, "birth_date", _("The date of birth must be between 1940 and 16 years ago."))
                ok = False
            item["birth_date"] = birth.isoformat() if birth else None
            rank_text = (row.get("rank") or "").strip()
            rank = ranks.get(fold(rank_text)) if rank_text else None
            if rank_text and rank is None:
                check.error(n, "rank", _("Unknown rank “%(value)s”: use a code or name from the template's list "
                                         "(e.g. AGT, BRG, CP).", value=rank_text[:40]))
                ok = False
            item["rank_id"] = rank.id if rank else None
            item["rank_label"] = rank.code if rank else ""
            specialty_text = (row.get("specialty") or "").strip()
            item["specialty"] = choice(specialty_text, specialty_names) if specialty_text else "community"
            if item["specialty"] is None:
                check.error(n, "specialty", _("Unknown specialty “%(value)s”: use one from the template's list.",
                                              value=specialty_text[:40]))
                ok = False
            commune_text = (row.get("commune") or "").strip()
            matches = communes.get(fold(commune_text), []) if commune_text else []
            if not commune_text:
                check.error(n, "commune", _("The commune is missing."))
                ok = False
            elif not matches:
                check.error(n, "commune", _("Unknown commune “%(value)s”, or outside your area.", value=commune_text[:60]))
                ok = False
            elif len(matches) > 1:
                check.error(n, "commune", _("Several communes are called “%(value)s”: write it with its city, e.g. "
                                            "%(example)s.", value=commune_text[:60], example=matches[0][2]))
                ok = False
            else:
                item["commune_id"], item["province_id"], item["commune_label"] = matches[0]
            consent_text = (row.get("consent") or "").strip()
            item["consent"] = choice(consent_text, YES_NO) if consent_text else False
            if item["consent"] is None:
                check.error(n, "consent", _("Write yes or no for the consent."))
                ok = False
            if not ok:
                continue
            item["full_name"] = " ".join(p for p in (item["last_name"].upper(), item["post_name"], item["first_name"]) if p)
            person = (fold(item["last_name"]), fold(item["first_name"]), birth)
            if birth is not None:
                for other in lookalikes.get(person, []):
                    if other.matricule != matricule:
                        check.warning(n, "last_name", self._lookalike_message(other))
                if person in first_row_of_person:
                    check.warning(n, "last_name", _("Same name and date of birth as row %(row)d: check that they are "
                                                    "two different officers.", row=first_row_of_person[person]))
                first_row_of_person.setdefault(person, n)
            check.items.append(item)

    def _lookalike_message(self, other):
        if self.scope.allows(other.province_id, other.commune_id):
            return _("Looks like %(name)s (matricule %(m)s), already registered with the same name and date of birth.",
                     name=other.full_name, m=other.matricule)
        return _("An officer registered in another area has the same name and date of birth.")

    # --- applying ---------------------------------------------------------------------------

    def apply(self, context, items):
        """Insert the officers in one statement (with their audit entries): quick enough to publish 5,000 rows in
        one short transaction. A matricule registered meanwhile fails the whole import."""
        now = utcnow()
        rows = [{"matricule": i["matricule"], "last_name": i["last_name"], "post_name": i["post_name"],
                 "first_name": i["first_name"], "sex": i["sex"],
                 "birth_date": date.fromisoformat(i["birth_date"]) if i["birth_date"] else None,
                 "rank_id": i["rank_id"], "specialty": i["specialty"], "unit": i["unit"], "phone": i["phone"] or None,
                 "commune_id": i["commune_id"], "province_id": i["province_id"],
                 "consent_recorded_at": now if i["consent"] else None} for i in items]
        taken = [m for part in chunks([row["matricule"] for row in rows])
                 for m in db.session.scalars(select(Trainee.matricule).where(Trainee.matricule.in_(part)))]
        if taken:
            raise DomainError(_("Nothing was saved: %(n)d matricules were registered meanwhile (%(list)s). Upload the "
                                "file again.", n=len(taken), list=", ".join(taken[:5])))
        insert_audited(Trainee, rows)
        record_event("create", entity="trainees", detail=f"{len(rows)} trainees imported from a file")
        return len(rows)


def template_lists(scope, language):
    """The values the template's second sheet lists: ranks, sexes, specialties, communes of the user's area."""
    fr = language == "fr"
    ranks = [(r.code, r.name_fr if fr else r.name_en) for r in db.session.scalars(select(Rank).order_by(Rank.position))]
    specialties = [(key, SPECIALTY_SYNONYMS[key][1 if fr else 0]) for key in SPECIALTIES]
    communes = db.session.execute(select(Commune.name, City.name, Province.name)
                                  .join(City, City.id == Commune.city_id).join(Province, Province.id == Commune.province_id)
                                  .where(scope.filter(Commune.province_id, Commune.id))
                                  .order_by(Province.name, City.name, Commune.name)).all()
    return ranks, specialties, communes
