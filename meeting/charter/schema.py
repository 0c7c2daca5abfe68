"""The shape of a charter file, validated before anything is written."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workflows.agenda_item import CATEGORIES
from workflows.roles import ROLES

CODE = r"^[a-z0-9][a-z0-9-]*$"
MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Document(Strict):
    title: str = Field(min_length=1)
    number: str = ""


class Paragraph(Strict):
    ref: str = Field(min_length=1, max_length=20)
    title: str | None = None
    text: str = Field(min_length=1)


class RoleText(Strict):
    title: str = Field(min_length=1)
    held_by: str = ""


class UnitData(Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=100)
    aliases: list[str] = []
    duty_ref: str = Field(min_length=1, max_length=20)
    duty: str = Field(min_length=1)


class JointMeetingDuties(Strict):
    text: str = ""
    items: list[Paragraph] = Field(min_length=1)


class RhythmDefault(Strict):
    """二(三), 三(三): how often a task's lead unit reports progress unless the office sets
    another rhythm (workflows.rhythm): every N days, or by each month's last day."""

    kind: Literal["every_days", "monthly"]
    days: int | None = Field(default=None, ge=1, le=366)

    @model_validator(mode="after")
    def days_with_every_days(self) -> "RhythmDefault":
        if (self.kind == "every_days") != (self.days is not None):
            raise ValueError(
                "every_days takes days (e.g. {kind: every_days, days: 14}); monthly none"
            )
        return self


Weight = Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False)]


class AssessmentWeights(Strict):
    """四(二) 纳入综合考评: the points one of each measure of a unit's year is worth in the
    assessment (meeting.analytics.assessment): a task done by its deadline, a day overdue…"""

    tasks_led: Weight = 0
    tasks_shared: Weight = 0
    done_on_time: Weight = 10
    done_late: Weight = 4
    overdue_day: Weight = -0.5
    extension: Weight = -1
    progress_report: Weight = 1
    urge: Weight = -2
    item: Weight = 2
    receipt_late: Weight = -1


class Rules(Strict):
    """The rules of procedure (五) as parameters Lianxi applies."""

    conveners: list[str] = Field(min_length=1)
    delegable_to: list[str] = []
    plenaries_per_year: int = Field(ge=0, le=12)
    plenary_reminder_from: str = Field(pattern=MONTH_DAY)
    plenary_reminder_every_days: int = Field(ge=1, le=366)
    approvers: list[str] = Field(min_length=1)
    # 五(三) 会签: an item of a category (policy_measure, …) or citing a duty reference (四(十二),
    # 二(一), …) is approved only once these units (codes) have agreed in a round of opinions.
    cosign: dict[str, list[str]] = Field(default={}, max_length=100)
    review_limit_days: int = Field(ge=1, le=365)
    approval_limit_days: int = Field(ge=1, le=365)
    # 五(二): an item approved fewer than this many days before a plenary waits for the next
    # one, unless a convener admits it (0: no cut-off).
    agenda_cutoff_days: int = Field(default=7, ge=0, le=365)
    deadline_warning_days: int = Field(ge=0, le=365)
    escalation_days: int = Field(ge=1, le=365)
    bulletin_period: str = Field(pattern=r"^(monthly|quarterly|yearly)$")
    minutes_number_prefix: str = Field(min_length=1, max_length=20)
    minutes_main_to: str = Field(default="联席会议各成员单位", max_length=200)  # 主送
    minutes_cc: list[str] = []  # 抄送
    # GB/T 9704 documents: the masthead's lines (a long name reads better on two), who issues
    # them (印发机关; default: the office's title), the bulletin's 文号 prefix.
    masthead: list[str] = Field(default=[], max_length=3)
    issuing_office: str = Field(default="", max_length=60)
    bulletin_number_prefix: str = Field(default="", max_length=20)
    # 二(三), 三(三): tasks' reporting rhythm when the office gives none (None: no rhythm).
    report_rhythm_default: RhythmDefault | None = None
    # 四(二): the units' work is folded into their comprehensive assessment (综合考评): the
    # points of each measure, and the days after delivery a unit's receipt of the minutes is late.
    assessment_weights: AssessmentWeights = AssessmentWeights()
    receipt_late_days: int = Field(default=3, ge=0, le=365)

    @field_validator("conveners", "delegable_to", "approvers")
    @classmethod
    def known_roles(cls, roles: list[str]) -> list[str]:
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}")
        return roles


class CharterData(Strict):
    code: str = Field(pattern=CODE, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    short_name: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=200)
    issued_by: str = Field(min_length=1, max_length=100)
    issued_on: date
    preamble: str = ""
    legal_basis: list[Document] = []
    composition: list[Paragraph] = []
    roles: dict[str, RoleText]
    joint_meeting_duties: JointMeetingDuties
    office_duties: list[Paragraph] = Field(min_length=1)
    # units before lead_unit and office_unit: their validators look the codes up.
    units: list[UnitData] = Field(min_length=1)
    lead_unit: str
    office_unit: str
    rules_text: list[Paragraph] = []
    rules: Rules

    @field_validator("roles")
    @classmethod
    def known_role_ids(cls, roles: dict[str, RoleText]) -> dict[str, RoleText]:
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}")
        return roles

    @field_validator("units")
    @classmethod
    def unique_codes(cls, units: list[UnitData]) -> list[UnitData]:
        codes = [unit.code for unit in units]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"duplicate unit code(s) {', '.join(duplicates)}")
        return units

    @field_validator("lead_unit", "office_unit")
    @classmethod
    def a_unit_code(cls, code: str, info: ValidationInfo) -> str:
        codes = [unit.code for unit in info.data.get("units", [])]
        if code not in codes:
            raise ValueError(f"{code!r} is not the code of a unit in this file")
        return code

    @model_validator(mode="after")
    def unique_refs(self) -> "CharterData":
        refs = [p.ref for p in self.all_paragraphs()]
        duplicates = sorted({ref for ref in refs if refs.count(ref) > 1})
        if duplicates:
            raise ValueError(f"duplicate clause ref(s) {', '.join(duplicates)}")
        return self

    @model_validator(mode="after")
    def cosigners_known(self) -> "CharterData":
        """rules.cosign: each key a category or a clause ref, each value this file's unit codes."""
        keys = {*CATEGORIES, *(p.ref for p in self.all_paragraphs())}
        codes = {unit.code for unit in self.units}
        for key, units in self.rules.cosign.items():
            if key not in keys:
                raise ValueError(f"rules.cosign: {key!r} is neither a category "
                                 f"({', '.join(CATEGORIES)}) nor a clause ref of this file")  # fmt: skip
            if unknown := [code for code in units if code not in codes]:
                raise ValueError(f"rules.cosign.{key}: unknown unit code(s) {', '.join(unknown)}")
        return self

    def all_paragraphs(self) -> list[Paragraph]:
        unit_duties = [Paragraph(ref=u.duty_ref, text=u.duty) for u in self.units]
        return [
            *self.composition,
            *self.joint_meeting_duties.items,
            *self.office_duties,
            *unit_duties,
            *self.rules_text,
        ]
