"""The charter as tables: joint meetings, the county's departments, each joint meeting's member
units (a department's membership) and the clauses of its text."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.extensions import db

# What a clause of the charter text is; only duties may be cited by agenda items.
CLAUSE_KINDS = ("composition", "joint_meeting_duty", "office_duty", "unit_duty", "rule")


class Department(db.Model):
    """A county department 单位, shared by every joint meeting whose charter lists its code."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Charter(db.Model):
    """A joint meeting 联席会议, one per charter code."""

    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[str] = mapped_column(String(10))
    preamble: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[list] = mapped_column(JSON)
    roles: Mapped[dict] = mapped_column(JSON)
    joint_meeting_text: Mapped[str] = mapped_column(Text)
    rules: Mapped[dict] = mapped_column(JSON)
    source_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]
    # A joint meeting that has ended: kept for the record, read-only, out of the switcher.
    archived_at: Mapped[datetime | None]

    units: Mapped[list["Unit"]] = relationship(
        back_populates="charter", order_by="Unit.position", cascade="all, delete-orphan"
    )
    clauses: Mapped[list["Clause"]] = relationship(
        back_populates="charter", order_by="Clause.position", cascade="all, delete-orphan"
    )

    @classmethod
    def current(cls) -> "Charter | None":
        """The joint meeting this request works in (see meeting.scope)."""
        from meeting.scope import current_charter

        return current_charter()

    @classmethod
    def first(cls) -> "Charter | None":
        return db.session.scalars(select(cls).order_by(cls.id).limit(1)).first()

    def clauses_of(self, kind: str) -> list["Clause"]:
        return [clause for clause in self.clauses if clause.kind == kind]

    @property
    def lead_unit(self) -> "Unit | None":
        return next((unit for unit in self.units if unit.is_lead), None)

    @property
    def active_units(self) -> list["Unit"]:
        return [unit for unit in self.units if unit.active]


class Unit(db.Model):
    """A member unit 成员单位: a department's membership of one joint meeting, with its duty."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("charter_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)  # the department's code
    name: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    duty_ref: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    is_lead: Mapped[bool] = mapped_column(default=False)
    hosts_office: Mapped[bool] = mapped_column(default=False)
    # A unit dropped from a reloaded charter is kept (users and history point at it) but hidden.
    active: Mapped[bool] = mapped_column(default=True)

    charter: Mapped[Charter] = relationship(back_populates="units")
    department: Mapped[Department] = relationship()
    duties: Mapped[list["Clause"]] = relationship(
        back_populates="unit", order_by="Clause.position", viewonly=True
    )

    @property
    def duty_text(self) -> str:
        return "".join(clause.text for clause in self.duties)

    def citable_duty_refs(self) -> list[str]:
        """Duty references an item of this unit may cite: its own, and the joint meeting's."""
        own = [clause.ref for clause in self.duties]
        return own + [clause.ref for clause in self.charter.clauses_of("joint_meeting_duty")]


class Clause(db.Model):
    """A numbered paragraph of the charter text, e.g. 四(九) or 三(二)."""

    __tablename__ = "clauses"
    __table_args__ = (
        UniqueConstraint("charter_id", "ref"),
        CheckConstraint(f"kind IN ({', '.join(repr(kind) for kind in CLAUSE_KINDS)})", name="kind"),
        CheckConstraint("(kind = 'unit_duty') = (unit_id IS NOT NULL)", name="unit_duty_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id"))
    ref: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    charter: Mapped[Charter] = relationship(back_populates="clauses")
    unit: Mapped[Unit | None] = relationship(back_populates="duties")
