"""Administration pages: people and their roles, access, handover, joint meetings, departments,
and the audit history of it all. Administrators see everything; an office its own liaisons."""

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from meeting.accounts.models import Seat, User
from meeting.accounts.permissions import roles_required, signed_in
from meeting.admin import liaison_import
from meeting.admin import operations as admin
from meeting.charter.loader import CharterError
from meeting.charter.models import Charter, Department
from meeting.errors import InvalidInput, WorkflowError
from meeting.extensions import db
from meeting.history import History
from meeting.pages import attempt, page_of
from meeting.uploads import upload_folder
from workflows.roles import ADMIN, LIAISON, ROLES

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 30
# What the audit history covers: people, joint meetings and departments.
AUDITED = (admin.SUBJECT, "joint_meeting", "department")


@bp.before_request
@signed_in
def managers_only():
    """Administrators, and the offices (for their own joint meeting's liaisons)."""
    if admin.managed_charter_ids(current_user) == []:
        abort(403)


@bp.get("/")
def people():
    """The people the user manages, searchable and filtered by joint meeting."""
    query = select(User)
    managed = admin.managed_charter_ids(current_user)
    code = request.args.get("joint_meeting") or None
    if managed is not None or code:
        seats = select(Seat.user_id)
        if managed is not None:
            seats = seats.where(Seat.charter_id.in_(managed))
        if code:
            seats = seats.join(Charter, Charter.id == Seat.charter_id).where(Charter.code == code)
        query = query.where(User.id.in_(seats))
    text = request.args.get("q", "").strip()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                User.username.ilike(pattern),
                User.display_name.ilike(pattern),
                User.email.ilike(pattern),
            )
        )
    page = page_of(query.order_by(User.username), PER_PAGE)
    return render_template("admin/people.html", page=page, q=text, code=code,
                           charters=_managed_charters())  # fmt: skip


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    errors, status = {}, 200
    if request.method == "POST":
        data = {
            "username": request.form.get("username", ""),
            "display_name": request.form.get("display_name") or None,
            "email": request.form.get("email") or None,
            "roles": [_role_from_form()],
        }
        try:
            user, password = admin.create_person(current_user, data)
        except InvalidInput as error:
            db.session.rollback()
            errors, status = error.fields, 422
        except WorkflowError as error:
            db.session.rollback()
            abort(error.status)
        else:
            return render_template("admin/created.html", user=user, password=password)
    return render_template("admin/person_new.html", errors=errors, form=request.form,
                           charters=_managed_charters(), roles=_grantable_roles()), status  # fmt: skip


@bp.get("/people/<username>")
def person(username: str, status: int = 200):
    user = _person_or_404(username)
    history = db.session.scalars(
        select(History)
        .where(History.subject_kind == admin.SUBJECT, History.subject_id == user.id)
        .order_by(History.id.desc())
    ).all()
    colleagues = []
    if user.department_id:
        colleagues = db.session.scalars(
            select(User)
            .where(User.department_id == user.department_id, User.id != user.id, User.active)
            .order_by(User.username)
        ).all()
    return render_template("admin/person.html", user=user, history=history,
                           charters=_managed_charters(), roles=_grantable_roles(),
                           colleagues=colleagues, seats=_visible_seats(user),
                           departments=_departments()), status  # fmt: skip


@bp.post("/people/<username>")
def edit_person(username: str):
    user = _person_or_404(username)
    data = {
        "display_name": request.form.get("display_name") or None,
        "email": request.form.get("email") or None,
    }
    if current_user.is_admin and "department" in request.form:
        data["department"] = request.form.get("department") or None
    return _act(user, lambda: admin.update_person(current_user, user, data), _("Saved."))


@bp.post("/people/<username>/roles")
def grant(username: str):
    user = _person_or_404(username)
    wanted = _role_from_form()
    charter = db.session.scalar(select(Charter).where(Charter.code == wanted["joint_meeting"]))
    if wanted["role"] == ADMIN:
        return _act(user, lambda: admin.make_admin(current_user, user), _("Role granted."))
    if charter is None:
        flash(_("Choose a joint meeting."), "danger")
        return person(username, status=422)
    return _act(user, lambda: admin.grant(current_user, user, charter, wanted["role"],
                                          wanted["unit"]), _("Role granted."))  # fmt: skip


