"""The isolation matrix (issue 10): a person with no role in a joint meeting gets nothing of it.

Two joint meetings on one database each get the same set of objects, built through the real
service functions and marked in their text (FUGU-ONLY-标记, SAFETY-ONLY-标记). Then every rule
of the URL map is walked by people who hold roles in one joint meeting only, with the ids of
the other one's objects put into the URL: GET everything, and try every write. Each cell says
what it expects (404 for another joint meeting's object, nothing changed by a write, none of
the other joint meeting's markers anywhere in the answer, documents unzipped); controls check
that the rightful people do see the same URLs, so the matrix cannot pass by seeing nothing.

A rule with a URL argument this file does not know how to fill fails the test: a new endpoint
gets into the matrix by being given a filling here, not by slipping past it.
"""

import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import product
from urllib.parse import unquote, urlencode

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.items.attachments import add_attachment
from meeting.items.models import Item
from meeting.items.operations import create_item, fire_event
from meeting.meetings.agenda import add_to_agenda, record_attendance, record_decision
from meeting.meetings.delegations import create_delegation
from meeting.meetings.models import Meeting
from meeting.meetings.operations import fire_meeting_event, plan_meeting
from meeting.notifications.models import Notification
from meeting.reports.models import AnnualReport
from meeting.reports.operations import create_report, issue_report
from meeting.tasks.bulletins import create_bulletin, publish_bulletin
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.operations import assign_task, fire_task_event
from tests.conftest import FUGU, PASSWORD, SAFETY, table_counts
from tests.items_factory import DRAFT, user

MARK = {FUGU: "FUGU-ONLY-标记", SAFETY: "SAFETY-ONLY-标记"}
OTHER = {FUGU: SAFETY, SAFETY: FUGU}
# Who does what in each joint meeting while the fixture data is built.
PEOPLE = {
    FUGU: {"liaison": "liaison-edu", "office": "office", "general": "general",
           "convener": "convener"},
    SAFETY: {"liaison": "safety-edu", "office": "safety-office", "general": "safety-general",
             "convener": "safety-convener"},
}  # fmt: skip
DUTY_REFS = {FUGU: ["四(九)"], SAFETY: ["四(一)"]}
# The usernames of people who hold roles in one joint meeting only (tests.conftest).
ONLY_PEOPLE = {FUGU: ["liaison-edu", "liaison-civil"],
               SAFETY: ["safety-office", "safety-general", "safety-convener", "safety-edu"]}  # fmt: skip
# A member unit of one joint meeting that the other one does not have.
ONLY_UNIT = {FUGU: "womens-federation", SAFETY: "market-regulation"}

# The callers: (username, role), each holding a role in one joint meeting only.
CALLERS = {
    "office": (FUGU, "office"),
    "liaison-edu": (FUGU, "liaison"),
    "general": (FUGU, "general_convener"),
    "observer": (FUGU, "observer"),
    "safety-office": (SAFETY, "office"),
    "safety-edu": (SAFETY, "liaison"),
}

# (endpoint, method) left out of the walk, and why.
SKIPPED = {
    ("static", "GET"): "the app's static files: CSS, scripts and fonts, no joint meeting's data",
    ("bootstrap.static", "GET"): "Bootstrap-Flask's static files: no joint meeting's data",
    ("accounts.login", "POST"): "signing in is how the walk starts (every page caller signs "
    "in through it); it answers the same whatever joint meetings exist",
    ("accounts.logout", "POST"): "would end the caller's session half-way through the walk; "
    "it reads and writes nothing of a joint meeting",
    ("meetings.calendar_feed", "POST"): "issues the caller's own calendar address (a write "
    "that rightly succeeds); the walk calls it once per caller to get the feed it then walks "
    "as meetings.calendar",
}

