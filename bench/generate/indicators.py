"""Generated results frameworks: the demo's indicator library (cpms/indicators/demo.py LIBRARY), and for every
programme a goal → outcome → output framework with its indicators – each province programme the training,
certification and retention, station, committee and plan indicators plus dialogue participants entered per
quarter (approved, by sex), the national programme the survey measures – with yearly targets. Calendar fiscal
years. The report of any programme and quarter then has something to compute at the generated scale."""
from datetime import date

from bench.generate import generator
from cpms.indicators.demo import LIBRARY
from cpms.indicators.models import (
    Indicator,
    IndicatorValue,
    ProgrammeIndicator,
    ResultNode,
    ResultsFramework,
    Target,
    ValueBreakdown,
)
from cpms.indicators.service import periods as P
from cpms.programmes.models import Programme

PROVINCE_NODES = [  # (code, level, parent, title_en, title_fr, library codes)
    ("G", "goal", None, "People trust their police and feel safer",
     "La population fait confiance à sa police et se sent plus en sécurité", []),
    ("OC1", "outcome", "G", "Police officers apply community policing",
     "Les policiers appliquent la police de proximité", ["RET-12", "RET-36"]),
    ("OP1.1", "output", "OC1", "Officers are trained and certified", "Des policiers sont formés et certifiés",
     ["TRN-ENR", "TRN-CMP", "TRN-CRT", "TRN-RATE", "TRN-GAIN"]),
    ("OP1.2", "output", "OC1", "Stations are built and handed over", "Des commissariats sont construits et remis",
     ["STN-HND", "STN-GEN", "STN-BUD"]),
    ("OC2", "outcome", "G", "Police and population solve security problems together",
     "La police et la population résolvent ensemble les problèmes de sécurité", []),
    ("OP2.1", "output", "OC2", "Local security committees meet and act", "Les CLSP se réunissent et agissent",
     ["CLSP-FUN", "CLSP-MTG", "CLSP-WOM", "CLSP-ACT", "ENT-DLG"]),
    ("OP2.2", "output", "OC2", "Local security plans are adopted and funded",
     "Des plans locaux de sécurité sont adoptés et financés", ["PLN-ADP", "QIP-CMP"]),
]
NATIONAL_NODES = [
    ("G", "goal", None, "The population trusts the police", "La population fait confiance à la police", []),
    ("OC1", "outcome", "G", "Perceptions of security improve", "Les perceptions de la sécurité s'améliorent",
     ["SVY-TRU", "SVY-INS", "SVY-OPN", "SVY-VIC"]),
]
# yearly targets: counts drawn around these per-province figures (scaled), percentages as given
YEARLY = {"TRN-ENR": 1500, "TRN-CMP": 1200, "TRN-CRT": 1100, "STN-HND": 4, "STN-BUD": 500_000, "CLSP-MTG": 2000,
          "PLN-ADP": 15, "QIP-CMP": 5, "ENT-DLG": 4000, "CLSP-FUN": 150}
PERCENT = {"TRN-RATE": 85, "TRN-GAIN": 15, "RET-12": 80, "RET-36": 70, "STN-GEN": 90, "CLSP-WOM": 30,
           "CLSP-ACT": 70, "SVY-TRU": 55, "SVY-INS": 30, "SVY-OPN": 50, "SVY-VIC": 25}


def _french(text):
    """The demo's sentences come as (French, English); the benchmark's data is French."""
    return text[0] if isinstance(text, tuple) else text


