"""GET /api/v1/units."""

from sqlalchemy import select

from meeting.api import bp
from meeting.api.contract import operation
from meeting.api.pagination import paginated
from meeting.charter.models import Charter, Unit
from meeting.contract import resources
from meeting.contract.queries import Query


@bp.get("/units")
@operation("The member units", query=Query, returns={200: resources.Page[resources.Unit]})
def list_units(args: Query):
    """The member units of the current charter, in charter order."""
    charter = Charter.current()
    query = select(Unit).where(Unit.charter_id == (charter.id if charter else None), Unit.active)
    return paginated(query.order_by(Unit.position), unit_json, args)


def unit_json(unit: Unit) -> resources.Unit:
    return resources.Unit.of(unit)
