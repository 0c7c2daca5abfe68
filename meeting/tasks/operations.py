"""Everything that changes a task goes through here, for pages and API alike.

Check who, the state, the version and the fields; change; bump the version; write one history
row; send the signal (`meeting.signals`: who is told is in `notifications`); flush. The item
follows its tasks in the same transaction: the first task starts its implementation, the last
confirmation closes it.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from meeting import signals
from meeting.accounts.models import User
from meeting.charter.loader import unit_by_code
from meeting.charter.models import Unit
from meeting.charter.rules import rules
from meeting.contract import bodies, parse
from meeting.errors import Forbidden, InvalidInput, InvalidTransition, UnknownEvent
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.items.operations import fire_event as fire_item_event
from meeting.tasks.deadlines import add_working_days, county_today, days_left
from meeting.tasks.models import ProgressReport, Task
from meeting.tasks.rhythm import (
    default_rhythm,
    given_rhythm,
    rhythm_json,
    set_rhythm,
    status_of,
)
from meeting.tasks.titles import title_from
from meeting.timeutil import utcnow
from meeting.uploads import read_upload
from meeting.versioning import check_version, save_change
from workflows import agenda_item
from workflows import task as workflow
from workflows.rhythm import Rhythm
from workflows.roles import LIAISON, OFFICE


def is_lead(task: Task, user: User) -> bool:
    user.acting_in(task.charter_id)
    return user.role == LIAISON and user.unit_id == task.lead_unit_id


def is_responsible(task: Task, user: User) -> bool:
    user.acting_in(task.charter_id)
    return user.role == LIAISON and user.unit_id in {u.id for u in task.responsible_units}


def available_events(task: Task, user: User) -> list[str]:
    user.acting_in(task.charter_id)
    return workflow.available_events(
        task.state, user.role == OFFICE, is_lead(task, user), is_responsible(task, user),
        task.extension_date is not None,
    )  # fmt: skip


def warning_of(task: Task, today: date | None = None) -> str:
    """TASK's warning band as of TODAY, by the charter's rules."""
    left = days_left(task.deadline, task.state == "done", today or county_today())
    return workflow.WarningBands.from_rules(rules(task.charter_id)).for_days_left(left)


def is_overdue(task: Task, today: date | None = None) -> bool:
    return task.state != "done" and task.deadline < (today or county_today())


def can_assign(item: Item, user: User) -> bool:
    user.acting_in(item.charter_id)
    return workflow.may_assign(user.role, item.state)


def assign_task(item: Item, user: User, data: dict, require_title: bool = False) -> Task:
    """The office assigns a task of an adopted (or implementing) item.

    Its title is required on the page (REQUIRE_TITLE); API clients of before titles send none
    and the task takes its description's first line."""
    user.acting_in(item.charter_id)
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office assigns tasks."))
    if item.state not in workflow.ITEM_STATES_FOR_TASKS:
        raise InvalidTransition(
            _("Only an adopted item is carried out by tasks."),
            state=item.state,
            available_events=[],
        )
    no_title = {"title": _("Give the task a short title.")}
    try:
        given = parse(bodies.TaskAssignment, data)
    except InvalidInput as error:
        if require_title and not str(data.get("title") or "").strip():
            error.fields = {**no_title, **error.fields}
        if not data.get("lead_unit"):  # the page's 请选择: nothing chosen
            error.fields["lead_unit"] = _("Choose the lead unit.")
        raise
    if require_title and given.title is None:
        raise InvalidInput(no_title)
    lead, responsible = _units(item.charter_id, given.lead_unit, given.responsible_units)
    description, working_days = given.description, given.working_days
    title = given.title or title_from(description)
    today = county_today()
    deadline = _deadline(given.deadline, working_days, today)
    if given.report_rhythm is not None:
        rhythm = given_rhythm(given.report_rhythm, today)
    else:
        rhythm = default_rhythm(rules(item.charter_id))
    now = utcnow()
    task = Task(
        charter_id=item.charter_id, item=item, lead_unit=lead, responsible_units=responsible,
        title=title, description=description,
        deadline=deadline, original_deadline=deadline, working_days=working_days,
        assigned_by=user, assigned_at=now, updated_at=now, version=1,
    )  # fmt: skip
    set_rhythm(task, rhythm, today)
    db.session.add(task)
    db.session.flush()
    record("task", task.id, "assign", None, "assigned", user, {
        "lead_unit": lead.code, "responsible_units": [u.code for u in responsible],
        "deadline": deadline.isoformat(), "working_days": working_days, "title": title,
        "description": description,
        "report_rhythm": rhythm.as_dict() if rhythm else None,
    }, charter_id=item.charter_id)  # fmt: skip
    if item.state == "adopted":
        fire_item_event(item, "start_implementation", None, {"version": item.version},
                        via=agenda_item.BY_SYSTEM)  # fmt: skip
    signals.task_assigned.send(task, units=[lead, *responsible], user=user)
    return task


