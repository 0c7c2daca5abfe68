"""The OpenAPI document is valid, generated from the routes, and as precise as the workflows."""

import re

import pytest
from openapi_spec_validator import validate

from workflows import agenda_item, task
from workflows import meeting as meeting_workflow


def test_openapi_document_is_valid_and_describes_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)

    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if "{event}" in path:  # described once per event, each with its own body
                assert any(re.fullmatch(path.replace("{event}", r"\w+"), p) and m == method
                           for p, m in documented), (path, method)  # fmt: skip
            else:
                assert (path, method) in documented, (path, method)


def test_each_event_is_a_path_with_the_body_its_workflow_table_names(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]

    def body(path: str) -> dict:
        ref = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        return schemas[ref["schema"]["$ref"].rsplit("/", 1)[1]]

    user_events = {n for n, e in agenda_item.EVENTS.items() if e.via == agenda_item.BY_USER}
    item_paths = {p.rsplit("/", 1)[1] for p in document["paths"] if "/items/{item_id}/events/" in p}
    assert item_paths == user_events
    assert set(body("/items/{item_id}/events/return_for_revision")["required"]) == {
        "comment",
        "version",
    }
    assert body("/items/{item_id}/events/pass_review")["additionalProperties"] is False
    assert "meeting_id" not in body("/items/{item_id}/events/pass_review")["properties"]
    # Submit carries the item's text, which the item already holds: none of it is required.
    assert body("/items/{item_id}/events/submit")["required"] == ["version"]

    for name, event in task.EVENTS.items():
        assert set(body(f"/tasks/{{task_id}}/events/{name}")["required"]) == {
            *event.carries,
            "version",
        }
    for name, event in meeting_workflow.EVENTS.items():
        assert set(body(f"/meetings/{{meeting_id}}/events/{name}")["required"]) == {
            *event.carries,
            "version",
        }


def test_responses_declare_the_fields_the_serializers_send(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert {"created_at", "submitted_at", "history"} <= set(schemas["Item"]["required"])
    assert {"number", "ends_at", "decisions"} <= set(schemas["Meeting"]["required"])
    assert {"extension_request", "warning"} <= set(schemas["Task"]["required"])
    assert schemas["Task"]["properties"]["warning"]["enum"] == list(task.WARNINGS)
    # The error's state is any workflow's: items, meetings and tasks answer with their own.
    state = schemas["Error"]["properties"]["state"]
    assert "enum" not in str(state) and {"type": "string"} in state["anyOf"]


def test_the_item_body_takes_exactly_the_fields_the_workflow_lets_a_proposer_edit():
    from meeting.contract.bodies import ItemFields

    assert set(ItemFields.model_fields) == set(agenda_item.EDITABLE_FIELDS)


def test_field_messages_come_in_the_requests_language(app, api):
    body = {"title": 5, "duty_refs": "四(九)", "category": "nope", "extra": 1}
    chinese = api.post("/api/v1/items", as_="liaison-edu", json=body,
                       headers={"Accept-Language": "zh-CN"})  # fmt: skip
    english = api.post("/api/v1/items", as_="liaison-edu", json=body,
                       headers={"Accept-Language": "en"})  # fmt: skip
    assert chinese.status_code == english.status_code == 422
    assert english.json["fields"] == {
        "title": "Must be text.",
        "duty_refs": "Must be a list.",
        "category": "Choose one of: policy_measure, annual_plan, coordination, other.",
        "extra": "Unknown field.",
    }
    assert chinese.json["fields"]["title"] == "应为文本。"
    assert chinese.json["fields"]["extra"] == "未知字段。"
    assert all(not message.isascii() for message in chinese.json["fields"].values())


def test_a_strict_api_and_a_lenient_form_read_the_same_model(app):
    """The API refuses "10" for a number; a page's form, all text, sends just that."""
    from flask import g

    from meeting.contract import bodies, parse
    from meeting.errors import InvalidInput

    form = {"lead_unit": "education-sports", "description": "x", "working_days": "10",
            "deadline": "", "csrf_token": "t"}  # fmt: skip
    with app.test_request_context("/items/1/tasks/new"):
        assert parse(bodies.TaskAssignment, form).working_days == 10
    with app.test_request_context("/api/v1/items/1/tasks"):
        g.api_request = True
        with pytest.raises(InvalidInput) as refused:
            parse(
                bodies.TaskAssignment,
                {k: form[k] for k in ("lead_unit", "description", "working_days")},
            )
    assert refused.value.fields == {"working_days": "应为整数。"}
