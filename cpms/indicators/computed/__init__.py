"""The computed indicators, one module per source domain. Importing this package registers them all.

Registered codes (Indicator.computation):

- training.py: `officers_enrolled`, `officers_completed`, `completion_rate`, `knowledge_gain`
- stations.py: `stations_handed_over`, `stations_gender_compliant`, `construction_budget_spent`
- committees.py: `functional_clsps`, `committee_meetings_held`, `committee_women_share`, `action_items_on_time`,
  `security_plans_adopted`, `quick_impact_projects_completed`
- surveys.py: `survey_trust`, `survey_insecurity`, `survey_opinion`, `survey_victimisation` (the latest round
  in the period, its baseline from the programme's baseline round)
- certification.py: `officers_certified`, `retention_12_months`, `retention_36_months` (from the certificates
  and deployments domains: certified_officers() and the retention definitions)

A new computation is a function in one of these modules (or a new module imported below), following
training.py; then add the indicator to the library (or the demo loader in cpms/indicators/demo.py and the
generator in bench/generate/indicators.py) with `source="computed", computation="<code>"`.
"""
from cpms.indicators.computed import certification, committees, stations, surveys, training  # noqa: F401