def _deadline(given: date | None, working_days: int | None, today: date) -> date:
    """The deadline of exactly one of a date GIVEN and a number of WORKING_DAYS from TODAY."""
    if working_days is not None and given is not None:
        both = _("Give either a deadline or a number of working days, not both.")
        raise InvalidInput({"deadline": both, "working_days": both})
    if working_days is not None:
        return add_working_days(today, working_days)
    if given is None:
        raise InvalidInput({"deadline": _("Give a deadline, or a number of working days.")})
    if given < today:
        raise InvalidInput({"deadline": _("The deadline is in the past.")})
    return given


REPORTING_EVENTS = ("report_progress", "request_completion")
UPLOAD_FOLDER = "tasks"


def fire_task_event(task: Task, name: str, user: User, data: dict,
                    upload: FileStorage | None = None) -> Task:  # fmt: skip
    """Fire event NAME on TASK as USER with DATA's fields and DATA["version"].

    A progress or completion report may come with UPLOAD, a file kept with the report.
    """
    event = workflow.EVENTS.get(name)
    if event is None:
        raise UnknownEvent(_("There is no event %(name)s.", name=name))
    user.acting_in(task.charter_id)
    if not workflow.may_fire(
        event, user.role == OFFICE, is_lead(task, user), is_responsible(task, user)
    ):
        raise Forbidden(_("Your role or unit may not do this."))
    pending = task.extension_date is not None
    if task.state not in event.sources or not workflow.extension_allows(name, pending):
        raise InvalidTransition(
            _("This cannot be done while the task is %(state)s.", state=_(workflow.STATES[task.state])),
            state=task.state, available_events=available_events(task, user),
        )  # fmt: skip
    check_version(task, data.get("version"))
    fields = _fields(event, task, data)
    file = read_upload(upload) if upload and upload.filename and name in REPORTING_EVENTS else None
    if file:
        fields["_file"] = file

    from_state = task.state
    workflow.fire(task, name)
    EFFECTS.get(name, lambda *args: None)(task, user, fields)
    _bump(task, name, from_state, user, fields)
    if file:
        file.store(UPLOAD_FOLDER)
    signals.task_event_fired.send(task, event=name, fields=fields, user=user)
    if name == "confirm":
        _close_item_when_all_done(task.item)
    return task


def _on_report(task: Task, user: User, fields: dict, kind: str | None = None) -> None:
    """A progress report: the whole task's by the lead unit, a responsible unit's part by one of
    those (workflows.task.report_kind); or the completion report (KIND)."""
    text = fields["report"] if kind == "completion" else fields["text"]
    kind = kind or workflow.report_kind(is_lead(task, user))
    if kind == "part":
        fields["part"] = True  # history tells a part from a report for the whole
    file = fields.pop("_file", None)
    report = ProgressReport(task=task, unit_id=user.unit_id, author=user, kind=kind, text=text,
                            created_at=utcnow())  # fmt: skip
    if file:
        report.filename, report.stored_name = file.name, file.stored_name
        fields["file"] = file.name
    db.session.add(report)


def _on_request_completion(task: Task, user: User, fields: dict) -> None:
    _on_report(task, user, fields, kind="completion")


def _on_confirm(task: Task, user: User, fields: dict) -> None:
    task.completed_at = utcnow()


def _on_adjust(task: Task, user: User, fields: dict) -> None:
    before = {task.lead_unit, *task.responsible_units}
    lead, responsible = fields.pop("_lead"), fields.pop("_responsible")
    fields["before"] = {"lead_unit": task.lead_unit.code,
                        "responsible_units": [u.code for u in task.responsible_units]}  # fmt: skip
    task.lead_unit, task.responsible_units = lead, responsible
    after = {lead, *responsible}
    # Only here is it known who was on the task before: the units put on and taken off.
    signals.task_assigned.send(task, units=[u for u in after if u not in before], user=user)
    signals.task_released.send(
        task, units=[u for u in before if u not in after], reason=fields["reason"], user=user
    )