@generator
def generate_indicators(gen):
    rng = gen.random("indicators")
    stamps = (gen.now, gen.now)
    library = {}
    rows = []
    for (code, name_en, name_fr, unit, direction, aggregation, computation, dimensions, definition), indicator_id \
            in zip(LIBRARY, gen.ids(Indicator, len(LIBRARY))):
        library[code] = (indicator_id, unit)
        rows.append((indicator_id, code, name_en, name_fr, _french(definition), unit, direction, aggregation,
                     "computed" if computation else "entered", computation, "", list(dimensions), True, *stamps))
    gen.insert(Indicator, ["id", "code", "name_en", "name_fr", "definition", "unit", "direction", "aggregation",
                           "source", "computation", "computation_param", "disaggregations", "is_active", "created_at",
                           "updated_at"], rows)
    programmes = gen.connection.execute(
        Programme.__table__.select().with_only_columns(Programme.id, Programme.start_date, Programme.end_date)
        .order_by(Programme.id)).all()
    by_programme = {programme_id: province_id for province_id, programme_id in gen.shared["programmes"].items()}
    frameworks, nodes, pis, targets, values, parts = [], [], [], [], [], []
    reviewer = gen.shared.get("users", {}).get("suivi@demo.cpms.example")
    for programme_id, start, end in programmes:
        frameworks.append((gen.ids(ResultsFramework, 1)[0], programme_id, 1, "warn", "", "", *stamps))
        national = programme_id == gen.shared.get("national_programme")
        node_ids, position = {}, 0
        for code, level, parent, title_en, title_fr, codes in (NATIONAL_NODES if national else PROVINCE_NODES):
            node_id = gen.ids(ResultNode, 1)[0]
            node_ids[code] = node_id
            nodes.append((node_id, programme_id, node_ids.get(parent), level, code, title_en, title_fr,
                          len(nodes), *stamps))
            for indicator_code in codes:
                indicator_id, unit = library[indicator_code]
                pi_id = gen.ids(ProgrammeIndicator, 1)[0]
                yearly = YEARLY.get(indicator_code)
                years = list(range(start.year, min(end.year, gen.today.year + 1) + 1))
                lop = None if yearly is None else float(round(yearly * gen.factor * 10 * len(years), -1) or 10)
                pis.append((pi_id, programme_id, node_id, indicator_id, indicator_code, position,
                            0.0 if yearly is not None else None, start if yearly is not None else None, lop, "",
                            *stamps))
                position += 1
                for year in years:
                    value = (PERCENT[indicator_code] if yearly is None
                             else float(max(1, round(yearly * gen.factor * 10 * rng.uniform(0.8, 1.2)))))
                    targets.append((gen.ids(Target, 1)[0], pi_id, "year", date(year, 1, 1), date(year, 12, 31),
                                    value, *stamps))
                if indicator_code == "ENT-DLG":
                    province_id = by_programme.get(programme_id)
                    for quarter in P.periods_between(start, min(end, gen.today), "quarter", 1):
                        if quarter.end > gen.today:
                            break
                        women, men = rng.randint(20, 200), rng.randint(30, 260)
                        value_id = gen.ids(IndicatorValue, 1)[0]
                        values.append((value_id, pi_id, quarter.start, quarter.end, province_id, None,
                                       float(women + men), "Feuilles de présence des dialogues de quartier.",
                                       "https://drive.example.org/dialogues.pdf", "", None, "", "approved", reviewer,
                                       reviewer, gen.now, "", *stamps))
                        for (sex, count), part_id in zip((("F", women), ("M", men)), gen.ids(ValueBreakdown, 2)):
                            parts.append((part_id, value_id, "sex", sex, float(count)))
    gen.insert(ResultsFramework, ["id", "programme_id", "fiscal_year_start_month", "target_check", "dhis2_data_set",
                                  "dhis2_attribute_option_combo", "created_at", "updated_at"], frameworks)
    gen.insert(ResultNode, ["id", "programme_id", "parent_id", "level", "code", "title_en", "title_fr", "position",
                            "created_at", "updated_at"], nodes)
    gen.insert(ProgrammeIndicator, ["id", "programme_id", "node_id", "indicator_id", "code", "position",
                                    "baseline_value", "baseline_date", "lop_target", "notes", "created_at",
                                    "updated_at"], pis)
    gen.insert(Target, ["id", "programme_indicator_id", "period_kind", "period_start", "period_end", "value",
                        "created_at", "updated_at"], targets)
    gen.insert(IndicatorValue, ["id", "programme_indicator_id", "period_start", "period_end", "province_id",
                                "commune_id", "value", "comment", "evidence_url", "evidence_name", "evidence_stored",
                                "evidence_type", "status", "entered_by_id", "reviewed_by_id", "reviewed_at",
                                "review_note", "created_at", "updated_at"], values)
    gen.insert(ValueBreakdown, ["id", "value_id", "dimension", "category", "value"], parts)
    return {"indicators": len(rows), "programme indicators": len(pis), "indicator targets": len(targets),
            "entered indicator values": len(values)}
