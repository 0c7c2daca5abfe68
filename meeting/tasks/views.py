"""Task pages: assigning, the task page, the ledger and its Excel export, bulletins."""

import mimetypes
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.permissions import roles_required, signed_in
from meeting.charter.models import Charter
from meeting.charter.rules import rules
from meeting.contract import parse
from meeting.contract.queries import TaskQuery
from meeting.downloads import attachment, fallback_name
from meeting.errors import InvalidInput, WorkflowError
from meeting.extensions import db
from meeting.history import history_of
from meeting.items.models import Item
from meeting.items.operations import can_view
from meeting.pages import attempt, describe, page_of
from meeting.scope import current_charter_id, follow, several_joint_meetings
from meeting.tasks import bulletins as bulletin_ops
from meeting.tasks.deadlines import county_today
from meeting.tasks.export import ledger_xlsx
from meeting.tasks.ledger import exported_tasks, ledger_query
from meeting.tasks.models import Bulletin, ProgressReport, Task
from meeting.tasks.operations import (
    UPLOAD_FOLDER,
    assign_task,
    available_events,
    fire_task_event,
    is_lead,
    is_overdue,
    warning_of,
)
from meeting.tasks.parts import parts_of
from meeting.tasks.queries import visible_task
from meeting.tasks.rhythm import (
    default_rhythm,
    missed_reports,
    rhythm_from_form,
    rhythm_label,
    status_of,
)
from meeting.uploads import upload_folder
from workflows import task as workflow
from workflows.roles import LIAISON, OFFICE

bp = Blueprint("tasks", __name__)


