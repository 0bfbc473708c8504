"""Demo results frameworks for the three demo programmes.

- PDP-KOR-2015 (Mbuji-Mayi, funded by INL: fiscal year from October): training, stations, CLSPs, plans and the
  perception surveys, computed from the other demo data, plus dialogue participants entered per quarter with
  evidence (approved, one awaiting approval, one rejected). FY2017-Q1 (October–December 2016) is locked; an invoice
  recorded afterwards (cpms/stations/demo.py, a late loader) makes the construction spending differ from the
  figure reported.
- PDP-HKT-2016 (Lubumbashi, INL: October): training, stations and CLSP indicators.
- STAB-KAS-2021 (Kasai region, United Kingdom: fiscal year from April): stabilisation indicators entered per
  province.
- The programme running today (context["current_programme"], PDP-MBM-ACTUEL, European Union): a results framework
  with targets for the current fiscal year, and a reporting period about to close – its fiscal year starts in the
  month that makes the current quarter end this month – whose dialogue participants are entered for Diulu
  (awaiting approval) and missing for Kanshi; the quarters before are entered and approved.
Figures are invented, in the spirit of the programme documents. Every sentence exists in French and English (say).
"""
from datetime import date

from sqlalchemy import select

from cpms.core.demo import demo_loader, say
from cpms.core.permissions import Scope
from cpms.extensions import db

