"""The computed indicators, one module per source domain. Importing this package registers them all.

Registered codes (Indicator.computation):

- training.py: `officers_enrolled`, `officers_completed`, `completion_rate`, `knowledge_gain`
- stations.py: `stations_handed_over`, `stations_gender_compliant`, `construction_budget_spent`
- committees.py: `functional_clsps`, `committee_meetings_held`, `committee_women_share`, `action_items_on_time`,
  `security_plans_adopted`, `quick_impact_projects_completed`
- surveys.py: `survey_trust`, `survey_insecurity`, `survey_opinion`, `survey_victimisation` (the latest round
  in the period, its baseline from the programme's baseline round)

Slots left for the integrator (the certificates and deployments domains land in parallel). Each is a few lines
in a new module here, imported below, following training.py:

- `officers_certified` – certificates issued (not revoked) in the period, by sex, course type, province::

      @computed_indicator("officers_certified", label=_l("Officers certified"), unit="count",
                          dimensions=TRAINING_DIMENSIONS)
      def officers_certified(ctx, start, end):
          key = ctx.category(training_columns())
          return ctx.grouped(select(key, func.count(distinct(Enrolment.trainee_id)))
                             .select_from(Certificate).join(Enrolment, …).join(Cohort, …).join(Course, …)
                             .join(Trainee, …)
                             .where(Cohort.programme_id == ctx.programme_id, Certificate.revoked_at.is_(None),
                                    Certificate.issued_on.between(start, end),
                                    ctx.in_area(Cohort.province_id, Cohort.commune_id)), key)

- `retention_12_months` and `retention_36_months` – among officers certified 12 (36) months before the end of
  the period, the share whose posting on that date lies in the programme's provinces: a percentage with
  aggregation "latest", numerator and denominator in one SELECT as in `completion_rate`.

Then add the indicators to the library (or the demo loader in cpms/indicators/demo.py) with
`source="computed", computation="<code>"`.
"""
from cpms.indicators.computed import committees, stations, surveys, training  # noqa: F401
