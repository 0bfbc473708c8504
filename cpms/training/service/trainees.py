"""Trainees: the officers' records (one per service number), searched within the user's area."""
import re
from datetime import date
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select

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


def _filters(sex="", specialty="", rank_id=None, commune_id=None):
    """The list's filters other than the term and the area (those a value outside their list leaves off)."""
    filters = []
    if sex in SEXES:
        filters.append(Trainee.sex == sex)
    if specialty in SPECIALTIES:
        filters.append(Trainee.specialty == specialty)
    if rank_id:
        filters.append(Trainee.rank_id == rank_id)
    if commune_id:
        filters.append(Trainee.commune_id == commune_id)
    return filters


def _search_conditions(scope, term, filters):
    conditions = [scope.filter(Trainee.province_id, Trainee.commune_id)]
    if term and term.strip():
        conditions.append(search.term_condition(term))  # by index, accents and case ignored (cpms/training/search.py)
    return conditions + filters


SEARCH_ORDER = (Trainee.last_name, Trainee.first_name, Trainee.id)


def search_trainees(scope, term="", sex="", specialty="", rank_id=None, commune_id=None):
    filters = _filters(sex, specialty, rank_id, commune_id)
    return select(Trainee).where(*_search_conditions(scope, term, filters)).order_by(*SEARCH_ORDER)


def _rank_name(french):
    return (Rank.name_fr if french else Rank.name_en).label("rank_name")


@cache
def _list_columns(french):
    """The list page's columns and joins, built once per language (a statement is immutable: each search adds its
    conditions to a copy)."""
    return (select(Trainee.id, Trainee.matricule, Trainee.last_name, Trainee.post_name, Trainee.first_name,
                   Trainee.sex, Trainee.specialty, _rank_name(french), Commune.name.label("commune_name"))
            .select_from(Trainee).outerjoin(Rank, Rank.id == Trainee.rank_id)
            .join(Commune, Commune.id == Trainee.commune_id).order_by(*SEARCH_ORDER))


def search_trainee_rows(scope, french, term="", sex="", specialty="", rank_id=None, commune_id=None):
    """The officers search_trainees finds, in the same order, as the list page's columns only: plain values (id,
    matricule, names, sex, specialty, rank_name in the user's language, commune_name). A page of 50 Trainee
    entities costs the ORM more than its SQL: each is built with its rank and commune, and the commune with its
    city and province (their joined loading), for six values shown."""
    filters = _filters(sex, specialty, rank_id, commune_id)
    return _list_columns(bool(french)).where(*_search_conditions(scope, term, filters))


@cache
def _rank_names(french):
    return select(Rank.id, _rank_name(french).label("name")).order_by(Rank.position)


def rank_choices(french):
    """(id, name in the user's language) of every rank, in order: the list's filter (plain rows, no entities)."""
    return db.session.execute(_rank_names(bool(french))).all()


def count_trainees(scope, term="", sex="", specialty="", rank_id=None, commune_id=None):
    """The statement counting the officers search_trainees finds. A search of the whole country with no other filter
    is counted in the search index alone where it can be (search.index_count: SQLite, words of 3 letters or more),
    without reading each match's row in `trainees`; the user's area and the other filters need that row."""
    filters = _filters(sex, specialty, rank_id, commune_id)
    if scope.is_national and not filters and term and term.strip():
        counted = search.index_count(term)
        if counted is not None:
            return counted
    return select(func.count()).select_from(Trainee).where(*_search_conditions(scope, term, filters))


def can_see_trainee(trainee, scope):
    return scope.allows(trainee.province_id, trainee.commune_id)