# (code, name_en, name_fr, unit, direction, aggregation, computation, disaggregations, definition)
LIBRARY = [
    ("TRN-ENR", "Number of police officers enrolled in training", "Nombre de policiers inscrits en formation",
     "count", "higher", "sum", "officers_enrolled", ["sex", "province", "commune", "home_commune", "course_type", "rank"],
     ""),
    ("TRN-CMP", "Number of police officers trained (completed the course)", "Nombre de policiers formés (formation achevée)",
     "count", "higher", "sum", "officers_completed",
     ["sex", "province", "commune", "home_commune", "course_type", "rank"], ""),
    ("TRN-RATE", "Training completion rate", "Taux d'achèvement de la formation", "percentage", "higher", "average",
     "completion_rate", ["sex", "course_type"], ""),
    ("TRN-GAIN", "Mean knowledge gain of trainees (points)", "Gain moyen de connaissances des stagiaires (points)",
     "number", "higher", "average", "knowledge_gain", ["sex", "course_type"], ""),
    ("TRN-CRT", "Number of police officers certified", "Nombre de policiers certifiés", "count", "higher", "sum",
     "officers_certified", ["sex", "province", "commune", "home_commune", "course_type", "rank"],
     ("Policiers certifiés dans la période (date de certification : la fin de la formation, comme pour la "
      "rétention) dont le certificat n'a pas été révoqué.",
      "Officers certified in the period (certification date: the end of the course, as for retention) whose "
      "certificate has not been revoked.")),
    ("RET-12", "Certified officers still posted in the programme area after 12 months (%)",
     "Policiers certifiés toujours affectés dans la zone du programme après 12 mois (%)", "percentage", "higher",
     "latest", "retention_12_months", ["sex", "province", "course_type"], ""),
    ("RET-36", "Certified officers still posted in the programme area after 36 months (%)",
     "Policiers certifiés toujours affectés dans la zone du programme après 36 mois (%)", "percentage", "higher",
     "latest", "retention_36_months", ["sex", "province", "course_type"], ""),
    ("STN-HND", "Police stations built or rehabilitated and handed over", "Commissariats construits ou réhabilités et remis",
     "count", "higher", "sum", "stations_handed_over", ["province", "commune", "project_kind"], ""),
    ("STN-GEN", "Construction projects meeting the gender-sensitivity checklist (%)",
     "Projets de construction conformes à la liste de contrôle genre (%)", "percentage", "higher", "latest",
     "stations_gender_compliant", ["commune"], ""),
    ("STN-BUD", "Construction budget spent (USD)", "Budget de construction dépensé (USD)", "amount", "higher", "sum",
     "construction_budget_spent", ["commune", "project_kind"], ""),
    ("CLSP-FUN", "Functional local security committees (CLSP)", "Conseils locaux de sécurité de proximité fonctionnels",
     "count", "higher", "latest", "functional_clsps", ["province", "commune"], ""),
    ("CLSP-MTG", "Committee and forum meetings held", "Réunions de comités et de forums tenues", "count", "higher",
     "sum", "committee_meetings_held", ["commune", "committee_kind"], ""),
    ("CLSP-WOM", "Women among committee members (%)", "Femmes parmi les membres des comités (%)", "percentage",
     "higher", "latest", "committee_women_share", ["commune", "committee_kind"], ""),
    ("CLSP-ACT", "Committee action items done on time (%)", "Actions des comités réalisées dans les délais (%)",
     "percentage", "higher", "average", "action_items_on_time", ["commune"], ""),
    ("PLN-ADP", "Local security plans adopted", "Plans locaux de sécurité adoptés", "count", "higher", "sum",
     "security_plans_adopted", ["province", "commune"], ""),
    ("QIP-CMP", "Quick impact projects completed", "Projets à impact rapide achevés", "count", "higher", "sum",
     "quick_impact_projects_completed", ["commune"], ""),
    ("SVY-TRU", "Residents who trust the police (%)", "Habitants qui font confiance à la police (%)", "percentage",
     "higher", "latest", "survey_trust", ["sex", "commune"], ""),
    ("SVY-INS", "Residents who feel unsafe at night (%)", "Habitants qui se sentent en insécurité la nuit (%)",
     "percentage", "lower", "latest", "survey_insecurity", ["sex", "commune"], ""),
    ("SVY-OPN", "Residents with a good opinion of police work (%)",
     "Habitants ayant une opinion favorable du travail de la police (%)", "percentage", "higher", "latest",
     "survey_opinion", ["sex", "commune"], ""),
    ("SVY-VIC", "Households victim of a crime in the last 12 months (%)",
     "Ménages victimes d'un crime au cours des 12 derniers mois (%)", "percentage", "lower", "latest",
     "survey_victimisation", ["sex", "commune"], ""),
    ("ENT-DLG", "People taking part in police–community dialogues", "Participants aux dialogues police-population",
     "count", "higher", "sum", None, ["sex", "province", "commune"],
     ("Participants comptés sur les feuilles de présence des dialogues de quartier et des journées portes ouvertes ; "
      "justificatif : les feuilles.",
      "Participants counted on the attendance sheets of neighbourhood dialogues and open days; evidence: the sheets.")),
    ("STAB-LSM", "Communities covered by a functioning local security mechanism (ISSSS)",
     "Communautés couvertes par un mécanisme local de sécurité fonctionnel (ISSSS)", "count", "higher", "latest",
     None, ["province"], ("Indicateur de stabilisation : communautés dont le comité s'est réuni et a rendu compte dans "
                          "le trimestre.",
                          "Stabilisation indicator: communities whose committee met and reported in the quarter.")),
    ("STAB-WOM", "Women in local peace and security committees (%) (ISSSS)",
     "Femmes dans les comités locaux de paix et de sécurité (%) (ISSSS)", "percentage", "higher", "latest", None,
     ["province"], ""),
]

