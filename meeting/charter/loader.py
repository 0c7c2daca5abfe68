"""Read, validate and load a charter file; all or nothing."""

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import select

from meeting.charter.models import Charter, Clause, Department, Unit
from meeting.charter.schema import CharterData
from meeting.extensions import db
from meeting.timeutil import utcnow


class CharterError(Exception):
    """A charter file that cannot be loaded; the message names the line and field."""


def read_charter(path: str | Path) -> tuple[CharterData, str]:
    """Parse and validate the charter at PATH; return it with the file's SHA-256."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise CharterError(f"{path}: cannot read the file ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise CharterError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise CharterError(f"{path}:{where}: not valid YAML ({error.problem})") from None
    if not isinstance(data, dict):
        raise CharterError(f"{path}: a charter file is a YAML mapping (code:, name:, units: …)")
    try:
        charter = CharterData.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = _dotted(first["loc"])
        line = _line_of(root, first["loc"])
        where = f"line {line}" if line else "top level"
        message = first["msg"].removeprefix("Value error, ")
        raise CharterError(f"{path}:{where}: {field or 'charter'}: {message}") from None
    return charter, hashlib.sha256(raw).hexdigest()


def load_charter(path: str | Path) -> tuple[Charter, bool]:
    """Load the charter at PATH into the database; return it and whether anything changed.

    Loading the same file again changes nothing. The caller commits.
    """
    data, sha256 = read_charter(path)
    return load_charter_data(data, sha256)


def load_charter_data(data: CharterData, sha256: str) -> tuple[Charter, bool]:
    """Add the joint meeting of DATA, or update it in place when its code is known."""
    charter = db.session.scalar(select(Charter).where(Charter.code == data.code))
    if charter and charter.source_sha256 == sha256:
        return charter, False
    if charter is None:
        charter = Charter(code=data.code)
        db.session.add(charter)
    _fill_charter(charter, data, sha256)
    units = _sync_units(charter, data)
    _sync_clauses(charter, data, units)
    db.session.flush()
    return charter, True


def _fill_charter(charter: Charter, data: CharterData, sha256: str) -> None:
    charter.name = data.name
    charter.short_name = data.short_name
    charter.title = data.title
    charter.issued_by = data.issued_by
    charter.issued_on = data.issued_on.isoformat()
    charter.preamble = data.preamble
    charter.legal_basis = [doc.model_dump() for doc in data.legal_basis]
    charter.roles = {role: text.model_dump() for role, text in data.roles.items()}
    charter.joint_meeting_text = data.joint_meeting_duties.text
    charter.rules = data.rules.model_dump()
    charter.source_sha256 = sha256
    charter.loaded_at = utcnow()


def _sync_units(charter: Charter, data: CharterData) -> dict[str, Unit]:
    existing = {unit.code: unit for unit in charter.units}
    for unit in existing.values():
        unit.active = False
    for position, item in enumerate(data.units, start=1):
        unit = existing.get(item.code)
        if unit is None:
            unit = Unit(
                code=item.code, charter=charter, department=department(item.code, item.name)
            )
            db.session.add(unit)
            existing[item.code] = unit
        unit.name = item.name
        unit.aliases = list(item.aliases)
        unit.duty_ref = item.duty_ref
        unit.position = position
        unit.is_lead = item.code == data.lead_unit
        unit.hosts_office = item.code == data.office_unit
        unit.active = True
    db.session.flush()
    return existing


def department(code: str, name: str) -> Department:
    """The county department with CODE, made (named NAME) when no charter listed it yet."""
    found = db.session.scalar(select(Department).where(Department.code == code))
    if found is None:
        found = Department(code=code, name=name)
        db.session.add(found)
    return found


def _sync_clauses(charter: Charter, data: CharterData, units: dict[str, Unit]) -> None:
    wanted = []
    for kind, paragraphs in (
        ("composition", data.composition),
        ("joint_meeting_duty", data.joint_meeting_duties.items),
        ("office_duty", data.office_duties),
    ):
        wanted += [(kind, p.ref, p.title, p.text, None) for p in paragraphs]
    wanted += [("unit_duty", u.duty_ref, None, u.duty, units[u.code]) for u in data.units]
    wanted += [("rule", p.ref, p.title, p.text, None) for p in data.rules_text]

    existing = {clause.ref: clause for clause in charter.clauses}
    for clause in [c for ref, c in existing.items() if ref not in {w[1] for w in wanted}]:
        charter.clauses.remove(clause)
    for position, (kind, ref, title, text, unit) in enumerate(wanted, start=1):
        clause = existing.get(ref) or Clause(ref=ref, charter=charter)
        clause.kind, clause.title, clause.text, clause.position = kind, title, text, position
        clause.unit = unit
        db.session.add(clause)


def _dotted(loc: tuple) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts)


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based line of the deepest node of the YAML tree found along LOC."""
    line = None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
            if node is None:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line


def unit_by_code(code: str, charter_id: int | None = None) -> Unit | None:
    """The active unit with CODE of joint meeting CHARTER_ID (default: the current one)."""
    if charter_id is None:
        current = Charter.current()
        charter_id = current.id if current else None
    return db.session.scalars(
        select(Unit).where(Unit.code == code, Unit.active, Unit.charter_id == charter_id)
    ).first()
