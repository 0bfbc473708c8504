"""Indicators – placeholder until the indicators domain lands (skipped with a note until then).

To fill it in: request the national quarterly indicator report in `run` (the page, or its PDF/XLSX), and write
`floor` with the GROUP BY queries that compute the indicator values and targets, through the driver.
"""
from bench.harness import Skip, scenario


@scenario
class QuarterlyIndicatorReport:
    name = "National quarterly indicator report"
    role = "me_officer"
    domain = "indicators"
    target = "aggregate"

    def run(self, bench):
        raise Skip("placeholder: write run() and floor() in bench/scenarios/indicators.py")
