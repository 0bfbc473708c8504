"""Deployment pages: postings, an officer's posting history, bulk posting of a cohort's graduates, retention and
coaching visits.

Who does what (tests/deployments/access.py holds the same matrix):
- admins and project officers post officers, edit and end postings, post a cohort's graduates and record
  coaching visits, in their area;
- M&E officers read postings, officers' histories, early departures and coaching visits;
- trainers read the postings of the trainees of their own cohorts, and the retention of those cohorts;
- viewers (donors, management) see the retention aggregates and the number of early departures by reason:
  no names.
Everything is limited to the user's area: elsewhere the answer is 404.

blueprint.py: the blueprint, its menu entries and what the pages share (roles, access helpers, the panel for the
trainee's page); postings.py: postings, officers' histories, bulk posting; retention.py: the retention page and its
export; coaching.py: coaching visits.
"""
from cpms.deployments.views import coaching, postings, retention  # noqa: F401  (the routes of the blueprint)
from cpms.deployments.views.blueprint import NAVIGATION, bp

__all__ = ["NAVIGATION", "bp"]
