"""GET /api/v1/charter-matrix (API.md v1.1): the charter accountability matrix of a joint
meeting, for its office, conveners and observers."""

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from meeting.analytics import may_read
from meeting.analytics.matrix import Cell, charter_matrix
from meeting.api import bp
from meeting.api.contract import operation
from meeting.contract import resources
from meeting.contract.types import text
from meeting.errors import Forbidden
from meeting.scope import joint_meeting_asked


class MatrixQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    joint_meeting: text(64) | None = Field(
        None, description="The joint meeting (its code); without it, the caller's current one"
    )


@bp.get("/charter-matrix")
@operation("The charter accountability matrix: each member unit × its duty refs, with the items "
           "proposed citing each and the tasks led and shared under them (office, conveners, "
           "observers)", query=MatrixQuery, returns={200: resources.CharterMatrix},
           errors=(401, 403, 404, 422))  # fmt: skip
def charter_matrix_json(args: MatrixQuery):
    charter = joint_meeting_asked(args.joint_meeting)
    if not may_read(current_user, charter):
        raise Forbidden(_("Your role or unit may not do this."))
    matrix = charter_matrix(charter)

    def figures(cell: Cell) -> resources.DutyFigures:
        return resources.DutyFigures.of(cell)

    return resources.CharterMatrix(
        joint_meeting=charter.code,
        units=[
            resources.MatrixUnit(
                unit=row.unit.code,
                name=row.unit.name,
                duties=[figures(cell) for cell in row.duties],
                joint_meeting_duties=[figures(cell) for cell in row.joint_meeting_duties],
            )
            for row in matrix.rows
        ],
    )
