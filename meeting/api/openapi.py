"""GET /api/v1/openapi.json: the API described as OpenAPI 3.1, enums read from the rulebook."""

from meeting.api import bp
from workflows import agenda_item
from workflows import meeting as meeting_workflow
from workflows import task as task_workflow
from workflows.roles import ROLES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(name: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "pages", "total"],
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200},
    },
]
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
COMMON_ERRORS = {"401": _error("Missing or wrong bearer token"), "422": _error("Invalid input")}
EVENT_ERRORS = {
    "403": _error("forbidden: the caller's role or unit may not fire it"),
    "404": _error("not_found or unknown_event"),
    "409": _error("invalid_transition (with state, available_events) or stale (with version)"),
    **COMMON_ERRORS,
}


def document() -> dict:
    states = list(agenda_item.STATES)
    user_events = [n for n, e in agenda_item.EVENTS.items() if e.via == agenda_item.BY_USER]
    text = {"type": "string"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lianxi 联席 API",
            "version": "1",
            "description": "The joint meeting system's API. Times are ISO 8601 with the "
            "Asia/Shanghai offset; messages follow Accept-Language (default zh-CN).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/units": {
                "get": {
                    "summary": "The member units",
                    "parameters": PAGING,
                    "responses": {"200": _json(_page_of("Unit")), **COMMON_ERRORS},
                }
            },
            "/items": {
                "get": {
                    "summary": "Agenda items the caller may see",
                    "parameters": [
                        *PAGING,
                        {"name": "state", "in": "query", "schema": {"type": "string", "enum": states}},
                        {"name": "unit", "in": "query", "schema": text},
                        {"name": "q", "in": "query", "schema": text},
                        {"name": "sort", "in": "query", "schema": text},
                    ],
                    "responses": {"200": _json(_page_of("Item")), **COMMON_ERRORS},
                },
                "post": {
                    "summary": "Create a draft for the caller's unit (liaisons)",
                    "requestBody": {"content": {"application/json": {"schema": _ref("ItemFields")}}},
                    "responses": {"201": _json(_ref("Item"), "Created"), "403": _error("Not a liaison"), **COMMON_ERRORS},
                },
            },
            "/items/{item_id}": {
                "parameters": [ITEM_ID],
                "get": {
                    "summary": "One item, with available_events for the caller and its history",
                    "responses": {"200": _json(_ref("Item")), "404": _error("Not found"), **COMMON_ERRORS},
                },
                "patch": {
                    "summary": "Edit a draft or returned item (the proposing unit's liaisons)",
                    "requestBody": {"content": {"application/json": {"schema": {
                        "allOf": [_ref("ItemFields")],
                        "required": ["version"],
                        "properties": {"version": {"type": "integer"}},
                    }}}},
                    "responses": {"200": _json(_ref("Item")), **EVENT_ERRORS},
                },
            },
            "/items/{item_id}/events/{event}": {
                "parameters": [
                    ITEM_ID,
                    {"name": "event", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": user_events}},
                ],
                "post": {
                    "summary": "Fire a workflow event",
                    "requestBody": {"content": {"application/json": {"schema": _ref("EventBody")}}},
                    "responses": {"200": _json(_ref("Item")), **EVENT_ERRORS},
                },
            },
            "/items/{item_id}/attachments": {
                "parameters": [ITEM_ID],
                "post": {
                    "summary": "Attach a file (multipart field `file`) to a draft or returned item",
                    "requestBody": {"content": {"multipart/form-data": {"schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
                    }}}},
                    "responses": {"201": _json({"type": "object"}, "Attached"), **EVENT_ERRORS},
                },
            },
            "/items/{item_id}/attachments/{attachment_id}": {
                "parameters": [
                    ITEM_ID,
                    {"name": "attachment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
                "get": {
                    "summary": "Download an attachment",
                    "responses": {"200": {"description": "The file"}, "404": _error("Not found"), **COMMON_ERRORS},
                },
            },
            **meeting_paths(),
            **task_paths(),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {"type": "string", "enum": [
                            "unauthorized", "forbidden", "not_found", "unknown_event",
                            "invalid_transition", "stale", "invalid",
                        ]},
                        "message": text,
                        "fields": {"type": "object", "additionalProperties": text},
                        "state": {"type": "string", "enum": states},
                        "available_events": {"type": "array", "items": text},
                        "version": {"type": "integer"},
                    },
                },
                "Unit": {
                    "type": "object",
                    "properties": {
                        "code": text, "name": text, "aliases": {"type": "array", "items": text},
                        "duty_ref": text, "duty_text": text, "is_lead": {"type": "boolean"},
                    },
                },
                "ItemFields": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string", "maxLength": 200},
                        "background": text,
                        "proposal": text,
                        "category": {"type": "string", "enum": list(agenda_item.CATEGORIES)},
                        "duty_refs": {"type": "array", "items": text, "examples": [["四(九)"]]},
                    },
                },
                "EventBody": {
                    "type": "object",
                    "required": ["version"],
                    "properties": {
                        "version": {"type": "integer"},
                        **{name: text for name in ("comment", "reason", "opinion", "resolution",
                                                   "text", "report", "message", "lead_unit")},
                        "responsible_units": {"type": "array", "items": text},
                        "new_deadline": {"type": "string", "format": "date"},
                        "meeting_id": {"type": "integer"},
                    },
                },
                "History": {
                    "type": "object",
                    "properties": {
                        "event": text, "from": {"type": ["string", "null"]}, "to": text,
                        "actor": text, "role": {"type": "string", "enum": [*ROLES, "system"]},
                        "unit": {"type": ["string", "null"]},
                        "at": {"type": "string", "format": "date-time"}, "fields": {"type": "object"},
                    },
                },
                "Meeting": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": {"type": "string", "enum": list(meeting_workflow.KINDS)},
                        "title": text, "name": text, "location": text,
                        "starts_at": {"type": "string", "format": "date-time"},
                        "state": {"type": "string", "enum": list(meeting_workflow.STATES)},
                        "version": {"type": "integer"},
                        "agenda": {"type": "array", "items": {"type": "integer"}},
                        "decisions": {"type": "array"},
                        "attendance": {"type": "object"},
                        "convened_by": {"type": ["string", "null"]},
                        "requested_by": {"type": ["string", "null"]},
                        "available_events": {"type": "array", "items": text},
                        "minutes_number": {"type": ["string", "null"]},
                        "minutes_text": {"type": ["string", "null"]},
                        "receipts": {"type": "array"},
                        "history": {"type": "array", "items": _ref("History")},
                    },
                },
                "Delegation": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "delegator": text, "delegate": text,
                        "meeting_id": {"type": ["integer", "null"]},
                        "starts_on": {"type": ["string", "null"], "format": "date"},
                        "ends_on": {"type": ["string", "null"], "format": "date"},
                        "revoked_at": {"type": ["string", "null"], "format": "date-time"},
                    },
                },
                "Notification": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "kind": text, "title": text, "body": text,
                        "link": text, "created_at": {"type": "string", "format": "date-time"},
                        "read_at": {"type": ["string", "null"], "format": "date-time"},
                    },
                },
                "Task": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"}, "item_id": {"type": "integer"},
                        "lead_unit": text, "responsible_units": {"type": "array", "items": text},
                        "description": text,
                        "deadline": {"type": "string", "format": "date"},
                        "original_deadline": {"type": "string", "format": "date"},
                        "working_days": {"type": ["integer", "null"]},
                        "state": {"type": "string", "enum": list(task_workflow.STATES)},
                        "version": {"type": "integer"}, "overdue": {"type": "boolean"},
                        "warning": {"type": "string", "enum": list(task_workflow.WARNINGS)},
                        "available_events": {"type": "array", "items": text},
                        "reports": {"type": "array"},
                        "history": {"type": "array", "items": _ref("History")},
                    },
                },
                "Item": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": text, "background": text, "proposal": text,
                        "category": {"type": "string", "enum": list(agenda_item.CATEGORIES)},
                        "duty_refs": {"type": "array", "items": text},
                        "unit": text,
                        "state": {"type": "string", "enum": states},
                        "version": {"type": "integer"},
                        "available_events": {"type": "array", "items": text},
                        "history": {"type": "array", "items": _ref("History")},
                        "meeting_id": {"type": ["integer", "null"]},
                        "opinion": {"type": ["string", "null"]},
                        "resolution": {"type": ["string", "null"]},
                        "tasks": {"type": "array"},
                        "attachments": {"type": "array"},
                    },
                },
            },
        },
    }  # fmt: skip


