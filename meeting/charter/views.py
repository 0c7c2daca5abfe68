"""The member-unit directory, the charter page, and the joint meetings one may switch to."""

from flask import Blueprint, abort, redirect, render_template, request
from sqlalchemy import select

from meeting.accounts.permissions import signed_in
from meeting.accounts.views import safe_next
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.scope import switch_to, switchable

bp = Blueprint("charter", __name__)


@bp.route("/units")
@signed_in
def units():
    """List the member units with their duties; `q` searches name, alias, code and duty."""
    charter = _charter_or_404()
    query = request.args.get("q", "").strip()
    found = [unit for unit in charter.active_units if _matches(unit, query)]
    return render_template("charter/units.html", charter=charter, units=found, q=query)


@bp.route("/units/<code>")
@signed_in
def unit(code: str):
    charter = _charter_or_404()
    found = next((u for u in charter.active_units if u.code == code), None)
    if found is None:
        abort(404)
    return render_template("charter/unit.html", charter=charter, unit=found)


@bp.route("/charter")
@signed_in
def charter():
    """The joint meeting's composition, duties and rules of procedure as Lianxi applies them."""
    return render_template("charter/charter.html", charter=_charter_or_404())


@bp.route("/joint-meetings/")
@signed_in
def joint_meetings():
    """The joint meetings I hold a role in, and my role in each."""
    return render_template("charter/joint_meetings.html", meetings=switchable())


@bp.route("/joint-meetings/<code>/switch")
@signed_in
def switch(code: str):
    """Work in the joint meeting CODE from now on (the header's switcher), then go on to the
    page `next` names on this site."""
    charter = db.session.scalar(select(Charter).where(Charter.code == code))
    if charter is None or charter not in switchable():
        abort(404)
    switch_to(charter)
    return redirect(safe_next(request.args.get("next")))


def _charter_or_404() -> Charter:
    charter = Charter.current()
    if charter is None:
        abort(404)
    return charter


def _matches(unit, query: str) -> bool:
    if not query:
        return True
    haystack = " ".join([unit.code, unit.name, unit.duty_ref, unit.duty_text, *unit.aliases])
    return query.lower() in haystack.lower()
