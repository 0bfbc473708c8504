"""Generated stations: national scale is 1,000 stations (a commissariat per commune, then sub-stations and
posts), each with a construction project, its milestones from the default template, progress reports,
expenditure, the gender checklist and, once finished, the handover. No photos (they would need files)."""
from datetime import timedelta
from decimal import Decimal

from bench.generate import generator
from cpms.stations.models import (
    ConstructionProject,
    Expenditure,
    GenderChecklist,
    Handover,
    Milestone,
    ProgressReport,
    Station,
)
from cpms.stations.reference import DEFAULT_MILESTONES, REQUIRED_MILESTONES, SPECIALISED_UNITS

CONTRACTORS = ["Entreprise Lubilanji Construction SARL", "Bâtisseurs du Kasaï SPRL", "Kasaï Génie Civil SARL",
               "Katanga Constructions SPRL", "Lualaba Bâtiment SARL", "Congo Travaux Publics SARL",
               "Entreprise Tshopo Bâtiment", "Kivu Construction SPRL"]
NARRATIVES = ["Fondations terminées.", "Murs montés; toiture en cours.", "Toiture posée; finitions en cours.",
              "Bâtiment terminé, équipement en cours de livraison."]


def _station_names(commune, count, quartiers):
    names = [f"Commissariat de {commune}"]
    for n in range(1, count):
        place = quartiers[(n - 1) % len(quartiers)][1] if quartiers else commune
        names.append(f"{'Sous-commissariat' if n < 5 else 'Poste de police'} {place}"
                     + (f" {(n - 1) // len(quartiers) + 1}" if quartiers and n > len(quartiers) else ""))
    return names


@generator
def generate_stations(gen):
    rng = gen.random("stations")
    stamps = (gen.now, gen.now)
    communes = gen.shared["communes"]
    total = gen.count(1_000)
    per_commune = [total // len(communes) + (1 if n < total % len(communes) else 0) for n in range(len(communes))]
    stations, projects, milestones, reports, spending, checklists, handovers = [], [], [], [], [], [], []
    weights = sum(weight for _code, _name, weight in DEFAULT_MILESTONES)
    for (commune_id, province_id, _city, commune), count in zip(communes, per_commune):
        names = _station_names(commune, count, gen.shared["quartiers"].get(commune_id, []))
        for n, (station_id, name) in enumerate(zip(gen.ids(Station, count), names)):
            kind = "commissariat" if n == 0 else "sub_commissariat" if n < 5 else "police_post"
            start = gen.today - timedelta(days=rng.randrange(60, 3000))
            duration = rng.randrange(180, 420)
            planned_end = start + timedelta(days=duration)
            slip = max(0, int(rng.gauss(15, 40)))
            finished = start + timedelta(days=duration + slip)
            done = finished < gen.today
            stations.append((station_id, name, kind, commune_id, province_id,
                             round(rng.uniform(-11, 3), 4), round(rng.uniform(14, 30), 4),
                             "operational" if done else "under_construction",
                             rng.sample(SPECIALISED_UNITS, rng.randint(0, 3)), rng.randint(8, 60), "", *stamps))
            project_id = gen.ids(ConstructionProject, 1)[0]
            amount = Decimal(rng.randrange(40_000, 220_000, 500))
            projects.append((project_id, station_id, gen.shared["programmes"][province_id],
                             "new_build" if rng.random() < 0.7 else "rehabilitation", rng.choice(CONTRACTORS), amount,
                             "USD", start, planned_end, "", *stamps))
            elapsed, cumulative = (gen.today - start).days, 0
            for position, (milestone_id, (code, label, weight)) in enumerate(
                    zip(gen.ids(Milestone, len(DEFAULT_MILESTONES)), DEFAULT_MILESTONES), start=1):
                cumulative += weight
                planned = start + timedelta(days=duration * cumulative // weights)
                actual = start + timedelta(days=(duration + slip) * cumulative // weights)
                milestones.append((milestone_id, project_id, position, code, label, weight,
                                   code in REQUIRED_MILESTONES, planned, actual if actual <= gen.today else None,
                                   *stamps))
            progress = min(100, 100 * elapsed // (duration + slip))
            for k in range(min(4, elapsed // 90)):
                day = start + timedelta(days=90 * (k + 1))
                reports.append((project_id, day, min(100, progress * (k + 1) // 4), NARRATIVES[k], "", None))
            spent = amount * Decimal(min(100, progress + rng.randint(-10, 12))) / 100
            for k, share in enumerate((Decimal("0.3"), Decimal("0.4"), Decimal("0.3"))):
                part = (spent * share).quantize(Decimal("0.01"))
                if part > 0 and start + timedelta(days=120 * k) <= gen.today:
                    spending.append((project_id, start + timedelta(days=120 * k), part,
                                     f"Tranche {k + 1} du contrat"))
            complete = done or rng.random() < 0.5
            checklists.append((project_id, *(complete or rng.random() < 0.7 for _ in range(6)),
                               finished if done else None, ""))
            if done:
                handovers.append((project_id, finished, "Commissaire (invented)", "", True, "", None))
    gen.insert(Station, ["id", "name", "kind", "commune_id", "province_id", "latitude", "longitude", "status",
                         "specialised_units", "staff_count", "notes", "created_at", "updated_at"], stations)
    gen.insert(ConstructionProject, ["id", "station_id", "programme_id", "kind", "contractor", "contract_amount",
                                     "currency", "start_date", "planned_completion_date", "description", "created_at",
                                     "updated_at"], projects)
    gen.insert(Milestone, ["id", "project_id", "position", "code", "name", "weight", "is_required", "planned_date",
                           "actual_date", "created_at", "updated_at"], milestones)
    gen.insert(ProgressReport, ["id", "project_id", "report_date", "physical_progress", "narrative", "problems",
                                "author_id", "created_at", "updated_at"],
               [(i, *row, *stamps) for i, row in zip(gen.ids(ProgressReport, len(reports)), reports)])
    gen.insert(Expenditure, ["id", "project_id", "spent_on", "amount", "description", "created_at", "updated_at"],
               [(i, *row, *stamps) for i, row in zip(gen.ids(Expenditure, len(spending)), spending)])
    gen.insert(GenderChecklist, ["id", "project_id", "cells_men", "cells_women", "cells_minors", "separate_sanitation",
                                 "reception_desk", "accessibility", "checked_on", "notes", "created_at", "updated_at"],
               [(i, *row, *stamps) for i, row in zip(gen.ids(GenderChecklist, len(checklists)), checklists)])
    gen.insert(Handover, ["id", "project_id", "handover_date", "police_representative", "defects",
                          "is_final_acceptance", "override_reason", "recorded_by_id", "created_at", "updated_at"],
               [(i, *row, *stamps) for i, row in zip(gen.ids(Handover, len(handovers)), handovers)])
    return {"stations": len(stations), "construction projects": len(projects), "milestones": len(milestones)}