MEETING_ID = {"name": "meeting_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, response: dict, body: dict | None = None, errors: dict | None = None) -> dict:
    operation = {"summary": summary, "responses": {**response, **(errors or EVENT_ERRORS)}}
    if body is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": body}}}
    return operation


def meeting_paths() -> dict:
    meeting = {"200": _json(_ref("Meeting"))}
    obj = {"type": "object"}
    return {
        "/meetings": {
            "get": _op("Meetings; ?kind=, ?state=, ?when=upcoming|past",
                       {"200": _json(_page_of("Meeting"))}, errors=COMMON_ERRORS),
            "post": _op("Plan a meeting (kind, title, starts_at, location[, requested_by])",
                        {"201": _json(_ref("Meeting"), "Created")}, obj),
        },
        "/meetings/{meeting_id}": {
            "parameters": [MEETING_ID],
            "get": _op("One meeting with agenda, attendance and history", meeting),
        },
        "/meetings/{meeting_id}/events/{event}": {
            "parameters": [MEETING_ID, {"name": "event", "in": "path", "required": True,
                           "schema": {"type": "string", "enum": list(meeting_workflow.EVENTS)}}],
            "post": _op("Fire convene, open, close_session, publish_minutes or cancel", meeting,
                        _ref("EventBody")),
        },
        "/meetings/{meeting_id}/agenda": {
            "parameters": [MEETING_ID],
            "post": _op("Put an item on the agenda ({item_id}); schedules it on plenary/ad-hoc",
                        meeting, obj),
            "put": _op("Reorder the agenda ({item_ids})", meeting, obj),
        },
        "/meetings/{meeting_id}/agenda/{item_id}": {
            "parameters": [MEETING_ID, ITEM_ID],
            "delete": _op("Take an item off the agenda", meeting),
        },
        "/meetings/{meeting_id}/attendance": {
            "parameters": [MEETING_ID],
            "put": _op("Record attendance {attendance: {unit: {status, deputy_name}}}", meeting, obj),
        },
        "/meetings/{meeting_id}/decisions": {
            "parameters": [MEETING_ID],
            "post": _op("Record a decision {item_id, decision, version (the item's), field}",
                        meeting, obj),
        },
        "/meetings/{meeting_id}/minutes": {
            "parameters": [MEETING_ID],
            "put": _op("Edit the draft minutes {text, version}", meeting, obj),
        },
        "/meetings/{meeting_id}/receipt": {
            "parameters": [MEETING_ID],
            "post": _op("The caller's unit signs for the published minutes", meeting),
        },
        "/meetings/{meeting_id}/minutes.docx": {
            "parameters": [MEETING_ID],
            "get": _op("The minutes as a Word document", {"200": {"description": "DOCX"}}),
        },
        "/meetings.ics": {
            "get": _op("Meetings as iCalendar", {"200": {"description": "text/calendar"}},
                       errors=COMMON_ERRORS),
        },
        "/delegations": {
            "get": _op("Delegations", {"200": _json(_page_of("Delegation"))}, errors=COMMON_ERRORS),
            "post": _op("Delegate convening {delegate, meeting_id | starts_on + ends_on}",
                        {"201": _json(_ref("Delegation"), "Created")}, obj),
        },
        "/delegations/{delegation_id}/revoke": {
            "parameters": [{"name": "delegation_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "post": _op("Revoke a delegation", {"200": _json(_ref("Delegation"))}),
        },
        "/notifications": {
            "get": _op("The caller's notifications, newest first; ?unread=true",
                       {"200": _json(_page_of("Notification"))}, errors=COMMON_ERRORS),
        },
        "/notifications/{notification_id}/read": {
            "parameters": [{"name": "notification_id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "post": _op("Mark a notification read", {"200": _json(_ref("Notification"))}),
        },
    }  # fmt: skip


def task_paths() -> dict:
    task = {"200": _json(_ref("Task"))}
    task_id = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    query = [
        {"name": name, "in": "query", "schema": {"type": "string"}}
        for name in ("unit", "state", "overdue", "warning", "due_within", "meeting", "year", "sort")
    ]
    return {
        "/items/{item_id}/tasks": {
            "parameters": [ITEM_ID],
            "get": _op("Tasks of an item", {"200": _json(_page_of("Task"))}, errors=COMMON_ERRORS),
            "post": _op("Assign a task (lead_unit, responsible_units, deadline or working_days, "
                        "description)", {"201": _json(_ref("Task"), "Created")}, {"type": "object"}),
        },
        "/tasks": {
            "get": {**_op("The supervision ledger", {"200": _json(_page_of("Task"))},
                          errors=COMMON_ERRORS), "parameters": [*PAGING, *query]},
        },
        "/tasks/{task_id}": {"parameters": [task_id], "get": _op("One task", task)},
        "/tasks/{task_id}/events/{event}": {
            "parameters": [task_id, {"name": "event", "in": "path", "required": True,
                           "schema": {"type": "string", "enum": list(task_workflow.EVENTS)}}],
            "post": _op("Fire a task event", task, _ref("EventBody")),
        },
    }  # fmt: skip


@bp.get("/openapi.json")
def openapi():
    """Public: the description holds no data, and integrators read it before holding a token."""
    return document()
