"""Demo complaints and feedback from the population of Mbuji-Mayi (Bipemba, Muya, Dibindi, Diulu, Kanshi) and
Lubumbashi (Kampemba), received over the last four months through every channel, in every stage of the workflow.

Two cases are past their acknowledgement deadline and one past its answer deadline, so the demo project officer of
Kasaï-Oriental gets reminders at the scheduler's first sweep; one case was raised at the last held meeting of the
CLSP of Bipemba. Two sensitive cases (fraud, sexual exploitation) are seen only by the focal point, the demo M&E
officer (Grace Kalala Ntumba): the demo admin does not see them. Every sentence is given in French and English
(`say`); people, telephone numbers and stories are invented.
"""
from datetime import timedelta

from sqlalchemy import func, select

from cpms.complaints.models import Complaint, FocalPoint, Referral
from cpms.complaints.service import submit_complaint
from cpms.core.demo import demo_loader, say
from cpms.core.models import utcnow
from cpms.extensions import db
from cpms.geo.models import Commune

FOCAL_POINT = "suivi@demo.cpms.example"
HANDLER = "projet@demo.cpms.example"


def _cases(say=say):
    """(days ago, category, channel, commune, quartier, concerns, account, contact, sex, age group, stage, answer,
    satisfaction). Stages: received, acknowledged, under_review, referred, answered, closed; late: acknowledged after
    its deadline and still not answered."""
    return [
        (120, "police_conduct", "telephone", "Bipemba", "Tshiala", "station",
         say("Au poste du marché, un agent a exigé 2 000 FC pour enregistrer ma plainte pour vol.",
             "At the market post an officer asked for 2,000 FC to register my theft complaint."),
         "+243 990 000 101", "F", "36_59", "closed",
         say("L'agent a été rappelé à l'ordre par son commandant ; l'enregistrement des plaintes est gratuit et "
             "l'affiche est posée au poste.", "The officer was called to order by his commander; registering a "
             "complaint is free and the notice is now posted at the station."), "satisfied"),
        (105, "feedback", "web", "Muya", "Kasavubu", "activity",
         say("Les patrouilles à pied le soir ont rendu le marché plus calme. Merci.",
             "The evening foot patrols made the market calmer. Thank you."), "", "M", "18_35", "closed",
         say("Merci ; les patrouilles continuent jusqu'à la fin de l'année.",
             "Thank you; the patrols continue until the end of the year."), ""),
        (90, "programme", "suggestion_box", "Dibindi", "", "activity",
         say("Les lampadaires solaires de l'avenue du marché ne s'allument plus depuis deux semaines.",
             "The solar street lights on the market avenue have not come on for two weeks."), "", "", "", "closed",
         say("Les batteries ont été remplacées par l'entreprise sous garantie.",
             "The contractor replaced the batteries under warranty."), ""),
        (80, "information", "in_person", "Kanshi", "Nyongolo", "committee",
         say("Comment devenir membre du forum de quartier ?", "How can I join the neighbourhood forum?"),
         "+243 990 000 102", "F", "18_35", "closed",
         say("Le forum se réunit le premier samedi du mois ; présentez-vous au secrétaire.",
             "The forum meets on the first Saturday of the month; see its secretary."), "satisfied"),
        (70, "police_conduct", "meeting", "Bipemba", "Tshiala", "station",
         say("Des habitants disent que les agents de nuit dorment au poste au lieu de patrouiller.",
             "Residents say the night officers sleep at the post instead of patrolling."), "", "", "", "referred",
         "", ""),
        (60, "programme", "web", "Kampemba", "Bel-Air", "activity",
         say("La formation des agents n'a pas invité les associations de femmes du quartier.",
             "The officers' training did not invite the neighbourhood's women's associations."), "", "F", "36_59",
         "answered", say("Les associations seront invitées à la prochaine session de sensibilisation.",
                         "The associations will be invited to the next awareness session."), ""),
        (45, "feedback", "web", "Diulu", "", "station",
         say("Le nouveau commissariat de Diulu accueille bien les femmes.",
             "The new Diulu police station welcomes women well."), "", "F", "60_plus", "answered",
         say("Merci pour votre message, transmis au commandant.", "Thank you, your message was passed to the commander."),
         ""),
        (40, "police_conduct", "telephone", "Muya", "Bena Tshiadi", "station",
         say("Mon fils a été gardé deux jours au cachot sans être présenté à un magistrat.",
             "My son was held two days in the cell without being brought before a magistrate."),
         "+243 990 000 103", "M", "60_plus", "late", "", ""),
        (20, "information", "telephone", "Dibindi", "", "activity",
         say("Quand aura lieu la prochaine réunion publique avec la police ?",
             "When is the next public meeting with the police?"), "+243 990 000 104", "M", "18_35", "under_review",
         "", ""),
        (12, "programme", "suggestion_box", "Bipemba", "Tshiala", "committee",
         say("Le CLSP ne rend pas compte aux habitants de ce qu'il décide.",
             "The CLSP does not tell residents what it decides."), "", "", "", "acknowledged", "", ""),
        (6, "police_conduct", "web", "Kanshi", "", "station",
         say("Un agent a confisqué ma moto sans reçu.", "An officer took my motorbike without a receipt."),
         "", "M", "18_35", "received", "", ""),
        (5, "feedback", "in_person", "Diulu", "", "other",
         say("Il faudrait un numéro vert pour appeler la police la nuit.",
             "There should be a free number to call the police at night."), "", "F", "36_59", "received", "", ""),
        (1, "information", "web", "Muya", "", "",
         say("Où déposer une plainte pour un vol de téléphone ?", "Where do I report a stolen phone?"), "", "", "",
         "received", "", ""),
        (9, "fraud", "telephone", "Bipemba", "", "station",
         say("Des cartes de rationnement de la formation auraient été revendues.",
             "Ration cards from the training are said to have been resold."), "+243 990 000 105", "", "",
         "acknowledged", "", ""),
        (3, "sea", "in_person", "Muya", "", "other",
         say("Récit recueilli par la point focal ; voir le dossier papier.",
             "Account taken by the focal point; see the paper file."), "", "F", "18_35", "received", "", ""),
    ]


