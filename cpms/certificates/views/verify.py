"""The public verification page (/verify): anybody, without an account, checks a certificate by its code
(rate-limited, with the API, by verification_limit)."""
from flask import Response, redirect, render_template, request, url_for

from cpms.certificates import service
from cpms.certificates.forms import VerifyForm
from cpms.certificates.service import codes
from cpms.certificates.views.blueprint import bp, verification_limit
from cpms.core.forms import render_form
from cpms.core.permissions import public


@bp.route("/verify")
@public
@verification_limit
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("code") is not None and form.validate():
        typed = form.code.data.strip()
        return redirect(url_for("certificates.verify", code=codes.normalise_code(typed) or typed))
    return _public(*render_form("certificates/verify_form.html", form))  # 422 when a code was sent and refused


@bp.route("/verify/<code>")
@public
@verification_limit
def verify(code):
    """What the certificate itself shows and its status; nothing else about the officer."""
    certificate = service.find_by_code(code)
    status = 200 if certificate is not None else 404
    return _public(render_template("certificates/verify.html", certificate=certificate, code=code,
                                   form=VerifyForm(formdata=None)), status)


def _public(body, status=200):
    response = Response(body, status=status) if isinstance(body, str) else body
    response.headers["Cache-Control"] = "no-store"  # the status may change: never serve an old answer
    response.headers["X-Robots-Tag"] = "noindex"
    return response
