"""Responses: the resources the API returns, field by field (API.md's names).

The serializers build these models, so what the OpenAPI document shows is what is sent; a
field missing from a serializer fails at once, in every test that touches it.
"""

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from meeting.contract.types import DateText, Timestamp
from workflows import agenda_item, rhythm, task
from workflows import meeting as meeting_workflow
from workflows import opinions as opinion_workflow


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
    source: Literal[tuple(agenda_item.SOURCES)] = Field(
        description="unit: a member unit's proposal; county_government, joint_meeting: work "
        "they assigned, registered by the office (二(四), 三(五)); `unit` is the proposed lead"
    )
    source_title: str | None = Field(description="The document that assigned it (批示)")
    source_number: str | None = Field(description="Its 文号")
    source_date: DateText | None
    approved_at: Timestamp | None = Field(description="When a convener approved it (审定)")
    admitted_meeting_id: int | None = Field(
        description="The plenary a convener admitted it to past the agenda cut-off (五(二))"
    )


class UnitOpinion(Resource):
    """An asked unit's place in a round of opinions (征求意见, 五(三))."""

    unit: str = Field(description="The asked unit's code")
    unit_name: str
    answer: Literal[tuple(opinion_workflow.ANSWERS)] | None = Field(
        description="None: the unit has not answered"
    )
    text: str = Field(description="What should change, or why the unit disagrees")
    answered_by: str | None
    answered_at: Timestamp | None
    attachment: Attachment | None = Field(description="A file sent with the answer")


class OpinionRound(Resource):
    id: int
    note: str = Field(description="What the office asks")
    due_on: DateText
    status: Literal[tuple(opinion_workflow.ROUND_STATUSES)] = Field(
        description="open: answers taken until the due date; closed by the office; lapsed: "
        "past its due date"
    )
    requested_by: str
    requested_at: Timestamp
    closed_by: str | None
    closed_at: Timestamp | None
    opinions: list[UnitOpinion]


class ItemOpinions(Resource):
    rounds: list[OpinionRound] = Field(description="Oldest first")
    cosigners: list[str] = Field(
        description="The units whose co-signature (会签) approval needs (the charter's rules.cosign)"
    )
    cosigners_missing: list[str] = Field(
        description="Those of them whose latest answer is not agree or agree_with_changes"
    )


class Item(ItemSummary):
    history: list[HistoryRow]
    opinions: ItemOpinions = Field(description="Member units' written opinions (征求意见, 五(三))")


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
    kind: Literal[tuple(task.REPORT_KINDS)] = Field(
        description="progress: the lead unit's, for the whole task; part: a responsible unit's "
        "report of its part; completion: the lead unit's completion report"
    )
    unit: str | None
    author: str
    text: str
    at: Timestamp


class TaskRhythm(Resource):
    """二(三), 三(三): how often the lead unit reports progress (workflows.rhythm)."""

    kind: Literal[tuple(rhythm.KINDS)] = Field(
        description="every_days: every `days` days; monthly: by each month's last day (from the "
        "month after `since`); dates: by each of `dates`"
    )
    days: int | None = Field(description="every_days: the number of days")
    dates: list[DateText] = Field(description="dates: the due dates")
    since: DateText = Field(
        description="The day it took effect (assignment or the last change): periods count from it"
    )


class TaskSummary(Resource):
    id: int
    joint_meeting: str = Field(description="The code of its joint meeting")
    item_id: int
    item_title: str
    title: str = Field(description="The task's own short name")
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
    report_rhythm: TaskRhythm | None = Field(description="None: no reporting rhythm")
    next_report_due: DateText | None = Field(
        description="The due date of the next progress report not yet made (None: none owed)"
    )
    missed_reports: int = Field(
        description="Report periods whose due date passed with no report (漏报), under every "
        "rhythm the task has had"
    )


class Task(TaskSummary):
    history: list[HistoryRow]


class Notification(Resource):
    id: int
    joint_meeting: str | None = Field(description="The joint meeting it concerns, if one")
    kind: str
    params: dict | None = Field(
        description="What the kind's message is said with (ids, names, dates); None on old rows"
    )
    title: str = Field(description="In the caller's language")
    body: str = Field(description="The kind's text, then what people typed (a comment, a reason)")
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


class DutyFigures(Resource):
    ref: str = Field(description="A charter duty reference, e.g. 四(九)")
    items: int = Field(description="Items the unit proposed citing it (once submitted)")
    tasks_led: int = Field(description="Tasks the unit leads under items citing it")
    tasks_shared: int = Field(description="Tasks the unit shares (a responsible unit) under them")


class MatrixUnit(Resource):
    unit: str = Field(description="The member unit's code")
    name: str
    duties: list[DutyFigures] = Field(description="Its own duties (section 四)")
    joint_meeting_duties: list[DutyFigures] = Field(
        description="The joint meeting's duties (section 二), which any unit may cite"
    )


class CharterMatrix(Resource):
    joint_meeting: str = Field(description="The joint meeting's code")
    units: list[MatrixUnit] = Field(description="Its active member units, in charter order")


class UnitTaskFigures(Resource):
    unit: str = Field(description="The lead unit's code")
    open: int = Field(description="Tasks it leads not yet done (overdue ones among them)")
    overdue: int = Field(description="Open tasks whose deadline has passed (as of today)")
    done: int
    done_on_time: int = Field(description="Done tasks completed by their deadline")


class Stats(Resource):
    """GET /api/v1/stats: the workbench's figures of one joint meeting (meeting.workbench)."""

    joint_meeting: str = Field(description="The joint meeting's code")
    year: int = Field(description="The year asked for (default: this year in the county)")
    items_by_state: dict[ItemState, int] = Field(
        description="Items the caller may see, by state (states with none are left out)"
    )
    tasks_by_unit: list[UnitTaskFigures] = Field(
        description="Tasks the caller may see, per lead unit, in charter order"
    )
    plenary_this_year: Literal["none", "planned", "convened", "held"] = Field(
        description="How far the year's plenary got (the furthest not cancelled)"
    )


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