def _meeting_of_bipemba():
    from cpms.committees.models import Committee, Meeting
    return db.session.scalar(select(Meeting.id).join(Committee, Committee.id == Meeting.committee_id)
                             .join(Commune, Commune.id == Committee.commune_id)
                             .where(Commune.name == "Bipemba", Committee.kind == "clsp", Meeting.status == "held",
                                    Meeting.starts_at <= utcnow()).order_by(Meeting.starts_at.desc()).limit(1))


def _advance(complaint, stage, answer, satisfaction, handler_id):
    """Move a demo case to its stage with dates a day or two after it was received (late ones past the deadline)."""
    day = timedelta(days=1)
    received = complaint.received_at
    if stage == "received":
        return
    complaint.assigned_to_id = handler_id
    complaint.acknowledged_at = received + (5 * day if stage == "late" else day)
    complaint.status = "under_review" if stage == "under_review" else "acknowledged"
    if stage == "referred":
        db.session.add(Referral(complaint_id=complaint.id, referred_to=say("Inspection provinciale de la PNC",
                                                                           "PNC provincial inspectorate"),
                                referred_on=(received + 3 * day).date(), consent=True))
        complaint.status = "referred"
    if stage in ("answered", "closed"):
        complaint.answered_at = received + 10 * day
        complaint.answer = answer
        complaint.status = "answered"
    if stage == "closed":
        complaint.closed_at = received + 14 * day
        complaint.satisfaction = satisfaction or ("unreachable" if not complaint.contact else "partly")
        complaint.status = "closed"


@demo_loader
def load_complaints(context):
    users = context.get("users", {})
    communes = {name: commune_id for name, commune_id in db.session.execute(select(Commune.name, Commune.id))}
    meeting_id = _meeting_of_bipemba()
    handler = users.get(HANDLER)
    now = utcnow()
    for (days, category, channel, commune, quartier, concerns, account, contact, sex, age, stage, answer,
         satisfaction) in _cases():
        if channel == "meeting" and meeting_id is None:
            channel = "in_person"
        complaint = submit_complaint(category=category, account=account, channel=channel,
                                     commune_id=communes.get(commune), quartier=quartier, concerns=concerns,
                                     contact=contact, preferred_channel="phone" if contact else "", sex=sex,
                                     age_group=age, meeting_id=meeting_id if channel == "meeting" else None,
                                     received_at=now - timedelta(days=days, hours=3))
        _advance(complaint, stage, answer, satisfaction, handler.id if handler else None)
    if FOCAL_POINT in users:
        db.session.add(FocalPoint(user_id=users[FOCAL_POINT].id))
    db.session.flush()
    return {"complaints": db.session.scalar(select(func.count()).select_from(Complaint))}


INDICATORS = [
    ("CMP-REC", "Complaints and feedback received", "Plaintes et retours reçus", "count", "sum",
     "complaints_received", ["province", "commune", "sex", "complaint_category", "complaint_channel"]),
    ("CMP-ACK", "Share of complaints acknowledged on time", "Part des plaintes dont la réception a été accusée à temps",
     "percentage", "ratio", "complaints_acknowledged_on_time", ["province", "commune", "complaint_category"]),
    ("CMP-ANS", "Share of complaints answered or referred on time",
     "Part des plaintes ayant reçu une réponse ou été orientées à temps", "percentage", "ratio",
     "complaints_answered_on_time", ["province", "commune", "complaint_category"]),
    ("CMP-SAT", "Share of people satisfied with the answer to their case",
     "Part des personnes satisfaites de la réponse à leur cas", "percentage", "ratio", "complaints_satisfaction",
     ["province", "commune"]),
    ("CMP-SENS", "Sensitive cases received", "Cas sensibles reçus", "count", "sum", "sensitive_cases_received",
     ["province"]),
]


@demo_loader(late=True)
def load_complaint_indicators(context):
    """The complaint indicators in the library; cases received and answered on time in the framework of the
    programme running today (outcome OC1, the population's trust), so that its report shows the feedback."""
    from cpms.indicators.models import ResultNode
    from cpms.indicators.service import add_programme_indicator, create_indicator
    library = {code: create_indicator(code=code, name_en=name_en, name_fr=name_fr, definition="", unit=unit,
                                      direction="higher", aggregation=aggregation, source="computed",
                                      computation=computation, computation_param="", disaggregations=dimensions,
                                      is_active=True)
               for code, name_en, name_fr, unit, aggregation, computation, dimensions in INDICATORS}
    programme = context.get("current_programme")
    node = programme and db.session.scalar(select(ResultNode).where(ResultNode.programme_id == programme.id,
                                                                    ResultNode.code == "OC1"))
    if node is not None:
        for position, code in ((95, "CMP-REC"), (96, "CMP-ANS")):
            add_programme_indicator(programme, node_id=node.id, indicator_id=library[code].id, code=code,
                                    position=position, baseline_value=None, baseline_date=None, lop_target=None)
    return {"complaint indicators": len(library)}