@bp.post("/people/<username>/roles/remove")
def remove_role(username: str):
    user = _person_or_404(username)
    code = request.form.get("joint_meeting") or None
    charter_id = None
    if code:
        charter = db.session.scalar(select(Charter).where(Charter.code == code)) or abort(404)
        charter_id = charter.id
    return _act(user, lambda: admin.remove_role(current_user, user, charter_id),
                _("Role removed."))  # fmt: skip


@bp.post("/people/<username>/disable")
def disable(username: str):
    user = _person_or_404(username)
    return _act(user, lambda: admin.set_active(current_user, user, False),
                _("Disabled: signed out everywhere, API tokens revoked."))  # fmt: skip


@bp.post("/people/<username>/enable")
def enable(username: str):
    user = _person_or_404(username)
    return _act(user, lambda: admin.set_active(current_user, user, True), _("Enabled."))


@bp.post("/people/<username>/password")
def reset_password(username: str):
    user = _person_or_404(username)
    passwords = []
    refusal = attempt(lambda: passwords.append(admin.reset_password(current_user, user)))
    if refusal:
        return person(username, status=refusal.status)
    return render_template("admin/created.html", user=user, password=passwords[0], reset=True)


@bp.post("/people/<username>/tokens/revoke")
def revoke_tokens(username: str):
    user = _person_or_404(username)
    return _act(user, lambda: admin.revoke_all_tokens(current_user, user),
                _("API tokens revoked."))  # fmt: skip


@bp.post("/people/<username>/handover")
def handover(username: str):
    user = _person_or_404(username)
    charter = db.session.scalar(
        select(Charter).where(Charter.code == request.form.get("joint_meeting", ""))
    )
    successor = db.session.scalar(
        select(User).where(User.username == request.form.get("successor", ""))
    )
    if charter is None or successor is None:
        flash(_("Choose the joint meeting and the successor."), "danger")
        return person(username, status=422)
    moved = []
    refusal = attempt(lambda: moved.extend(admin.hand_over(current_user, user, successor, charter)))
    if refusal:
        return person(username, status=refusal.status)
    flash(_("Handed over to %(name)s: %(n)d open item(s) moved.", name=successor.name,
            n=len(moved)), "success")  # fmt: skip
    return redirect(url_for("admin.person", username=successor.username))


IMPORTS = "imports"
MAX_SHEET_BYTES = 5 * 1024 * 1024  # where an uploaded sheet waits between preview and confirmation


@bp.get("/import")
def import_liaisons():
    """Import liaisons from the 联络员名单 a joint meeting's office collected (Excel)."""
    return render_template("admin/import.html", charters=_managed_charters(), preview=None)


@bp.post("/import")
def preview_import():
    """Read the sheet and show what importing it would do, row by row; nothing is written."""
    charter = _managed_charter(request.form.get("joint_meeting", ""))
    upload = request.files.get("file")
    data = upload.read(MAX_SHEET_BYTES + 1) if upload and upload.filename else b""
    problem = None
    if not data:
        problem = _("Choose the Excel file (.xlsx).")
    elif len(data) > MAX_SHEET_BYTES:
        problem = _("The file is too large.")
    preview = None
    if problem is None:
        try:
            preview = liaison_import.read_sheet(data, charter)
        except liaison_import.SheetError as error:
            problem = str(error)
    if preview is not None:
        (upload_folder(IMPORTS) / f"{preview.sha256}.xlsx").write_bytes(data)
    return render_template("admin/import.html", charters=_managed_charters(), preview=preview,
                           charter=charter, problem=problem), 422 if problem else 200  # fmt: skip


@bp.post("/import/confirm")
def confirm_import():
    """Import the sheet previewed (by its SHA-256), all rows or none."""
    charter = _managed_charter(request.form.get("joint_meeting", ""))
    sha = request.form.get("sha256", "")
    path = upload_folder(IMPORTS) / f"{sha}.xlsx"
    if not re.fullmatch(r"[0-9a-f]{64}", sha) or not path.exists():
        abort(404)
    preview = liaison_import.read_sheet(path.read_bytes(), charter)
    try:
        done = admin.import_liaisons(current_user, preview, charter)
    except liaison_import.SheetError as error:
        db.session.rollback()
        return render_template("admin/import.html", charters=_managed_charters(),
                               preview=preview, charter=charter, problem=str(error)), 422  # fmt: skip
    path.unlink()
    return render_template("admin/imported.html", done=done, charter=charter)


