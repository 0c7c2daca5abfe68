"""Agenda-item pages: lists and queues, the item page, create and edit, firing events."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meeting import MAX_ID
from meeting.accounts.permissions import roles_required, signed_in
from meeting.charter.models import Charter
from meeting.charter.rules import rules
from meeting.diagram import mermaid
from meeting.errors import InvalidInput, Stale, WorkflowError
from meeting.extensions import db
from meeting.history import history_of
from meeting.items.attachments import add_attachment, send_attachment
from meeting.items.batch import BATCH_EVENTS, chosen_items, fire_batch, text_field
from meeting.items.forms import AssignedItemForm, ItemForm, RegisterForm
from meeting.items.models import Item
from meeting.items.operations import (
    available_events,
    can_edit,
    can_view,
    create_item,
    fire_event,
    update_item,
)
from meeting.items.queries import ORIGINS, SORTS, filtered, visible_items, why_returned
from meeting.items.serialize import tasks_of
from meeting.items.turns import waiting_for
from meeting.pages import attempt, describe, page_of
from meeting.scope import current_charter_id, follow
from meeting.tasks.operations import can_assign
from workflows import agenda_item as workflow
from workflows.roles import LIAISON, OFFICE

bp = Blueprint("items", __name__, url_prefix="/items")
PER_PAGE = 20


@bp.get("/")
@signed_in
def index():
    """All items the user may see, filtered by state, unit and text."""
    return _list(_("Agenda items"), request.args.getlist("state"), request.args.get("unit"))


@bp.get("/mine")
@roles_required(LIAISON)
def mine():
    """My unit's items, drafts included."""
    return _list(_("My unit's items"), request.args.getlist("state"), current_user.unit.code)


@bp.get("/review")
@roles_required(OFFICE)
def review_queue():
    """The office's queue: submitted items, longest waiting first."""
    return _list(_("Review queue"), ["submitted"], request.args.get("unit"), "waiting",
                 batch=BATCH_EVENTS)  # fmt: skip


@bp.get("/approval")
@signed_in
def approval_queue():
    """The approvers' queue: reviewed items, longest waiting first."""
    if current_user.role not in rules().get(workflow.APPROVERS, ()):
        abort(403)
    return _list(_("Approval queue"), ["reviewed"], request.args.get("unit"), "waiting")


@bp.post("/review/batch")
@roles_required(OFFICE)
def review_batch():
    """The review queue's batch action: first the chosen items and the action to confirm, with
    the text it carries; once confirmed, each item through the workflow, and a report of which
    went through and which were refused, and why."""
    event = request.form.get("event", "")
    ids = [n for n in request.form.getlist("item", type=int) if 0 < n <= MAX_ID]
    items = chosen_items(current_user, ids)
    versions = {item.id: request.form.get(f"version-{item.id}", "") for item in items}
    if event not in BATCH_EVENTS or not items:  # refused: the queue again, saying why
        flash(_("Choose at least one item, and what to do with them."), "warning")
        return review_queue(), 422
    if not request.form.get("confirm"):
        return _batch_page(items, event, versions, {}, 200)
    text = request.form.get(text_field(event), "")
    try:
        outcome = fire_batch(items, event, current_user, text, versions)
    except InvalidInput as error:
        db.session.rollback()
        flash(describe(error.fields), "danger")
        return _batch_page(items, event, versions, error.fields, 422)
    label = _(workflow.EVENTS[event].label)
    if outcome.done:
        titles = "、".join(item.title for item in outcome.done)
        flash(_("%(event)s: %(count)d items (%(titles)s).", event=label,
                count=len(outcome.done), titles=titles), "success")  # fmt: skip
    for item, reason in outcome.refused:
        flash(_("Not done for “%(title)s”: %(reason)s", title=item.title, reason=reason),
              "warning")  # fmt: skip
    return redirect(url_for("items.review_queue"))


def _batch_page(items: list[Item], event: str, versions: dict, errors: dict, status: int):
    return render_template("items/batch.html", items=items, event=workflow.EVENTS[event],
                           field=text_field(event), versions=versions, errors=errors), status  # fmt: skip