# URL arguments naming an object of a joint meeting -> the kind of object.
OBJECT_ARGS = {
    "item_id": "items",
    "meeting_id": "meetings",
    "task_id": "tasks",
    "bulletin_id": "bulletins",
    "delegation_id": "delegations",
    "report_id": "reports",
    "annual_report_id": "annual_reports",
    "attachment_id": "attachments",
    "notification_id": "notifications",
    "username": "people",  # a person holding roles in that joint meeting only
}
# An `event` argument is filled by the object the rule fires it on: events that are possible
# in the state of one of the objects built (a refusal is then the other joint meeting's, not
# the state's).
EVENTS = {"item_id": ["submit", "pass_review"], "meeting_id": ["convene", "cancel"],
          "task_id": ["report_progress", "urge"]}  # fmt: skip
# Arguments that are not objects, by endpoint: how to fill each.
CODE_ARGS = {
    "charter.unit": "unit",  # a member unit of the other joint meeting only
    "charter.switch": "joint_meeting",  # the other joint meeting's code
    "admin.archive": "joint_meeting",
    "admin.unarchive": "joint_meeting",
    "admin.rename_department": "unit",  # a department on the other joint meeting only
    "i18n.switch": "language",  # a language, nothing of a joint meeting: the default one
}
TOKEN_ARGS = {"meetings.calendar": "own calendar token"}

# Endpoints that check the caller's role before they look the object up (403 before 404):
# the roles let through (of the callers'). Administration: an office manages its own joint
# meeting's liaisons (meeting.admin); the rest of it is the administrator's alone.
ROLE_GATED = {"tasks.assign": {"office"}, "tasks.publish_bulletin": {"office"},
              "tasks.new_bulletin": {"office"}, "api.list_users": {"office"},
              "api.create_person": {"office"}, "api.show_person": {"office"},
              "api.edit_person": {"office"}, "api.put_roles": {"office"}}  # fmt: skip
ADMIN_ONLY = {"admin.departments", "admin.rename_department", "admin.joint_meetings",
              "admin.upload_charter", "admin.archive", "admin.unarchive"}  # fmt: skip


def let_through(endpoint: str) -> set[str] | None:
    """The roles (of the callers') that ENDPOINT lets past its role check (None: any)."""
    if endpoint in ADMIN_ONLY:
        return set()
    if endpoint.startswith("admin."):
        return {"office"}
    return ROLE_GATED.get(endpoint)


# Page writes that refuse by redirecting back with a message (a 3xx that changes nothing).
REDIRECT_REFUSALS = {"tasks.new_bulletin", "reports.create", "notifications.read_all"}
# Writes whose body names another object (an item to put on an agenda): they are also tried
# on the caller's own meeting with the other joint meeting's item in the body.
BODY_REFERENCES = {"api.add_item", "meetings.add_item", "api.decide", "meetings.decide",
                   "api.reorder", "admin.grant", "admin.remove_role", "admin.handover",
                   "api.put_roles", "api.admit", "meetings.admit"}  # fmt: skip
# Object endpoints whose answer to a rightful reader shows the object's marker.
SHOWS_MARKER = {
    "items.show", "api.show", "items.edit", "items.download", "api.download", "tasks.assign",
    "meetings.show", "api.show_meeting", "meetings.session_view", "meetings.minutes_docx",
    "api.minutes_docx", "tasks.show", "api.show_task", "tasks.report_file", "api.item_tasks",
}  # fmt: skip
# Lists in which a caller must find their own joint meeting's marker (the controls of lists).
OWN_LISTS = {
    "office": {"items.index", "api.list_items", "items.review_queue", "meetings.index",
               "api.list_meetings", "api.meetings_ics", "meetings.calendar", "tasks.ledger",
               "api.list_tasks", "tasks.export", "delegations.index", "api.list_delegations",
               "notifications.index", "api.list_notifications"},
    "liaison-edu": {"items.index", "api.list_items", "items.mine", "tasks.ledger",
                    "api.list_tasks", "tasks.export", "notifications.index",
                    "api.list_notifications", "meetings.index", "api.list_meetings"},
    "general": {"items.index", "meetings.index", "delegations.index", "api.list_delegations"},
    "observer": {"items.index", "api.list_items", "meetings.index", "tasks.ledger"},
}  # fmt: skip
OWN_LISTS["safety-office"] = OWN_LISTS["office"]
OWN_LISTS["safety-edu"] = OWN_LISTS["liaison-edu"]


