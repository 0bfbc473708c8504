"""Trainees: the officers' records (one per service number), searched within the user's area."""
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from cpms.core.errors import DomainError
from cpms.core.labels import SEXES
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.training import search
from cpms.training.models import SPECIALTIES, Rank, Trainee


def normalise_matricule(raw):
    """Upper case, without spaces, dots or dashes: '1.234 567-8' and '12345678' are the same officer."""
    return re.sub(r"[\s.\-]", "", (raw or "")).upper()


def _check_trainee_fields(fields, trainee_id=None):
    matricule = normalise_matricule(fields.get("matricule"))
    if not matricule:
        raise DomainError(_("Enter the service number (matricule)."), field="matricule")
    clash = db.session.scalar(select(Trainee.id).where(Trainee.matricule == matricule))
    if clash is not None and clash != trainee_id:
        raise DomainError(_("Another trainee already has the matricule %(m)s.", m=matricule), field="matricule")
    if not (fields.get("last_name") or "").strip():
        raise DomainError(_("Enter the last name."), field="last_name")
    if fields.get("sex") not in SEXES:
        raise DomainError(_("Choose the sex."), field="sex")
    if fields.get("specialty", "community") not in SPECIALTIES:
        raise DomainError(_("Choose a specialty from the list."), field="specialty")
    birth = fields.get("birth_date")
    if birth is not None and not (date(1940, 1, 1) <= birth <= date.today().replace(year=date.today().year - 16)):
        raise DomainError(_("The date of birth must be between 1940 and 16 years ago."), field="birth_date")
    commune = db.session.get(Commune, fields.get("commune_id")) if fields.get("commune_id") else None
    if commune is None:
        raise DomainError(_("Choose the commune of the officer's home station."), field="commune_id")
    if fields.get("rank_id") and db.session.get(Rank, fields["rank_id"]) is None:
        raise DomainError(_("Choose a rank from the list."), field="rank_id")
    return matricule, commune


def _apply_trainee(trainee, fields, matricule, commune):
    trainee.matricule = matricule
    trainee.last_name = fields["last_name"].strip()
    trainee.post_name = (fields.get("post_name") or "").strip()
    trainee.first_name = (fields.get("first_name") or "").strip()
    trainee.sex = fields["sex"]
    trainee.birth_date = fields.get("birth_date")
    trainee.rank_id = fields.get("rank_id") or None
    trainee.specialty = fields.get("specialty") or "community"
    trainee.unit = (fields.get("unit") or "").strip()
    trainee.phone = (fields.get("phone") or "").strip() or None
    trainee.commune_id, trainee.province_id = commune.id, commune.province_id
    if fields.get("consent") and trainee.consent_recorded_at is None:
        trainee.consent_recorded_at = utcnow()


def create_trainee(**fields):
    """Register an officer. Errors: matricule missing or already used, bad sex, date of birth, commune, rank."""
    matricule, commune = _check_trainee_fields(fields)
    trainee = Trainee()
    _apply_trainee(trainee, fields, matricule, commune)
    db.session.add(trainee)
    db.session.flush()
    return trainee


def update_trainee(trainee, **fields):
    matricule, commune = _check_trainee_fields(fields, trainee.id)
    _apply_trainee(trainee, fields, matricule, commune)
    db.session.flush()
    return trainee


def search_trainees(scope, term="", sex="", specialty="", rank_id=None, commune_id=None):
    stmt = select(Trainee).where(scope.filter(Trainee.province_id, Trainee.commune_id))
    if term and term.strip():
        stmt = stmt.where(search.term_condition(term))  # by index, accents and case ignored (cpms/training/search.py)
    if sex in SEXES:
        stmt = stmt.where(Trainee.sex == sex)
    if specialty in SPECIALTIES:
        stmt = stmt.where(Trainee.specialty == specialty)
    if rank_id:
        stmt = stmt.where(Trainee.rank_id == rank_id)
    if commune_id:
        stmt = stmt.where(Trainee.commune_id == commune_id)
    return stmt.order_by(Trainee.last_name, Trainee.first_name, Trainee.id)


def can_see_trainee(trainee, scope):
    return scope.allows(trainee.province_id, trainee.commune_id)
