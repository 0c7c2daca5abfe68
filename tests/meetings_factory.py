"""Build meetings in any state through the real service functions."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from meeting.extensions import db
from meeting.meetings.models import Meeting
from meeting.meetings.operations import fire_meeting_event, plan_meeting
from tests.items_factory import user

COUNTY = ZoneInfo("Asia/Shanghai")

# state -> the events that lead there from planned
PATH = {
    "planned": [],
    "convened": ["convene"],
    "in_session": ["convene", "open"],
    "cancelled": ["cancel"],
}


def in_six_weeks() -> str:
    """A meeting day six weeks ahead, 9:30 county time: clear of a plenary's agenda cut-off
    (五(二)) whatever day the suite runs, so items approved now may go on its agenda."""
    day = datetime.now(COUNTY) + timedelta(weeks=6)
    return f"{day:%Y-%m-%d}T09:30+08:00"


def new_meeting(kind: str = "ad_hoc", state: str = "planned", title: str = "专题会议",
                starts_at: str | None = None) -> Meeting:  # fmt: skip
    """Inside an app context: plan a meeting as the office and walk it to STATE."""
    starts_at = starts_at or in_six_weeks()
    data = {"kind": kind, "title": title, "starts_at": starts_at, "location": "县政府三楼会议室"}
    if kind == "liaison":
        data["requested_by"] = "convener"
    meeting = plan_meeting(user("office"), data)
    for event in PATH[state]:
        actor = "office" if kind == "liaison" or event != "convene" else "general"
        fields = {"version": meeting.version, "reason": "另行安排"}
        fire_meeting_event(meeting, event, user(actor), fields)
    return meeting


def make_meeting(app, kind: str = "ad_hoc", state: str = "planned", **kwargs) -> int:
    with app.app_context():
        meeting = new_meeting(kind, state, **kwargs)
        db.session.commit()
        return meeting.id


def meeting_row(app, meeting_id: int) -> tuple:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return meeting.state, meeting.version
