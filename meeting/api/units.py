"""GET /api/v1/units."""

from sqlalchemy import select

from meeting.api import bp
from meeting.api.pagination import paginated
from meeting.charter.models import Charter, Unit


@bp.get("/units")
def list_units():
    """The member units of the current charter, in charter order."""
    charter = Charter.current()
    query = select(Unit).where(Unit.charter_id == (charter.id if charter else None), Unit.active)
    return paginated(query.order_by(Unit.position), unit_json)


def unit_json(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "aliases": unit.aliases,
        "duty_ref": unit.duty_ref,
        "duty_text": unit.duty_text,
        "is_lead": unit.is_lead,
    }
