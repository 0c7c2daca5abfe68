"""Query strings of the API's lists: filters, sorting and paging."""

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from meeting.contract.types import MAX_INT, UnitCode, text
from meeting.items import queries as item_queries
from meeting.tasks import ledger
from workflows import agenda_item, task
from workflows import meeting as meeting_workflow

MAX_PER_PAGE = 200


def _split(value):
    """`?state=a&state=b` and `?state=a,b` both name two states."""
    if isinstance(value, list):
        return [part for entry in value for part in str(entry).split(",") if part]
    return value


class Query(BaseModel):
    """A query string; parameters it does not know are ignored, as browsers add their own."""

    model_config = ConfigDict(extra="ignore")
    # A code the caller holds no role in narrows to nothing, as an unknown one does.
    joint_meeting: text(64) | None = Field(
        None, description="Narrow to one joint meeting (its code); without it, all the caller's"
    )
    page: Annotated[int, Field(ge=1, le=MAX_INT)] = 1
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] = 50


ITEM_SORTS = tuple(item_queries.SORTS)
TASK_SORTS = tuple(ledger.SORTS)


class ItemQuery(Query):
    state: Annotated[list[Literal[tuple(agenda_item.STATES)]], BeforeValidator(_split)] = []
    unit: UnitCode | None = None
    q: text(200, required=False) | None = None
    duty: text(20) | None = Field(None, description="Items citing this charter duty (四(九))")
    sort: Literal[ITEM_SORTS] = "updated"


class MeetingQuery(Query):
    kind: Literal[tuple(meeting_workflow.KINDS)] | None = None
    state: Literal[tuple(meeting_workflow.STATES)] | None = None
    when: Literal["upcoming", "past"] | None = None


class TaskQuery(Query):
    """The ledger's filters (督办台账)."""

    unit: UnitCode | None = Field(None, description="Lead or responsible unit")
    unit_as: Literal["lead", "responsible"] | None = Field(
        None, description="With unit: only the tasks it leads, or only those it shares"
    )
    duty: text(20) | None = Field(None, description="Tasks of items citing this charter duty")
    state: Literal[tuple(task.STATES)] | None = None
    warning: Literal[tuple(task.WARNINGS)] | None = None
    overdue: bool = False
    extension_pending: bool = Field(
        False, description="Only tasks with an extension request waiting for the office's answer"
    )
    open: bool = Field(False, description="Only tasks not yet done")
    due_within: Annotated[int, Field(ge=0, le=3650)] | None = None
    meeting: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    year: Annotated[int, Field(ge=2000, le=2999)] | None = None
    sort: Literal[TASK_SORTS] = "deadline"


class NotificationQuery(Query):
    unread: bool = False
