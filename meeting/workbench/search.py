"""Search 搜索: items, meetings, tasks and minutes the person may see, by words they contain.

meeting.scope keeps out the joint meetings the person holds no role in; within theirs, each
kind keeps its own rule: items as `items.queries.visible_items` (no other unit's drafts),
tasks as `tasks.queries.visible_to` (a liaison: their unit's), minutes as
`meetings.minutes.can_read_minutes` (drafts only for those who run meetings).
"""

from dataclasses import dataclass

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.extensions import db
from meeting.items.models import Item
from meeting.items.queries import visible_items
from meeting.meetings.models import Meeting
from meeting.pagination import narrow_count
from meeting.tasks.models import Task
from meeting.tasks.queries import visible_to
from workflows.meeting import may_read_draft_minutes

KINDS = ("items", "meetings", "tasks", "minutes")
MAX_QUERY = 200  # characters of a search; more is cut
COUNT_CAP = 100  # results of a kind counted at most: people page a little, then search better
CONTEXT = 40  # characters shown either side of a match


def pattern(words: str) -> str:
    """WORDS as a LIKE pattern matching them anywhere, wildcards taken literally."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, words: str):
    return column.ilike(pattern(words), escape="\\")


def readable_minutes(user: User):
    """The meetings whose minutes USER may read, as SQL (`can_read_minutes`): published ones,
    and drafts in the joint meetings where USER runs meetings."""
    drafts = [seat.charter_id for seat in user.seats if may_read_draft_minutes(seat.role)]
    return or_(
        Meeting.state == "minutes_published",
        Meeting.charter_id.in_(drafts) if drafts else false(),
    )


def queries(user: User, words: str) -> dict[str, Select]:
    """The query of each kind of result for WORDS, as USER may see them."""
    return {
        "items": visible_items(user)
        .where(or_(contains(Item.title, words), contains(Item.proposal, words)))
        .options(selectinload(Item.unit))
        .order_by(Item.updated_at.desc(), Item.id.desc()),
        "meetings": select(Meeting)
        .where(or_(contains(Meeting.title, words), contains(Meeting.location, words)))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()),
        "tasks": select(Task)
        .where(
            visible_to(user), or_(contains(Task.title, words), contains(Task.description, words))
        )
        .options(selectinload(Task.lead_unit))
        .order_by(Task.deadline.desc(), Task.id.desc()),
        "minutes": select(Meeting)
        .where(
            Meeting.minutes_text.is_not(None),
            readable_minutes(user),
            contains(Meeting.minutes_text, words),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()),
    }


def counts(found: dict[str, Select]) -> dict[str, int]:
    """How many results of each kind, up to `COUNT_CAP` + 1 (a tab then says 「100+」): each
    count stops once it has found that many, where an exact one would read every row."""
    return {kind: narrow_count(query, COUNT_CAP + 1) for kind, query in found.items()}


@dataclass(frozen=True)
class ResultPage:
    """One page of a kind's results: no total, only whether another page follows."""

    rows: list
    number: int  # from 1
    per_page: int
    more: bool


def result_page(query: Select, number: int, per_page: int, count: int) -> ResultPage:
    """Page NUMBER of QUERY's results, in its order (newest first): the page's rows and one
    more, to know whether another page follows. Walking the order's index, the database
    stops once it has them, rather than reading every row that contains the words. COUNT
    (from `counts`) 0: nothing to look for; words found nowhere are read through only once."""
    if not count:
        return ResultPage([], number, per_page, more=False)
    rows = db.session.scalars(query.offset((number - 1) * per_page).limit(per_page + 1)).all()
    return ResultPage(rows[:per_page], number, per_page, more=len(rows) > per_page)


@dataclass(frozen=True)
class Snippet:
    before: str
    match: str
    after: str


def snippet(text: str | None, words: str) -> Snippet | None:
    """The part of TEXT around the first match of WORDS (None when it does not contain them)."""
    if not text or not words:
        return None
    text = " ".join(text.split())
    at = text.lower().find(words.lower())
    if at < 0:
        return None
    start, end = max(0, at - CONTEXT), min(len(text), at + len(words) + CONTEXT)
    before = ("…" if start else "") + text[start:at]
    after = text[at + len(words) : end] + ("…" if end < len(text) else "")
    return Snippet(before, text[at : at + len(words)], after)
