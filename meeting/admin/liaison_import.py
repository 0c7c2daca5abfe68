"""Import liaisons from the office's Excel list (联络员名单): preview every row, then apply.

`read_sheet` reads the .xlsx the office collects from the member units (columns 单位, 姓名,
职务, 手机, 邮箱, in any order, under a header in one of the first rows) and checks each row
against one joint meeting without writing anything: which member unit it names, whether the
person is new, already has an account (matched by e-mail) that gets the liaison seat, or is
that unit's liaison already (by e-mail, or by name when the row gives no e-mail), the sign-in name a new account would get, and each row's
problems. `apply` carries out a preview without problems: new accounts with a one-time
password to be changed at first sign-in, and a liaison seat for everyone.

职务 (title) and 手机 (mobile) are shown in the preview only: accounts have no columns for
them. Apply a preview read in the same request (it holds database objects); to confirm an
upload, read the same file again (`Preview.sha256` tells it is the same) and apply that.
Operations flush; the request commits once.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from meeting.accounts.models import Seat, User
from meeting.accounts.operations import AccountError, create_user, grant_role
from meeting.accounts.passwords import password_problem
from meeting.charter.models import Charter, Unit
from meeting.extensions import db
from workflows.roles import LIAISON, ROLES

MAX_ROWS = 500  # rows of liaisons read from one sheet
HEADER_ROWS = 5  # the header is looked for in this many rows at the top
NAME_LIMIT = 100  # User.display_name
EMAIL_LIMIT = 200  # User.email
USERNAME_LIMIT = 64  # User.username

# What a row's person is to the joint meeting.
NEW = "new"  # no account yet: one is created
EXISTING = "existing"  # an account (same e-mail) that gets the liaison seat
ALREADY = "already"  # that unit's liaison in this joint meeting already: nothing to do

# column -> the header texts that name it (compared without blanks, case or width).
HEADERS = {
    "unit": ("单位", "单位名称", "成员单位", "所在单位", "工作单位"),
    "name": ("姓名", "联络员", "联络员姓名"),
    "title": ("职务", "职位"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "电话"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail"),
}
REQUIRED = ("unit", "name")

PHONE = re.compile(r"1[0-9]{10}")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# "府谷县民政局" and "县民政局" name the same unit: the county's name is left off in comparing.
COUNTY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{0,6}?县(?=[\u4e00-\u9fff]{2})")


class SheetError(ValueError):
    """A file that cannot be imported, or a preview that cannot be applied; the message,
    in the request's language, says why."""


@dataclass
class PreviewRow:
    """One row of liaisons as read, with what importing it would do and what stops it."""

    row: int  # the row number Excel shows
    unit_text: str  # 单位 as written
    unit: Unit | None  # the member unit it names, None when unknown
    name: str  # 姓名
    title: str  # 职务 (shown only)
    phone: str  # 手机 without blanks or dashes (shown only)
    email: str  # 邮箱, "" when not given
    username: str  # the sign-in name: proposed for a new person, else the account's
    status: str = NEW  # NEW, EXISTING or ALREADY
    user: User | None = None  # the existing account (EXISTING, ALREADY)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Preview:
    """What importing a sheet into one joint meeting would do; nothing is written yet."""

    charter_id: int
    sheet_name: str
    header_row: int  # the row number Excel shows
    sha256: str  # of the file: the same upload when confirmed
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the sheet as a whole

    @property
    def ok(self) -> bool:
        """Nothing stops the import."""
        return not self.problems and all(row.ok for row in self.rows)

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(row.problems) for row in self.rows)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)


