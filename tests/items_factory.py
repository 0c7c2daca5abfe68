"""Build agenda items in any state through the real service functions."""

from sqlalchemy import select

from meeting.accounts.models import User
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.operations import create_item, fire_event
from workflows.agenda_item import BY_SYSTEM, BY_USER

DRAFT = {
    "title": "建立留守儿童心理辅导站",
    "background": "部分农村学校缺少心理辅导。",
    "proposal": "在寄宿制学校设立心理辅导站。",
    "category": "policy_measure",
    "duty_refs": ["四(九)"],
}

# state -> (previous state, event, who fires it, fields, how). "liaison-edu" stands for the
# proposing unit's liaison (make_item's BY); "meeting" steps go through a real meeting.
STEPS = {
    "submitted": ("draft", "submit", "liaison-edu", {}, BY_USER),
    "returned": ("submitted", "return_for_revision", "office", {"comment": "请补充数据"}, BY_USER),
    "declined": ("submitted", "decline", "office", {"reason": "不属于联席会议职责"}, BY_USER),
    "withdrawn": ("draft", "withdraw", "liaison-edu", {"reason": "重复"}, BY_USER),
    "reviewed": ("submitted", "pass_review", "office", {"opinion": "建议提交会议"}, BY_USER),
    "approved": ("reviewed", "approve", "convener", {}, BY_USER),
    "scheduled": ("approved", "schedule", "office", {}, "meeting"),
    "deferred": ("scheduled", "defer", "office", {"reason": "待调研"}, "meeting"),
    "adopted": ("scheduled", "adopt", "office", {"resolution": "同意设立"}, "meeting"),
    "rejected": ("scheduled", "reject", "office", {"reason": "条件不成熟"}, "meeting"),
    "implementing": ("adopted", "start_implementation", None, {}, BY_SYSTEM),
    "closed": ("implementing", "close", None, {}, BY_SYSTEM),
}


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def make_item(app, state: str = "draft", by: str = "liaison-edu", **fields) -> int:
    """Create an item of BY's unit and walk it to STATE; return its id."""
    with app.app_context():
        item = new_item(state, by, **fields)
        db.session.commit()
        return item.id


def new_item(state: str = "draft", by: str = "liaison-edu", **fields) -> Item:
    """Inside an app context: create an item and walk it to STATE (flushed, not committed)."""
    from meeting.meetings.agenda import add_to_agenda, record_decision
    from meeting.meetings.operations import fire_meeting_event
    from tests.meetings_factory import new_meeting

    item = create_item(user(by), {**DRAFT, **fields})
    meeting = None
    for previous_state, event, actor, data, how in path_to(state):
        assert item.state == previous_state
        actor = user(by if actor == "liaison-edu" else actor) if actor else None
        if how != "meeting":
            fire_event(item, event, actor, {**data, "version": item.version}, via=how)
        elif event == "schedule":
            meeting = new_meeting("ad_hoc", "convened")
            add_to_agenda(meeting, item, actor)
        else:
            fire_meeting_event(meeting, "open", actor, {"version": meeting.version})
            record_decision(meeting, item, event, actor, {**data, "version": item.version})
    return item


def path_to(state: str) -> list[tuple]:
    steps = []
    while state != "draft":
        step = STEPS[state]
        steps.insert(0, step)
        state = step[0]
    return steps


def item_row(app, item_id: int) -> tuple:
    """(state, version) of an item, read fresh from the database."""
    with app.app_context():
        item = db.session.get(Item, item_id)
        return item.state, item.version