# -- the fixture data -----------------------------------------------------------------------


@dataclass
class World:
    """The ids of one joint meeting's objects (the first of each kind is the main one)."""

    code: str
    objects: dict[str, list[int]] = field(default_factory=dict)
    versions: dict[tuple[str, int], int] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    parents: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    drafts: set[int] = field(default_factory=set)  # items only their proposer sees

    def first(self, kind: str) -> int:
        return self.objects[kind][0]


def build_joint_meeting(code: str) -> World:
    """Inside an app context: one joint meeting's items, meetings, task, report, attachment,
    bulletins, delegation and (through the events) notifications."""
    people = {role: user(name) for role, name in PEOPLE[code].items()}
    mark = MARK[code]

    def new_item(title: str, events: list[tuple[str, str, dict]]) -> Item:
        fields = {**DRAFT, "title": f"{mark}{title}", "proposal": f"{mark}建议",
                  "duty_refs": DUTY_REFS[code], "joint_meeting": code}  # fmt: skip
        item = create_item(people["liaison"], fields)
        for event, who, data in events:
            fire_event(item, event, people[who], {**data, "version": item.version})
        return item

    submit = ("submit", "liaison", {})
    review = ("pass_review", "office", {"opinion": f"{mark}初审意见"})
    approve = ("approve", "convener", {})
    adopted = new_item("关爱议题", [submit, review, approve])
    submitted = new_item("待审议题", [submit])
    draft = new_item("草稿议题", [])
    attachment = add_attachment(draft, people["liaison"], upload(f"{mark}附件内容", "材料.txt"))

    when = county_today() + timedelta(days=10)
    held = plan(people["office"], code, "ad_hoc", f"{mark}专题会议", when)
    fire_meeting_event(held, "convene", people["general"], {"version": held.version})
    add_to_agenda(held, adopted, people["office"])
    fire_meeting_event(held, "open", people["office"], {"version": held.version})
    record_attendance(held, people["office"], {"education-sports": {"status": "present"}})
    record_decision(held, adopted, "adopt", people["office"],
                    {"resolution": f"{mark}决议", "version": adopted.version})  # fmt: skip
    fire_meeting_event(held, "close_session", people["office"], {"version": held.version})
    fire_meeting_event(held, "sign_minutes", people["general"], {"version": held.version})
    fire_meeting_event(held, "publish_minutes", people["office"], {"version": held.version})
    planned = plan(people["office"], code, "ad_hoc", f"{mark}计划会议", when + timedelta(days=7))
    delegation = create_delegation(people["general"], {
        "delegate": PEOPLE[code]["convener"], "meeting_id": planned.id, "note": f"{mark}委托"})  # fmt: skip

    task = assign_task(adopted, people["office"], {
        "lead_unit": "education-sports", "responsible_units": ["civil-affairs"],
        "deadline": "2099-12-31", "description": f"{mark}任务"})  # fmt: skip
    fire_task_event(task, "accept", people["liaison"], {"version": task.version})
    fire_task_event(task, "report_progress", people["liaison"],
                    {"version": task.version, "text": f"{mark}进展"},
                    upload(f"{mark}进展材料", "进展.txt"))  # fmt: skip
    report = db.session.scalar(select(ProgressReport).where(ProgressReport.task_id == task.id))

    charter = db.session.scalar(select(Charter).where(Charter.code == code))
    today = county_today()
    published = create_bulletin(people["office"], today.replace(day=1), today, charter)
    publish_bulletin(published, people["office"])
    draft_bulletin = create_bulletin(people["office"], today.replace(day=1), today, charter)
    issued_report = create_report(people["office"], today.year - 2, charter)
    issue_report(issued_report, people["office"])
    draft_report = create_report(people["office"], today.year - 1, charter)
    db.session.flush()

    notifications = db.session.scalars(
        select(Notification).where(Notification.charter_id == charter.id).order_by(Notification.id)
    ).all()
    by_user = list({n.user_id: n.id for n in reversed(notifications)}.values())[:3]

    world = World(code)
    world.objects = {
        "items": [adopted.id, submitted.id, draft.id],
        "meetings": [held.id, planned.id],
        "tasks": [task.id],
        "reports": [report.id],
        "attachments": [attachment.id],
        "bulletins": [published.id, draft_bulletin.id],
        "annual_reports": [issued_report.id, draft_report.id],
        "delegations": [delegation.id],
        "notifications": by_user,
        "people": [PEOPLE[code]["office"], PEOPLE[code]["liaison"]],
    }
    assert all(world.objects.values()), f"{code}: some kind of object was not built"
    for kind, model in (
        ("items", Item),
        ("meetings", Meeting),
        ("tasks", Task),
        ("annual_reports", AnnualReport),
    ):
        for object_id in world.objects[kind]:
            world.versions[(kind, object_id)] = db.session.get(model, object_id).version
    world.parents = {("attachments", attachment.id): ("items", draft.id),
                     ("reports", report.id): ("tasks", task.id)}  # fmt: skip
    world.drafts = {draft.id}
    prefix = charter.rules.get("minutes_number_prefix")
    world.markers = [mark, mark.split("-标记")[0], charter.name, charter.short_name, prefix,
                     *ONLY_PEOPLE[code]]  # fmt: skip
    return world