def _list(heading: str, states: list[str], unit: str | None, default_sort: str = "updated",
          batch: tuple[str, ...] = ()):  # fmt: skip
    states = [s for s in states if s in workflow.STATES]
    sort = request.args.get("sort", default_sort)
    sort = sort if sort in SORTS else default_sort
    query = visible_items(current_user).where(Item.charter_id == current_charter_id())
    origin = request.args.get("origin") if request.args.get("origin") in ORIGINS else None
    query = filtered(query, states, unit, request.args.get("q"), sort, request.args.get("duty"),
                     origin)  # fmt: skip
    page = page_of(query, PER_PAGE)
    charter = Charter.current()
    return render_template(
        "items/list.html",
        heading=heading,
        page=page,
        states=states,
        unit=unit,
        sort=sort,
        units=charter.active_units if charter else [],
        batch=[workflow.EVENTS[name] for name in batch],
        origin=origin,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(LIAISON)
def new():
    form = ItemForm()
    form.set_duty_choices(current_user.unit)
    if form.validate_on_submit():
        try:
            item = create_item(current_user, form.item_data())
            if form.attachment.data:
                add_attachment(item, current_user, form.attachment.data)
        except InvalidInput as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Draft saved. Submit it when it is ready."), "success")
            return redirect(url_for("items.show", item_id=item.id))
    return render_template("items/form.html", form=form, item=None), 422 if form.errors else 200


@bp.route("/register", methods=["GET", "POST"])
@roles_required(OFFICE)
def register():
    """二(四), 三(五): the office registers work the county government or the joint meeting
    assigned, with its source document and the unit proposed to lead it, as a draft."""
    form = RegisterForm()
    form.set_units(Charter.current())
    if form.validate_on_submit():
        try:
            item = create_item(current_user, form.item_data())
            if form.attachment.data:
                add_attachment(item, current_user, form.attachment.data)
        except InvalidInput as error:
            db.session.rollback()
            _form_errors(form, error)
        else:
            flash(_("Assigned work registered as a draft. Submit it for review when it is ready."),
                  "success")  # fmt: skip
            return redirect(url_for("items.show", item_id=item.id))
    return render_template("items/form.html", form=form, item=None, registering=True), (
        422 if form.errors else 200
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(item_id: int):
    item = _visible_or_404(item_id)
    if not can_edit(item, current_user):
        abort(403)
    form_class = AssignedItemForm if item.assigned else ItemForm
    form = form_class(obj=None if request.method == "POST" else item)
    form.set_duty_choices(item.unit)
    if request.method == "GET":
        form.version.data = item.version
    if form.validate_on_submit():
        try:
            update_item(item, current_user, form.item_data(), form.version.data)
            if form.attachment.data:
                add_attachment(item, current_user, form.attachment.data)
        except InvalidInput as error:
            db.session.rollback()
            _form_errors(form, error)
        except WorkflowError as error:
            # Refused (another edit came first, or the item moved on): the page keeps what was
            # typed so that nothing is lost, and says why.
            db.session.rollback()
            if error.status == 404:
                abort(404)
            message = error.message
            if isinstance(error, Stale) and workflow.editable(item.state):
                # Saving again, knowingly, replaces the other edit: the form takes its version.
                form.version.data = item.version
                message = _("Someone else changed this item since you opened it. What you typed "
                            "is kept below: compare it with the item's page, then save again to "
                            "replace their changes.")  # fmt: skip
            flash(message, "danger")
            return _edit_page(item, form, error.status)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("items.show", item_id=item.id))
    return _edit_page(item, form, 422 if form.errors else 200)


def _edit_page(item: Item, form: ItemForm, status: int):
    """The edit form, with the office's comment when the item was returned for revision."""
    return render_template("items/form.html", form=form, item=item,
                           returned=why_returned(item)), status  # fmt: skip


@bp.get("/<int:item_id>")
@signed_in
def show(item_id: int, errors: dict | None = None, status: int = 200):
    item = _visible_or_404(item_id)
    events = available_events(item, current_user)
    return render_template(
        "items/show.html",
        item=item,
        events=[workflow.EVENTS[name] for name in events],
        history=history_of("item", item.id),
        diagram=mermaid(workflow, item.state),
        can_edit=can_edit(item, current_user),
        tasks=tasks_of(item, current_user),
        can_assign=can_assign(item, current_user),
        waiting=waiting_for(item, current_user),
        returned=why_returned(item),
        errors=errors or {},
        entered=request.form,
    ), status


@bp.post("/<int:item_id>/events/<event>")
@signed_in
def fire(item_id: int, event: str):
    """Fire EVENT from the item page's form; the workflow decides whether it may."""
    item = _visible_or_404(item_id)
    data = {key: value for key, value in request.form.items() if key != "csrf_token"}
    refusal = attempt(lambda: fire_event(item, event, current_user, data))
    if refusal:
        return show(item_id, errors=refusal.fields, status=refusal.status)
    label = _(workflow.EVENTS[event].label)
    flash(_("Done: %(event)s.", event=label), "success")
    return redirect(url_for("items.show", item_id=item_id))


@bp.post("/<int:item_id>/attachments")
@signed_in
def attach(item_id: int):
    item = _visible_or_404(item_id)
    if not attempt(lambda: add_attachment(item, current_user, request.files.get("file"))):
        flash(_("Attachment added."), "success")
    return redirect(url_for("items.edit", item_id=item_id))


@bp.get("/<int:item_id>/attachments/<int:attachment_id>")
@signed_in
def download(item_id: int, attachment_id: int):
    return send_attachment(_visible_or_404(item_id), attachment_id)


def _visible_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or not can_view(item, current_user):
        abort(404)
    follow(item)
    return item


def _form_errors(form: ItemForm, error: InvalidInput) -> None:
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "danger")
