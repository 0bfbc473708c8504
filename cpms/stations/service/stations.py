"""Visibility in the user's area, choices for forms, the station registry, dashboard cards."""
import functools

from flask_babel import gettext as _
from sqlalchemy import func, select

from cpms.core.dashboard import dashboard_provider, today_provider
from cpms.core.errors import DomainError
from cpms.core.permissions import scope_of
from cpms.extensions import db
from cpms.geo.models import Commune
from cpms.stations.models import ConstructionProject, Station
from cpms.stations.reference import DRC_LATITUDE, DRC_LONGITUDE, SPECIALISED_UNITS, STATION_KINDS, STATION_STATUSES


def can_see_station(station, scope):
    return scope.allows(station.province_id, station.commune_id)


def can_see_project(project, scope):
    return can_see_station(project.station, scope)


def visible_stations(scope, province_id=None, commune_id=None, kind=None, status=None):
    stmt = (select(Station).join(Commune, Station.commune_id == Commune.id)
            .where(scope.filter(Station.province_id, Station.commune_id))
            .order_by(Commune.name, Station.name))
    if province_id:
        stmt = stmt.where(Station.province_id == province_id)
    if commune_id:
        stmt = stmt.where(Station.commune_id == commune_id)
    if kind:
        stmt = stmt.where(Station.kind == kind)
    if status:
        stmt = stmt.where(Station.status == status)
    return stmt


def visible_projects(scope, programme_id=None, province_id=None, station_id=None):
    stmt = (select(ConstructionProject).join(Station, ConstructionProject.station_id == Station.id)
            .join(Commune, Station.commune_id == Commune.id)
            .where(scope.filter(Station.province_id, Station.commune_id))
            .order_by(Commune.name, Station.name, ConstructionProject.start_date.desc(), ConstructionProject.id))
    if programme_id:
        stmt = stmt.where(ConstructionProject.programme_id == programme_id)
    if province_id:
        stmt = stmt.where(Station.province_id == province_id)
    if station_id:
        stmt = stmt.where(ConstructionProject.station_id == station_id)
    return stmt


def commune_choices_for(user):
    """(id, label) of the communes in the user's area."""
    from cpms.geo.models import City, Province
    scope = scope_of(user)
    rows = db.session.execute(select(Commune.id, Commune.name, City.name, Province.name)
                              .join(City, Commune.city_id == City.id).join(Province, Commune.province_id == Province.id)
                              .where(scope.filter(Commune.province_id, Commune.id))
                              .order_by(Province.name, City.name, Commune.name))
    return [(cid, f"{name} – {city} ({province})") for cid, name, city, province in rows]


def station_choices_for(user):
    rows = db.session.execute(visible_stations(scope_of(user)).with_only_columns(Station.id, Station.name, Commune.name))
    return [(sid, f"{name} ({commune})") for sid, name, commune in rows]


def programme_choices_for(user):
    from cpms.programmes.service import visible_programmes
    return [(p.id, f"{p.code} – {p.name}") for p in db.session.scalars(visible_programmes(scope_of(user)))]


def _check_area(actor, commune):
    if actor is not None and not scope_of(actor).allows(commune.province_id, commune.id):
        raise DomainError(_("This commune is outside your area."), field="commune_id")


# --- Stations --------------------------------------------------------------------------------------

# the largest plausible staff of one station (a provincial commissariat has a few hundred)
MAX_STAFF = 5_000