def plan(office: User, code: str, kind: str, title: str, day) -> Meeting:
    return plan_meeting(office, {"kind": kind, "title": title, "location": f"{MARK[code]}会议室",
                                 "starts_at": f"{day.isoformat()}T09:30+08:00",
                                 "joint_meeting": code})  # fmt: skip


def upload(text: str, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(text.encode()), filename=name)


# -- reading answers ------------------------------------------------------------------------


def readable(response) -> str:
    """Everything an answer says, as text: headers (URL-decoded), the body, and the XML inside
    a Word or Excel document (character references resolved); JSON without \\u escapes;
    iCalendar lines unfolded. The handover form's successor picker is left out: it lists the
    department's staff county-wide, by design (meeting.admin.operations.hand_over: "a person of
    the same department"), whichever joint meetings they sit on."""
    data = response.get_data()
    parts = [unquote(f"{name}: {value}") for name, value in response.headers.items()]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as document:
            parts += [html.unescape(document.read(n).decode("utf-8", "replace"))
                      for n in document.namelist() if n.endswith((".xml", ".rels"))]  # fmt: skip
    elif response.is_json and response.get_json(silent=True) is not None:
        parts.append(json.dumps(response.get_json(), ensure_ascii=False))
    else:
        text = re.sub(r"\r?\n[ \t]", "", data.decode("utf-8", "replace"))  # iCalendar folds
        text = re.sub(r'<select[^>]*id="successor".*?</select>', "", text, flags=re.S)
        parts.append(html.unescape(text))
    return "\n".join(parts)


def json_mentions(value, code: str) -> bool:
    """Whether a JSON answer names joint meeting CODE anywhere (a `joint_meeting` field, a
    joint meeting's `code`)."""
    if isinstance(value, dict):
        return any(json_mentions(v, code) for v in value.values())
    if isinstance(value, list):
        return any(json_mentions(v, code) for v in value)
    return value == code


def snapshot(app) -> tuple[dict, str]:
    """Row counts (tests.conftest.table_counts) and a digest of every row of every table."""
    counts = table_counts(app)
    digest = hashlib.sha256()
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name not in counts:
                continue
            rows = connection.execute(table.select().order_by(*table.primary_key.columns))
            digest.update(f"{table.name}:{[tuple(row) for row in rows]!r}".encode())
    return counts, digest.hexdigest()


# -- the cells --------------------------------------------------------------------------------


@dataclass
class Cell:
    caller: str
    method: str
    url: str
    endpoint: str
    foreign: bool  # every object in the URL is the other joint meeting's
    mixed: bool  # some object in the URL is the caller's own, some the other's
    body: dict | None = None
    upload: bool = False

    def __str__(self) -> str:
        role = CALLERS[self.caller][1]
        return f"[{self.caller} ({role})] {self.method} {self.url} ({self.endpoint})"


