"""The charter accountability matrix: each member unit × its charter duties, with the items it
proposed citing each duty and the tasks it leads or shares under items citing it.

A unit's own duties are its paragraphs of section 四 (四(九) for education-sports); beside them,
the joint meeting's duties of section 二, which any unit's item may cite. A zero shows where the
charter is silent. Five queries whatever the data: units, clauses, and one GROUP BY for each of
items, tasks led and tasks shared, joining each item with each duty reference it cites.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select, true

from meeting.analytics.sql import json_elements
from meeting.charter.models import Charter, Clause, Unit
from meeting.extensions import db
from meeting.figures_cache import remembered
from meeting.items.models import Item
from meeting.tasks.models import Task, responsible_units

OWN, JOINT = "unit_duty", "joint_meeting_duty"  # Clause.kind


@dataclass(frozen=True)
class Cell:
    ref: str
    items: int = 0
    tasks_led: int = 0
    tasks_shared: int = 0

    @property
    def silent(self) -> bool:
        return not (self.items or self.tasks_led or self.tasks_shared)


@dataclass
class Row:
    unit: Unit
    duties: list[Cell] = field(default_factory=list)  # its own (四)
    joint_meeting_duties: list[Cell] = field(default_factory=list)  # the joint meeting's (二)

    @property
    def silent(self) -> bool:
        """Nothing proposed or carried out under any of its own duties."""
        return all(cell.silent for cell in self.duties)


@dataclass
class Matrix:
    charter: Charter
    clauses: dict[str, Clause]  # ref -> clause, for the duty texts
    joint_refs: list[str]
    rows: list[Row]

    def totals(self, refs: list[str] | None = None) -> dict[str, int]:
        """Column sums: of the units' own duties (REFS None), or of the joint meeting's REFS."""
        cells = [
            cell
            for row in self.rows
            for cell in (row.duties if refs is None else row.joint_meeting_duties)
            if refs is None or cell.ref in refs
        ]
        return {
            name: sum(getattr(cell, name) for cell in cells)
            for name in ("items", "tasks_led", "tasks_shared")
        }

    def joint_totals(self) -> dict[str, dict[str, int]]:
        return {ref: self.totals([ref]) for ref in self.joint_refs}


def charter_matrix(charter: Charter) -> Matrix:
    """CHARTER's accountability matrix (its active member units, in charter order)."""
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.charter_id == charter.id, Unit.active).order_by(Unit.position)
        )
    )
    clauses = list(
        db.session.scalars(
            select(Clause)
            .where(Clause.charter_id == charter.id, Clause.kind.in_((OWN, JOINT)))
            .order_by(Clause.position)
        )
    )
    own: dict[int, list[str]] = {}
    for clause in clauses:
        if clause.kind == OWN:
            own.setdefault(clause.unit_id, []).append(clause.ref)
    joint_refs = [clause.ref for clause in clauses if clause.kind == JOINT]
    counts = {
        "items": _items_citing(charter.id),
        "tasks_led": _tasks_led(charter.id),
        "tasks_shared": _tasks_shared(charter.id),
    }

    def cell(unit_id: int, ref: str) -> Cell:
        return Cell(ref, **{name: by.get((unit_id, ref), 0) for name, by in counts.items()})

    rows = [
        Row(unit, [cell(unit.id, ref) for ref in own.get(unit.id, [])],
            [cell(unit.id, ref) for ref in joint_refs])
        for unit in units
    ]  # fmt: skip
    return Matrix(charter, {c.ref: c for c in clauses}, joint_refs, rows)


def _grouped(query) -> dict[tuple[int, str], int]:
    return {(unit_id, ref): int(n) for unit_id, ref, n in db.session.execute(query)}


@remembered
def _items_citing(charter_id: int) -> dict[tuple[int, str], int]:
    """(unit id, duty ref) -> the items the unit proposed (submitted) citing the ref."""
    refs = json_elements(Item.duty_refs)
    return _grouped(
        select(Item.unit_id, refs.c.value, func.count(Item.id.distinct()))
        .join(refs, true())
        .where(Item.charter_id == charter_id, Item.submitted_at.is_not(None))
        .group_by(Item.unit_id, refs.c.value)
    )


@remembered
def _tasks_led(charter_id: int) -> dict[tuple[int, str], int]:
    """(unit id, duty ref) -> the tasks the unit leads under items citing the ref."""
    refs = json_elements(Item.duty_refs)
    return _grouped(
        select(Task.lead_unit_id, refs.c.value, func.count(Task.id.distinct()))
        .join(Item, Item.id == Task.item_id)
        .join(refs, true())
        .where(Task.charter_id == charter_id)
        .group_by(Task.lead_unit_id, refs.c.value)
    )


@remembered
def _tasks_shared(charter_id: int) -> dict[tuple[int, str], int]:
    """(unit id, duty ref) -> the tasks the unit is a responsible unit of under items citing it."""
    refs = json_elements(Item.duty_refs)
    shared = responsible_units.c
    return _grouped(
        select(shared.unit_id, refs.c.value, func.count(Task.id.distinct()))
        .select_from(Task)
        .join(responsible_units, shared.task_id == Task.id)
        .join(Item, Item.id == Task.item_id)
        .join(refs, true())
        .where(Task.charter_id == charter_id)
        .group_by(shared.unit_id, refs.c.value)
    )