@bp.route("/items/<int:item_id>/tasks/new", methods=["GET", "POST"])
@roles_required(OFFICE)
def assign(item_id: int):
    item = db.session.get(Item, item_id)
    if item is None or not can_view(item, current_user):
        abort(404)
    follow(item)
    errors, status = {}, 200
    if request.method == "POST":
        # Whichever of the deadline and the working days is filled counts; both or neither is
        # refused by assign_task, which says so on both fields.
        data = {
            "lead_unit": request.form.get("lead_unit"),
            "responsible_units": request.form.getlist("responsible_units"),
            "title": request.form.get("title", ""),
            "description": request.form.get("description", ""),
            "deadline": request.form.get("deadline"),
            "working_days": request.form.get("working_days"),
            "report_rhythm": rhythm_from_form(request.form),
        }
        try:
            task = assign_task(item, current_user, data, require_title=True)
        except InvalidInput as error:
            db.session.rollback()
            errors, status = error.fields, 422
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "warning")
            return redirect(url_for("items.show", item_id=item_id))
        else:
            flash(_("Task assigned."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/assign.html", item=item, units=item.charter.active_units,
                           errors=errors, form=request.form,
                           default_rhythm=default_rhythm(rules(item.charter_id)),
                           rhythm_label=rhythm_label), status  # fmt: skip


@bp.get("/tasks/<int:task_id>")
@signed_in
def show(task_id: int, status: int = 200, errors: dict | None = None, posted: str | None = None):
    """The task page; after a refused event (POSTED), its form keeps what was typed."""
    task = _visible_or_404(task_id)
    events = [workflow.EVENTS[e] for e in available_events(task, current_user)]
    completion = [r for r in task.reports if r.kind == "completion"]
    return render_template(
        "tasks/show.html",
        task=task,
        # Changing the units is kept apart from the rest (its own card, below the reports).
        events=[e for e in events if e.name != "adjust_units"],
        units_event=next((e for e in events if e.name == "adjust_units"), None),
        event_label=lambda name: workflow.event_label(name, is_lead(task, current_user)),
        parts=parts_of(task),
        completion_report=completion[-1] if completion else None,
        report_kinds=workflow.REPORT_KINDS,
        part_label=workflow.PART_LABEL,
        posted=posted,
        typed=request.form if posted else {},
        history=history_of("task", task.id),
        warning=warning_of(task),
        overdue=is_overdue(task),
        rhythm=status_of(task, county_today()),
        rhythm_label=rhythm_label,
        units=task.item.charter.active_units,
        errors=errors or {},
    ), status


@bp.post("/tasks/<int:task_id>/events/<event>")
@signed_in
def fire(task_id: int, event: str):
    task = _visible_or_404(task_id)
    data = {key: value for key, value in request.form.items() if key not in ("csrf_token", "back")}
    if event == "adjust_units":
        data["responsible_units"] = request.form.getlist("responsible_units")
    if event == "change_rhythm":
        data["report_rhythm"] = rhythm_from_form(request.form)
    refusal = attempt(
        lambda: fire_task_event(task, event, current_user, data, request.files.get("file"))
    )
    if refusal:
        return show(task_id, status=refusal.status, errors=refusal.fields, posted=event)
    label = workflow.event_label(event, is_lead(task, current_user))
    flash(_("Done: %(event)s.", event=_(label)), "success")
    if request.form.get("back") == "ledger":
        return redirect(request.referrer or url_for("tasks.ledger"))
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.get("/tasks/<int:task_id>/reports/<int:report_id>/file")
@signed_in
def report_file(task_id: int, report_id: int):
    task = _visible_or_404(task_id)
    report = db.session.get(ProgressReport, report_id)
    if report is None or report.task_id != task.id or not report.stored_name:
        abort(404)
    return attachment(
        (upload_folder(UPLOAD_FOLDER) / report.stored_name).open("rb"),
        report.filename,
        fallback_name(report.filename, f"report-{report.id}"),
        mimetypes.guess_type(report.filename)[0] or "application/octet-stream",
    )


@bp.get("/tasks/")
@signed_in
def ledger():
    """督办台账: every task (a liaison: their unit's), filtered, sorted and paged."""
    filters = _page_filters()
    today = county_today()
    query = ledger_query(filters, today, rules(), current_user)
    page = page_of(query, 20)
    return render_template("tasks/ledger.html", page=page, filters=filters, today=today,
                           units=Charter.current().active_units, warning_of=warning_of,
                           missed_reports=missed_reports,
                           task_events=available_events,
                           heading=_("My unit's tasks") if current_user.role == LIAISON else _("Supervision ledger"))  # fmt: skip


@bp.get("/tasks/export.xlsx")
@signed_in
def export():
    """The ledger with the same filters, as an Excel workbook."""
    filters = _page_filters()
    today = county_today()
    tasks = exported_tasks(filters, today, rules(), current_user)
    return attachment(
        ledger_xlsx(tasks, today, title=_ledger_title(filters)),
        f"督办台账-{today.isoformat()}.xlsx",
        f"ledger-{today.isoformat()}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _ledger_title(filters: TaskQuery) -> str:
    """The printed ledger's title: its joint meeting's name, when it is one joint meeting's."""
    charter = None
    if filters.joint_meeting:
        charter = db.session.scalar(select(Charter).where(Charter.code == filters.joint_meeting))
    elif not several_joint_meetings():
        charter = Charter.current()
    return f"{charter.name}督办台账" if charter else "督办台账"


@bp.get("/bulletins/")
@signed_in
def bulletins():
    rows = db.session.scalars(
        select(Bulletin)
        .where(Bulletin.charter_id == current_charter_id())
        .order_by(Bulletin.id.desc())
    ).all()
    visible = [b for b in rows if b.published_at or current_user.role == OFFICE]
    today = county_today()
    return render_template("tasks/bulletins.html", bulletins=visible, name=bulletin_ops.bulletin_name,
                           default_start=today.replace(day=1), default_end=today)  # fmt: skip


@bp.post("/bulletins/")
@roles_required(OFFICE)
def new_bulletin():
    try:
        start = date.fromisoformat(request.form.get("period_start", ""))
        end = date.fromisoformat(request.form.get("period_end", ""))
        bulletin = bulletin_ops.create_bulletin(current_user, start, end)
    except (ValueError, InvalidInput):
        db.session.rollback()
        flash(_("Give a period: a start date not after the end date."), "danger")
        return redirect(url_for("tasks.bulletins"))
    return redirect(url_for("tasks.bulletin", bulletin_id=bulletin.id))


@bp.get("/bulletins/<int:bulletin_id>")
@signed_in
def bulletin(bulletin_id: int):
    item = _bulletin_or_404(bulletin_id)
    return render_template(
        "tasks/bulletin.html", bulletin=item, name=bulletin_ops.bulletin_name(item)
    )


@bp.post("/bulletins/<int:bulletin_id>/publish")
@roles_required(OFFICE)
def publish_bulletin(bulletin_id: int):
    item = _bulletin_or_404(bulletin_id)
    try:
        bulletin_ops.publish_bulletin(item, current_user)
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        flash(_("Bulletin published to every unit."), "success")
    return redirect(url_for("tasks.bulletin", bulletin_id=bulletin_id))


@bp.get("/bulletins/<int:bulletin_id>.docx")
@signed_in
def bulletin_docx(bulletin_id: int):
    item = _bulletin_or_404(bulletin_id)
    if item.number is None:
        fallback = f"bulletin-draft-{item.id}.docx"
    else:
        fallback = f"bulletin-{item.year}-{item.number}.docx"
    return attachment(
        bulletin_ops.docx_bytes(item),
        f"工作进展通报-{bulletin_ops.bulletin_name(item)}.docx",
        fallback,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    item = db.session.get(Bulletin, bulletin_id)
    if item is not None:
        follow(item)
    if item is None or (item.published_at is None and current_user.role != OFFICE):
        abort(404)
    return item


def _visible_or_404(task_id: int) -> Task:
    task = visible_task(task_id, current_user) or abort(404)
    follow(task)
    return task


def _page_filters() -> TaskQuery:
    """The ledger page works in the current joint meeting; a liaison's spans all of theirs
    (their department's tasks everywhere, each row labelled)."""
    filters = _filters_or_defaults()
    if current_user.role != LIAISON and not filters.joint_meeting:
        current = Charter.current()
        filters = filters.model_copy(update={"joint_meeting": current.code if current else None})
    return filters


def _filters_or_defaults() -> TaskQuery:
    """The ledger's filters from the query string, as the API reads them; bad ones are said and
    dropped."""
    try:
        return parse(TaskQuery, request.args.to_dict())
    except InvalidInput as error:
        flash(describe(error.fields), "warning")
        return TaskQuery()
