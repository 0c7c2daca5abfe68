"""Administration: people, their roles per joint meeting, access, and liaison handover.

An administrator (county-wide) may do all of it; a joint meeting's office may manage the
liaisons of its own joint meeting (`may_manage`). Every change writes a history row about
the person (subject "user"), so the audit trail says who changed whose access, and when.
Operations flush; the request commits once.
"""

import secrets
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from meeting.accounts.models import Seat, User
from meeting.accounts.operations import AccountError, grant_role, revoke_tokens
from meeting.admin import liaison_import
from meeting.charter.loader import CharterError, load_charter
from meeting.charter.models import Charter, Department
from meeting.contract import bodies, parse
from meeting.errors import Forbidden, InvalidInput, NotFound
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.timeutil import utcnow
from meeting.versioning import save_change
from workflows import agenda_item
from workflows.roles import ADMIN, LIAISON, OFFICE

SUBJECT = "user"


def may_manage(actor: User, charter_id: int | None, role: str | None = LIAISON) -> bool:
    """An administrator manages everyone; the office of a joint meeting its liaisons."""
    if actor.is_admin:
        return True
    return role == LIAISON and charter_id is not None and actor.role_in(charter_id) == OFFICE


def managed_charter_ids(actor: User) -> list[int] | None:
    """The joint meetings whose people ACTOR manages (None: all of them)."""
    if actor.is_admin:
        return None
    return [seat.charter_id for seat in actor.seats if seat.role == OFFICE]


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(
            _("Only an administrator, or the office for its own liaisons, may do this.")
        )


def create_person(actor: User, data: dict) -> tuple[User, str]:
    """Create a person from DATA (bodies.PersonNew) with a one-time password they must change
    at first sign-in; return them and that password."""
    given = parse(bodies.PersonNew, data)
    roles = [seat.model_dump() for seat in given.roles]
    for seat in roles:
        require(may_manage(actor, _charter_id(seat["joint_meeting"]), seat["role"]))
    if not roles:
        require(actor.is_admin)
    if db.session.scalar(select(User.id).where(User.username == given.username)):
        raise InvalidInput({"username": _("This username is taken.")})
    password = one_time_password()
    first, *more = roles or [{"joint_meeting": None, "role": None, "unit": None}]
    try:
        user = User(username=given.username, display_name=given.display_name or "",
                    email=given.email, created_at=utcnow(), must_change_password=True,
                    password_hash=_hash(password))  # fmt: skip
        db.session.add(user)
        for seat in roles:
            grant_role(user, seat["role"], seat["joint_meeting"], seat["unit"])
        if given.department:
            _set_department(user, given.department)
    except AccountError as error:
        raise InvalidInput({"roles": str(error)}) from None
    db.session.flush()
    _audit(user, "create", actor, {"roles": roles, "email": given.email}, first["joint_meeting"])
    return user, password


def update_person(actor: User, user: User, data: dict) -> User:
    """Change a person's display name, e-mail or department (bodies.PersonEdit)."""
    require(actor.is_admin or _only_liaison_of_managed(actor, user))
    given = parse(bodies.PersonEdit, data)
    changed = {}
    for name in ("display_name", "email"):
        if name in given.model_fields_set and getattr(user, name) != getattr(given, name):
            setattr(user, name, getattr(given, name) or ("" if name == "display_name" else None))
            changed[name] = getattr(user, name)
    if "department" in given.model_fields_set:
        require(actor.is_admin)
        _set_department(user, given.department)
        changed["department"] = given.department
    if "active" in given.model_fields_set and given.active != user.active:
        require(actor.is_admin)
        set_active(actor, user, given.active)
    if changed:
        _audit(user, "edit", actor, changed)
    return user


def set_roles(actor: User, user: User, roles: list) -> User:
    """Replace USER's roles with ROLES ([{joint_meeting, role, unit}]): administrators only."""
    require(actor.is_admin)
    given = parse(bodies.RoleList, {"roles": roles})
    wanted = [seat.model_dump() for seat in given.roles]
    before = [_seat_json(seat) for seat in user.seats]
    for seat in list(user.seats):
        user.seats.remove(seat)
    db.session.flush()
    user.department = None if not any(s["unit"] for s in wanted) else user.department
    try:
        for seat in wanted:
            grant_role(user, seat["role"], seat["joint_meeting"], seat["unit"])
    except AccountError as error:
        raise InvalidInput({"roles": str(error)}) from None
    _audit(user, "set_roles", actor, {"before": before, "after": wanted})
    return user


