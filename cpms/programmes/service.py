"""Programmes: creation, editing and the scoped list."""
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from cpms.core.dashboard import Card, dashboard_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import one_of
from cpms.extensions import db
from cpms.geo.models import Province
from cpms.programmes.models import Programme, programme_provinces


def visible_programmes(scope):
    """Programmes covering at least one province of the scope."""
    stmt = select(Programme).order_by(Programme.start_date.desc(), Programme.name)
    if not scope.is_national:
        stmt = stmt.where(exists().where(programme_provinces.c.programme_id == Programme.id,
                                         one_of(programme_provinces.c.province_id, scope.province_ids)))
    return stmt


def count_programmes(scope):
    return db.session.scalar(select(func.count()).select_from(visible_programmes(scope).order_by(None).subquery()))


def can_see(programme, scope):
    return scope.allows_any(programme.province_ids)


def _apply(programme, *, code, name, donors, start_date, end_date, requires_vetting, description, province_ids):
    code = (code or "").strip().upper()
    if not code:
        raise DomainError(_("Enter a short code for the programme."), field="code")
    clash = db.session.scalar(select(Programme.id).where(Programme.code == code))
    if clash is not None and clash != programme.id:
        raise DomainError(_("Another programme already uses the code %(code)s.", code=code), field="code")
    if end_date is not None and end_date < start_date:
        raise DomainError(_("The end date must be on or after the start date."), field="end_date")
    if not province_ids:
        raise DomainError(_("Choose at least one province covered by the programme."), field="provinces")
    provinces = db.session.scalars(select(Province).where(Province.id.in_(list(province_ids)))).all()
    programme.code, programme.name, programme.donors = code, name.strip(), (donors or "").strip()
    programme.start_date, programme.end_date = start_date, end_date
    programme.requires_vetting, programme.description = bool(requires_vetting), (description or "").strip()
    programme.provinces = list(provinces)


def create_programme(**fields):
    """Create a programme. Errors: duplicate code, end before start, no province."""
    programme = Programme()
    _apply(programme, **fields)
    db.session.add(programme)
    db.session.flush()
    return programme


def update_programme(programme, **fields):
    _apply(programme, **fields)
    db.session.flush()
    return programme


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def programme_cards(user, scope):
    from flask_babel import lazy_gettext as _l

    from cpms.geo.models import Commune

    # SQL figures: counted by core with the page's other cards, in one statement
    programmes = select(func.count()).select_from(visible_programmes(scope).order_by(None).subquery()).scalar_subquery()
    communes = (select(func.count()).select_from(Commune).where(scope.filter(Commune.province_id, Commune.id))
                .scalar_subquery())
    return [Card(_l("Programmes in your area"), programmes, "programmes.programme_list"),
            Card(_l("Communes in your area"), communes, "geo.province_list")]
