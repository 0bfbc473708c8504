"""Deployments' rules and writes.

postings.py: who sees what, the certified officers, creating and editing postings, bulk posting of a cohort's
graduates, an officer's posting history, the dashboard card; retention.py: retention figures and early departures;
coaching.py: coaching visits and their follow-up actions.

Services check the business rules, flush and raise DomainError saying what to fix; the request commits. Those that
keep places to the user's area take the acting user (None for the demo loader, which acts everywhere).
"""
from cpms.deployments.service import coaching, retention
from cpms.deployments.service.postings import (
                                               MANAGERS,
                                               READERS,
                                               can_see_officer,
                                               can_see_posting,
                                               certified_officers,
                                               cohort_graduates,
                                               create_posting,
                                               officer_postings,
                                               overlapping_postings,
                                               post_graduates,
                                               postable_cohorts,
                                               posting_cards,
                                               resolve_place,
                                               taught_by,
                                               update_posting,
                                               visible_postings,
)

__all__ = ["coaching", "retention",
           "MANAGERS", "READERS", "can_see_officer", "can_see_posting", "certified_officers", "cohort_graduates",
           "create_posting", "officer_postings", "overlapping_postings", "post_graduates", "postable_cohorts",
           "posting_cards", "resolve_place", "taught_by", "update_posting", "visible_postings"]
