"""Analytics pages: the charter accountability matrix, the unit assessment (with its Excel
export) and where items and tasks stall, each of the current joint meeting, for its office,
conveners and observers (others: 403)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.permissions import signed_in
from meeting.analytics import may_read
from meeting.analytics.assessment import MEASURES, assessment
from meeting.analytics.export import assessment_xlsx, title_of
from meeting.analytics.matrix import charter_matrix
from meeting.analytics.stalls import snapshot
from meeting.charter.models import Charter, Unit
from meeting.downloads import attachment
from meeting.extensions import db
from meeting.tasks.deadlines import county_today
from meeting.timeutil import utcnow
from workflows import agenda_item
from workflows import task as task_workflow

bp = Blueprint("analytics", __name__, url_prefix="/analytics")
FIRST_YEAR = 2000


def _charter_or_403() -> Charter:
    charter = Charter.current()
    if not may_read(current_user, charter):
        abort(403)
    return charter


@bp.get("/")
@signed_in
def index():
    _charter_or_403()
    return redirect(url_for("analytics.matrix"))


@bp.get("/matrix")
@signed_in
def matrix():
    """Member units × their charter duties: items proposed, tasks led and shared."""
    charter = _charter_or_403()
    return render_template("analytics/matrix.html", matrix=charter_matrix(charter))


@bp.get("/assessment")
@signed_in
def assessment_page():
    """The unit assessment 考评 of a year, ranked by the charter's weights."""
    charter = _charter_or_403()
    result = assessment(charter, _year(), county_today(), utcnow())
    return render_template("analytics/assessment.html", assessment=result, measures=MEASURES,
                           years=range(county_today().year + 1, FIRST_YEAR - 1, -1))  # fmt: skip


@bp.get("/assessment.xlsx")
@signed_in
def assessment_export():
    """The assessment as a print-ready Excel workbook for the assessment body."""
    charter = _charter_or_403()
    result = assessment(charter, _year(), county_today(), utcnow())
    return attachment(
        assessment_xlsx(result),
        f"{title_of(result)}.xlsx",
        f"assessment-{charter.code}-{result.year}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.get("/stalls")
@signed_in
def stalls_page():
    """Days in each state of the item and task workflows: median and 90th percentile."""
    charter = _charter_or_403()
    # First: computing them may end the transaction so far (its objects are read again).
    figures = snapshot(charter, utcnow())  # as kept, up to STALLS_MAX_AGE_SECONDS old
    units = {
        unit.id: unit
        for unit in db.session.scalars(
            select(Unit).where(Unit.charter_id == charter.id).order_by(Unit.position)
        )
    }
    workflows = [
        (figures["item"], agenda_item.STATES, _("Agenda items"), _("By the proposing unit")),
        (figures["task"], task_workflow.STATES, _("Tasks"), _("By the lead unit")),
    ]
    return render_template("analytics/stalls.html", charter=charter, workflows=workflows,
                           units=units, computed_at=figures["item"].computed_at)  # fmt: skip


def _year() -> int:
    """The year asked for (`?year=`), else this one; a bad one is said and replaced."""
    this_year = county_today().year
    given = request.args.get("year", "")
    if given == "":
        return this_year
    if given.isdigit() and FIRST_YEAR <= int(given) <= this_year + 1:
        return int(given)
    flash(_("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=this_year + 1),
          "warning")  # fmt: skip
    return this_year
