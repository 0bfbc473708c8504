"""Complaints and feedback from the population (issue 24): public and staff intake, the case workflow with
deadlines, referrals, sensitive cases kept to named focal points, status by receipt code, aggregate figures."""
from flask_babel import lazy_gettext as _l

from cpms.core.contract import Dimension, Domain, Panel, RetentionClass, Setting, not_personal

DOMAIN = Domain(
    "complaints",
    columns={
        **not_personal("complaints", "receipt_code", "quartier", "concerns_detail", "category", "channel", "status",
                       "concerns", "preferred_channel", "sex", "age_group", "satisfaction"),
        **not_personal("complaint_referrals", "referred_to"),
    },
    tables={"complaints": "complaint", "complaint_referrals": "complaint"},
    retention=(
        RetentionClass("complaint", "complaints' accounts, contacts and answers: kept CPMS_RETENTION_COMPLAINT_YEARS "
                                    "after the case is closed", setting="RETENTION_COMPLAINT_YEARS",
                       retire="cpms.complaints.privacy:retire_complaints"),
    ),
    settings=(
        Setting("CPMS_COMPLAINT_ACKNOWLEDGE_DAYS", "COMPLAINT_ACKNOWLEDGE_DAYS", int, 3),
        Setting("CPMS_COMPLAINT_ANSWER_DAYS", "COMPLAINT_ANSWER_DAYS", int, 30),
        Setting("CPMS_COMPLAINT_SENSITIVE_ACKNOWLEDGE_DAYS", "COMPLAINT_SENSITIVE_ACKNOWLEDGE_DAYS", int, 1),
        Setting("CPMS_COMPLAINT_SENSITIVE_ANSWER_DAYS", "COMPLAINT_SENSITIVE_ANSWER_DAYS", int, 14),
        Setting("CPMS_COMPLAINT_RATE_LIMIT", "COMPLAINT_RATE_LIMIT", str, "10 per hour"),
        Setting("CPMS_COMPLAINT_CONTACT_KEY", "COMPLAINT_CONTACT_KEY", str, ""),
        Setting("CPMS_RETENTION_COMPLAINT_YEARS", "RETENTION_COMPLAINT_YEARS", float, 5),
    ),
    # for the committees' meeting page, once it opens the slot (see cpms/complaints/panels.py)
    panels=(Panel("committees.meeting", "complaints/_meeting_feedback.html",
                  context="cpms.complaints.panels:meeting_feedback_panel"),),
    dimensions=(
        Dimension("complaint_category", labels="cpms.complaints.indicators:category_labels",
                  title=_l("Category of complaint or feedback"), position=62),
        Dimension("complaint_channel", labels="cpms.complaints.indicators:channel_labels",
                  title=_l("Channel of complaint or feedback"), position=63),
    ),
)
