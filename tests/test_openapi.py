"""The OpenAPI document is valid and describes every /api/v1 route."""

import re

from openapi_spec_validator import validate

from workflows.agenda_item import EVENTS


def test_openapi_document_is_valid_and_complete(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)

    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)

    fired = document["paths"]["/items/{item_id}/events/{event}"]["parameters"][1]["schema"]
    assert set(fired["enum"]) == {n for n, e in EVENTS.items() if e.via == "user"}
