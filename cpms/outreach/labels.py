"""The outreach vocabularies, in the user's language."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "radio": _l("Radio programme or spot"),
    "theatre": _l("Community theatre"),
    "posters": _l("Posters and leaflets"),
    "session": _l("School or market session"),
    "media_training": _l("Training of journalists"),
    "civil_society_training": _l("Training of civil-society members"),
    "joint_workshop": _l("Joint police–population workshop or dialogue"),
}
TOPIC_LABELS = {
    "community_policing": _l("Community policing"),
    "child_protection": _l("Child protection"),
    "sgbv": _l("Sexual and gender-based violence"),
    "psea": _l("Protection from sexual exploitation and abuse"),
    "human_rights": _l("Human rights"),
    "other": _l("Other"),
}
CATEGORY_LABELS = {
    "police": _l("Police officer"),
    "womens_group": _l("Women's group"),
    "youth": _l("Youth"),
    "leader": _l("Religious or customary leader"),
    "media": _l("Media"),
    "local_authority": _l("Local authority"),
    "public": _l("General public"),
}
SEX_LABELS = {"F": _l("Woman"), "M": _l("Man")}
EVIDENCE_LABELS = {"attendance_sheet": _l("Attendance sheet"), "photo": _l("Photo"),
                   "material": _l("Material (leaflet, poster, script)")}
PROGRAMME_ACTION_STATUS_LABELS = {"open": _l("Open"), "done": _l("Done"), "dropped": _l("Dropped")}
