"""Meeting pages: the list, planning, the meeting page, the in-session view, minutes."""

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.accounts.permissions import signed_in
from meeting.accounts.seats import holders_list
from meeting.charter.rules import rules
from meeting.errors import InvalidInput
from meeting.extensions import db
from meeting.history import history_of
from meeting.items.models import Item
from meeting.items.operations import can_view
from meeting.meetings.agenda import (
    add_to_agenda,
    admit_late,
    candidates,
    late_items,
    may_admit,
    move_item_up,
    record_attendance,
    record_decision,
    remove_from_agenda,
)
from meeting.meetings.calendar import ics_response
from meeting.meetings.corrections import REASON as CORRECTION_REASON
from meeting.meetings.corrections import correct_decision, may_correct
from meeting.meetings.delegations import holds_delegation
from meeting.meetings.forms import MeetingForm
from meeting.meetings.minutes import docx_response
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.meetings.notice import (
    notice_response,
    reply_to_notice,
    sign_in_sheet_response,
    units_not_replied,
)
from meeting.meetings.operations import (
    available_events,
    fire_meeting_event,
    office_records,
    plan_meeting,
)
from meeting.meetings.queries import (
    meetings_query,
    pending_receipt_filter,
    to_convene_filter,
    to_reply_filter,
)
from meeting.meetings.receipts import (
    acknowledge_minutes,
    pending_receipts,
    remind_receipts,
    reminded_today,
    update_minutes,
)
from meeting.pages import attempt, form_id, page_of
from meeting.scope import current_charter_id, enter_scope, follow
from meeting.timeutil import local, utcnow
from workflows import meeting as workflow
from workflows.i18n import N_
from workflows.roles import ROLES

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
CANDIDATES_PER_PAGE = 20
# Candidates counted at most (ten pages past the one shown): each is checked against every open
# meeting's agenda, and an office looking further searches instead (「…超过 N 项，请搜索」).
CANDIDATES_COUNTED = 10 * CANDIDATES_PER_PAGE
MINUTES_LABEL = {"text": N_("Minutes")}  # the one field called text here is the minutes