def make_admin(actor: User, user: User) -> None:
    """Give USER the county-wide administrator role (administrators only)."""
    require(actor.is_admin)
    if not user.is_admin:
        grant_role(user, ADMIN)
        _audit(user, "grant", actor, {"joint_meeting": None, "role": ADMIN, "unit": None})


def rename_department(actor: User, department: Department, name: str) -> None:
    require(actor.is_admin)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput({"name": _("A name of 1 to 100 characters.")})
    fields = {"code": department.code, "before": department.name, "after": name}
    department.name = name
    record("department", department.id, "rename", None, "active", actor, fields, charter_id=None)


def grant(actor: User, user: User, charter: Charter, role: str, unit_code: str | None) -> Seat:
    """Give USER ROLE in CHARTER (replacing their role there)."""
    require(may_manage(actor, charter.id, role) and _manageable(actor, user, charter.id))
    try:
        seat = grant_role(user, role, charter.code, unit_code or None)
    except AccountError as error:
        raise InvalidInput({"role": str(error)}) from None
    _audit(user, "grant", actor, _seat_json(seat), charter.id)
    return seat


def remove_role(actor: User, user: User, charter_id: int | None) -> None:
    """Take away USER's role in joint meeting CHARTER_ID (None: the administrator role)."""
    seat = user.seat_in(charter_id)
    if seat is None:
        raise NotFound(_("There is no such page or record."))
    require(may_manage(actor, charter_id, seat.role))
    if seat.role == ADMIN and user.id == actor.id:
        raise InvalidInput({"role": _("You cannot remove your own administrator role.")})
    fields = _seat_json(seat)
    user.seats.remove(seat)
    if not any(s.unit_id for s in user.seats):
        user.department = None
    _audit(user, "remove_role", actor, fields, charter_id)


def set_active(actor: User, user: User, active: bool) -> None:
    """Disable (signed out everywhere, tokens revoked) or enable USER: administrators only."""
    require(actor.is_admin)
    if not active and user.id == actor.id:
        raise InvalidInput({"active": _("You cannot disable your own account.")})
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_sessions()
        revoke_tokens(user)
    _audit(user, "enable" if active else "disable", actor, {})


def reset_password(actor: User, user: User) -> str:
    """Give USER a one-time password they must change at next sign-in; their sessions and
    tokens end. Returns the password, shown once to the one who reset it."""
    require(actor.is_admin or _only_liaison_of_managed(actor, user))
    password = one_time_password()
    user.password_hash = _hash(password)
    user.must_change_password = True
    user.end_sessions()
    revoke_tokens(user)
    _audit(user, "reset_password", actor, {})
    return password


def revoke_all_tokens(actor: User, user: User) -> int:
    require(actor.is_admin or _only_liaison_of_managed(actor, user))
    count = revoke_tokens(user)
    _audit(user, "revoke_tokens", actor, {"count": count})
    return count


# Items a liaison may still be working on: their drafts and items sent back to them.
OPEN_DRAFT_STATES = tuple(s for s in agenda_item.STATES if agenda_item.editable(s))


def hand_over(actor: User, leaving: User, successor: User, charter: Charter) -> list[Item]:
    """Move LEAVING's open work in CHARTER (the drafts and returned items they started) to
    SUCCESSOR, a person of the same department, who takes over the liaison seat; LEAVING
    loses it. Each item moved records the handover in its own history."""
    require(may_manage(actor, charter.id, LIAISON))
    seat = leaving.seat_in(charter.id)
    if seat is None or seat.role != LIAISON:
        raise InvalidInput({"from": _("This person is not a liaison of this joint meeting.")})
    if successor.id == leaving.id or not successor.active:
        raise InvalidInput({"to": _("Choose another, active person.")})
    if successor.department_id not in (None, seat.unit.department_id):
        raise InvalidInput({"to": _("The successor must be of the same department.")})
    unit_code = seat.unit.code
    grant_role(successor, LIAISON, charter.code, unit_code)
    moved = list(
        db.session.scalars(
            select(Item).where(
                Item.charter_id == charter.id,
                Item.created_by_id == leaving.id,
                Item.state.in_(OPEN_DRAFT_STATES),
            )
        )
    )
    fields = {"from": leaving.username, "to": successor.username}
    for item in moved:
        item.created_by = successor
        save_change("item", item, "handover", item.state, actor, fields)
    leaving.seats.remove(seat)
    if not any(s.unit_id for s in leaving.seats):
        leaving.department = None
    details = {**fields, "unit": unit_code, "items": [item.id for item in moved]}
    _audit(leaving, "handover", actor, details, charter.id)
    _audit(successor, "take_over", actor, details, charter.id)
    return moved