# programme → [(node code, level, parent code, title_en, title_fr)]
NODES = {
    "PDP-KOR-2015": [
        ("G", "goal", None, "People of Mbuji-Mayi trust their police and feel safer",
         "La population de Mbuji-Mayi fait confiance à sa police et se sent plus en sécurité"),
        ("OC1", "outcome", "G", "The population trusts the police and feels safer",
         "La population fait confiance à la police et se sent plus en sécurité"),
        ("OC2", "outcome", "G", "Police and population solve security problems together",
         "La police et la population résolvent ensemble les problèmes de sécurité"),
        ("OP2.1", "output", "OC2", "Local security committees meet and act", "Les CLSP se réunissent et agissent"),
        ("OP2.2", "output", "OC2", "Local security plans are adopted and funded",
         "Des plans locaux de sécurité sont adoptés et financés"),
        ("OC3", "outcome", "G", "Police officers apply community policing",
         "Les policiers appliquent la police de proximité"),
        ("OP3.1", "output", "OC3", "Officers are trained in community policing",
         "Des policiers sont formés à la police de proximité"),
        ("OP3.2", "output", "OC3", "Gender-sensitive stations are built and handed over",
         "Des commissariats sensibles au genre sont construits et remis"),
    ],
    "PDP-HKT-2016": [
        ("G", "goal", None, "Community policing takes root in Lubumbashi",
         "La police de proximité s'enracine à Lubumbashi"),
        ("OC1", "outcome", "G", "Officers apply community policing", "Les policiers appliquent la police de proximité"),
        ("OP1.1", "output", "OC1", "Officers are trained", "Des policiers sont formés"),
        ("OP1.2", "output", "OC1", "Stations are built in Kampemba", "Des commissariats sont construits à Kampemba"),
        ("OP1.3", "output", "OC1", "The CLSP of Kampemba is functional", "Le CLSP de Kampemba est fonctionnel"),
    ],
    "STAB-KAS-2021": [
        ("G", "goal", None, "Communities of the Kasai region are stabilised",
         "Les communautés de la région du Kasaï sont stabilisées"),
        ("OC1", "outcome", "G", "Local security mechanisms work and include women",
         "Les mécanismes locaux de sécurité fonctionnent et incluent les femmes"),
        ("OP1.1", "output", "OC1", "Committees and plans are set up", "Des comités et des plans sont mis en place"),
    ],
}