class Unfillable(Exception):
    pass


def fillings(rule, caller: str, worlds: dict, tokens: dict):
    """The argument sets to try RULE with for CALLER: the other joint meeting's objects, and
    (where a rule takes two objects, or a body names one) mixes with the caller's own."""
    own_code = CALLERS[caller][0]
    own, other = worlds[own_code], worlds[OTHER[own_code]]
    object_args = sorted(a for a in rule.arguments if a in OBJECT_ARGS)
    with_own = len(object_args) > 1 or rule.endpoint in BODY_REFERENCES
    choices = []
    for arg in sorted(rule.arguments):
        if arg in OBJECT_ARGS:
            kind = OBJECT_ARGS[arg]
            options = [(v, "other") for v in other.objects[kind]]
            if with_own:
                mine = own.objects[kind]
                # With a reference in the body, the own object is one that would take it (the
                # planned meeting, a liaison); else the first (the published meeting, whose
                # agenda refuses changes: a refusal then is never a no-op that succeeds).
                pick = mine[-1] if rule.endpoint in BODY_REFERENCES else mine[0]
                options.append((pick, "own"))
            choices.append([(arg, v, side) for v, side in options])
        elif arg == "event":
            on = [a for a in object_args if a in EVENTS]
            if len(on) != 1:
                raise Unfillable(f"{rule.rule}: which object is `event` fired on?")
            choices.append([(arg, e, None) for e in EVENTS[on[0]]])
        elif arg == "code" and rule.endpoint in CODE_ARGS:
            what = CODE_ARGS[rule.endpoint]
            value = {"unit": ONLY_UNIT[other.code], "joint_meeting": other.code,
                     "language": "zh_Hans"}[what]  # fmt: skip
            choices.append([(arg, value, "other" if what != "language" else None)])
        elif arg == "token" and rule.endpoint in TOKEN_ARGS:
            choices.append([(arg, tokens[caller], None)])
        else:
            raise Unfillable(f"{rule.rule} ({rule.endpoint}): no filling for <{arg}>")
    for combo in product(*choices):
        sides = {side for _, _, side in combo if side}
        if sides == {"own"} and rule.endpoint not in BODY_REFERENCES:
            continue
        values = {arg: value for arg, value, _ in combo}
        refs = {OBJECT_ARGS[a]: v for a, v, side in combo if a in OBJECT_ARGS}
        yield values, sides, refs


# The fields each event walked carries (the rest of an event's body is its `version`).
EVENT_FIELDS = {"pass_review": {"opinion": "x"}, "cancel": {"reason": "x"},
                "report_progress": {"text": "x"}, "urge": {"message": "x"}}  # fmt: skip


