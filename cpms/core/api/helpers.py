"""Shared helpers for API views: paginated answers."""
from flask import jsonify

from cpms.core.pagination import paginate


def paginated(stmt, serialise):
    page = paginate(stmt)
    return jsonify({"items": [serialise(item) for item in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})
