"""`flask demo seed`: realistic, deterministic data in bulk, for demos and benchmarks.

Items in every state with the history each state implies (one row per version, so `flask
check` holds), plenaries that decided them with published minutes, an open plenary holding
the scheduled ones, a task for every item being implemented or closed (a share overdue), and
notifications for the office. Rows go in with bulk inserts, a thousand items at a time.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from meeting.accounts.models import Seat, User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.notifications.models import Notification
from meeting.tasks.models import Task
from meeting.tasks.rhythm import default_rhythm, rhythm_columns
from meeting.tasks.titles import title_from
from meeting.timeutil import local, utcnow
from workflows.roles import LIAISON, OFFICE

BATCH = 1000
DECIDED_PER_MEETING = 200
# state -> its share of items, and the events that lead there from a draft.
STATES = {
    "draft": (8, []),
    "submitted": (8, ["submit"]),
    "returned": (4, ["submit", "return_for_revision"]),
    "declined": (2, ["submit", "decline"]),
    "withdrawn": (2, ["withdraw"]),
    "reviewed": (6, ["submit", "pass_review"]),
    "approved": (8, ["submit", "pass_review", "approve"]),
    "scheduled": (4, ["submit", "pass_review", "approve", "schedule"]),
    "deferred": (3, ["submit", "pass_review", "approve", "schedule", "defer"]),
    "rejected": (3, ["submit", "pass_review", "approve", "schedule", "reject"]),
    "adopted": (4, ["submit", "pass_review", "approve", "schedule", "adopt"]),
    "implementing": (28, ["submit", "pass_review", "approve", "schedule", "adopt",
                          "start_implementation"]),
    "closed": (20, ["submit", "pass_review", "approve", "schedule", "adopt",
                    "start_implementation", "close"]),
}  # fmt: skip
FROM = {"submit": "draft", "return_for_revision": "submitted", "decline": "submitted",
        "withdraw": "draft", "pass_review": "submitted", "approve": "reviewed",
        "schedule": "approved", "defer": "scheduled", "reject": "scheduled",
        "adopt": "scheduled", "start_implementation": "adopted", "close": "implementing"}  # fmt: skip
DECIDED = {"deferred", "rejected", "adopted", "implementing", "closed"}
SUBJECTS = ["留守儿童关爱", "困境儿童保障", "心理健康辅导", "校园周边安全", "监护责任落实",
            "寄宿制学校管理", "儿童福利督导", "防溺水宣传", "强制报告制度", "家庭教育指导"]  # fmt: skip
ACTIONS = ["建立", "完善", "开展", "加强", "推进", "落实"]


class SeedError(Exception):
    """Data that cannot be seeded; the message says why, in one line."""


def seed(charter: Charter, count: int, seed_value: int = 1) -> dict[str, int]:
    """Add COUNT items (and what goes with them) to CHARTER's joint meeting; deterministic
    for SEED_VALUE. Flushes; the caller commits."""
    if not 1 <= count <= 1_000_000:
        raise SeedError("--items must be between 1 and 1,000,000")
    units = charter.active_units
    office = db.session.scalar(
        select(User).join(Seat).where(Seat.charter_id == charter.id, Seat.role == OFFICE)
    )
    if office is None:
        raise SeedError(f"{charter.code} has no office account (run `flask demo accounts`)")
    liaisons = dict(
        db.session.execute(
            select(Seat.unit_id, Seat.user_id).where(
                Seat.charter_id == charter.id, Seat.role == LIAISON
            )
        ).all()
    )
    rng = random.Random(seed_value)
    names, weights = list(STATES), [share for share, _ in STATES.values()]
    counts = {"items": 0, "tasks": 0, "meetings": 0, "history": 0, "notifications": 0}
    meetings = _Meetings(charter, office, counts)
    # Three years of items, the newest made early enough that all its steps (three days apart,
    # its task's two more) lie in the past: nothing is stamped later than now.
    longest = max(len(steps) for _share, steps in STATES.values())
    start = utcnow() - timedelta(days=3 * 365 + 3 * longest + 3)
    for first in range(0, count, BATCH):
        size = min(BATCH, count - first)
        states = rng.choices(names, weights, k=size)
        rows = [_item_row(charter, rng, units, liaisons, office, state, start, count, first + n)
                for n, state in enumerate(states)]  # fmt: skip
        for row in rows:
            if row["state"] == "scheduled":
                row["meeting_id"] = meetings.open_one()
            elif row["state"] in DECIDED:
                row["meeting_id"] = meetings.held_one(row["updated_at"])
        ids = db.session.scalars(
            insert(Item).returning(Item.id, sort_by_parameter_order=True), rows
        ).all()
        _histories(ids, rows, office, counts)
        _agendas(ids, rows)
        _tasks(charter, rng, ids, rows, office, counts)
        _notifications(charter, rng, ids, rows, office, counts)
        counts["items"] += size
    db.session.flush()
    return counts


def _item_row(charter, rng, units, liaisons, office, state, start, count, n) -> dict:
    unit = units[rng.randrange(len(units))]
    created = start + timedelta(minutes=int(n * (3 * 365 * 24 * 60) / max(count, 1)))
    steps = STATES[state][1]
    updated = created + timedelta(days=len(steps) * 3)
    subject = rng.choice(SUBJECTS)
    title = f"{rng.choice(ACTIONS)}{subject}工作机制(第{n + 1}号)"
    return {
        "charter_id": charter.id,
        "unit_id": unit.id,
        "title": title,
        "background": f"{unit.name}在{subject}方面发现的问题和工作基础。",
        "proposal": f"建议{unit.name}牵头,{rng.choice(ACTIONS)}{subject}相关措施。",
        "category": rng.choice(["policy_measure", "annual_plan", "coordination", "other"]),
        "duty_refs": [unit.duty_ref],
        "state": state,
        "version": len(steps) + 1,
        "opinion": "建议提交会议审议。" if "pass_review" in steps else None,
        "resolution": "同意,由牵头单位抓好落实。" if "adopt" in steps else None,
        "meeting_id": None,
        "created_by_id": liaisons.get(unit.id, office.id),
        "created_at": created,
        "updated_at": updated,
        "submitted_at": created + timedelta(days=1) if "submit" in steps else None,
        # As its approve history row says (_histories: one step every three days).
        "approved_at": created + timedelta(days=3 * (steps.index("approve") + 1))
        if "approve" in steps
        else None,
    }


def _histories(ids, rows, office, counts) -> None:
    history = []
    for item_id, row in zip(ids, rows, strict=True):
        at = row["created_at"]
        history.append(_history("item", item_id, "create", None, "draft", at, row))
        for event in STATES[row["state"]][1]:
            at += timedelta(days=3)
            to = _to(event)
            history.append(_history("item", item_id, event, FROM[event], to, at, row))
    db.session.execute(insert(History), history)
    counts["history"] += len(history)


def _to(event: str) -> str:
    return next(state for state, (_, steps) in STATES.items() if steps and steps[-1] == event)


def _history(kind, subject_id, event, from_state, to_state, at, row) -> dict:
    return {"subject_kind": kind, "subject_id": subject_id, "event": event,
            "from_state": from_state, "to_state": to_state, "actor_id": None,
            "actor_username": "demo-seed", "role": "system", "unit_code": None, "at": at,
            "fields": {}, "charter_id": row["charter_id"]}  # fmt: skip


def _agendas(ids, rows) -> None:
    decisions = {"deferred": "defer", "rejected": "reject"}
    entries = [
        {"meeting_id": row["meeting_id"], "item_id": item_id, "position": 1 + n,
         "decision": None if row["state"] == "scheduled" else decisions.get(row["state"], "adopt"),
         "decision_text": "" if row["state"] == "scheduled" else "会议议定。",
         "decided_at": None if row["state"] == "scheduled" else row["updated_at"]}
        for n, (item_id, row) in enumerate(zip(ids, rows, strict=True))
        if row["meeting_id"]
    ]  # fmt: skip
    if entries:
        db.session.execute(insert(AgendaEntry), entries)


def _tasks(charter, rng, ids, rows, office, counts) -> None:
    today = date.today()
    rhythm = default_rhythm(charter.rules)  # 二(三), 三(三): the charter's reporting rhythm
    tasks, picked = [], []
    for item_id, row in zip(ids, rows, strict=True):
        if row["state"] not in ("implementing", "closed"):
            continue
        done = row["state"] == "closed"
        assigned = row["updated_at"] - timedelta(days=2)
        deadline = today + timedelta(days=rng.randint(-60, 120))  # some overdue, some near
        tasks.append({"charter_id": charter.id, "item_id": item_id, "lead_unit_id": row["unit_id"],
                      "title": title_from(f"落实议定事项:{row['title']}"),
                      "description": f"落实议定事项:{row['title']}", "deadline": deadline,
                      "original_deadline": deadline, "working_days": None,
                      "state": "done" if done else "in_progress", "version": 4 if done else 2,
                      "assigned_by_id": office.id, "assigned_at": assigned,
                      "updated_at": row["updated_at"],
                      "completed_at": row["updated_at"] if done else None,
                      **rhythm_columns(rhythm, local(assigned).date())})  # fmt: skip
        picked.append(row)
    if not tasks:
        return
    task_ids = db.session.scalars(
        insert(Task).returning(Task.id, sort_by_parameter_order=True), tasks
    ).all()
    history = []
    for task_id, task, row in zip(task_ids, tasks, picked, strict=True):
        at = task["assigned_at"]
        path = [("assign", None, "assigned"), ("accept", "assigned", "in_progress")]
        if task["state"] == "done":
            path += [("request_completion", "in_progress", "completion_requested"),
                     ("confirm", "completion_requested", "done")]  # fmt: skip
        for event, before, after in path:
            history.append(_history("task", task_id, event, before, after, at, row))
            at += timedelta(days=1)
    db.session.execute(insert(History), history)
    counts["tasks"] += len(tasks)
    counts["history"] += len(history)


def _notifications(charter, rng, ids, rows, office, counts) -> None:
    notes = [{"charter_id": charter.id, "user_id": office.id, "kind": "item_submit",
              "title": f"提交:{row['title']}"[:200], "body": "", "link": f"/items/{item_id}",
              "params": {"item_id": item_id, "item": row["title"], "event": "submit"},
              "created_at": row["submitted_at"],
              "read_at": row["submitted_at"] if rng.random() < 0.8 else None}
             for item_id, row in zip(ids, rows, strict=True)
             if row["submitted_at"] and rng.random() < 0.2]  # fmt: skip
    if notes:
        db.session.execute(insert(Notification), notes)
        counts["notifications"] += len(notes)


OPEN_AGENDA = 30  # items on a convened plenary's agenda, as a real one would hold


class _Meetings:
    """The plenaries the seeded items were decided at, and the convened ones holding the rest."""

    def __init__(self, charter, office, counts):
        self.charter, self.office, self.counts = charter, office, counts
        self.held: dict[int, tuple[int, int]] = {}  # year -> (meeting id, items on it)
        self.open: tuple[int | None, int] = (None, OPEN_AGENDA)

    def open_one(self) -> int:
        meeting_id, used = self.open
        if used >= OPEN_AGENDA:
            when = utcnow() + timedelta(days=30)
            meeting_id, used = self._make(when, "convened", ["plan", "convene"]), 0
        self.open = (meeting_id, used + 1)
        return meeting_id

    def held_one(self, when: datetime) -> int:
        meeting_id, used = self.held.get(when.year, (None, DECIDED_PER_MEETING))
        if used >= DECIDED_PER_MEETING:
            meeting_id, used = self._make(when, "minutes_published",
                                          ["plan", "convene", "open", "close_session",
                                           "sign_minutes", "publish_minutes"]), 0  # fmt: skip
        self.held[when.year] = (meeting_id, used + 1)
        return meeting_id

    def _make(self, when: datetime, state: str, events: list[str]) -> int:
        year = when.year
        stamped = min(when, utcnow())  # a meeting planned ahead was written down before now
        last = db.session.scalar(
            select(db.func.max(Meeting.number)).where(
                Meeting.charter_id == self.charter.id, Meeting.kind == "plenary",
                Meeting.year == year)
        )  # fmt: skip
        number = (last or 0) + 1 if "convene" in events else None
        published = state == "minutes_published"
        minutes = None
        if published:
            minutes = 1 + (db.session.scalar(
                select(db.func.max(Meeting.minutes_number)).where(
                    Meeting.charter_id == self.charter.id, Meeting.minutes_year == year)
            ) or 0)  # fmt: skip
        meeting = Meeting(charter_id=self.charter.id, kind="plenary", title=f"{year}年全体会议",
                          starts_at=when, location="县政府常务会议室", state=state,
                          version=len(events), year=year, number=number,
                          created_by_id=self.office.id, convened_by_id=self.office.id,
                          created_at=stamped - timedelta(days=20), updated_at=stamped,
                          minutes_text="会议纪要(演示)" if published else None,
                          minutes_year=year if published else None, minutes_number=minutes,
                          minutes_published_at=when if published else None)  # fmt: skip
        db.session.add(meeting)
        db.session.flush()
        states = {"plan": (None, "planned"), "convene": ("planned", "convened"),
                  "open": ("convened", "in_session"), "close_session": ("in_session", "held"),
                  "sign_minutes": ("held", "minutes_signed"),
                  "publish_minutes": ("minutes_signed", "minutes_published")}  # fmt: skip
        row = {"charter_id": self.charter.id}
        db.session.execute(insert(History), [
            _history("meeting", meeting.id, event, *states[event], stamped, row) for event in events
        ])  # fmt: skip
        self.counts["meetings"] += 1
        return meeting.id