@bp.get("/")
@signed_in
def index():
    """Upcoming or past meetings, by kind; or exactly those waiting for the user: minutes their
    unit has not signed for (?receipt=pending), meetings for them to convene (?awaiting=convene)."""
    receipt = request.args.get("receipt") if request.args.get("receipt") == "pending" else None
    awaiting = request.args.get("awaiting")
    awaiting = awaiting if awaiting in ("convene", "reply") else None
    state = request.args.get("state") if request.args.get("state") in workflow.STATES else None
    when = request.args.get("when", "all" if receipt or awaiting or state else "upcoming")
    kind = request.args.get("kind") or None
    here = current_charter_id()
    query = meetings_query(kind, state, when).where(Meeting.charter_id == here)
    if receipt:
        query = query.where(pending_receipt_filter(current_user, here))
    if awaiting:
        waits = to_reply_filter if awaiting == "reply" else to_convene_filter
        query = query.where(waits(current_user, here))
    page = page_of(query, 20)
    may_plan = any(
        workflow.may_plan(
            k,
            current_user.role,
            holds_delegation(current_user, here, None, local(utcnow()).date()),
            rules(),
        )
        for k in workflow.KINDS_REGISTRY
    )
    return render_template("meetings/list.html", page=page, when=when, kind=kind, may_plan=may_plan,
                           receipt=receipt, awaiting=awaiting, state=state)  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    form = MeetingForm()
    conveners = holders_list(current_charter_id(), *workflow.REQUESTERS)
    form.requested_by.choices = [("", "—")] + [(u.username, u.name) for u in conveners]
    status = 200
    if form.validate_on_submit():
        try:
            meeting = plan_meeting(current_user, form.meeting_data())
        except InvalidInput as error:
            db.session.rollback()
            for name, message in error.fields.items():
                getattr(form, name).errors = [message]
            status = 422
        else:
            flash(_("Meeting planned."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    elif request.method == "GET" and not any(
        workflow.may_plan(k, current_user.role, True, rules()) for k in workflow.KINDS_REGISTRY
    ):
        abort(403)
    return render_template("meetings/form.html", form=form), 422 if form.errors else status


@bp.get("/<int:meeting_id>")
@signed_in
def show(meeting_id: int, status: int = 200):
    meeting = _meeting_or_404(meeting_id)
    eligible = None
    records = office_records(meeting, current_user)
    search = (request.args.get("candidates_q") or "").strip()[:100]
    if "edit_agenda" in records:  # a searchable, paged picker: one query whatever the count
        eligible = page_of(candidates(meeting, search), CANDIDATES_PER_PAGE, "candidates_page",
                           cap=CANDIDATES_COUNTED)  # fmt: skip
    # 五(二): items approved past the agenda cut-off, for a convener to admit (and the office
    # to see why they are not offered).
    admits = may_admit(meeting, current_user)
    late = None
    if admits or "edit_agenda" in records:
        query = late_items(meeting)
        late = (
            db.session.scalars(query.limit(CANDIDATES_PER_PAGE)).all()
            if query is not None
            else None
        )
    conveners = holders_list(meeting.charter_id, *workflow.REQUESTERS)
    pending = pending_receipts(meeting) if meeting.receipts else []
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        signposts=_signposts(meeting),
        undecided=workflow.undecided(
            meeting.kind, [(e.decision, e.item.state) for e in meeting.agenda]
        ),
        may_correct=may_correct(meeting, current_user),
        decisions=workflow.kind(meeting.kind).decisions,
        correction_reason=CORRECTION_REASON,
        pending=pending,
        reminded_today={r.unit_id for r in pending if reminded_today(r)},
        search=search,
        events=[workflow.EVENTS[e] for e in available_events(meeting, current_user)],
        eligible=eligible,
        late=late,
        may_admit=admits,
        cutoff_days=workflow.agenda_cutoff_days(rules(meeting.charter_id)),
        conveners=list(conveners),
        history=history_of("meeting", meeting.id),
        records=records,
        my_receipt=next((r for r in meeting.receipts if r.unit_id == current_user.unit_id), None),
        follows_receipts=workflow.may_follow_receipts(current_user.role),
        may_reply=workflow.may_reply(current_user.role, meeting.state),
        my_reply=next((r for r in meeting.replies if r.unit_id == current_user.unit_id), None),
        not_replied=units_not_replied(meeting) if workflow.is_runner(current_user.role) else [],
        runs_meeting=workflow.is_runner(current_user.role),
    ), status


@bp.get("/<int:meeting_id>/session")
@signed_in
def session_view(meeting_id: int, status: int = 200):
    """The in-session view the office puts on the projector to record decisions quickly."""
    meeting = _meeting_or_404(meeting_id)
    attendance = {row.unit_id: row for row in meeting.attendance}
    # A refused attendance save comes back with everything the office chose, for every unit.
    refused_attendance = request.method == "POST" and request.endpoint == "meetings.attendance"
    return render_template(
        "meetings/session.html",
        meeting=meeting,
        typed=request.form if refused_attendance else None,
        refused=g.get("refused_fields", {}) if refused_attendance else {},
        units=meeting.charter.active_units,
        attendance=attendance,
        decisions=workflow.kind(meeting.kind).decisions,
        events=[workflow.EVENTS[e] for e in available_events(meeting, current_user)],
        records=office_records(meeting, current_user),
    ), status


@bp.post("/<int:meeting_id>/events/<event>")
@signed_in
def fire(meeting_id: int, event: str):
    meeting = _meeting_or_404(meeting_id)
    data = _form_data()
    done = (
        _("Done: %(event)s.", event=_(workflow.EVENTS[event].label))
        if event in workflow.EVENTS
        else ""
    )
    return _act(meeting, lambda: fire_meeting_event(meeting, event, current_user, data), done)


@bp.post("/<int:meeting_id>/agenda")
@signed_in
def add_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = db.session.get(Item, form_id("item_id"))
    if item is None:
        abort(404)
    return _act(
        meeting, lambda: add_to_agenda(meeting, item, current_user), _("Added to the agenda.")
    )


@bp.post("/<int:meeting_id>/admissions")
@signed_in
def admit(meeting_id: int):
    """五(二): a convener admits an item approved past the agenda cut-off to this meeting."""
    meeting = _meeting_or_404(meeting_id)
    item = db.session.get(Item, form_id("item_id"))
    if item is None or not can_view(item, current_user):
        abort(404)
    data = _form_data()
    return _act(meeting, lambda: admit_late(meeting, item, current_user, data),
                _("Admitted past the agenda cut-off: the office may now add it."))  # fmt: skip


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/remove")
@signed_in
def remove_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _act(
        meeting,
        lambda: remove_from_agenda(meeting, item_id, current_user),
        _("Taken off the agenda."),
    )


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/up")
@signed_in
def move_up(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _act(
        meeting, lambda: move_item_up(meeting, item_id, current_user), _("Agenda reordered.")
    )


@bp.post("/<int:meeting_id>/attendance")
@signed_in
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    marks = {
        unit.code: {"status": request.form.get(f"status-{unit.code}"),
                    "deputy_name": request.form.get(f"deputy-{unit.code}", "")}
        for unit in meeting.charter.active_units
        if request.form.get(f"status-{unit.code}")
    }  # fmt: skip
    sitting_in = request.form.get("sitting_in")
    return _act(meeting, lambda: record_attendance(meeting, current_user, marks, sitting_in),
                _("Attendance recorded."), view=session_view)  # fmt: skip


@bp.post("/<int:meeting_id>/decisions")
@signed_in
def decide(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = db.session.get(Item, form_id("item_id")) or abort(404)
    data = _form_data()
    return _act(meeting, lambda: record_decision(meeting, item, data.get("decision"), current_user, data),
                _("Decision recorded."), view=session_view)  # fmt: skip


@bp.post("/<int:meeting_id>/corrections")
@signed_in
def correct(meeting_id: int):
    """更正: the office corrects a recorded decision, with a reason (confirmed on the page)."""
    meeting = _meeting_or_404(meeting_id)
    item = db.session.get(Item, form_id("item_id")) or abort(404)
    data = _form_data()
    return _act(meeting, lambda: correct_decision(meeting, item, data.get("decision"), current_user,
                                                  data),
                _("Decision corrected."))  # fmt: skip


@bp.post("/<int:meeting_id>/receipt-reminders")
@signed_in
def remind(meeting_id: int):
    """催签: the office reminds the chosen units to sign for the published minutes."""
    meeting = _meeting_or_404(meeting_id)
    codes = request.form.getlist("units")
    reminded = []
    refusal = attempt(lambda: reminded.extend(remind_receipts(meeting, current_user, codes)))
    if refusal:
        return show(meeting.id, status=refusal.status)
    flash(_("Reminded to sign for the minutes: %(units)s.",
            units="、".join(u.name for u in reminded)), "success")  # fmt: skip
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/minutes")
@signed_in
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    text, version = request.form.get("text"), request.form.get("version")
    return _act(
        meeting, lambda: update_minutes(meeting, current_user, text, version), _("Minutes saved.")
    )


@bp.post("/<int:meeting_id>/receipt")
@signed_in
def receipt(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _act(meeting, lambda: acknowledge_minutes(meeting, current_user), _("Signed for."))


@bp.post("/<int:meeting_id>/reply")
@signed_in
def reply(meeting_id: int):
    """参会回执: a liaison answers the notice for their unit."""
    meeting = _meeting_or_404(meeting_id)
    return _act(meeting, lambda: reply_to_notice(meeting, current_user, _form_data()),
                _("Your reply is recorded."))  # fmt: skip


@bp.get("/<int:meeting_id>/notice.docx")
@signed_in
def notice_docx(meeting_id: int):
    return notice_response(_meeting_or_404(meeting_id), current_user)


@bp.get("/<int:meeting_id>/sign-in.docx")
@signed_in
def sign_in_sheet(meeting_id: int):
    return sign_in_sheet_response(_meeting_or_404(meeting_id), current_user)


@bp.get("/<int:meeting_id>/minutes.docx")
@signed_in
def minutes_docx(meeting_id: int):
    return docx_response(_meeting_or_404(meeting_id))


@bp.post("/calendar-feed")
@signed_in
def calendar_feed():
    """Give the user a (new) secret calendar feed address; the old one stops working."""
    current_user.calendar_token = secrets.token_urlsafe(24)
    flash(
        _(
            "Your calendar address: %(url)s",
            url=url_for("meetings.calendar", token=current_user.calendar_token, _external=True),
        ),
        "info",
    )
    return redirect(url_for("meetings.index"))


@bp.get("/calendar/<token>.ics")
def calendar(token: str) -> Response:
    """A calendar program's subscription: the secret in the address stands for sign-in."""
    user = db.session.scalar(select(User).where(User.calendar_token == token)) if token else None
    if user is None or not user.active:
        abort(404)
    enter_scope(user)
    return ics_response()


def _signposts(meeting: Meeting) -> list[tuple]:
    """(step, who takes it, who may under a delegation) for each next step of MEETING, the
    roles named as the workflow says (a hand-off always says whom it waits for)."""

    def names(roles) -> str:
        return "、".join(_(ROLES[role]) for role in roles)

    steps = workflow.next_steps(meeting.kind, meeting.state, rules(meeting.charter_id))
    return [(step, names(step.roles), names(step.delegated_roles)) for step in steps]


def _act(meeting: Meeting, operation, success: str, view=None):
    """Run OPERATION; commit and go back on success, or show the refusal and change nothing."""
    refusal = attempt(operation, labels=MINUTES_LABEL)
    if refusal:
        g.refused_fields = refusal.fields
        return (view or show)(meeting.id, status=refusal.status)
    flash(success, "success")
    back = request.form.get("back")
    if back == "session":
        return redirect(url_for("meetings.session_view", meeting_id=meeting.id))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _meeting_or_404(meeting_id: int) -> Meeting:
    # The agenda's items and units, attendance and receipts in a query each, not one per row.
    meeting = db.session.get(Meeting, meeting_id, options=[
        selectinload(Meeting.agenda).selectinload(AgendaEntry.item).selectinload(Item.unit),
        selectinload(Meeting.attendance), selectinload(Meeting.receipts),
        selectinload(Meeting.replies),
    ])  # fmt: skip
    if meeting is None:
        abort(404)
    follow(meeting)
    return meeting


def _form_data() -> dict:
    return {key: value for key, value in request.form.items() if key not in ("csrf_token", "back")}