def _apply_station(actor, station, *, name, kind, commune_id, latitude, longitude, status, specialised_units,  # noqa: C901
                   staff_count, notes=""):
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Enter the station's name."), field="name")
    if kind not in STATION_KINDS:
        raise DomainError(_("Choose the type of station."), field="kind")
    if status not in STATION_STATUSES:
        raise DomainError(_("Choose the station's status."), field="status")
    commune = db.session.get(Commune, commune_id) if commune_id else None
    if commune is None:
        raise DomainError(_("Choose the commune of the station."), field="commune_id")
    _check_area(actor, commune)
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Enter both latitude and longitude, or neither."),
                          field="latitude" if latitude is None else "longitude")
    if latitude is not None and not DRC_LATITUDE[0] <= latitude <= DRC_LATITUDE[1]:
        raise DomainError(_("This latitude is outside the DR Congo (between %(low)s and %(high)s). "
                            "Check the sign: south of the equator is negative.",
                            low=DRC_LATITUDE[0], high=DRC_LATITUDE[1]), field="latitude")
    if longitude is not None and not DRC_LONGITUDE[0] <= longitude <= DRC_LONGITUDE[1]:
        raise DomainError(_("This longitude is outside the DR Congo (between %(low)s and %(high)s).",
                            low=DRC_LONGITUDE[0], high=DRC_LONGITUDE[1]), field="longitude")
    unknown = set(specialised_units or []) - set(SPECIALISED_UNITS)
    if unknown:
        raise DomainError(_("Choose among the listed units."), field="specialised_units")
    if staff_count is not None and staff_count < 0:
        raise DomainError(_("The staff count cannot be negative."), field="staff_count")
    if staff_count is not None and staff_count > MAX_STAFF:
        raise DomainError(_("The staff count must be a whole number between 0 and %(maximum)s.", maximum=MAX_STAFF),
                          field="staff_count")
    clash = db.session.scalar(select(Station.id).where(Station.commune_id == commune.id,
                                                      func.lower(Station.name) == name.lower()))
    if clash is not None and clash != station.id:
        raise DomainError(_("This commune already has a station called %(name)s.", name=name), field="name")
    station.name, station.kind, station.status = name, kind, status
    station.commune_id, station.province_id = commune.id, commune.province_id
    station.latitude = round(latitude, 6) if latitude is not None else None
    station.longitude = round(longitude, 6) if longitude is not None else None
    station.specialised_units = [u for u in SPECIALISED_UNITS if u in set(specialised_units or [])]
    station.staff_count, station.notes = staff_count, (notes or "").strip()


def create_station(actor, **fields):
    """Register a station. Errors: no name, duplicate name in the commune, commune outside the actor's area,
    position outside the DR Congo or only half given, negative staff count."""
    station = Station()
    _apply_station(actor, station, **fields)
    db.session.add(station)
    db.session.flush()
    return station


def update_station(actor, station, **fields):
    _apply_station(actor, station, **fields)
    db.session.flush()
    return station


@dashboard_provider(per_user=True)  # its cards: SQL figures of the user's area (and day)
def station_cards(user, scope):
    from flask_babel import lazy_gettext as _l

    from cpms.core.dashboard import Card
    from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, TRAINER

    if user.role not in (ADMIN, TRAINER, PROJECT_OFFICER, ME_OFFICER):
        return []
    stations = (select(func.count()).select_from(Station)  # counted by core with the page's other cards
                .where(scope.filter(Station.province_id, Station.commune_id)).scalar_subquery())
    return [Card(_l("Police stations in your area"), stations, "stations.station_list")]


@dashboard_provider
def project_cards(user, scope):
    """The construction projects and those behind schedule: two figures of one pass (project_counts), counted here
    on each visit (a provider apart from the stations' card, which core keeps per user)."""
    from flask_babel import lazy_gettext as _l

    from cpms.core.dashboard import Card
    from cpms.core.permissions import ADMIN, ME_OFFICER, PROJECT_OFFICER, VIEWER

    if user.role not in (ADMIN, PROJECT_OFFICER, ME_OFFICER, VIEWER):
        return []
    projects, late = project_counts(scope)
    return [Card(_l("Construction projects"), projects, "stations.portfolio"),
            Card(_l("Construction projects behind schedule"), late, "stations.portfolio")]


def project_counts(scope, today=None):
    """(projects, projects behind schedule) in the area, in one query: behind schedule means not handed over and
    slipping (metrics.slippage_days > 0): an open milestone past its planned date or, when none is, the last
    milestone reached later than planned. Counted in SQL, in one pass over the milestones: loading every project
    of the country took seconds."""
    from datetime import date

    today = today or date.today()
    flags = _project_flags().where(scope.filter(Station.province_id, Station.commune_id)).subquery()
    row = db.session.execute(select(func.count(), func.coalesce(func.sum(flags.c.late), 0)), {"today": today}).one()
    return row[0], int(row[1])