# programme → [(node, library code, baseline, LOP target, {period key: target})]
INDICATORS = {
    "PDP-KOR-2015": [
        ("OC1", "SVY-TRU", None, 55, {"FY2017": 50}),
        ("OC1", "SVY-INS", None, 25, {"FY2017": 30}),
        ("OC1", "SVY-OPN", None, 50, {"FY2017": 45}),
        ("OC1", "SVY-VIC", None, 28, {"FY2017": 30}),
        ("OP2.1", "CLSP-FUN", 0, 3, {"FY2016": 3, "FY2017": 3, "FY2017-Q1": 3, "FY2017-Q2": 3, "FY2017-Q3": 3,
                                      "FY2017-Q4": 3}),
        ("OP2.1", "CLSP-MTG", 0, None, {"FY2017": 48, "FY2017-Q1": 12, "FY2017-Q2": 12, "FY2017-Q3": 12,
                                         "FY2017-Q4": 12}),
        ("OP2.1", "CLSP-WOM", 20, 35, {"FY2016": 30, "FY2017": 35}),
        ("OP2.1", "CLSP-ACT", None, 70, {"FY2017": 70}),
        ("OP2.1", "ENT-DLG", 0, 3000, {"FY2016": 600, "FY2016-Q3": 300, "FY2016-Q4": 300, "FY2017": 1200,
                                        "FY2017-Q1": 300, "FY2017-Q2": 300, "FY2017-Q3": 300, "FY2017-Q4": 300}),
        ("OP2.2", "PLN-ADP", 0, 3, {"FY2017": 3}),
        ("OP2.2", "QIP-CMP", 0, 6, {"FY2017": 3, "FY2018": 3}),
        ("OP3.1", "TRN-ENR", 0, 700, {"FY2016": 450, "FY2016-Q1": 0, "FY2016-Q2": 450, "FY2016-Q3": 0,
                                       "FY2016-Q4": 0}),
        ("OP3.1", "TRN-CMP", 0, 650, {"FY2016": 400, "FY2016-Q4": 400}),
        ("OP3.1", "TRN-RATE", None, 85, {"FY2016": 85}),
        ("OP3.1", "TRN-GAIN", None, 15, {"FY2016": 15}),
        ("OP3.1", "TRN-CRT", 0, 650, {}),
        ("OC3", "RET-12", None, 80, {"FY2017": 80, "FY2018": 80}),
        ("OC3", "RET-36", None, 70, {"FY2019": 70}),
        ("OP3.2", "STN-HND", 0, 5, {"FY2017": 5, "FY2017-Q1": 5, "FY2017-Q2": 0, "FY2017-Q3": 0, "FY2017-Q4": 0}),
        ("OP3.2", "STN-GEN", 0, 100, {"FY2017": 100}),
        ("OP3.2", "STN-BUD", 0, 369000, {"FY2016": 250000, "FY2017": 119000}),
    ],
    "PDP-HKT-2016": [
        ("OP1.1", "TRN-ENR", 0, 700, {"FY2016": 419, "FY2017": 279}),
        ("OP1.1", "TRN-CMP", 0, 650, {"FY2016": 380, "FY2017": 250}),
        ("OP1.1", "TRN-RATE", None, 85, {}),
        ("OP1.1", "TRN-CRT", 0, 650, {}),
        ("OC1", "RET-12", None, 80, {"FY2017": 80}),
        ("OP1.2", "STN-HND", 0, 5, {}),
        ("OP1.2", "STN-BUD", 0, 369000, {}),
        ("OP1.3", "CLSP-FUN", 0, 1, {"FY2017": 1}),
        ("OP1.3", "CLSP-MTG", 0, None, {}),
    ],
    "STAB-KAS-2021": [
        ("OC1", "STAB-LSM", 4, 24, {"FY2022": 12, "FY2023": 18, "FY2024": 24, "FY2025": 24}),
        ("OC1", "STAB-WOM", 12, 30, {"FY2022": 20, "FY2023": 25, "FY2024": 30, "FY2025": 30}),
        ("OP1.1", "PLN-ADP", 0, 9, {"FY2022": 3, "FY2023": 3, "FY2024": 3}),
        ("OP1.1", "CLSP-FUN", 0, 9, {}),
    ],
}

FISCAL = {"PDP-KOR-2015": 10, "PDP-HKT-2016": 10, "STAB-KAS-2021": 4}

# Dialogue participants in Mbuji-Mayi: (quarter, commune, women, men, status)
DIALOGUES = [
    ("FY2016-Q3", "Bipemba", 64, 92, "approved"), ("FY2016-Q3", "Muya", 41, 70, "approved"),
    ("FY2016-Q4", "Bipemba", 78, 95, "approved"), ("FY2016-Q4", "Muya", 52, 66, "approved"),
    ("FY2016-Q4", "Dibindi", 35, 58, "approved"), ("FY2017-Q1", "Bipemba", 88, 104, "approved"),
    ("FY2017-Q1", "Muya", 60, 71, "approved"), ("FY2017-Q1", "Dibindi", 47, 62, "approved"),
    ("FY2017-Q2", "Bipemba", 91, 99, "approved"), ("FY2017-Q2", "Dibindi", 50, 61, "rejected"),
    ("FY2017-Q2", "Muya", 58, 70, "submitted"),
]
# Stabilisation (Kasai region): (quarter, province, communities covered, women %)
STABILISATION = [("FY2022-Q1", "Kasaï", 3, 18.5), ("FY2022-Q1", "Kasaï-Central", 2, 16.0),
                 ("FY2022-Q2", "Kasaï", 5, 21.0), ("FY2022-Q2", "Kasaï-Central", 4, 19.5),
                 ("FY2022-Q3", "Kasaï", 6, 23.0), ("FY2022-Q3", "Kasaï-Central", 5, 22.5),
                 ("FY2022-Q4", "Kasaï", 7, 24.5), ("FY2022-Q4", "Kasaï-Central", 6, 23.0)]

