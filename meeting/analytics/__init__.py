"""Analytics 统计分析: where the charter is acted on (the accountability matrix), how the member
units are doing (the assessment 考评 of a year), and where items and tasks stall.

Every figure is a database aggregate over the joint meeting's rows, a fixed number of queries
whatever the data; `meeting.scope` keeps every query inside the caller's joint meetings.
"""

from meeting.accounts.models import User
from meeting.charter.models import Charter
from workflows.roles import CONVENER, GENERAL_CONVENER, OBSERVER, OFFICE

# Who reads a joint meeting's analytics: the office, its conveners and its observers. A liaison
# does not: the figures span every unit's tasks, which a liaison sees only of their own unit.
READERS = frozenset({OFFICE, GENERAL_CONVENER, CONVENER, OBSERVER})


def may_read(user: User, charter: Charter | None) -> bool:
    """Whether USER reads CHARTER's analytics (acting in it from here on)."""
    if charter is None:
        return False
    return user.acting_in(charter.id).role in READERS