def write_body(endpoint: str, refs: dict, event: str | None, versions: dict,
               other: World) -> tuple[dict, bool]:  # fmt: skip
    """A minimal body for a write: what would be enough if the objects were the caller's.
    Objects and joint meetings named in a body are the other's. Returns (body, is an upload)."""
    version = next((versions.get((kind, v), 1) for kind, v in refs.items()), 1)
    other_item = other.first("items")
    other_item_version = other.versions[("items", other_item)]
    role_elsewhere = {"joint_meeting": other.code, "role": "liaison", "unit": "education-sports"}
    bodies = {
        "api.create": {"title": "x", "duty_refs": DUTY_REFS[other.code],
                       "joint_meeting": other.code},
        "api.plan": {"kind": "ad_hoc", "title": "x", "location": "",
                     "starts_at": "2099-01-05T09:30+08:00", "joint_meeting": other.code},
        "api.delegate": {"delegate": PEOPLE[other.code]["convener"],
                         "meeting_id": other.objects["meetings"][-1]},
        "delegations.create": {"delegate": PEOPLE[other.code]["convener"],
                               "meeting_id": other.objects["meetings"][-1]},
        "api.edit": {"title": "x", "version": version},
        "notifications.read_all": {"joint_meeting": other.code},  # only the caller's own
        "items.edit": {"title": "x", "category": "other", "version": version},
        "api.assign": {"lead_unit": "education-sports", "description": "x",
                       "deadline": "2099-12-31"},
        "tasks.assign": {"lead_unit": "education-sports", "description": "x",
                         "deadline_kind": "date", "deadline": "2099-12-31"},
        "api.add_item": {"item_id": other_item},
        "meetings.add_item": {"item_id": other_item},
        "api.reorder": {"item_ids": [other_item]},
        "api.admit": {"item_id": other_item, "version": other_item_version},
        "meetings.admit": {"item_id": other_item, "version": other_item_version},
        "api.attendance": {"attendance": {"education-sports": {"status": "present"}}},
        "meetings.attendance": {"status-education-sports": "present"},
        "api.decide": {"item_id": other_item, "decision": "adopt", "resolution": "x",
                       "version": other_item_version},
        "meetings.decide": {"item_id": other_item, "decision": "adopt", "resolution": "x",
                            "version": other_item_version},
        "api.edit_minutes": {"text": "x", "version": version},
        "api.create_person": {"username": "x-new", "roles": [role_elsewhere]},
        "api.edit_person": {"display_name": "x"},
        "api.put_roles": {"roles": [role_elsewhere]},
        "admin.new_person": {"username": "x-new", **role_elsewhere},
        "admin.edit_person": {"display_name": "x"},
        "admin.grant": role_elsewhere,
        "admin.remove_role": {"joint_meeting": other.code},
        "admin.handover": {"joint_meeting": other.code, "successor": PEOPLE[other.code]["liaison"]},
        "admin.preview_import": {"joint_meeting": other.code},
        "admin.confirm_import": {"joint_meeting": other.code, "sha256": "0" * 64},
        "admin.rename_department": {"name": "x"},
        "meetings.minutes": {"text": "x", "version": version},
        "reports.edit": {"text": "x", "version": version},
        "reports.issue": {"version": version, "confirm": "yes"},
    }  # fmt: skip
    if endpoint in ("api.attach", "items.attach"):
        return {"file": (io.BytesIO(b"x"), "x.txt")}, True
    if event:
        return {"version": version, **EVENT_FIELDS.get(event, {})}, False
    return bodies.get(endpoint, {}), False


# -- the walk -----------------------------------------------------------------------------------