def load_charter_upload(actor: User, data: bytes, filename: str) -> tuple[Charter, bool]:
    """Validate and load an uploaded charter file (administrators): a new code adds a joint
    meeting, a known one updates it. Errors name the line, as `flask charter load` does."""
    require(actor.is_admin)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "charter.yaml"
        path.write_bytes(data[:MAX_CHARTER_BYTES])
        try:
            charter, changed = load_charter(path)
        except CharterError as error:
            shown = Path(filename).name or "charter.yaml"
            raise CharterError(str(error).replace(str(path), shown)) from None
    if changed:
        record("joint_meeting", charter.id, "load", None, "active", actor,
               {"code": charter.code, "file": filename, "sha256": charter.source_sha256},
               charter_id=charter.id)  # fmt: skip
    return charter, changed


def set_archived(actor: User, charter: Charter, archived: bool) -> None:
    """Archive a joint meeting that has ended (kept, read-only, out of the switcher and the
    scheduler), or bring it back."""
    require(actor.is_admin)
    if (charter.archived_at is not None) == archived:
        return
    charter.archived_at = utcnow() if archived else None
    state = "archived" if archived else "active"
    record("joint_meeting", charter.id, "archive" if archived else "unarchive", None, state,
           actor, {"code": charter.code}, charter_id=charter.id)  # fmt: skip


MAX_CHARTER_BYTES = 2 * 1024 * 1024


def import_liaisons(actor: User, preview, charter: Charter) -> list[tuple[User, str | None]]:
    """Carry out a liaison sheet's preview (meeting.admin.liaison_import) in CHARTER; each
    person imported gets an audit row."""
    require(may_manage(actor, charter.id, LIAISON))
    done = liaison_import.apply(preview, charter)
    for user, password in done:
        unit = user.seat_in(charter.id).unit.code
        event = "import" if password else "grant"
        _audit(user, event, actor, {"joint_meeting": charter.code, "role": LIAISON, "unit": unit},
               charter.id)  # fmt: skip
    return done


def one_time_password() -> str:
    return secrets.token_urlsafe(9)


def _only_liaison_of_managed(actor: User, user: User) -> bool:
    """USER is a liaison only, in joint meetings whose office ACTOR is."""
    managed = set(managed_charter_ids(actor) or [])
    return bool(user.seats) and all(
        seat.role == LIAISON and seat.charter_id in managed for seat in user.seats
    )


def _manageable(actor: User, user: User, charter_id: int) -> bool:
    return actor.is_admin or not user.seats or _only_liaison_of_managed(actor, user)


def _set_department(user: User, code: str | None) -> None:
    if code is None:
        user.department = None
        return
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise InvalidInput({"department": _("Unknown department.")})
    if any(seat.unit and seat.unit.department_id != department.id for seat in user.seats):
        raise InvalidInput({"department": _("A liaison's department is that of their unit.")})
    user.department = department


def _charter_id(code: str | None) -> int | None:
    if code is None:
        return None
    charter = db.session.scalar(select(Charter).where(Charter.code == code))
    if charter is None:
        raise InvalidInput({"roles": _("Unknown joint meeting.")})
    return charter.id


def _seat_json(seat: Seat) -> dict:
    return {
        "joint_meeting": seat.charter.code if seat.charter else None,
        "role": seat.role,
        "unit": seat.unit.code if seat.unit else None,
    }


def _audit(user: User, event: str, actor: User, fields: dict, charter=None) -> None:
    charter_id = _charter_id(charter) if isinstance(charter, str) else charter
    state = "active" if user.active else "disabled"
    record(SUBJECT, user.id, event, state, state, actor, fields, charter_id=charter_id)


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