DHIS2_ELEMENTS = {"TRN-ENR": ("DeTrnEnr001", "sex", ""), "TRN-CMP": ("DeTrnCmp001", "sex", ""),
                  "STN-HND": ("DeStnHnd001", "", ""), "CLSP-FUN": ("DeClspFun01", "", ""),
                  "SVY-TRU": ("DeSvyTru001", "", ""), "ENT-DLG": ("DeEntDlg001", "sex", "")}
DHIS2_COMBOS = {("sex", "F"): "CocFemale01", ("sex", "M"): "CocMale0001"}
DHIS2_UNITS = {None: "OuRdCongo01", "Kasaï-Oriental": "OuKasaiOr01", "Haut-Katanga": "OuHtKatan01",
               "Bipemba": "OuBipemba01", "Muya": "OuMuya00001", "Dibindi": "OuDibindi01", "Kampemba": "OuKampemb01"}


def _library():
    from cpms.indicators.service import create_indicator
    indicators = {}
    for code, name_en, name_fr, unit, direction, aggregation, computation, dimensions, definition in LIBRARY:
        definition = say(*definition) if isinstance(definition, tuple) else definition
        indicators[code] = create_indicator(code=code, name_en=name_en, name_fr=name_fr, definition=definition,
                                            unit=unit, direction=direction, aggregation=aggregation,
                                            source="computed" if computation else "entered", computation=computation,
                                            computation_param="", disaggregations=dimensions, is_active=True)
    return indicators


def _framework(programme, library):
    from cpms.indicators import service
    from cpms.indicators.service.targets import save_targets
    service.save_settings(programme, fiscal_year_start_month=FISCAL[programme.code], target_check="refuse")
    nodes = {}
    for position, (code, level, parent, title_en, title_fr) in enumerate(NODES[programme.code]):
        nodes[code] = service.save_node(programme, level=level, code=code, title_en=title_en, title_fr=title_fr,
                                        parent_id=nodes[parent].id if parent else None, position=position)
    pis = {}
    for position, (node, code, baseline, lop, targets) in enumerate(INDICATORS[programme.code]):
        pi = service.add_programme_indicator(
            programme, node_id=nodes[node].id, indicator_id=library[code].id, code=code, position=position,
            baseline_value=baseline, baseline_date=programme.start_date if baseline is not None else None,
            lop_target=lop)
        save_targets(pi, programme, targets)
        pis[code] = pi
    return pis


def _enter(actor, reviewer, programme, pi, period, value, *, note="", commune=None, province=None, parts=None,
           status="approved", evidence=""):
    from cpms.geo.models import Commune, Province
    from cpms.indicators.service import entries
    commune_id = db.session.scalar(select(Commune.id).where(Commune.name == commune)) if commune else None
    province_id = db.session.scalar(select(Province.id).where(Province.name == province)) if province else None
    row = entries.save_value(actor, Scope.national(), programme, pi, period=period, value=value,
                             commune_id=commune_id, province_id=province_id, breakdowns=parts, comment=note,
                             evidence_url=evidence)
    if status != "submitted":
        entries.review_value(reviewer, row, approve=status == "approved",
                             note="" if status == "approved" else say(
                                 "Les feuilles de présence ne totalisent que 98 participants : corrigez le chiffre.",
                                 "The attendance sheets add up to only 98 participants: correct the figure."))
    return row


def _dhis2(library):
    from cpms.geo.models import Commune, Province
    from cpms.indicators.service import dhis2
    for code, (element, dimension, combo) in DHIS2_ELEMENTS.items():
        dhis2.save_data_element(library[code], data_element=element, disaggregation=dimension,
                                category_option_combo=combo)
    for (dimension, category), combo in DHIS2_COMBOS.items():
        dhis2.save_combo(dimension, category, combo)
    for name, uid in DHIS2_UNITS.items():
        province = db.session.scalar(select(Province.id).where(Province.name == name)) if name else None
        commune = db.session.scalar(select(Commune.id).where(Commune.name == name)) if name and not province else None
        dhis2.save_org_unit(province_id=province, commune_id=commune, org_unit=uid)


