"""Input that no database should see: text longer than its column, and NUL characters.

SQLite stores a 5,000-character name in a String(80) column; PostgreSQL refuses it, and so would answer a
500 for any form that forgot a Length validator. Before every flush, text longer than its column raises a
DomainError naming the field, which the view shows under it (services flush inside the view's try).
NUL characters, which PostgreSQL refuses everywhere, are turned away with a 400 before any view runs.
"""
from flask import abort, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from cpms.core.errors import DomainError


@event.listens_for(Session, "before_flush")
def _refuse_text_longer_than_its_column(session, flush_context, instances):
    for obj in list(session.new) + list(session.dirty):
        mapper = inspect(obj).mapper
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if not isinstance(column.type, String) or not column.type.length:
                continue
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and len(value) > column.type.length:
                raise DomainError(_("This text is too long: at most %(max)d characters.", max=column.type.length),
                                  field=attr.key)


def refuse_nul_characters():
    """before_request: a NUL character in the query, a form or a JSON body is a malformed request."""
    if any("\x00" in value for values in (request.args, request.form) for value in values.values()):
        abort(400)
    if any("\x00" in key for key in list(request.args) + list(request.form)):
        abort(400)
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        abort(400)


def refuse_large_json():
    """before_request: a JSON body larger than CPMS_JSON_MAX_KB is refused (413) before anything parses it."""
    if request.mimetype == "application/json" or request.is_json:
        limit = current_app.config.get("JSON_MAX_KB", 1024) * 1024
        if request.content_length is None or request.content_length > limit:
            if request.content_length is None and request.method in ("GET", "HEAD", "DELETE", "OPTIONS"):
                return None
            g.too_large_message = _("The JSON body is larger than %(kb)d KB: send less data per request.",
                                    kb=limit // 1024)  # shown by the 413 handler instead of the upload limit
            abort(413)
    return None