class Walk:
    def __init__(self, app, api, worlds: dict):
        self.app, self.api, self.worlds = app, api, worlds
        self.clients = {}
        self.failures: list[str] = []
        self.cells = 0
        self.controls = 0
        self.seen_own: dict[str, set[str]] = {caller: set() for caller in CALLERS}

    def page_client(self, username: str):
        if username not in self.clients:
            client = self.app.test_client()
            response = client.post("/login", data=self.with_csrf(client, {
                "username": username, "password": PASSWORD}, "/login"))  # fmt: skip
            assert response.status_code == 302, f"{username} cannot sign in"
            self.clients[username] = client
        return self.clients[username]

    def issue_calendar_token(self, username: str) -> str:
        """The caller's own calendar feed address, issued through the page that issues it."""
        client = self.page_client(username)
        response = client.post("/meetings/calendar-feed", data=self.with_csrf(client, {}))
        assert response.status_code == 302
        with self.app.app_context():
            return db.session.scalar(select(User.calendar_token).where(User.username == username))

    def with_csrf(self, client, data: dict, page: str = "/") -> dict:
        """DATA with the form's CSRF token when the configuration checks it."""
        if not self.app.config.get("WTF_CSRF_ENABLED", True):
            return data
        html = client.get(page).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        return {**data, "csrf_token": token.group(1)} if token else data

    def send(self, username: str, method: str, url: str, body: dict | None, upload: bool):
        if url.startswith("/api/"):
            if upload:
                return self.api.request(method, url, username, data=body,
                                        content_type="multipart/form-data")  # fmt: skip
            if method == "GET":
                return self.api.request(method, url, username)
            return self.api.request(method, url, username, json=body)
        client = self.page_client(username)
        if method == "GET":
            return client.get(url)
        data = self.with_csrf(client, dict(body or {}))
        kwargs = {"content_type": "multipart/form-data"} if upload else {}
        return client.open(url, method=method, data=data, **kwargs)

    def fail(self, cell: Cell, message: str) -> None:
        self.failures.append(f"{cell}: {message}")

    def run(self, cell: Cell) -> None:
        """One cell: the request, and what it must (not) answer."""
        self.cells += 1
        own_code = CALLERS[cell.caller][0]
        other = self.worlds[OTHER[own_code]]
        writes = cell.method != "GET"
        before = snapshot(self.app) if writes else None
        response = self.send(cell.caller, cell.method, cell.url, cell.body, cell.upload)
        status = response.status_code
        text = readable(response)
        response.close()
        if status >= 500:
            self.fail(cell, f"server error {status}")
        leaked = [m for m in other.markers if m in text]
        if leaked:
            self.fail(cell, f"answer {status} shows the other joint meeting's {leaked}: "
                            f"{excerpt(text, leaked[0])}")  # fmt: skip
        if response.is_json and json_mentions(response.get_json(silent=True), other.code):
            self.fail(cell, f"JSON answer {status} names joint meeting {other.code}")
        if cell.foreign:
            expected = {404}
            gate = let_through(cell.endpoint)
            if gate is not None and CALLERS[cell.caller][1] not in gate:
                expected = {403}
            if status not in expected:
                self.fail(cell, f"answered {status}, expected {sorted(expected)}")
        elif cell.mixed and not 400 <= status < 500:
            self.fail(cell, f"answered {status}: a refusal (4xx) was expected")
        if writes:
            after = snapshot(self.app)
            if 200 <= status < 300:
                self.fail(cell, f"the write succeeded ({status})")
            elif 300 <= status < 400 and cell.endpoint not in REDIRECT_REFUSALS:
                where = response.headers.get("Location")
                self.fail(cell, f"the write answered {status} to {where}")
            if after != before:
                changed = {t: (before[0][t], after[0][t]) for t in after[0]
                           if before[0][t] != after[0][t]}  # fmt: skip
                self.fail(cell, f"the database changed: counts {changed or 'same, rows differ'}")
        elif MARK[own_code] in text:
            self.seen_own[cell.caller].add(cell.endpoint)

    def control(self, endpoint: str, url: str, world: World, refs: dict) -> None:
        """The rightful reader of the objects in URL gets it, with its marker where it shows."""
        self.controls += 1
        people = PEOPLE[world.code]
        draft = refs.get("items") in world.drafts
        reader = people["liaison"] if draft else people["office"]
        response = self.send(reader, "GET", url, None, False)
        status, text = response.status_code, readable(response)
        response.close()
        cell = f"control [{reader}] GET {url} ({endpoint})"
        expected = control_status(endpoint, refs, world)
        shows = endpoint in SHOWS_MARKER and expected == 200
        if endpoint == "api.item_tasks" and refs["items"] != world.first("items"):
            shows = False  # only the first item has a task
        if status != expected:
            self.failures.append(f"{cell}: answered {status}, expected {expected}")
        elif shows and world.markers[0] not in text:
            self.failures.append(f"{cell}: the object's marker is not in the answer")


def excerpt(text: str, marker: str, width: int = 80) -> str:
    at = text.find(marker)
    return repr(text[max(0, at - width) : at + len(marker) + width])


def consistent(refs: dict, world: World) -> bool:
    """Whether the objects filled in belong together (an attachment of that item...)."""
    return all(
        refs.get(parent_kind) in (None, parent_id)
        for (kind, object_id), (parent_kind, parent_id) in world.parents.items()
        if refs.get(kind) == object_id
    )


QUERY_VARIANTS = [
    {},
    {"joint_meeting": None},  # the other joint meeting's code
    {"q": "ONLY-标记", "unit": None},  # a search both joint meetings' markers match (the
    # whole marker would come back in the search box); a member unit of it only
    {"q": None},  # the first letters of the usernames of its people (the people search)
    {"meeting": None, "when": "past"},  # one of its meetings (the ledger's filter)
]