def read_sheet(data: bytes, charter: Charter) -> Preview:
    """Read the liaison list in DATA (.xlsx) for joint meeting CHARTER; write nothing."""
    workbook = _open(data)
    try:
        found = _find_header(workbook)
        if found is None:
            raise SheetError(
                _("No header row with the columns 单位 and 姓名 in the first %(count)s rows.",
                  count=HEADER_ROWS)
            )  # fmt: skip
        sheet, header_row, columns = found
        preview = Preview(charter.id, sheet.title, header_row, hashlib.sha256(data).hexdigest())
        raw_rows = _data_rows(sheet, header_row, columns, preview)
    finally:
        workbook.close()
    if charter.archived_at is not None:
        preview.problems.append(_("This joint meeting is archived."))
    if not raw_rows and not preview.problems:
        preview.problems.append(_("The sheet lists no liaisons."))
    units = _unit_index(charter)
    people = _people_by_email()
    liaisons = _liaisons_by_name(charter)
    for number, cells in raw_rows:
        row = _check_row(number, cells, charter, units, people)
        # No e-mail to know the person by: the unit's liaison of that name is the same.
        if row.status == NEW and not row.email and row.unit and row.name:
            user = liaisons.get((row.unit.id, row.name))
            if user is not None:
                row.user, row.username, row.status = user, user.username, ALREADY
        preview.rows.append(row)
    _check_repeats(preview.rows)
    _propose_usernames(preview.rows)
    return preview


def apply(preview: Preview, charter: Charter) -> list[tuple[User, str | None]]:
    """Carry out PREVIEW in CHARTER: create the new people, each with a one-time password
    they change at first sign-in, and give everyone the liaison seat of their unit.

    Returns each row's person with their one-time password (None for an existing account),
    in the sheet's order. Refuses a preview with any problem, writing nothing.
    """
    if preview.charter_id != charter.id:
        raise SheetError(_("This preview is of another joint meeting."))
    if not preview.ok:
        raise SheetError(_("Fix the problems the preview shows before importing."))
    done: list[tuple[User, str | None]] = []
    with db.session.begin_nested():  # all rows or none
        for row in preview.rows:
            try:
                done.append(_apply_row(row, charter))
            except AccountError as error:
                raise SheetError(
                    _("Row %(row)s cannot be imported: %(reason)s", row=row.row, reason=error)
                ) from None
    db.session.flush()
    return done


def _apply_row(row: PreviewRow, charter: Charter) -> tuple[User, str | None]:
    if row.status == ALREADY:
        return row.user, None
    if row.status == EXISTING:
        grant_role(row.user, LIAISON, charter.code, row.unit.code)
        return row.user, None
    password = _one_time_password(row.username)
    user = create_user(row.username, LIAISON, password, row.unit.code, display_name=row.name,
                       email=row.email or None, joint_meeting=charter.code)  # fmt: skip
    user.must_change_password = True
    return user, password


def _one_time_password(username: str) -> str:
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, username) is None:
            return password


# -- reading the workbook -------------------------------------------------------------------


def _open(data: bytes):
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # "no default style" and the like from other programs
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # not a zip, not an Office Open XML workbook, or a broken one
        raise SheetError(_("The file is not an Excel workbook (.xlsx).")) from None


def _find_header(workbook):
    """The first sheet (the active one first) with a header row: the sheet, the header's row
    number and column name -> index."""
    sheets = list(workbook.worksheets)
    active = workbook.active
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    for sheet in sheets:
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        try:
            top = list(sheet.iter_rows(min_row=1, max_row=HEADER_ROWS, values_only=True))
        except Exception:
            raise SheetError(_("The file is not an Excel workbook (.xlsx).")) from None
        for number, cells in enumerate(top, start=1):
            columns = _header_columns(cells)
            if all(column in columns for column in REQUIRED):
                return sheet, number, columns
    return None


def _header_columns(cells) -> dict[str, int]:
    wanted = {_header_key(text): column for column, texts in HEADERS.items() for text in texts}
    columns: dict[str, int] = {}
    for index, value in enumerate(cells):
        column = wanted.get(_header_key(_cell_text(value)))
        if column and column not in columns:
            columns[column] = index
    return columns


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s*:]", "", text)


