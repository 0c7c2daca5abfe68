"""Request bodies: what each write takes, for pages and API alike.

The event bodies are built from the workflows' own tables (what each event carries and what it
may carry), so a field added to an event in `workflows/` is one edit: its type is named here
once, in the FIELD_TYPES of its workflow.
"""

from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    create_model,
)
from typing_extensions import TypeAliasType

from meeting.contract.types import (
    AccountName,
    CountyDate,
    JointMeetingCode,
    LongNote,
    Moment,
    Note,
    Requester,
    RowId,
    Title,
    UnitCode,
    Username,
    Version,
    text,
    whole,
)
from workflows import agenda_item, rhythm, task
from workflows import meeting as meeting_workflow
from workflows import opinions as opinion_workflow
from workflows.roles import ROLES


def choice_of(field: str, choices) -> dict:
    """What a union picked by FIELD says when FIELD names none of CHOICES: that field's error."""
    expected = ", ".join(choices)
    return {"custom_error_type": "literal_error",
            "custom_error_context": {"field": field, "expected": expected}}  # fmt: skip


class Body(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


Codes = Annotated[list[UnitCode], Field(max_length=64)]
DutyRefs = Annotated[list[Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[^\x00]+$")]],
                    Field(max_length=40)]  # fmt: skip
Category = Literal[tuple(agenda_item.CATEGORIES)]


class ItemFields(Body):
    """A draft's text; every field may be left out (a draft is completed before submitting)."""

    title: text(200, required=False) | None = None
    background: text(20000, required=False) | None = None
    proposal: text(20000, required=False) | None = None
    category: Category | None = None
    duty_refs: DutyRefs | None = None


Source = Literal[tuple(agenda_item.SOURCES)]


class SourceDocument(Body):
    """The document that assigned the work (二(四), 三(五)): a leader's instruction 批示, a
    letter, the minutes of a meeting. Only assigned work has one."""

    source_title: text(200) | None = Field(None, description="Required for assigned work")
    source_number: text(100, required=False) | None = Field(None, description="文号")
    source_date: CountyDate | None = None


class NewItem(ItemFields, SourceDocument):
    """A new draft: its text, and the joint meeting it is for when the caller acts in several.

    A liaison proposes for their own unit (`source` unit, the default). The office registers
    work the county government or the joint meeting assigned: `source` says which, the
    source document is given, and `unit` names the member unit proposed to lead it."""

    joint_meeting: JointMeetingCode | None = None
    source: Source | None = Field(
        None, description="unit (default), county_government, joint_meeting"
    )
    unit: UnitCode | None = Field(None, description="Assigned work: the proposed lead unit")


class ItemEdit(ItemFields, SourceDocument):
    version: Version


# Member units' written opinions on an item (征求意见, 五(三)): workflows.opinions.
class OpinionRequest(Body):
    """The office asks named member units for their written opinion on an item, by a day."""

    units: Annotated[list[UnitCode], Field(min_length=1, max_length=64)]
    due_on: CountyDate
    note: text(5000, required=False) | None = Field(None, description="What the office asks")
    version: Version


OpinionText = text(5000, required=False)


class OpinionAnswer(Body):
    """A unit's opinion, once per round: the answer, and what should change or why not."""

    answer: Literal[tuple(opinion_workflow.ANSWERS)]
    text: OpinionText | None = Field(
        None, description="Required with agree_with_changes and disagree"
    )
    version: Version | None = Field(None, description="If given, checked as the item's version")


class OpinionClose(Body):
    version: Version


class EveryDaysRhythm(Body):
    """A progress report every `days` days from the day the rhythm starts (14: fortnightly)."""

    kind: Literal["every_days"]
    days: whole(ge=1, le=rhythm.MAX_EVERY_DAYS)


class MonthlyRhythm(Body):
    """A progress report by the last day of each month, from the month after it starts."""

    kind: Literal["monthly"]


class FixedDatesRhythm(Body):
    """A progress report by each of these dates (each later than the day it starts)."""

    kind: Literal["dates"]
    dates: Annotated[list[CountyDate], Field(min_length=1, max_length=rhythm.MAX_DATES)]


def _rhythm_tag(value) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return f"tag:{kind}" if isinstance(kind, str) and kind in rhythm.KINDS else None


# 二(三), 三(三): a task's reporting rhythm (workflows.rhythm), picked by its kind.
ReportRhythm = TypeAliasType("ReportRhythm", Annotated[
    Annotated[EveryDaysRhythm, Tag("tag:every_days")] | Annotated[MonthlyRhythm, Tag("tag:monthly")]
    | Annotated[FixedDatesRhythm, Tag("tag:dates")],
    Discriminator(_rhythm_tag, **choice_of("report_rhythm", rhythm.KINDS)),
])  # fmt: skip


# The type of each field an event of a workflow carries.
ITEM_FIELD_TYPES = {
    **{name: info.annotation for name, info in ItemFields.model_fields.items()},
    "comment": Note,
    "reason": Note,
    "opinion": Note,
    "resolution": Note,
    "meeting_id": RowId,
}
MEETING_FIELD_TYPES = {"reason": Note, "requested_by": Requester}
TASK_FIELD_TYPES = {
    "text": LongNote,
    "report": LongNote,
    "message": LongNote,
    "reason": LongNote,
    "lead_unit": UnitCode,
    "responsible_units": Codes,
    "new_deadline": CountyDate,
    "report_rhythm": ReportRhythm,
}


def event_fields(event, types: dict, leave_out: tuple[str, ...] = ()) -> dict:
    """Pydantic field definitions for what EVENT carries (required) and may carry (optional).

    A field the record itself keeps (an item's text at submit) may be left out: the record's
    value is used. LEAVE_OUT names fields a caller of this kind does not send.
    """
    fields = {}
    for name in getattr(event, "carries", ()):
        if name not in leave_out:
            keeps = name in ItemFields.model_fields and types is ITEM_FIELD_TYPES
            fields[name] = (types[name] | None, None) if keeps else (types[name], ...)
    for name in getattr(event, "optional", ()):
        if name not in leave_out:
            fields[name] = (types[name] | None, None)
    return fields


def _event_body(prefix: str, event, types: dict, leave_out: tuple[str, ...] = ()):
    name = f"{prefix}{event.name.title().replace('_', '')}Body"
    return create_model(name, __base__=Body, version=(Version, ...),
                        **event_fields(event, types, leave_out))  # fmt: skip


# Items: a meeting's decisions are recorded on the meeting, so users send no meeting_id.
ITEM_EVENT_BODIES = {
    name: _event_body("Item", event, ITEM_FIELD_TYPES, leave_out=("meeting_id",))
    for name, event in agenda_item.EVENTS.items()
    if event.via == agenda_item.BY_USER
}
# Submitting may also set the category.
ITEM_EVENT_BODIES["submit"] = create_model(
    "ItemSubmitBody", __base__=ITEM_EVENT_BODIES["submit"], category=(Category | None, None)
)


class Record(BaseModel):
    """What a meeting passes on when it records an item's event: other keys are its own."""

    model_config = ConfigDict(extra="ignore")


# Items, as a meeting records their events (its decisions, its agenda): with the meeting's id.
ITEM_EVENT_RECORDS = {
    name: create_model(f"Item{name.title().replace('_', '')}Record", __base__=Record,
                       version=(Version, ...), **event_fields(event, ITEM_FIELD_TYPES))
    for name, event in agenda_item.EVENTS.items()
}  # fmt: skip


def item_event_body(name: str, via: str) -> type[BaseModel]:
    """The body of item event NAME as a user sends it, or as a meeting or the system records it."""
    if via == agenda_item.BY_USER:
        return ITEM_EVENT_BODIES[name]
    return ITEM_EVENT_RECORDS[name]


MEETING_EVENT_BODIES = {
    name: _event_body("Meeting", event, MEETING_FIELD_TYPES)
    for name, event in meeting_workflow.EVENTS.items()
}
TASK_EVENT_BODIES = {
    name: _event_body("Task", event, TASK_FIELD_TYPES) for name, event in task.EVENTS.items()
}


def _decision_body(decision: str):
    event = agenda_item.EVENTS[decision]
    return create_model(
        f"Decision{decision.title().replace('_', '')}",
        __base__=Body,
        item_id=(RowId, ...),
        decision=(Literal[decision], ...),
        version=(Version, Field(description="The item's version")),
        **event_fields(event, ITEM_FIELD_TYPES, leave_out=("meeting_id",)),
    )


DECISIONS = sorted({d for k in meeting_workflow.KINDS_REGISTRY.values() for d in k.decisions})


def _decision_tag(value) -> str | None:
    decision = (
        value.get("decision") if isinstance(value, dict) else getattr(value, "decision", None)
    )
    return f"tag:{decision}" if isinstance(decision, str) and decision in DECISIONS else None


# A meeting's decision on one agenda item: the decision names the event, which names its fields.
Decision = TypeAliasType("Decision", Annotated[
    Union[tuple(Annotated[_decision_body(d), Tag(f"tag:{d}")] for d in DECISIONS)],  # noqa: UP007
    Discriminator(_decision_tag, **choice_of("decision", DECISIONS)),
])  # fmt: skip


def _correction_body(decision: str):
    return create_model(
        f"Correction{decision.title().replace('_', '')}",
        __base__=_decision_body(decision),
        correction_reason=(Note, Field(description="Why the decision is corrected (更正)")),
    )


# 更正: a meeting's decision on one agenda item replaced by another, with the reason.
Correction = TypeAliasType("Correction", Annotated[
    Union[tuple(Annotated[_correction_body(d), Tag(f"tag:{d}")] for d in DECISIONS)],  # noqa: UP007
    Discriminator(_decision_tag, **choice_of("decision", DECISIONS)),
])  # fmt: skip


class ReceiptReminder(Body):
    """催签: the units to remind (unit codes); left out, every unit not signed nor reminded today."""

    units: Codes | None = None


class MeetingPlan(Body):
    joint_meeting: JointMeetingCode | None = None
    kind: Literal[
        tuple(k for k in meeting_workflow.KINDS if not meeting_workflow.needs_requester(k))
    ]
    title: Title
    starts_at: Moment
    ends_at: Moment | None = None
    location: text(200, required=False) | None = None


class RequestedMeetingPlan(MeetingPlan):
    """A liaison meeting names the convener who asked for it (三(二))."""

    kind: Literal[tuple(k for k in meeting_workflow.KINDS if meeting_workflow.needs_requester(k))]
    requested_by: Requester


def _kind_tag(value) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    if not isinstance(kind, str) or kind not in meeting_workflow.KINDS:
        return None
    return "tag:requested" if meeting_workflow.needs_requester(kind) else "tag:plain"


# Planning a meeting: what is asked depends on its kind.
MeetingPlanning = TypeAliasType("MeetingPlanning", Annotated[
    Annotated[MeetingPlan, Tag("tag:plain")] | Annotated[RequestedMeetingPlan, Tag("tag:requested")],
    Discriminator(_kind_tag, **choice_of("kind", meeting_workflow.KINDS)),
])  # fmt: skip


class AgendaEntry(Body):
    item_id: RowId


class LateAdmission(Body):
    """五(二): a convener admits an item approved past the agenda cut-off to this meeting."""

    item_id: RowId
    version: Version = Field(description="The item's version")
    comment: Note | None = None


class AgendaOrder(Body):
    item_ids: Annotated[list[RowId], Field(max_length=500)]


DEPUTY = meeting_workflow.NAMED_ATTENDANCE
OWN_STATUSES = tuple(s for s in meeting_workflow.ATTENDANCE if s != DEPUTY)


class AttendanceMark(Body):
    status: Literal[OWN_STATUSES]
    deputy_name: text(50, required=False) | None = Field(None, description="Ignored")


class DeputyMark(Body):
    status: Literal[DEPUTY]
    deputy_name: text(50)


def _mark_tag(value) -> str | None:
    if isinstance(value, str):
        return "tag:status"
    status = value.get("status") if isinstance(value, dict) else getattr(value, "status", None)
    if not isinstance(status, str) or status not in meeting_workflow.ATTENDANCE:
        return None
    return "tag:deputy" if status == DEPUTY else "tag:own"


# A unit's attendance: a mark, or just its status when no deputy is to be named.
Mark = TypeAliasType("Mark", Annotated[
    Annotated[AttendanceMark, Tag("tag:own")] | Annotated[DeputyMark, Tag("tag:deputy")]
    | Annotated[Literal[OWN_STATUSES], Tag("tag:status")],
    Discriminator(_mark_tag, **choice_of("status", meeting_workflow.ATTENDANCE)),
])  # fmt: skip


class AttendanceMarks(Body):
    """Attendance per unit code: {"finance": {"status": "deputy", "deputy_name": "王"}}."""

    attendance: Annotated[dict[UnitCode, Mark], Field(min_length=1, max_length=200)]
    sitting_in: text(2000, required=False) | None = Field(
        None, description="Who sits in without a member's seat (列席); left out: unchanged"
    )


class NoticeReply(Body):
    """参会回执: who the unit sends, or why it asks for leave."""

    attending: bool
    attendee: text(50, required=False) | None = Field(None, description="Required when attending")
    post: text(50, required=False) | None = None
    phone: text(30, required=False) | None = None
    reason: text(200, required=False) | None = Field(
        None, description="Required when not attending"
    )


class MinutesEdit(Body):
    text: text(100000)
    version: Version


class DelegationRequest(Body):
    """A delegation of one planned meeting (meeting_id), or of a period (starts_on, ends_on)."""

    delegate: Username
    meeting_id: RowId | None = None
    starts_on: CountyDate | None = None
    ends_on: CountyDate | None = None
    note: text(500, required=False) | None = None


class TaskAssignment(Body):
    """A task of an adopted item: a deadline, or a number of working days from today."""

    lead_unit: UnitCode
    responsible_units: Codes = []
    title: text(100) | None = Field(
        None,
        description="A short name telling the task apart from its item's other tasks; left "
        "out: the description's first line",
    )
    description: LongNote
    deadline: CountyDate | None = Field(None, description="Give this or `working_days`, not both")
    working_days: whole(ge=1, le=365) | None = None
    report_rhythm: ReportRhythm | None = Field(
        None,
        description="How often the lead unit reports progress; left out: the charter's "
        "`report_rhythm_default`",
    )


# Administration (API.md v1.1): people and their roles per joint meeting.
Role = Literal[tuple(ROLES)]
Email = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")]
DepartmentCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class RoleGrant(Body):
    """A role in a joint meeting (`admin`: county-wide, with no joint meeting); a liaison
    names their member unit."""

    joint_meeting: JointMeetingCode | None = None
    role: Role
    unit: UnitCode | None = None


class RoleList(Body):
    roles: Annotated[list[RoleGrant], Field(max_length=100)]


class PersonNew(Body):
    username: AccountName
    display_name: text(100, required=False) | None = None
    email: Email | None = None
    department: DepartmentCode | None = None
    roles: Annotated[list[RoleGrant], Field(max_length=100)] = []


class PersonEdit(Body):
    display_name: text(100, required=False) | None = None
    email: Email | None = None
    department: DepartmentCode | None = None
    active: bool | None = None
