"""A hostile-input sweep (issue 11): every rule of the URL map, as the office and as a
liaison, with hostile path values, query parameters, JSON bodies and form fields. Whatever
comes in, the answer is a refusal or a sensible success, never a 5xx.

Hostile means: numbers too big for any integer column or not finite, ids past the database's
range, NUL and lone surrogates, CR/LF in one-line fields, text far over every limit, JSON
nested deeper than any parser's stack, far-away dates, values of the wrong JSON type.
"""

import json
import re

from tests.items_factory import make_item
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task

# Raw JSON texts: some are not what json.dumps would write (NaN, 1e999, a lone surrogate).
RAW_VALUES = [
    "1e999", "-1e999", "NaN", "18446744073709551616", "-1", "0", "2147483648", "3.5",
    '"\\u0000"', '"\\ud800"', '"a\\r\\nb"', json.dumps("长" * 30000), '"9999-12-31T23:59:59"',
    '"0001-01-01"', '"2026-02-30"', "true", "null", "[]", "{}", '["\\u0000"]',
]  # fmt: skip
# Every field gets these, and a turn of the others (all of them are sent, to some field).
ALWAYS = ["1e999", "NaN", '"\\u0000"', '"\\ud800"', "18446744073709551616"]
DEEP = "[" * 100_000 + "]" * 100_000
FIELDS = [
    "version", "title", "background", "proposal", "category", "duty_refs", "item_id",
    "item_ids", "decision", "text", "reason", "opinion", "comment", "resolution", "starts_at",
    "ends_at", "location", "kind", "requested_by", "deadline", "working_days", "new_deadline",
    "lead_unit", "responsible_units", "description", "meeting_id", "delegate", "starts_on",
    "ends_on", "note", "attendance", "minutes_text", "username", "display_name", "email",
    "active", "department", "roles", "joint_meeting", "report", "message", "period_start",
    "period_end", "deputy_name", "status",
]  # fmt: skip
QUERY = ["page", "per_page", "state", "unit", "q", "sort", "joint_meeting", "kind", "when",
         "warning", "overdue", "due_within", "meeting", "year", "unread", "next"]  # fmt: skip
QUERY_VALUES = ["1e999", "NaN", "-1", "99999999999999999999", "%00", "%ED%A0%80", "a%0D%0Ab",
                "x" * 5000, "[]", "9999-12-31"]  # fmt: skip
PATH_INTS = ["0", "2147483648", "99999999999999999999999"]
PATH_STRINGS = ["%00", "%ED%A0%80", "a%0D%0Ab", "x" * 3000, "..%2F..%2Fetc%2Fpasswd"]


def path_values(rule, ids: dict) -> list[dict]:
    """Fillings of RULE's arguments: real ids, then each argument made hostile in turn."""
    base = {}
    for name, converter in rule._converters.items():
        integer = type(converter).__name__ == "IntegerConverter"
        base[name] = str(ids.get(name, 1)) if integer else ids.get(name, event_of(rule.rule))
    variants = [base]
    for name, converter in rule._converters.items():
        integer = type(converter).__name__ == "IntegerConverter"
        for value in PATH_INTS if integer else PATH_STRINGS:
            variants.append({**base, name: value})
    return variants


def event_of(path: str) -> str:
    """An event of the record the path is about (a string argument is mostly an event)."""
    return "convene" if "/meetings/" in path else "accept" if "/tasks/" in path else "submit"


def build(rule, values: dict) -> str:
    path = rule.rule
    for name, converter in rule._converters.items():
        pattern = f"<{type(converter).__name__.replace('Converter', '').lower()}:{name}>"
        path = path.replace(pattern, values[name]).replace(f"<{name}>", values[name])
    for name in rule._converters:
        path = path.replace(f"<int:{name}>", values[name]).replace(f"<path:{name}>", values[name])
    return path


def test_hostile_input_never_gets_a_server_error(app, api, client, auth):
    app.config["HOSTILE_PATHS"] = True  # the contract check still holds every status sent
    item = make_item(app, "submitted")
    meeting = make_meeting(app, "ad_hoc", "planned")
    task = make_task(app, "in_progress")
    ids = {"item_id": item, "meeting_id": meeting, "task_id": task,
           "code": "finance", "username": "liaison-edu", "token": "x"}  # fmt: skip
    auth.login("office")
    server_errors, cells = [], 0

    def send(method, path, **kwargs):
        nonlocal cells
        cells += 1
        if path.startswith("/api/"):
            for who in ("office", "liaison-edu"):
                response = api.request(method, path, who, **kwargs)
                if response.status_code >= 500:
                    server_errors.append(f"{method} {path[:120]} as {who}: {response.status_code}")
        else:
            # Followed, as a browser does: a refusal's flashed message is shown and gone.
            response = client.open(path, method=method, follow_redirects=True, **kwargs)
            if response.status_code >= 500:
                server_errors.append(f"{method} {path[:120]}: {response.status_code}")

    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static", "accounts.logout"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            variants = path_values(rule, ids)
            first = variants[0]
            for values in variants:
                path = build(rule, values)
                if method == "GET":
                    send(method, path)
                    if values is first:
                        for value in QUERY_VALUES:  # every parameter at once, then one each
                            send(method, f"{path}?" + "&".join(f"{n}={value}" for n in QUERY))
                        for n, name in enumerate(QUERY):
                            send(method, f"{path}?{name}={QUERY_VALUES[n % len(QUERY_VALUES)]}")
                    continue
                if values is not first:
                    send(method, path, json={})
                    continue
                bodies = [", ".join(f'"{f}": {raw}' for f in FIELDS) for raw in RAW_VALUES]
                bodies += [f'"{f}": {RAW_VALUES[n % len(RAW_VALUES)]}, "version": 1'
                           for n, f in enumerate(FIELDS)]  # fmt: skip
                for body in bodies:
                    if path.startswith("/api/"):
                        send(method, path, data="{" + body + "}", content_type="application/json")
                    else:  # a form carries text: the JSON texts as typed, and real NULs
                        form = dict(re.findall(r'"(\\w+)": ([^,]+)', body))
                        send(method, path, data={k: v.strip('"') for k, v in form.items()})
                for text in ("\x00", "a\r\nb", "长" * 30000):
                    if not path.startswith("/api/"):
                        send(method, path, data=dict.fromkeys(FIELDS, text))
                send(method, path, data=DEEP, content_type="application/json")
                send(method, path, data="{" * 5000, content_type="application/json")
                send(method, path, data=b"\xff\xfe\x00", content_type="application/json")
    print(f"hostile sweep: {cells} requests")
    assert cells > 3000
    assert server_errors == [], "\n".join(server_errors[:40])
    app.config.pop("HOSTILE_PATHS")
