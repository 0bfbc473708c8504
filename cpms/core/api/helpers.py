"""Shared helpers for API views: declared item schemas and query filters, checked paging, paginated answers.

A collection route declares what it answers and what it filters on:

    @bp.route("/meetings")
    @require_role()
    @described(item=fields(id="integer", committee_id="integer", starts_at=("string", "date-time"), …),
               filters=(Filter("committee_id", "integer", "Only this committee's meetings"),))
    def meeting_list(): …

The OpenAPI document (openapi.py) lists the item's fields and every filter; before the view runs, each filter
given is checked (an integer, a boolean 0/1, one of the listed values) and `page`/`per_page` are checked against
their bounds (page ≥ 1, 1 ≤ per_page ≤ API_MAX_PER_PAGE): a bad value answers 400 naming the parameter and what it
accepts, instead of being silently ignored or clamped.
"""
from dataclasses import dataclass
from functools import wraps

from flask import jsonify, request

from cpms.core.pagination import paginate
from cpms.core.setup import api_error

API_MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Filter:
    name: str
    type: str = "string"  # "integer", "boolean" (0 or 1), "string"
    description: str = ""
    enum: tuple = ()

    def schema(self):
        schema = {"type": self.type if self.type != "boolean" else "integer"}
        if self.type == "boolean":
            schema["enum"] = [0, 1]
        if self.enum:
            schema["enum"] = list(self.enum)
        return schema

    def problem(self, raw):
        """None when the raw value is acceptable, else the message (English, like the API's other messages)."""
        if self.type == "integer":
            try:
                int(raw)
            except ValueError:
                return f"'{self.name}' must be an integer."
        if self.type == "boolean" and raw not in ("0", "1"):
            return f"'{self.name}' must be 0 or 1."
        if self.enum and raw not in self.enum:
            return f"'{self.name}' must be one of: {', '.join(self.enum)}."
        return None


def fields(**properties):
    """An object schema from name=type, name=(type, format) or name=schema-dict; every field is listed."""
    def schema(value):
        if isinstance(value, dict):
            return value
        if isinstance(value, tuple):
            kind, fmt = value
            kind = [kind, "null"] if fmt == "nullable" else kind
            return {"type": kind} if fmt == "nullable" else {"type": kind, "format": fmt}
        return {"type": value}
    return {"type": "object", "properties": {name: schema(value) for name, value in properties.items()},
            "required": sorted(properties)}


def nullable(kind, fmt=None):
    return {"type": [kind, "null"], **({"format": fmt} if fmt else {})}


def array_of(item):
    return {"type": "array", "items": item}


def paging_problem():
    """The message for a bad `page` or `per_page`, or None."""
    for name, low, high in (("page", 1, None), ("per_page", 1, API_MAX_PER_PAGE)):
        raw = request.args.get(name)
        if raw is None:
            continue
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high else f"at least {low}"
            return f"'{name}' must be an integer {bound}."
    return None


def described(item=None, filters=(), paged=None, status=200):
    """Declare a route's item schema and query filters (see the module's docstring); the filters are checked
    before the view runs (the paging, for every API request, by the blueprint: cpms/core/api/__init__.py).

    `paged`: whether the answer is a page of items ({items, page, per_page, total}); by default a GET without path
    parameters is one, anything else answers `item` itself – say paged=True for a collection under an id
    (/cohorts/<id>/sessions), paged=False for a whole answer. `status`: the success code (201 for a creation)."""
    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            problem = None
            for declared in filters:
                raw = request.args.get(declared.name)
                if problem is None and raw not in (None, ""):
                    problem = declared.problem(raw)
            if problem:
                return api_error(400, problem)
            return view(*args, **kwargs)
        checked._api_item, checked._api_filters = item, tuple(filters)
        checked._api_paged, checked._api_status = paged, status
        return checked
    return decorator


def paginated(stmt, serialise):
    page = paginate(stmt)
    return jsonify({"items": [serialise(item) for item in page.items], "page": page.page,
                    "per_page": page.per_page, "total": page.total})
