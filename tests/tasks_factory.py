"""Build tasks in any state through the real service functions."""

from meeting.extensions import db
from meeting.items.models import Item
from meeting.tasks.models import Task
from meeting.tasks.operations import assign_task, fire_task_event
from tests.items_factory import new_item, user

PATH = {
    "assigned": [],
    "in_progress": [("accept", "lead", {})],
    "completion_requested": [("accept", "lead", {}), ("request_completion", "lead", {"report": "已完成"})],
    "done": [("accept", "lead", {}), ("request_completion", "lead", {"report": "已完成"}),
             ("confirm", "office", {})],
}  # fmt: skip
# The liaisons of tests.conftest.USERS by unit; tasks are led by education-sports unless told.
LIAISON_OF = {"education-sports": "liaison-edu", "civil-affairs": "liaison-civil"}


def make_task(app, state: str = "assigned", item_id: int | None = None, **fields) -> int:
    """Assign a task (to a new adopted item unless ITEM_ID) and walk it to STATE."""
    with app.app_context():
        item = db.session.get(Item, item_id) if item_id else new_item("adopted")
        data = {"lead_unit": "education-sports", "responsible_units": ["civil-affairs"],
                "deadline": "2099-12-31", "description": "建设心理辅导站", **fields}  # fmt: skip
        task = assign_task(item, user("office"), data)
        for event, who, body in PATH[state]:
            actor = user(LIAISON_OF[data["lead_unit"]] if who == "lead" else who)
            fire_task_event(task, event, actor, {**body, "version": task.version})
        db.session.commit()
        return task.id


def task_row(app, task_id: int) -> tuple:
    with app.app_context():
        task = db.session.get(Task, task_id)
        return (
            task.state,
            task.version,
            task.deadline.isoformat(),
            task.original_deadline.isoformat(),
        )
