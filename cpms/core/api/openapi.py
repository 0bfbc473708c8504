"""An OpenAPI 3.1 document built from the API blueprint's routes, so it never misses one: each route's item schema
and query filters come from its @described declaration (helpers.py)."""
import re

from cpms.core.api.helpers import API_MAX_PER_PAGE


def page_schema(item):
    return {"type": "object", "required": ["items", "page", "per_page", "total"],
            "properties": {"items": {"type": "array", "items": item}, "page": {"type": "integer", "minimum": 1},
                           "per_page": {"type": "integer", "minimum": 1, "maximum": API_MAX_PER_PAGE},
                           "total": {"type": "integer"}}}


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {"status": {"type": "integer"},
                                                               "message": {"type": "string"}}}},
}


def _openapi_path(rule):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


def _path_type(rule, name):
    """"integer" for <int:…> parameters, "string" for the others (e.g. a certificate's verification code)."""
    return "integer" if re.search(rf"<int:{name}>", rule.rule) else "string"


def build_openapi(app):
    paths = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.static":
            continue
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "_cpms_access", ("roles", None))
        item = getattr(view, "_api_item", None) or {"type": "object"}
        filters = [{"name": f.name, "in": "query", "description": f.description, "schema": f.schema()}
                   for f in getattr(view, "_api_filters", ())]
        doc = (view.__doc__ or rule.endpoint).strip().splitlines()[0]
        path = _openapi_path(rule)
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": _path_type(rule, name)}}
                  for name in sorted(rule.arguments)]
        paged, status = getattr(view, "_api_paged", None), str(getattr(view, "_api_status", 200))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            # a page of items: declared (a collection under an id is one, a register is not), else a GET without
            # path parameters – the heuristic alone took /cohorts/{cohort_id}/sessions for a single item
            is_collection = method == "GET" and (paged if paged is not None else
                                                 not rule.arguments and rule.endpoint != "api.openapi")
            operation = {
                "operationId": f"{rule.endpoint.split('.', 1)[1]}_{method.lower()}",
                "summary": doc,
                "parameters": params + filters + ([
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": API_MAX_PER_PAGE}},
                ] if is_collection else []),
                "responses": {
                    status: {"description": "Created" if status == "201" else "OK", "content": {"application/json": {
                        "schema": page_schema(item) if is_collection else item}}},
                    "400": {"description": "A parameter out of its bounds or of the wrong type",
                            "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                    "401": {"description": "No valid token", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                    "403": {"description": "Role not allowed", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                    "404": {"description": "Not found or outside your area",
                            "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                },
            }
            if access[0] == "public":
                operation["security"] = []
            else:
                roles = sorted(access[1]) if access[1] else []
                operation["x-cpms-roles"] = roles
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "CPMS API", "version": "1",
                 "description": "Community Policing Programme Management System. Authenticate with a personal "
                                "API token: 'Authorization: Bearer <token>' (flask cpms create-token EMAIL, or "
                                "the account page). Results are limited to the token owner's role and area."},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }
