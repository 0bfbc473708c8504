"""Field forms filled on a device, possibly offline, and sent later (static/js/offline-form.js; docs/offline.md).

Such a form carries two hidden fields: `offline_key`, the key of the device's draft (the service stores it with
the record it saves, so that a draft sent twice is saved once), and `base_version`, the version of the record
when the form was opened. The version is a digest of the values the form shows: when the record has changed on
the server since, the page answers 422 with the differences instead of overwriting them (`changed_meanwhile`).
"""
import hashlib
import json
import uuid

from flask import jsonify, request
from wtforms import HiddenField

DRAFT_HEADER = "X-CPMS-Draft"  # sent by static/js/offline-form.js with a draft


class DraftFields:
    """Mix into a FlaskForm of a field form that a device may fill offline and send later."""

    offline_key = HiddenField()
    base_version = HiddenField()

    def start_draft(self, version=""):
        """A form shown to be filled: a new draft key (the device replaces it by its own draft's) and the version
        of the record as shown."""
        self.offline_key.data = uuid.uuid4().hex
        self.base_version.data = version

    @property
    def draft_key(self):
        key = (self.offline_key.data or "").strip()
        return key[:64] if key else None


def _shown(field):
    """What a field shows a user: choice labels rather than stored values, one line per chosen value."""
    data = field.data
    choices = dict(getattr(field, "choices", None) or [])
    if isinstance(data, (list, tuple, set)):
        return "\n".join(sorted(str(choices.get(v, v)) for v in data))
    if choices and data in choices:
        return str(choices[data])
    if data is None:
        return ""
    return str(data).strip() if isinstance(data, str) else str(data)


def form_version(form, names):
    """A short digest of the values the fields `names` of `form` show."""
    text = json.dumps([_shown(form[name]) for name in names], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def changed_meanwhile(submitted, current, names):
    """[(label, on the server, sent)] for the fields that differ, when the record changed since `submitted` was
    opened (its base_version is not the version of `current`, the form filled from the record as it is now);
    [] when it did not change, or when the form carries no version (sent without the script). Sets the version
    of the submitted form to the current one: sent again, it overwrites knowingly."""
    version = form_version(current, names)
    base = (submitted.base_version.data or "").strip()
    if not base or base == version:
        return []
    submitted.base_version.data = version
    return [(current[name].label.text, _shown(current[name]), _shown(submitted[name])) for name in names
            if _shown(current[name]) != _shown(submitted[name])]


def answer_draft(response):
    """A draft sent by the script learns where the saved record is shown (201 with its address) instead of
    following the redirect: the page it then opens shows the flashed confirmation. Other posts get the
    redirect."""
    if response is not None and request.headers.get(DRAFT_HEADER) and response.status_code in (301, 302, 303):
        return jsonify({"location": response.location}), 201
    return response
