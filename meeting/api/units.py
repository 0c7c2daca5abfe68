"""GET /api/v1/ping, /api/v1/joint-meetings and /api/v1/units."""

from flask_login import current_user
from sqlalchemy import select

from meeting.api import bp
from meeting.api.contract import operation
from meeting.api.pagination import paginated
from meeting.charter.models import Charter, Unit
from meeting.contract import resources
from meeting.contract.queries import Query
from meeting.scope import current_charter_id, narrow, visible_charters


@bp.get("/ping")
@operation("Alive: no sign-in, no database (the floor benchmarks compare against)", public=True,
           returns={200: resources.Ping})  # fmt: skip
def ping():
    return resources.Ping(ok=True)


@bp.get("/joint-meetings")
@operation("The joint meetings the caller holds a role in, with the caller's roles",
           query=Query, returns={200: resources.Page[resources.JointMeeting]})  # fmt: skip
def list_joint_meetings(args: Query):
    ids = [charter.id for charter in visible_charters()]
    query = narrow(select(Charter).where(Charter.id.in_(ids)), Charter.id, None)
    if args.joint_meeting:
        query = query.where(Charter.code == args.joint_meeting)
    return paginated(query.order_by(Charter.id), joint_meeting_json, args)


def joint_meeting_json(charter: Charter) -> resources.JointMeeting:
    seats = [seat for seat in current_user.seats if seat.charter_id == charter.id]
    roles = [resources.Seat(role=s.role, unit=s.unit.code if s.unit else None) for s in seats]
    return resources.JointMeeting.of(charter, archived=charter.archived_at is not None, roles=roles)


@bp.get("/units")
@operation("The member units of a joint meeting (`?joint_meeting=`, else the caller's current)",
           query=Query, returns={200: resources.Page[resources.Unit]})  # fmt: skip
def list_units(args: Query):
    """The member units of one joint meeting, in charter order."""
    query = select(Unit).where(Unit.active)
    if args.joint_meeting:
        query = narrow(query, Unit.charter_id, args.joint_meeting)
    else:
        query = query.where(Unit.charter_id == current_charter_id())
    return paginated(query.order_by(Unit.position), unit_json, args)


def unit_json(unit: Unit) -> resources.Unit:
    return resources.Unit.of(unit)
