"""The delegation page: the general convener delegates convening (五(一)) and revokes it."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.permissions import signed_in
from meeting.accounts.seats import holders_list
from meeting.charter.rules import rules
from meeting.extensions import db
from meeting.history import History
from meeting.meetings.delegations import create_delegation, revoke_delegation
from meeting.meetings.models import Delegation, Meeting
from meeting.pages import attempt
from meeting.scope import current_charter_id
from workflows.meeting import KINDS_REGISTRY, delegable

bp = Blueprint("delegations", __name__, url_prefix="/delegations")
DELEGABLE_KINDS = [code for code in KINDS_REGISTRY if delegable(code)]


@bp.get("/")
@signed_in
def index(status: int = 200):
    here = current_charter_id()
    delegations = db.session.scalars(
        select(Delegation).where(Delegation.charter_id == here).order_by(Delegation.id.desc())
    ).all()
    delegates = holders_list(here, *rules().get("delegable_to", []))
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.charter_id == here,
            Meeting.state == "planned",
            Meeting.kind.in_(DELEGABLE_KINDS),
        )
        .order_by(Meeting.starts_at)
    )
    history = db.session.scalars(
        select(History)
        .where(History.subject_kind == "delegation", History.charter_id == here)
        .order_by(History.id.desc())
    ).all()
    return render_template(
        "meetings/delegations.html",
        delegations=delegations,
        delegates=list(delegates),
        meetings=list(meetings),
        history=history,
        may_delegate=current_user.role in rules().get("conveners", ()),
    ), status


@bp.post("/")
@signed_in
def create():
    data = {k: v for k, v in request.form.items() if k != "csrf_token" and v}
    return _act(lambda: create_delegation(current_user, data), _("Delegation recorded."))


@bp.post("/<int:delegation_id>/revoke")
@signed_in
def revoke(delegation_id: int):
    delegation = db.get_or_404(Delegation, delegation_id)
    return _act(lambda: revoke_delegation(delegation, current_user), _("Delegation revoked."))


def _act(operation, success: str):
    refusal = attempt(operation)
    if refusal:
        return index(status=refusal.status)
    flash(success, "success")
    return redirect(url_for("delegations.index"))