def _on_change_rhythm(task: Task, user: User, fields: dict) -> None:
    """二(三), 三(三): the new rhythm starts today; the periods the old one closed unreported
    stay counted (`rhythm_missed_before`)."""
    today = county_today()
    status = status_of(task, today)
    missed = len(status.missed) if status else 0
    fields.update(rhythm_before=rhythm_json(task), missed_before=missed)
    task.rhythm_missed_before += missed
    set_rhythm(task, Rhythm.from_dict(fields["report_rhythm"]), today)


def _on_request_extension(task: Task, user: User, fields: dict) -> None:
    task.extension_date = date.fromisoformat(fields["new_deadline"])
    task.extension_reason = fields["reason"]


def _on_grant_extension(task: Task, user: User, fields: dict) -> None:
    """The date asked for, or another the office gives (after the current deadline, as
    `_fields` checked); history keeps both."""
    granted = date.fromisoformat(fields["new_deadline"]) if fields.get("new_deadline") else None
    granted = granted or task.extension_date
    fields.update(old_deadline=task.deadline.isoformat(), asked_for=task.extension_date.isoformat(),
                  new_deadline=granted.isoformat())  # fmt: skip
    task.deadline = granted
    task.extension_date = task.extension_reason = None


def _on_refuse_extension(task: Task, user: User, fields: dict) -> None:
    fields["asked_for"] = task.extension_date.isoformat()
    task.extension_date = task.extension_reason = None


EFFECTS = {
    "report_progress": _on_report,
    "request_completion": _on_request_completion,
    "confirm": _on_confirm,
    "adjust_units": _on_adjust,
    "change_rhythm": _on_change_rhythm,
    "request_extension": _on_request_extension,
    "grant_extension": _on_grant_extension,
    "refuse_extension": _on_refuse_extension,
}


def _close_item_when_all_done(item: Item) -> None:
    """五(四): the item is closed in the same transaction as its last task's confirmation."""
    states = db.session.scalars(select(Task.state).where(Task.item_id == item.id)).all()
    if workflow.item_done(states) and item.state == "implementing":
        fire_item_event(item, "close", None, {"version": item.version}, via=agenda_item.BY_SYSTEM)


def _bump(task: Task, event: str, from_state: str, user: User, fields: dict) -> None:
    save_change("task", task, event, from_state, user, fields)


def _fields(event: workflow.Event, task: Task, data: dict) -> dict:
    """The fields EVENT carries, parsed by its body (bodies.TASK_EVENT_BODIES)."""
    given = parse(bodies.TASK_EVENT_BODIES[event.name], data)
    fields = given.model_dump(include={*event.carries, *event.optional})
    if fields.get("new_deadline") is not None:
        if fields["new_deadline"] <= task.deadline:
            raise InvalidInput({"new_deadline": _(
                "Must be later than the current deadline (%(d)s).", d=task.deadline.isoformat()
            )})  # fmt: skip
        fields["new_deadline"] = fields["new_deadline"].isoformat()
    if "report_rhythm" in fields:
        fields["report_rhythm"] = given_rhythm(given.report_rhythm, county_today()).as_dict()
    if event.name == "adjust_units":
        lead, responsible = _units(task.charter_id, given.lead_unit, given.responsible_units)
        fields.update(_lead=lead, _responsible=responsible, lead_unit=lead.code,
                      responsible_units=[u.code for u in responsible])  # fmt: skip
    return fields


def _units(charter_id: int, lead_code: str, codes: list[str]) -> tuple[Unit, list[Unit]]:
    """The lead unit and the responsible units (without the lead) of their codes, member
    units of joint meeting CHARTER_ID."""
    errors = {}
    lead = unit_by_code(lead_code, charter_id)
    if lead is None:
        errors["lead_unit"] = _("Choose the lead unit by its code.")
    responsible = [unit_by_code(code, charter_id) for code in codes]
    if None in responsible:
        errors["responsible_units"] = _("Unknown unit code(s).")
    if errors:
        raise InvalidInput(errors)
    return lead, [u for u in dict.fromkeys(responsible) if u is not lead]