@demo_loader
def load_indicators(context):
    from cpms.indicators.service import locking

    users = context.get("users", {})
    me, officer = users.get("suivi@demo.cpms.example"), users.get("projet@demo.cpms.example")
    library = _library()
    frameworks = {code: _framework(programme, library) for code, programme in context["programmes"].items()}
    kor, stab = context["programmes"]["PDP-KOR-2015"], context["programmes"]["STAB-KAS-2021"]
    values = 0
    for period, commune, women, men, status in DIALOGUES:
        _enter(officer, me, kor, frameworks["PDP-KOR-2015"]["ENT-DLG"], period, women + men, commune=commune,
               parts={"sex": {"F": women, "M": men}}, status=status,
               note=say(f"Dialogues de quartier et journée portes ouvertes du commissariat ({commune}).",
                        f"Neighbourhood dialogues and the station's open day ({commune})."),
               evidence=f"https://drive.example.org/pdp-kor/{period.lower()}-{commune.lower()}-presences.pdf")
        values += 1
    for period, province, covered, women in STABILISATION:
        for code, value in (("STAB-LSM", covered), ("STAB-WOM", women)):
            _enter(me, me, stab, frameworks["STAB-KAS-2021"][code], period, value, province=province,
                   note=say("Rapport trimestriel du partenaire de mise en œuvre.",
                            "Quarterly report of the implementing partner."),
                   evidence=f"https://drive.example.org/stab-kas/{period.lower()}-{code.lower()}.pdf")
            values += 1
    db.session.flush()
    lock = locking.lock_period(me, Scope.national(), kor, "FY2017-Q1",
                               note=say("Rapport trimestriel envoyé à INL le 20 janvier 2017.",
                                        "Quarterly report sent to INL on 20 January 2017."))
    _dhis2(library)
    if context.get("current_programme") is not None:
        values += _current(context["current_programme"], library, officer, me)
    return {"indicators": len(library), "entered indicator values": values, "locked periods": 1 if lock else 0}


# --- the programme running today ---------------------------------------------------------------------------------

CURRENT_NODES = [
    ("G", "goal", None, "People of Diulu and Kanshi trust their police", "La population de Diulu et de Kanshi fait "
                                                                          "confiance à sa police"),
    ("OC1", "outcome", "G", "The population trusts the police", "La population fait confiance à la police"),
    ("OP1", "output", "OC1", "Officers of Diulu and Kanshi are trained and certified",
     "Les policiers de Diulu et de Kanshi sont formés et certifiés"),
    ("OP2", "output", "OC1", "Local security committees meet, act and talk with the population",
     "Les CLSP se réunissent, agissent et dialoguent avec la population"),
    ("OP3", "output", "OC1", "The Diulu station is rehabilitated", "Le commissariat de Diulu est réhabilité"),
]
# (node, library code, baseline, LOP target, year target, quarterly target or None)
CURRENT_INDICATORS = [
    ("OC1", "SVY-TRU", 41, 55, 50, None), ("OC1", "SVY-INS", 38, 25, 30, None),
    ("OP1", "TRN-ENR", 0, 300, 120, 30), ("OP1", "TRN-CMP", 0, 280, 100, None), ("OP1", "TRN-CRT", 0, 280, 100, None),
    ("OP1", "TRN-RATE", None, 85, 85, None), ("OP1", "RET-12", None, 80, 80, None),
    ("OP2", "CLSP-FUN", 0, 2, 2, 2), ("OP2", "CLSP-MTG", 0, None, 24, 6), ("OP2", "CLSP-ACT", None, 75, 70, None),
    ("OP2", "ENT-DLG", 0, 2400, 800, 200),
    ("OP3", "STN-BUD", 0, 180000, 90000, None), ("OP3", "STN-HND", 0, 1, None, None),
]
# dialogue participants per quarter, by commune: (women, men) drawn from these, quarter after quarter
CURRENT_DIALOGUES = {"Diulu": [(38, 55), (44, 61), (51, 58), (47, 66), (56, 63), (60, 71), (58, 69), (63, 74)],
                     "Kanshi": [(29, 47), (35, 52), (41, 50), (39, 57), (45, 60), (48, 62), (52, 64), (55, 66)]}