def _data_rows(sheet, header_row: int, columns: dict[str, int], preview: Preview):
    """(row number, column -> text) of the non-empty rows under the header, at most MAX_ROWS."""
    rows = []
    cells_of = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    for number, cells in enumerate(cells_of, start=header_row + 1):
        texts = {
            column: _cell_text(cells[index]) if index < len(cells) else ""
            for column, index in columns.items()
        }
        if not any(texts.values()):
            continue
        if len(rows) == MAX_ROWS:
            preview.problems.append(
                _("The sheet has more than %(count)s liaisons; import them in parts.",
                  count=MAX_ROWS)
            )  # fmt: skip
            break
        rows.append((number, texts))
    return rows


def _cell_text(value) -> str:
    """A cell as text: numbers as typed (a mobile number typed as a number too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    # No control characters (a database refuses NUL) and no lone surrogates.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs") or c in "\t\n")
    return text.strip().strip("\ufeff").strip()


# -- checking the rows ----------------------------------------------------------------------


def _unit_key(text: str) -> str:
    """A unit's name, alias or code as compared: no blanks, one width of brackets, one case."""
    text = unicodedata.normalize("NFKC", text)  # full-width （） and letters become half-width
    return re.sub(r"\s", "", text).casefold()


def _unit_index(charter: Charter) -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    """The active units by every key they are known by, and by that key without the county."""
    exact: dict[str, Unit] = {}
    loose: dict[str, list[Unit]] = {}
    for unit in charter.active_units:
        for text in [unit.name, unit.code, *(unit.aliases or [])]:
            key = _unit_key(text)
            exact.setdefault(key, unit)
            same = loose.setdefault(COUNTY_PREFIX.sub("", key), [])
            if unit not in same:
                same.append(unit)
    return exact, loose


def _match_unit(text: str, units) -> Unit | None:
    exact, loose = units
    key = _unit_key(text)
    if key in exact:
        return exact[key]
    candidates = loose.get(COUNTY_PREFIX.sub("", key), [])
    return candidates[0] if len(candidates) == 1 else None


def _people_by_email() -> dict[str, list[User]]:
    people: dict[str, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.email.is_not(None)).order_by(User.id)):
        people.setdefault(user.email.strip().casefold(), []).append(user)
    return people


def _liaisons_by_name(charter: Charter) -> dict[tuple[int, str], User]:
    """This joint meeting's liaisons by unit and name."""
    query = (
        select(User, Seat.unit_id)
        .join(Seat, Seat.user_id == User.id)
        .where(Seat.charter_id == charter.id, Seat.role == LIAISON)
        .order_by(User.id)
    )
    liaisons: dict[tuple[int, str], User] = {}
    for user, unit_id in db.session.execute(query):
        liaisons.setdefault((unit_id, _person_name(user.display_name)), user)
    return liaisons


def _person_name(text: str) -> str:
    """Blanks collapsed; a Chinese name padded to line up ("王  芳") closed up."""
    text = " ".join(text.split())
    if all(_is_cjk(c) or c == " " for c in text):
        text = text.replace(" ", "")
    return text


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char == "·"


def _check_row(number: int, cells: dict[str, str], charter: Charter, units, people) -> PreviewRow:
    unit_text = cells.get("unit", "")
    name = _person_name(cells.get("name", ""))
    phone = re.sub(r"[\s\-‐–—]", "", unicodedata.normalize("NFKC", cells.get("phone", "")))
    email = re.sub(r"\s", "", unicodedata.normalize("NFKC", cells.get("email", "")))
    unit = _match_unit(unit_text, units) if unit_text else None
    row = PreviewRow(number, unit_text, unit, name, cells.get("title", ""), phone, email, "")
    problems = row.problems
    if not unit_text:
        problems.append(_("The unit is missing."))
    elif unit is None:
        problems.append(_("Unknown unit: %(name)s", name=unit_text))
    if not name:
        problems.append(_("The name is missing."))
    elif len(name) > NAME_LIMIT:
        problems.append(_("The name is longer than %(count)s characters.", count=NAME_LIMIT))
    if phone and not PHONE.fullmatch(phone):
        problems.append(
            _("The mobile number %(phone)s is not 11 digits starting with 1.", phone=phone)
        )
    if email and len(email) > EMAIL_LIMIT:
        problems.append(
            _("The e-mail address is longer than %(count)s characters.", count=EMAIL_LIMIT)
        )
    elif email and not EMAIL.fullmatch(email):
        problems.append(_("%(email)s is not an e-mail address.", email=email))
    elif email:
        _check_person(row, people.get(email.casefold(), []), charter)
    return row


