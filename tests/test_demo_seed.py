"""`flask demo seed`: data in every state that keeps every invariant and the pages working."""

from sqlalchemy import func, select

from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from meeting.notifications.models import Notification
from meeting.tasks.models import Task
from meeting.timeutil import utcnow
from tests.conftest import Auth
from workflows import agenda_item


def test_seeded_data_covers_every_state_and_keeps_the_invariants(app, runner):
    result = runner.invoke(args=["demo", "seed", "--items", "400", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "400 items" in result.output
    with app.app_context():
        states = dict(
            db.session.execute(select(Item.state, func.count()).group_by(Item.state)).all()
        )
        overdue = db.session.scalar(
            select(func.count()).where(Task.state != "done", Task.deadline < func.current_date())
        )
        titles = db.session.scalars(select(Item.title).order_by(Item.id).limit(5)).all()
    assert set(states) == set(agenda_item.STATES) - {"unschedule"}
    assert overdue > 0
    check = runner.invoke(args=["check"])
    assert check.exit_code == 0, check.output
    client = app.test_client()
    Auth(client).login("office")
    for page in ("/items/", "/tasks/", "/meetings/?when=past", "/"):
        assert client.get(page).status_code == 200
    # The same seed chooses the same data.
    again = runner.invoke(args=["demo", "seed", "--items", "400", "--seed", "7"])
    assert again.exit_code == 0
    with app.app_context():
        repeated = db.session.scalars(
            select(Item.title).order_by(Item.id).offset(400).limit(5)
        ).all()
    assert repeated == titles


def test_nothing_seeded_is_stamped_later_than_now(app, runner):
    """A record changed in the future would stay "changed since" every check (the scheduler's
    windows) and sort above today's real work."""
    assert runner.invoke(args=["demo", "seed", "--items", "300", "--seed", "3"]).exit_code == 0
    with app.app_context():
        now = utcnow()
        stamps = {
            "items": select(func.max(Item.updated_at)),
            "tasks": select(func.max(Task.updated_at)),
            "history": select(func.max(History.at)),
            "meetings": select(func.max(Meeting.updated_at)),
            "notifications": select(func.max(Notification.created_at)),
        }
        latest = {name: db.session.scalar(query) for name, query in stamps.items()}
    assert all(stamp <= now for stamp in latest.values()), latest


def test_seed_refuses_bad_sizes(app, runner):
    assert runner.invoke(args=["demo", "seed", "--items", "0"]).exit_code == 2
