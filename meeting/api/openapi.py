"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1, generated, never written by hand.

Paths come from the URL map; what each takes and answers from the `@operation` beside its
view; the schemas from the contract's pydantic models. An event route is described once per
event, each with the body that event carries.
"""

import re

from flask import current_app
from pydantic import TypeAdapter

from meeting import MAX_ID
from meeting.api import bp
from meeting.api.contract import ERROR_MEANINGS, Operation, operation
from meeting.contract.resources import Error

REF = "#/components/schemas/{model}"


class Components:
    """The document's shared schemas, filled as operations name their models."""

    def __init__(self):
        self.schemas: dict[str, dict] = {}

    def ref(self, model, mode: str = "serialization", name: str | None = None) -> dict:
        """A $ref to MODEL's schema, adding it (and the schemas it uses) to the components."""
        name = _component_name(name or getattr(model, "__name__", None) or "Body")
        schema = TypeAdapter(model).json_schema(mode=mode, ref_template=REF)
        for nested, definition in schema.pop("$defs", {}).items():
            self._add(nested, definition)
        ref = {"$ref": REF.format(model=name)}
        if schema != ref:  # a named alias is its own definition already
            self._add(name, schema)
        return ref

    def _add(self, name: str, schema: dict) -> None:
        known = self.schemas.setdefault(name, schema)
        if known != schema:
            raise ValueError(f"Two different schemas are called {name}")


def _component_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def document() -> dict:
    components = Components()
    paths: dict[str, dict] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        view = current_app.view_functions.get(rule.endpoint)
        spec: Operation | None = getattr(view, "operation", None)
        if spec is None or not rule.rule.startswith(bp.url_prefix):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(bp.url_prefix))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for concrete, body, rules in _bodies(path, spec):
                params = [_path_parameter(rule, name) for name in _names(concrete)]
                described = _operation(spec, params, body, rules, components)
                described["operationId"] = _operation_id(rule.endpoint, path, concrete)
                paths.setdefault(concrete, {})[method.lower()] = described
    _link_created_resources(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lianxi 联席 API",
            "version": "1",
            "description": "The joint meeting system's API (../shared/API.md). Times are ISO "
            "8601 with the Asia/Shanghai offset; messages follow Accept-Language (default "
            "zh-CN). Nothing changes on any error.",
        },
        "servers": [{"url": bp.url_prefix}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": components.schemas,
        },
    }


# The id a created resource of each kind gives the operations on it.
CREATED_IDS = {"Item": "item_id", "Meeting": "meeting_id", "Task": "task_id",
               "Delegation": "delegation_id"}  # fmt: skip


def _operation_id(endpoint: str, path: str, concrete: str) -> str:
    name = endpoint.removeprefix(f"{bp.name}.")
    return name if path == concrete else f"{name}_{concrete.rsplit('/', 1)[1]}"


def _link_created_resources(paths: dict) -> None:
    """OpenAPI links: what a 201 creates is what the operations taking its id act on."""
    for operations in paths.values():
        for creating in operations.values():
            created = creating["responses"].get("201", {}).get("content", {})
            ref = created.get("application/json", {}).get("schema", {}).get("$ref", "")
            id_name = CREATED_IDS.get(ref.rsplit("/", 1)[-1])
            if id_name is None:
                continue
            creating["responses"]["201"]["links"] = {
                target["operationId"]: {
                    "operationId": target["operationId"],
                    "parameters": {id_name: "$response.body#/id"},
                }
                for path, targets in paths.items()
                if _names(path) == [id_name]
                for target in targets.values()
            }


def _bodies(path: str, spec: Operation):
    """(path, body model, rules) triples: an event route once per event it documents."""
    if isinstance(spec.body, dict):
        marker = "{" + spec.body_by + "}"
        for value, model in spec.body.items():
            rules = spec.rules.get(value, ()) if isinstance(spec.rules, dict) else spec.rules
            yield path.replace(marker, value), model, rules
    else:
        yield path, spec.body, spec.rules


def _names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _path_parameter(rule, name: str) -> dict:
    converter = rule._converters.get(name)
    if getattr(converter, "num_convert", None) is int:
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}  # ids start at 1
    else:
        schema = {"type": "string", "pattern": r"^[^/]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _operation(spec: Operation, params: list, body, rules, components: Components) -> dict:
    operation = {"summary": spec.summary, "parameters": params + _query(spec, components)}
    if spec.description:
        operation["description"] = spec.description
    if rules:
        operation["x-rules"] = list(rules)
        operation["description"] = f"{spec.description}\n\n422 unless: {'; '.join(rules)}.".strip()
    if spec.public:
        operation["security"] = []
    if body is not None:
        schema = components.ref(body, mode="validation")
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    if spec.upload:
        file = {"type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}  # fmt: skip
        operation["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": file}},
        }
    responses = {}
    for status, returned in spec.returns.items():
        responses[str(status)] = _response(returned, components, status)
    errors = set(spec.errors) | ({404} if params else set()) | ({422} if spec.query else set())
    if spec.public:
        errors.discard(401)
    error_schema = components.ref(Error)
    for status in sorted(errors):
        responses[str(status)] = {
            "description": ERROR_MEANINGS[status],
            "content": {"application/json": {"schema": error_schema}},
        }
    operation["responses"] = responses
    return operation


def _response(returned, components: Components, status: int) -> dict:
    description = "Created" if status == 201 else "OK"
    if isinstance(returned, str):  # a file
        schema = {"type": "string", "format": "binary"}
        return {"description": description, "content": {returned: {"schema": schema}}}
    return {
        "description": description,
        "content": {"application/json": {"schema": components.ref(returned)}},
    }


def _query(spec: Operation, components: Components) -> list[dict]:
    if spec.query is None:
        return []
    schema = spec.query.model_json_schema(ref_template=REF)
    for nested, definition in schema.pop("$defs", {}).items():
        components._add(nested, definition)
    parameters = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        parameter = {"name": name, "in": "query", "required": False, "schema": prop}
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


@bp.get("/openapi.json")
@operation("This document", public=True, returns={200: "application/json"})
def openapi():
    return document()
