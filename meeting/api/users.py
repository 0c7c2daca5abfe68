"""The admin API of API.md v1.1: /api/v1/users (administrators; the office for its liaisons)."""

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.models import Seat, User
from meeting.admin import operations as admin
from meeting.api import bp
from meeting.api.contract import WRITE, operation
from meeting.api.pagination import paginated
from meeting.contract import bodies, resources
from meeting.contract.queries import Query
from meeting.errors import Forbidden, NotFound
from meeting.extensions import db
from meeting.scope import narrow

ROLE_RULES = (
    "each role names a joint meeting, except admin, which names none",
    "a liaison names a member unit of that joint meeting; a person's units are of one department",
)


@bp.get("/users")
@operation("People and their roles (administrators; an office: its joint meeting's people)",
           query=Query, returns={200: resources.Page[resources.Person]}, errors=(401, 403))  # fmt: skip
def list_users(args: Query):
    managed = admin.managed_charter_ids(current_user)
    if managed is not None and not managed:
        raise Forbidden(
            _("Only an administrator, or the office for its own liaisons, may do this.")
        )
    query = select(User)
    if managed is not None or args.joint_meeting:
        seats = select(Seat.user_id)
        if managed is not None:
            seats = seats.where(Seat.charter_id.in_(managed))
        seats = narrow(seats, Seat.charter_id, args.joint_meeting)
        query = query.where(User.id.in_(seats))
    return paginated(query.order_by(User.username), person_json, args)


@bp.post("/users")
@operation("Create a person with a one-time password", body=bodies.PersonNew,
           returns={201: resources.PersonCreated}, errors=WRITE,
           rules=("username is not taken", *ROLE_RULES))  # fmt: skip
def create_person(body: dict):
    user, password = admin.create_person(current_user, body)
    return resources.PersonCreated(
        **person_json(user).model_dump(), one_time_password=password
    ), 201


@bp.get("/users/<username>")
@operation("One person", returns={200: resources.Person}, errors=(401, 403))
def show_person(username: str):
    return person_json(managed_person(username))


@bp.patch("/users/<username>")
@operation("Change a person's name, e-mail, department, or disable/enable them",
           body=bodies.PersonEdit, returns={200: resources.Person}, errors=WRITE,
           rules=("department is a department's code, the one of the person's units",
                  "an administrator does not disable their own account"))  # fmt: skip
def edit_person(username: str, body: dict):
    return person_json(admin.update_person(current_user, managed_person(username), body))


@bp.put("/users/<username>/roles")
@operation("Replace a person's roles (administrators)", body=bodies.RoleList,
           returns={200: resources.Person}, errors=WRITE, rules=ROLE_RULES)  # fmt: skip
def put_roles(username: str, body: dict):
    user = managed_person(username)
    roles = body.get("roles") if isinstance(body, dict) else None
    return person_json(admin.set_roles(current_user, user, roles))


def managed_person(username: str) -> User:
    """The person USERNAME, if the caller manages people at all (404 for one they cannot see)."""
    managed = admin.managed_charter_ids(current_user)
    if managed is not None and not managed:
        raise Forbidden(
            _("Only an administrator, or the office for its own liaisons, may do this.")
        )
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or (managed is not None and not set(user.charter_ids) & set(managed)):
        raise NotFound(_("There is no such page or record."))
    return user


def person_json(user: User) -> resources.Person:
    roles = [
        resources.RoleHeld(
            joint_meeting=seat.charter.code if seat.charter else None,
            role=seat.role,
            unit=seat.unit.code if seat.unit else None,
        )
        for seat in user.seats
        if seat.charter_id is None or seat.charter is not None  # joint meetings the caller sees
    ]
    department = user.department.code if user.department else None
    return resources.Person.of(user, department=department, roles=roles)