@functools.cache
def _project_flags():
    """project_counts()' statement, one row per project with its `late` flag, built once (the day is a parameter,
    the area is added per request): building it took 2.7 of the card's 3.2 ms."""
    from sqlalchemy import Date, and_, bindparam, case, or_
    from sqlalchemy.orm import aliased

    from cpms.stations.models import Handover, Milestone

    today = bindparam("today", type_=Date)
    project = ConstructionProject
    per_project = (select(Milestone.project_id.label("project_id"),
                          func.max(case((and_(Milestone.actual_date.is_(None), Milestone.planned_date < today), 1),
                                        else_=0)).label("overdue"),
                          func.max(case((and_(Milestone.actual_date.is_not(None), Milestone.planned_date.is_not(None)),
                                         Milestone.position))).label("last_position"))
                   .group_by(Milestone.project_id).subquery())
    last = aliased(Milestone)
    handed_over = select(Handover.project_id).where(Handover.is_final_acceptance.is_(True)).subquery()
    late = and_(handed_over.c.project_id.is_(None),
                or_(per_project.c.overdue == 1, last.actual_date > last.planned_date))
    return (select(project.id, func.max(case((late, 1), else_=0)).label("late")).select_from(project)
            .join(Station, project.station_id == Station.id)
            .outerjoin(per_project, per_project.c.project_id == project.id)
            .outerjoin(last, and_(last.project_id == project.id, last.position == per_project.c.last_position))
            .outerjoin(handed_over, handed_over.c.project_id == project.id)
            .group_by(project.id))


@today_provider(roles={"project_officer"})
def construction_today(user, scope, today=None):
    """The project officer's construction work: projects with a milestone past its planned date (the oldest first,
    up to five, then how many more), and projects whose milestones are all reached but not handed over yet (two
    queries). Projects handed over for final acceptance are done."""
    from datetime import date

    from flask import url_for
    from flask_babel import format_date, ngettext
    from sqlalchemy import and_, over

    from cpms.core.dashboard import TodayLine, kept_rows
    from cpms.stations.labels import PROJECT_KIND_LABELS
    from cpms.stations.models import Handover, Milestone

    today = today or date.today()

    def open_projects():
        accepted = select(Handover.project_id).where(Handover.is_final_acceptance.is_(True))
        return and_(scope.filter(Station.province_id, Station.commune_id), ConstructionProject.id.not_in(accepted))

    def late_projects():
        return (select(ConstructionProject.id, ConstructionProject.kind, Station.name,
                       func.min(Milestone.planned_date), over(func.count()))
                .join(Station, Station.id == ConstructionProject.station_id)
                .join(Milestone, Milestone.project_id == ConstructionProject.id)
                .where(open_projects(), Milestone.actual_date.is_(None), Milestone.planned_date < today)
                .group_by(ConstructionProject.id, ConstructionProject.kind, Station.name)
                .order_by(func.min(Milestone.planned_date), ConstructionProject.id).limit(5))

    def finished_projects():
        return (select(ConstructionProject.id, ConstructionProject.kind, Station.name)
                .join(Station, Station.id == ConstructionProject.station_id)
                .join(Milestone, Milestone.project_id == ConstructionProject.id)
                .where(open_projects())
                .group_by(ConstructionProject.id, ConstructionProject.kind, Station.name)
                .having(func.count(Milestone.actual_date) == func.count())
                .order_by(Station.name, ConstructionProject.id).limit(5))

    # built once per user, area and day (core keeps them)
    late = kept_rows(user, scope, ("stations.today.late", today), late_projects)
    lines = [TodayLine(_("%(station)s – %(kind)s: a milestone planned for %(day)s is not reached",
                         station=station, kind=PROJECT_KIND_LABELS.get(kind, kind), day=format_date(since, "medium")),
                       url_for("stations.project_detail", project_id=project_id), urgent=True)
             for project_id, kind, station, since, _total in late]
    if late and late[0][4] > len(late):
        more = late[0][4] - len(late)
        lines.append(TodayLine(ngettext("%(num)d more project behind schedule", "%(num)d more projects behind schedule",
                                        more), url_for("stations.portfolio"), urgent=True))
    finished = kept_rows(user, scope, ("stations.today.finished",), finished_projects)
    lines += [TodayLine(_("%(station)s – %(kind)s: works finished, awaiting handover", station=station,
                          kind=PROJECT_KIND_LABELS.get(kind, kind)),
                        url_for("stations.handover_edit", project_id=project_id))
              for project_id, kind, station in finished]
    return lines
