"""Responses: the resources the API returns, field by field (API.md's names).

The serializers build these models, so what the OpenAPI document shows is what is sent; a
field missing from a serializer fails at once, in every test that touches it.
"""

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from meeting.contract.types import DateText, Timestamp
from workflows import agenda_item, task
from workflows import meeting as meeting_workflow


class Resource(BaseModel):
    """A resource as sent; `of(row)` builds one from a database row with the same names."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    @classmethod
    def of(cls, row, **more):
        """The resource of ROW: its attributes of the resource's field names, then MORE."""
        values = {name: getattr(row, name) for name in cls.model_fields if name not in more}
        return cls(**values, **more)

    def json(self) -> dict:
        return self.model_dump(mode="json")


ItemState = Literal[tuple(agenda_item.STATES)]
MeetingState = Literal[tuple(meeting_workflow.STATES)]
TaskState = Literal[tuple(task.STATES)]


class Unit(Resource):
    code: str
    name: str
    aliases: list[str]
    duty_ref: str | None
    duty_text: str | None
    is_lead: bool


class HistoryRow(Resource):
    event: str
    from_: str | None = Field(alias="from")
    to: str | None
    actor: str | None
    role: str | None
    unit: str | None
    at: Timestamp
    fields: dict[str, Any]

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class Attachment(Resource):
    id: int
    filename: str
    size: int
    content_type: str | None = None


class ItemSummary(Resource):
    id: int
    joint_meeting: str = Field(description="The code of its joint meeting")
    title: str
    background: str
    proposal: str
    category: Literal[tuple(agenda_item.CATEGORIES)]
    duty_refs: list[str]
    unit: str
    state: ItemState
    version: int
    available_events: list[Literal[tuple(agenda_item.EVENTS)]]
    meeting_id: int | None
    opinion: str | None
    resolution: str | None
    tasks: list[int]
    attachments: list[Attachment]
    created_at: Timestamp
    updated_at: Timestamp
    submitted_at: Timestamp | None


class Item(ItemSummary):
    history: list[HistoryRow]


class AgendaDecision(Resource):
    item_id: int
    title: str
    unit: str
    item_state: ItemState
    decision: str | None
    text: str | None


class AttendanceRecord(Resource):
    status: Literal[tuple(meeting_workflow.ATTENDANCE)]
    deputy_name: str | None


class AttendanceReply(Resource):
    unit: str
    attending: bool
    attendee: str
    post: str
    phone: str
    reason: str
    replied_at: Timestamp


class Receipt(Resource):
    unit: str
    acknowledged_at: Timestamp | None


class MeetingSummary(Resource):
    id: int
    joint_meeting: str = Field(description="The code of its joint meeting")
    kind: Literal[tuple(meeting_workflow.KINDS)]
    title: str
    name: str
    number: int | None
    starts_at: Timestamp
    ends_at: Timestamp | None
    location: str | None
    state: MeetingState
    version: int
    available_events: list[Literal[tuple(meeting_workflow.EVENTS)]]
    agenda: list[int]
    decisions: list[AgendaDecision]
    attendance: dict[str, AttendanceRecord]
    convened_by: str | None
    requested_by: str | None
    minutes_number: str | None
    minutes_text: str | None
    minutes_signed_by: str | None = Field(
        description="The convener who signed the minutes off (签发)"
    )
    minutes_signed_at: Timestamp | None
    sitting_in: str = Field(description="Who sat in without a member's seat (列席)")
    replies: list[AttendanceReply] = Field(description="Units' replies to the notice (参会回执)")
    receipts: list[Receipt]


class Meeting(MeetingSummary):
    history: list[HistoryRow]


class Delegation(Resource):
    id: int
    joint_meeting: str
    delegator: str
    delegate: str
    meeting_id: int | None
    starts_on: DateText | None
    ends_on: DateText | None
    note: str | None
    created_at: Timestamp
    revoked_at: Timestamp | None


class ExtensionRequest(Resource):
    new_deadline: DateText
    reason: str | None


class Report(Resource):
    kind: Literal["progress", "completion"]
    unit: str | None
    author: str
    text: str
    at: Timestamp


class TaskSummary(Resource):
    id: int
    joint_meeting: str = Field(description="The code of its joint meeting")
    item_id: int
    item_title: str
    lead_unit: str
    responsible_units: list[str]
    description: str
    deadline: DateText
    original_deadline: DateText
    working_days: int | None
    state: TaskState
    version: int
    overdue: bool
    warning: Literal[tuple(task.WARNINGS)]
    available_events: list[Literal[tuple(task.EVENTS)]]
    extension_request: ExtensionRequest | None
    assigned_at: Timestamp
    completed_at: Timestamp | None
    reports: list[Report]


class Task(TaskSummary):
    history: list[HistoryRow]


class Notification(Resource):
    id: int
    joint_meeting: str | None = Field(description="The joint meeting it concerns, if one")
    kind: str
    title: str
    body: str
    link: str
    created_at: Timestamp
    read_at: Timestamp | None


class Seat(Resource):
    role: str
    unit: str | None = Field(description="The member unit's code, for a liaison")


class JointMeeting(Resource):
    code: str
    name: str
    short_name: str
    archived: bool
    roles: list[Seat] = Field(description="The caller's roles in it")


class RoleHeld(Resource):
    joint_meeting: str | None = Field(description="None for the county-wide admin role")
    role: str
    unit: str | None


class Person(Resource):
    username: str
    display_name: str
    department: str | None = Field(description="The department's code")
    email: str | None
    active: bool
    must_change_password: bool
    roles: list[RoleHeld]


class PersonCreated(Person):
    one_time_password: str = Field(description="Shown once; changed at first sign-in")


class Ping(Resource):
    ok: bool


class Upload(Resource):
    id: int
    filename: str
    size: int


Row = TypeVar("Row", bound=Resource)


class Page(Resource, Generic[Row]):
    items: list[Row]
    page: int
    pages: int
    total: int


class Error(Resource):
    """Every refusal: `error` names it; the other fields come with the errors that have them."""

    error: Literal["bad_request", "unauthorized", "forbidden", "not_found", "unknown_event",
                   "method_not_allowed", "conflict", "invalid_transition", "stale", "too_large",
                   "invalid", "too_many_requests", "server_error"]  # fmt: skip
    message: str
    state: str | None = Field(None, description="The record's state (invalid_transition)")
    available_events: list[str] | None = None
    version: int | None = Field(None, description="The current version (stale)")
    fields: dict[str, str] | None = Field(None, description="A message per bad field (invalid)")
