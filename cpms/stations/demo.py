"""Demo stations and construction: Bipemba (Mbuji-Mayi, built in 2016), Kampemba (Lubumbashi, under way) and, for
the programme running today, the rehabilitation of the Diulu commissariat mid-way and a Kanshi sub-station at the
tender stage.

Bipemba's station and four sub-stations were built in 2016 and handed over; one sub-station was finished late
and over budget. Kampemba's station and four sub-stations are at different stages; their dates are counted
from the day the demo is loaded, so that they stay current: one is on track, one is over budget, one is
late, one is at the tender stage, and one waits for its handover because the gender checklist is incomplete.
An invoice of Bipemba's commissariat for December 2016 is recorded after the indicators demo locked that quarter
(a late loader), so that the reported construction spending of FY2017-Q1 differs from what the data give today.
Contractors and people are invented.
"""
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.extensions import db


def _commune(name):
    from cpms.geo.models import Commune
    return db.session.scalar(select(Commune).where(Commune.name == name))


def _site_photo(seed):
    """A small invented site picture (a building going up), as JPEG bytes."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (640, 420), (135, 180, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 420), fill=(170, 120, 80))  # red earth
    height = 120 + 40 * (seed % 3)
    draw.rectangle((140, 300 - height, 500, 300), fill=(200, 200, 195), outline=(90, 90, 90), width=3)
    for column in range(4):
        x = 170 + column * 85
        draw.rectangle((x, 300 - height + 30, x + 40, 300 - height + 80), fill=(70, 90, 110))
    if seed % 2:
        draw.polygon([(120, 300 - height), (320, 300 - height - 70), (520, 300 - height)], fill=(150, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _upload(data, name):
    from werkzeug.datastructures import FileStorage
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="image/jpeg")


def _advance(project, done, today, late_days=None):
    """Mark the first `done` milestones as reached: on plan, or later by late_days {position: days}."""
    from cpms.stations.service import project_milestones
    late_days = late_days or {}
    for milestone in project_milestones(project)[:done]:
        milestone.actual_date = min(today, milestone.planned_date + timedelta(days=late_days.get(milestone.position, 0)))
    db.session.flush()


def _spend(project, parts, today):
    from cpms.stations.service import record_expenditure
    for spent_on, amount, what in parts:
        record_expenditure(project, spent_on=spent_on, amount=Decimal(amount), description=what, today=today)


COMPLETE_CHECKLIST = dict(cells_men=True, cells_women=True, cells_minors=True, separate_sanitation=True,
                          reception_desk=True, accessibility=True)


def _hand_over(project, when, representative, defects=""):
    from cpms.stations.service import record_handover, save_checklist
    save_checklist(project, checked_on=when - timedelta(days=7), notes="", today=when, **COMPLETE_CHECKLIST)
    record_handover(None, project, handover_date=when, police_representative=representative, defects=defects,
                    is_final_acceptance=True, today=when)


def _load_bipemba(programme):
    from cpms.stations.service import create_project, create_station, record_progress_report

    commune = _commune("Bipemba")
    specs = [
        ("Commissariat de Bipemba", "commissariat", (-6.1082, 23.6121), ["child_protection", "sgbv_desk", "mining_police"],
         64, date(2016, 3, 1), date(2016, 12, 15), "185000", "Entreprise Lubilanji Construction SARL", 0,
         date(2016, 12, 14), "179850"),
        ("Sous-commissariat de Mpokolo", "sub_commissariat", (-6.0994, 23.6207), ["sgbv_desk"], 22,
         date(2016, 4, 15), date(2016, 11, 30), "46000", "Bâtisseurs du Kasaï SPRL", 0, date(2016, 11, 29), "45200"),
        ("Sous-commissariat de Tshiala", "sub_commissariat", (-6.1158, 23.6302), ["sgbv_desk", "child_protection"], 20,
         date(2016, 4, 15), date(2016, 11, 30), "46000", "Bâtisseurs du Kasaï SPRL", 52, date(2017, 1, 21), "53240"),
        ("Sous-commissariat de Kansele", "sub_commissariat", (-6.0921, 23.6045), ["sgbv_desk"], 18,
         date(2016, 4, 15), date(2016, 11, 30), "46000", "Kasaï Génie Civil SARL", 0, date(2016, 11, 30), "44750"),
        ("Sous-commissariat de Nyongolo", "sub_commissariat", (-6.1213, 23.5987), ["sgbv_desk"], 19,
         date(2016, 4, 15), date(2016, 11, 30), "46000", "Kasaï Génie Civil SARL", 0, date(2016, 11, 28), "45980"),
    ]
    representatives = ["Commissaire supérieur Albert Mukendi", "Commissaire Jeanne Kalonji"]
    projects = []
    for index, (name, kind, (lat, lon), units, staff, start, end, amount, contractor, late, handed, spent) in enumerate(specs):
        station = create_station(None, name=name, kind=kind, commune_id=commune.id, latitude=lat, longitude=lon,
                                 status="under_construction", specialised_units=units, staff_count=staff)
        project = create_project(None, station_id=station.id, programme_id=programme.id, kind="new_build",
                                 contractor=contractor, contract_amount=Decimal(amount), currency="USD",
                                 start_date=start, planned_completion_date=end,
                                 description=say("Construction financée par le programme de police de proximité "
                                                 "(2016).",
                                                 "Construction financed by the community-policing programme (2016)."))
        _advance(project, 9, handed, late_days={p: late for p in range(5, 12)})
        half = Decimal(spent) / 2
        _spend(project, [(start + timedelta(days=30), half, say("Avance à l'entreprise (50 %)",
                                                                "Advance to the contractor (50 %)")),
                         (handed - timedelta(days=10), Decimal(spent) - half, say("Solde à l'achèvement",
                                                                                  "Balance on completion"))], handed)
        record_progress_report(None, project, report_date=handed - timedelta(days=3), physical_progress=100,
                               narrative=say("Travaux terminés ; le bâtiment est prêt pour la remise.",
                                             "Works finished; the building is ready for handover."),
                               problems=say("Livraison des tôles de toiture retardée par les pluies.",
                                            "Delivery of roofing sheets delayed by the rains.") if late else "",
                               today=handed)
        _hand_over(project, handed, representatives[index % 2])
        projects.append(project)
    return projects


def _advance_to_contractor():
    return say("Avance à l'entreprise (30 %)", "Advance to the contractor (30 %)")


def _load_kampemba(programme, today):
    from cpms.stations.service import create_project, create_station, record_progress_report, save_checklist

    commune = _commune("Kampemba")
    T = today
    # name, kind, position, units, staff, status, start, end, amount, currency, contractor, milestones reached,
    # reports [(days before today, %, narrative, problems, photos)], expenditure [(days before today, amount, what)]
    specs = [
        ("Commissariat de Kampemba", "commissariat", (-11.6391, 27.5012), ["child_protection", "sgbv_desk", "mining_police",
                                                                           "border_police"], 0, "under_construction",
         T - timedelta(days=300), T + timedelta(days=90), "210000", "USD", "Katanga Constructions SPRL", 7,
         [(60, 52, say("Murs terminés, toiture commencée.", "Walls finished, roofing started."), "", 1),
          (12, 68, say("Toiture posée ; enduits et électricité en cours.",
               "Roof on; plastering and electrical work under way."), "", 2)],
         [(280, "63000", _advance_to_contractor()), (150, "42000", say("Deuxième tranche : fondations", "Second instalment: foundations")),
          (40, "23000", say("Troisième tranche : toiture", "Third instalment: roofing"))]),
        ("Sous-commissariat de Kigoma", "sub_commissariat", (-11.6502, 27.5178), ["sgbv_desk"], 0, "under_construction",
         T - timedelta(days=240), T + timedelta(days=30), "52000", "USD", "Lualaba Bâtiment SARL", 8,
         [(9, 88, say("Finitions presque achevées ; portes et fenêtres posées.",
               "Finishing nearly done; doors and windows fitted."),
           say("Fouille supplémentaire pour la fosse septique et hausse du prix du ciment : le montant du marché sera "
               "dépassé.", "Extra excavation for the septic tank and a price rise on cement: the contract amount will be "
               "exceeded."), 1)],
         [(220, "15600", _advance_to_contractor()), (120, "20800", say("Deuxième tranche", "Second instalment")),
          (30, "14000", say("Troisième tranche", "Third instalment")), (8, "5900", say("Travaux supplémentaires : fouille de la fosse septique",
                         "Additional works: septic tank excavation"))]),
        ("Sous-commissariat de Kafubu", "sub_commissariat", (-11.6288, 27.4876), [], 0, "under_construction",
         T - timedelta(days=200), T + timedelta(days=60), "50000", "USD", "Entreprise Kafubu Travaux", 5,
         [(15, 35, say("Fondations terminées ; murs à un mètre.", "Foundations finished; walls at one metre."),
           say("Pluies et pénurie de ciment ; l'entreprise a réduit son équipe.",
               "Rains and a cement shortage; the contractor reduced his team."), 1)],
         [(180, "15000", _advance_to_contractor()), (90, "6000", say("Fondations", "Foundations"))]),
        ("Sous-commissariat de Bel-Air", "sub_commissariat", None, [], 0, "planned",
         T - timedelta(days=20), T + timedelta(days=340), None, "USD", "", 2, [], []),
        ("Sous-commissariat de Gambela", "sub_commissariat", (-11.6455, 27.4931), ["sgbv_desk", "child_protection"], 16,
         "under_construction", T - timedelta(days=420), T - timedelta(days=10), "49000", "USD",
         "Gambela Services SPRL", 9,
         [(25, 97, say("Bâtiment terminé et équipé.", "Building finished and equipped."), say("La rampe d'accès manque : la remise l'attend.",
               "The access ramp is missing: the handover waits for it."), 0)],
         [(400, "14700", _advance_to_contractor()), (250, "19600", say("Deuxième tranche", "Second instalment")),
          (60, "13215", say("Troisième tranche", "Third instalment"))]),
    ]
    projects = []
    for (name, kind, position, units, staff, status, start, end, amount, currency, contractor, reached, reports,
         spending) in specs:
        lat, lon = position or (None, None)
        station = create_station(None, name=name, kind=kind, commune_id=commune.id, latitude=lat, longitude=lon,
                                 status=status, specialised_units=units, staff_count=staff or None)
        project = create_project(None, station_id=station.id, programme_id=programme.id, kind="new_build",
                                 contractor=contractor, contract_amount=Decimal(amount) if amount else None,
                                 currency=currency, start_date=start, planned_completion_date=end, description="")
        _advance(project, reached, T)
        _spend(project, [(T - timedelta(days=days), Decimal(value), what) for days, value, what in spending], T)
        for seed, (days, progress, narrative, problems, photo_count) in enumerate(reports):
            uploads = [_upload(_site_photo(seed + n), f"chantier-{n + 1}.jpg") for n in range(photo_count)]
            record_progress_report(None, project, report_date=T - timedelta(days=days), physical_progress=progress,
                                   narrative=narrative, problems=problems, uploads=uploads, today=T)
        projects.append(project)
    gambela = projects[-1]
    save_checklist(gambela, checked_on=T - timedelta(days=20), today=T,
                   notes=say("Pas encore de rampe d'accès à l'entrée.", "No access ramp at the entrance yet."),
                   **{**COMPLETE_CHECKLIST, "accessibility": False})
    return projects


def _load_current(programme, today):
    """The programme running today: the Diulu commissariat's rehabilitation mid-way (started five months ago,
    foundations and structural repairs done, the roof due next week) and a Kanshi sub-station at the tender stage."""
    from cpms.stations.service import (
        create_project,
        create_station,
        project_milestones,
        record_progress_report,
        save_checklist,
        update_milestones,
    )

    diulu = create_station(None, name="Commissariat de Diulu", kind="commissariat", commune_id=_commune("Diulu").id,
                           latitude=-6.1431, longitude=23.5902, status="under_construction",
                           specialised_units=["sgbv_desk"], staff_count=38)
    project = create_project(None, station_id=diulu.id, programme_id=programme.id, kind="rehabilitation",
                             contractor="Entreprise Sankuru Bâtiment SARL", contract_amount=Decimal("128000"),
                             currency="USD", start_date=today - timedelta(days=150),
                             planned_completion_date=today + timedelta(days=120),
                             description=say("Réhabilitation du commissariat : toiture, cellules séparées, bureau SGBV "
                                             "et sanitaires.", "Rehabilitation of the station: roof, separate cells, "
                                             "SGBV desk and sanitation."))
    rows = []
    for milestone in project_milestones(project):  # the first six reached, a day or two late; the roof due in 6 days
        reached = milestone.position <= 6 and milestone.planned_date <= today
        rows.append({"id": milestone.id, "name": milestone.name, "weight": milestone.weight,
                     "is_required": milestone.is_required,
                     "planned_date": today + timedelta(days=6) if milestone.code == "roofing" else milestone.planned_date,
                     "actual_date": min(today, milestone.planned_date + timedelta(days=milestone.position % 3))
                     if reached else None, "remove": False})
    update_milestones(project, rows, today=today)
    _spend(project, [(today - timedelta(days=140), Decimal("38400"), _advance_to_contractor()),
                     (today - timedelta(days=40), Decimal("25600"), say("Deuxième tranche : murs et charpente",
                                                                         "Second instalment: walls and roof frame"))],
           today)
    for seed, (days, progress, narrative, photos) in enumerate([
            (100, 15, say("Démolition de l'ancienne toiture et des cloisons terminée.",
                          "Old roof and partitions demolished."), 1),
            (45, 32, say("Murs des cellules séparées montés ; charpente livrée.",
                         "Walls of the separate cells up; roof frame delivered."), 2),
            (6, 41, say("Charpente posée ; les tôles arrivent la semaine prochaine.",
                        "Roof frame in place; the roofing sheets arrive next week."), 0)]):
        record_progress_report(None, project, report_date=today - timedelta(days=days), physical_progress=progress,
                               narrative=narrative, problems="", today=today,
                               uploads=[_upload(_site_photo(seed + n), f"diulu-{n + 1}.jpg") for n in range(photos)])
    save_checklist(project, checked_on=today - timedelta(days=30), today=today,
                   notes=say("Cellules et sanitaires en cours ; le bureau SGBV sera aménagé avec les finitions.",
                             "Cells and sanitation under way; the SGBV desk comes with the finishing."),
                   **{**COMPLETE_CHECKLIST, "reception_desk": False, "accessibility": False})
    kanshi = create_station(None, name="Sous-commissariat de Kanshi", kind="sub_commissariat",
                            commune_id=_commune("Kanshi").id, latitude=None, longitude=None, status="planned",
                            specialised_units=[], staff_count=None)
    tender = create_project(None, station_id=kanshi.id, programme_id=programme.id, kind="new_build", contractor="",
                            contract_amount=None, currency="USD", start_date=today - timedelta(days=30),
                            planned_completion_date=today + timedelta(days=300), description="")
    _advance(tender, 2, today)
    return [project, tender]


@demo_loader
def load_stations(context):
    from cpms.stations.service import ensure_default_template

    ensure_default_template()
    today = date.today()
    programmes = context["programmes"]
    bipemba = _load_bipemba(programmes["PDP-KOR-2015"])
    kampemba = _load_kampemba(programmes["PDP-HKT-2016"], today)
    current = _load_current(context["current_programme"], today) if "current_programme" in context else []
    count = len(bipemba) + len(kampemba) + len(current)
    return {"stations": count, "construction projects": count}


@demo_loader(late=True)
def load_late_invoice(context):
    """An invoice recorded after the report: the spending of the locked quarter now differs from the figure sent."""
    from cpms.stations.models import ConstructionProject
    from cpms.stations.service import record_expenditure

    programme = context["programmes"]["PDP-KOR-2015"]
    project = db.session.scalar(select(ConstructionProject).where(ConstructionProject.programme_id == programme.id,
                                                                  ConstructionProject.currency == "USD")
                                .order_by(ConstructionProject.id))
    if project is not None:
        record_expenditure(project, spent_on=date(2016, 12, 20), amount=Decimal("1850"),
                           description=say("Facture tardive – peinture et signalétique",
                                           "Late invoice – paint and signs"))