def closing_fiscal_month(today):
    """The month a fiscal year starts so that the quarter of `today` ends at the end of this month (a reporting
    period about to close, whatever the day the demo is loaded); January when the calendar quarters do."""
    quarter_start = (today.month - 3) % 12 + 1
    return min((quarter_start - 1 + 3 * k) % 12 + 1 for k in range(4))


def _current(programme, library, officer, reviewer, today=None):
    """The framework of the programme running today and the dialogue participants of its quarters so far; the
    current quarter, closing at the end of this month: Diulu entered and awaiting approval, Kanshi missing."""
    from cpms.indicators import service
    from cpms.indicators.service import periods as P
    from cpms.indicators.service.targets import save_targets

    today = today or date.today()
    month = closing_fiscal_month(today)
    service.save_settings(programme, fiscal_year_start_month=month, target_check="refuse")
    nodes = {}
    for position, (code, level, parent, title_en, title_fr) in enumerate(CURRENT_NODES):
        nodes[code] = service.save_node(programme, level=level, code=code, title_en=title_en, title_fr=title_fr,
                                        parent_id=nodes[parent].id if parent else None, position=position)
    year = P.containing(today, "year", month)
    quarters = P.periods_between(year.start, year.end, "quarter", month)
    pis = {}
    for position, (node, code, baseline, lop, yearly, quarterly) in enumerate(CURRENT_INDICATORS):
        pi = service.add_programme_indicator(
            programme, node_id=nodes[node].id, indicator_id=library[code].id, code=code, position=position,
            baseline_value=baseline, baseline_date=programme.start_date if baseline is not None else None,
            lop_target=lop)
        targets = {year.key: yearly} if yearly is not None else {}
        targets.update({q.key: quarterly for q in quarters} if quarterly is not None else {})
        save_targets(pi, programme, targets)
        pis[code] = pi
    current = P.containing(today, "quarter", month)
    past = [q for q in P.periods_between(programme.start_date, today, "quarter", month)
            if q.start >= programme.start_date and q.end < current.start]
    entered = 0
    for index, quarter in enumerate(past[-len(CURRENT_DIALOGUES["Diulu"]):]):
        for commune, figures in CURRENT_DIALOGUES.items():
            women, men = figures[index % len(figures)]
            _enter(officer, reviewer, programme, pis["ENT-DLG"], quarter.key, women + men, commune=commune,
                   parts={"sex": {"F": women, "M": men}},
                   note=say(f"Dialogues police-population du trimestre à {commune}.",
                            f"Police–community dialogues of the quarter in {commune}."),
                   evidence=f"https://drive.example.org/pdp-mbm/{quarter.key.lower()}-{commune.lower()}.pdf")
            entered += 1
    women, men = CURRENT_DIALOGUES["Diulu"][-1]
    _enter(officer, reviewer, programme, pis["ENT-DLG"], current.key, women + men, commune="Diulu",
           parts={"sex": {"F": women, "M": men}}, status="submitted",
           note=say("Dialogues du trimestre à Diulu ; les feuilles de la dernière réunion suivent.",
                    "Dialogues of the quarter in Diulu; the sheets of the last meeting will follow."),
           evidence=f"https://drive.example.org/pdp-mbm/{current.key.lower()}-diulu.pdf")
    return entered + 1