@bp.get("/history")
def history():
    """The audit history of administration: who changed whose access, and when."""
    ids = select(History.id).where(History.subject_kind.in_(AUDITED))
    managed = admin.managed_charter_ids(current_user)
    if managed is not None:
        ids = ids.where(History.charter_id.in_(managed))
    # Audited rows are few among all history, but SQLite's statistics cannot tell: ordered by
    # `id`, it walks all history newest first hoping to meet them soon. Ordered by `id + 0`,
    # it looks their ids up by kind in an index and sorts them; then the page's rows by id.
    page = page_of(ids.order_by((History.id + 0).desc()), 50)
    rows = db.session.scalars(
        select(History).where(History.id.in_(page.items)).order_by(History.id.desc())
    ).all()
    people = {row.subject_id for row in rows if row.subject_kind == admin.SUBJECT}
    names = dict(
        db.session.execute(select(User.id, User.username).where(User.id.in_(people))).all()
    )
    return render_template("admin/history.html", page=page, rows=rows, names=names)


@bp.get("/departments")
@roles_required(ADMIN)
def departments():
    return render_template("admin/departments.html", departments=_departments())


@bp.post("/departments/<code>")
@roles_required(ADMIN)
def rename_department(code: str):
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        abort(404)
    name = request.form.get("name", "")
    refusal = attempt(lambda: admin.rename_department(current_user, department, name))
    if refusal:
        return render_template("admin/departments.html", departments=_departments()), 422
    flash(_("Saved."), "success")
    return redirect(url_for("admin.departments"))


@bp.get("/joint-meetings")
@roles_required(ADMIN)
def joint_meetings(status: int = 200, problem: str | None = None):
    """Every joint meeting: load a new charter or replace one, archive one that has ended."""
    charters = db.session.scalars(select(Charter).order_by(Charter.id)).all()
    return render_template("admin/joint_meetings.html", charters=charters,
                           problem=problem), status  # fmt: skip


@bp.post("/joint-meetings")
@roles_required(ADMIN)
def upload_charter():
    """Validate an uploaded charter file; add its joint meeting, or update the one of its code."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return joint_meetings(status=422, problem=_("Choose a charter file (.yaml)."))
    try:
        charter, changed = admin.load_charter_upload(current_user, upload.read(), upload.filename)
    except CharterError as error:
        db.session.rollback()
        return joint_meetings(status=422, problem=str(error))
    message = _("Loaded: %(name)s.", name=charter.name) if changed else _("Unchanged.")
    flash(message, "success")
    return redirect(url_for("admin.joint_meetings"))


@bp.post("/joint-meetings/<code>/archive")
@roles_required(ADMIN)
def archive(code: str):
    return _set_archived(code, True, _("Archived: %(name)s."))


@bp.post("/joint-meetings/<code>/unarchive")
@roles_required(ADMIN)
def unarchive(code: str):
    return _set_archived(code, False, _("Running again: %(name)s."))


def _set_archived(code: str, archived: bool, done: str):
    charter = db.session.scalar(select(Charter).where(Charter.code == code)) or abort(404)
    refusal = attempt(lambda: admin.set_archived(current_user, charter, archived))
    if refusal:
        return joint_meetings(status=refusal.status)
    flash(done % {"name": charter.name}, "success")
    return redirect(url_for("admin.joint_meetings"))


def _act(user: User, operation, success: str):
    refusal = attempt(operation)
    if refusal:
        return person(user.username, status=refusal.status)
    flash(success, "success")
    return redirect(url_for("admin.person", username=user.username))


def _managed_charter(code: str) -> Charter:
    charter = next((c for c in _managed_charters() if c.code == code), None)
    if charter is None:
        abort(404)
    return charter


def _person_or_404(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    managed = admin.managed_charter_ids(current_user)
    if user is None or (managed is not None and not set(user.charter_ids) & set(managed)):
        abort(404)
    return user


def _role_from_form() -> dict:
    return {
        "joint_meeting": request.form.get("joint_meeting") or None,
        "role": request.form.get("role") or LIAISON,
        "unit": request.form.get("unit") or None,
    }


def _managed_charters() -> list[Charter]:
    managed = admin.managed_charter_ids(current_user)
    query = select(Charter).where(Charter.archived_at.is_(None)).order_by(Charter.id)
    if managed is not None:
        query = query.where(Charter.id.in_(managed))
    return list(db.session.scalars(query))


def _grantable_roles() -> dict[str, str]:
    if current_user.is_admin:
        return ROLES
    return {LIAISON: ROLES[LIAISON]}


def _visible_seats(user: User) -> list[Seat]:
    return [s for s in user.seats if s.charter_id is None or s.charter is not None]


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))
