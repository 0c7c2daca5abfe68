"""GET /api/v1/stats (API.md v1.1): one joint meeting's dashboard figures, the same functions
the workbench draws (meeting.workbench.figures).

One object, so a joint meeting the caller holds no role in (or no joint meeting of that code)
is not found: 404, as for any object they may not see. The administrator, who sees every
joint meeting but holds a role in none, is refused (403): the figures are a role's.
"""

from typing import Annotated

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from meeting.api import bp
from meeting.api.contract import operation
from meeting.contract import resources
from meeting.contract.types import text
from meeting.errors import Forbidden
from meeting.scope import joint_meeting_asked
from meeting.tasks.deadlines import county_today
from meeting.workbench.figures import stats as figures_of


class StatsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    joint_meeting: text(64) | None = Field(
        None, description="The joint meeting (its code); without it, the caller's current one"
    )
    year: Annotated[int, Field(ge=2000, le=2999)] | None = Field(
        None,
        description="The plenary of this year (default: this year); given, items are those "
        "created in it and tasks those assigned in it, as the ledger's `year`",
    )


@bp.get("/stats")
@operation(
    "Dashboard figures of a joint meeting: items by state, tasks by lead unit, the "
    "year's plenary (as the caller may see them: a liaison counts their unit's tasks)",
    query=StatsQuery,
    returns={200: resources.Stats},
    errors=(401, 403, 404, 422),
)
def stats(args: StatsQuery):
    charter = joint_meeting_asked(args.joint_meeting)
    if current_user.seat_in(charter.id) is None:
        raise Forbidden(_("Your role or unit may not do this."))
    current_user.acting_in(charter.id)
    today = county_today()
    figures = figures_of(current_user, charter.id, today, args.year)
    return resources.Stats(joint_meeting=charter.code, year=args.year or today.year, **figures)
