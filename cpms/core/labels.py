"""Vocabularies shared by several domains, defined once. A domain's own vocabularies are in its labels.py.

Templates see SEX_LABELS and SEX_GROUP_LABELS, and the filter `sex_label` (cpms/core/templating.py).
"""
from flask_babel import lazy_gettext as _l

# --- sex ------------------------------------------------------------------------------------------------------

SEXES = ("F", "M")
# one person's sex (an officer's, a committee member's): form choices, detail pages, lists of people
SEX_LABELS = {"F": _l("Female"), "M": _l("Male")}
# a group of people counted by sex: a row or column of figures, a disaggregation of an indicator
SEX_GROUP_LABELS = {"F": _l("Women"), "M": _l("Men")}

# --- age groups -----------------------------------------------------------------------------------------------

# adults' age groups (a survey respondent's, a disaggregation of an entered indicator value), youngest first, with
# the oldest age in each (None: no limit); younger people are UNDER_AGE
AGE_GROUPS = ("18–24", "25–34", "35–49", "50+")
_OLDEST = (24, 34, 49, None)
UNDER_AGE = "<18"


def age_group_of(age):
    """The age group of someone `age` years old."""
    if age < 18:
        return UNDER_AGE
    return next(group for group, oldest in zip(AGE_GROUPS, _OLDEST) if oldest is None or age <= oldest)


def age_group_key(group):
    """The key an entered indicator value stores for an age group: its label with a plain hyphen ("18-24"), as
    stored values, locked figures and DHIS2 mappings have always used."""
    return group.replace("–", "-")


# {key of an entered value: label}
AGE_GROUP_LABELS = {age_group_key(group): group for group in AGE_GROUPS}
