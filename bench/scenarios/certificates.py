"""Certificates – placeholders until the certificates domain lands (each is skipped with a note until then).

To fill them in: set the URLs in `run` (and the POST data a batch needs), and write `floor`: for the batch, a bare
WeasyPrint render of the same certificate template (the issue's target is 1.3× that floor); for the
verification page, its bare SQL. The register scenario in training.py shows a POST with a CSRF token.
"""
from bench.harness import Skip, scenario


class Placeholder:
    domain = "certificates"

    def run(self, bench):
        raise Skip("placeholder: write run() and floor() in bench/scenarios/certificates.py")


@scenario
class CohortCertificates(Placeholder):
    name = "Certificates for a 450-trainee cohort (one PDF)"
    role = "project_officer"
    floor_what = "a bare WeasyPrint render of the same template"


@scenario
class CertificateVerification(Placeholder):
    name = "Certificate verification page (public)"
    role = "viewer"
    target = "aggregate"