def _check_person(row: PreviewRow, matches: list[User], charter: Charter) -> None:
    """Who has the row's e-mail already, and whether they may be this unit's liaison."""
    if not matches:
        return
    if len(matches) > 1:
        names = ", ".join(user.username for user in matches)
        row.problems.append(
            _("Several accounts have this e-mail address: %(usernames)s.", usernames=names)
        )
        return
    user = row.user = matches[0]
    row.username, row.status = user.username, EXISTING
    if row.name and _person_name(user.display_name) != row.name:
        row.problems.append(
            _("This e-mail address belongs to %(username)s (%(person)s), not to %(name)s.",
              username=user.username, person=user.display_name, name=row.name)
        )  # fmt: skip
    if not user.active:
        row.problems.append(_("The account %(username)s is disabled.", username=user.username))
    unit = row.unit
    if unit is None:
        return
    if user.department_id and user.department_id != unit.department_id:
        row.problems.append(
            _("%(username)s belongs to %(department)s.",
              username=user.username, department=user.department.name)
        )  # fmt: skip
    seat = user.seat_in(charter.id)
    if seat is not None and seat.role == LIAISON and seat.unit_id == unit.id:
        row.status = ALREADY
    elif seat is not None:
        role = _(ROLES[seat.role])
        if seat.unit is not None:
            role = f"{role} ({seat.unit.name})"
        row.problems.append(
            _("%(username)s is already %(role)s in this joint meeting.",
              username=user.username, role=role)
        )  # fmt: skip


def _check_repeats(rows: list[PreviewRow]) -> None:
    """A person listed twice: the same unit and name, or the same e-mail address."""
    by_person: dict[tuple, int] = {}
    by_email: dict[str, int] = {}
    for row in rows:
        unit = row.unit.id if row.unit else _unit_key(row.unit_text)
        person = (unit, row.name)
        if row.name and person in by_person:
            row.problems.append(_("The same unit and name as row %(row)s.", row=by_person[person]))
        elif row.email and row.email.casefold() in by_email:
            row.problems.append(
                _("The same e-mail address as row %(row)s.", row=by_email[row.email.casefold()])
            )
        by_person.setdefault(person, row.row)
        if row.email:
            by_email.setdefault(row.email.casefold(), row.row)


# -- sign-in names --------------------------------------------------------------------------


def _propose_usernames(rows: list[PreviewRow]) -> None:
    """A sign-in name for each new person, unique among the accounts and the sheet's rows:
    the e-mail's local part, else unit code and the mobile's last 4 digits, else unit code
    and a number; a taken name gets -2, -3 …"""
    taken = {name.casefold() for name in db.session.scalars(select(User.username))}
    for row in rows:
        if row.status != NEW:
            continue
        prefix = row.unit.code if row.unit else LIAISON
        base = _email_name(row.email)
        if not base and len(digits := re.sub(r"[^0-9]", "", row.phone)) >= 4:
            base = f"{prefix}-{digits[-4:]}"
        row.username = _free(base, taken) if base else _free(prefix, taken, numbered=True)
        taken.add(row.username)


def _email_name(email: str) -> str:
    local = email.partition("@")[0].partition("+")[0].lower()
    return re.sub(r"[^a-z0-9._-]", "", local).strip("._-")


def _free(base: str, taken: set[str], numbered: bool = False) -> str:
    """BASE if free (unless NUMBERED), else the first free BASE-2, BASE-3 … (BASE-1 … when
    NUMBERED)."""
    base = base[: USERNAME_LIMIT - 5].rstrip("._-")
    if not numbered and base not in taken:
        return base
    number = 1 if numbered else 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