def query_string(variant: dict, other: World) -> str:
    if not variant:
        return ""
    fill = {"joint_meeting": other.code, "q": ONLY_PEOPLE[other.code][0][:7],
            "unit": ONLY_UNIT[other.code],
            "meeting": other.first("meetings")}  # fmt: skip
    return "?" + urlencode({k: v if v is not None else fill[k] for k, v in variant.items()})


def control_status(endpoint: str, refs: dict, world: World) -> int | None:
    """What the rightful reader of the objects gets (None: no one may read it, no control)."""
    convened_only = ("minutes_docx", "notice_docx", "sign_in_sheet")
    if endpoint.endswith(convened_only) and refs.get("meetings") != world.first("meetings"):
        return None  # a meeting not convened yet has no notice nor minutes: 404 for everyone
    if endpoint == "tasks.assign" and refs.get("items") in world.drafts:
        return None  # only its unit sees a draft, only the office assigns tasks
    if endpoint == "items.edit" and refs.get("items") not in world.drafts:
        return 403  # its own people see the item, but it is no longer editable
    return 200


def build_url(app, rule, method: str, values: dict) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def test_isolation_matrix(platform, api):
    app = platform
    with app.app_context():
        worlds = {code: build_joint_meeting(code) for code in (FUGU, SAFETY)}
        db.session.commit()
    for code, world in worlds.items():
        other_markers = worlds[OTHER[code]].markers
        assert not set(world.markers) & set(other_markers), "markers must tell them apart"

    versions = {**worlds[FUGU].versions, **worlds[SAFETY].versions}  # ids are database-wide
    walk = Walk(app, api, worlds)
    tokens = {caller: walk.issue_calendar_token(caller) for caller in CALLERS}

    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    walked, skipped, unfillable = set(), [], []
    controlled = set()
    for caller, (own_code, _role) in CALLERS.items():
        other = worlds[OTHER[own_code]]
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if (rule.endpoint, method) in SKIPPED:
                    skipped.append((rule.endpoint, method))
                    continue
                walked.add((rule.endpoint, method))
                try:
                    sets = list(fillings(rule, caller, worlds, tokens))
                except Unfillable as error:
                    unfillable.append(str(error))
                    continue
                for values, sides, refs in sets:
                    url = build_url(app, rule, method, values)
                    foreign = sides == {"other"}
                    mixed = sides == {"own", "other"} or (
                        sides == {"own"} and rule.endpoint in BODY_REFERENCES
                    )
                    variants = QUERY_VARIANTS if method == "GET" and not sides else [{}]
                    for variant in variants:
                        cell = Cell(caller, method, url + query_string(variant, other),
                                    rule.endpoint, foreign, mixed)  # fmt: skip
                        if method != "GET":
                            cell.body, cell.upload = write_body(
                                rule.endpoint, refs, values.get("event"), versions, other
                            )
                        walk.run(cell)
                    if (
                        method == "GET"
                        and foreign
                        and refs
                        and consistent(refs, other)
                        and url not in controlled
                        and control_status(rule.endpoint, refs, other) is not None
                    ):
                        controlled.add(url)
                        walk.control(rule.endpoint, url, other, refs)

    for caller, endpoints in OWN_LISTS.items():
        missing = sorted(endpoints - walk.seen_own[caller])
        if missing:
            walk.failures.append(
                f"control [{caller}]: their own joint meeting's marker is missing from {missing}"
            )

    n = walk.cells + walk.controls
    print(f"isolation matrix: {n} cells ({walk.cells} walked, {walk.controls} controls) over "
          f"{len(walked)} rule-methods x {len(CALLERS)} callers; skipped {sorted(set(skipped))}")  # fmt: skip
    assert not unfillable, "rules with arguments the matrix cannot fill:\n" + "\n".join(
        sorted(set(unfillable))
    )
    floor = len(walked) * len(CALLERS) + len(controlled)
    assert n >= floor, f"only {n} cells, expected at least {floor}"
    assert not walk.failures, f"{len(walk.failures)} failing cells:\n" + "\n".join(walk.failures)
