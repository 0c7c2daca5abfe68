"""Annual report pages: the list, drafting one for a year, the report page (edit while a draft,
issue with a confirm step) and its Word document.

The office, the general convener and the convener of the joint meeting read the reports
(drafts too: the leaders review the draft before the office issues it); others get 403, and
another joint meeting's report is not found (404). Only the office drafts, edits and issues.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.permissions import roles_required, signed_in
from meeting.charter.models import Charter
from meeting.downloads import attachment
from meeting.errors import InvalidInput
from meeting.extensions import db
from meeting.history import history_of
from meeting.meetings.minutes import DOCX
from meeting.pages import attempt
from meeting.reports.document import docx_bytes, filename_of, title_of
from meeting.reports.models import AnnualReport
from meeting.reports.operations import (
    FIRST_YEAR,
    READERS,
    SUBJECT,
    create_report,
    edit_report,
    existing_report,
    issue_report,
    may_read,
)
from meeting.scope import follow
from meeting.tasks.deadlines import county_today
from workflows.i18n import N_
from workflows.roles import OFFICE

bp = Blueprint("reports", __name__, url_prefix="/reports")

LABELS = {"text": N_("Report text"), "confirm": N_("Confirmation"), "year": N_("Year")}


@bp.get("/")
@signed_in
def index():
    charter = Charter.current()
    if charter is None or current_user.role not in READERS:
        abort(403)
    reports = db.session.scalars(
        select(AnnualReport)
        .where(AnnualReport.charter_id == charter.id)
        .order_by(AnnualReport.year.desc())
    ).all()
    this_year = county_today().year
    return render_template("reports/index.html", reports=reports, title_of=title_of,
                           default_year=this_year - 1, first_year=FIRST_YEAR,
                           last_year=this_year)  # fmt: skip


@bp.post("/")
@roles_required(OFFICE)
def create():
    year = request.form.get("year", "")
    charter = Charter.current()
    existing = existing_report(charter.id, year) if charter else None
    if existing is not None:
        flash(_("The report for %(year)d exists already.", year=existing.year), "info")
        return redirect(url_for("reports.show", annual_report_id=existing.id))
    made = []
    if attempt(lambda: made.append(create_report(current_user, year)), labels=LABELS):
        return redirect(url_for("reports.index"))
    flash(_("Draft generated from the year's records. Edit it, then issue it."), "success")
    return redirect(url_for("reports.show", annual_report_id=made[0].id))


@bp.get("/<int:annual_report_id>")
@signed_in
def show(annual_report_id: int, status: int = 200, unsaved: str | None = None):
    report = _report_or_404(annual_report_id)
    return render_template("reports/show.html", report=report, title=title_of(report),
                           history=history_of(SUBJECT, report.id), unsaved=unsaved), status  # fmt: skip


@bp.post("/<int:annual_report_id>/edit")
@signed_in
def edit(annual_report_id: int):
    report = _report_or_404(annual_report_id)
    text, version = request.form.get("text"), request.form.get("version")
    refusal = attempt(lambda: edit_report(report, current_user, text, version), labels=LABELS)
    if refusal:
        # The page shows the record as it is now; what was typed is kept beside it, not lost.
        typed = text if isinstance(text, str) and text.strip() != report.text else None
        return show(annual_report_id, status=refusal.status, unsaved=typed)
    flash(_("Report saved."), "success")
    return redirect(url_for("reports.show", annual_report_id=annual_report_id))


@bp.post("/<int:annual_report_id>/issue")
@signed_in
def issue(annual_report_id: int):
    report = _report_or_404(annual_report_id)
    version = request.form.get("version")

    def confirmed_issue():
        if current_user.role == OFFICE and request.form.get("confirm") != "yes":
            raise InvalidInput({"confirm": _("Tick the box to confirm: issuing cannot be undone.")})
        issue_report(report, current_user, version if version is not None else "")

    refusal = attempt(confirmed_issue, labels=LABELS)
    if refusal:
        return show(annual_report_id, status=refusal.status)
    flash(_("Report issued; the conveners have been told."), "success")
    return redirect(url_for("reports.show", annual_report_id=annual_report_id))


@bp.get("/<int:annual_report_id>.docx")
@signed_in
def document(annual_report_id: int):
    report = _report_or_404(annual_report_id)
    filename, fallback = filename_of(report)
    return attachment(docx_bytes(report), filename, fallback, DOCX)


def _report_or_404(annual_report_id: int) -> AnnualReport:
    report = db.session.get(AnnualReport, annual_report_id)
    if report is None:
        abort(404)
    follow(report)
    if not may_read(report, current_user):
        abort(403)
    return report
