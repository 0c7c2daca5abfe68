"""Progress bulletins 工作进展通报 (二, 三(三)): figures for a period, published to every unit."""

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from flask_babel import gettext as _
from sqlalchemy import func, select

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.locks import lock_joint_meeting
from meeting.notifications.operations import all_unit_liaisons, notify, users_with_roles
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Bulletin, Task
from meeting.timeutil import day_end_utc, local, utcnow
from workflows import agenda_item
from workflows.roles import CONVENER, GENERAL_CONVENER, OFFICE


def figures(charter: Charter, start: date, end: date, today: date) -> dict:
    """CHARTER's items by state and tasks by lead unit, as of TODAY, for what existed by END."""
    items = db.session.execute(
        select(Item.state, func.count())
        .where(
            Item.charter_id == charter.id,
            Item.submitted_at.is_not(None),
            Item.created_at < day_end_utc(end),
        )
        .group_by(Item.state)
    ).all()
    tasks = db.session.scalars(
        select(Task).where(Task.charter_id == charter.id, Task.assigned_at < day_end_utc(end))
    ).all()
    by_unit = []
    for unit in charter.active_units:
        mine = [t for t in tasks if t.lead_unit_id == unit.id]
        done = sum(t.state == "done" for t in mine)
        by_unit.append({
            "unit": unit.code, "name": unit.name, "total": len(mine),
            "assigned": sum(t.state == "assigned" for t in mine),
            "in_progress": sum(t.state in ("in_progress", "completion_requested") for t in mine),
            "done": done,
            "overdue": sum(t.state != "done" and t.deadline < today for t in mine),
            "completion_rate": round(done / len(mine), 4) if mine else None,
        })  # fmt: skip
    overdue = [
        {"task": t.id, "item": t.item.title, "unit": t.lead_unit.name,
         "deadline": t.deadline.isoformat(), "days": (today - t.deadline).days}
        for t in sorted(tasks, key=lambda t: t.deadline)
        if t.state != "done" and t.deadline < today
    ]  # fmt: skip
    return {
        "period": [start.isoformat(), end.isoformat()],
        "as_of": today.isoformat(),
        "items_by_state": {state: count for state, count in items},
        "tasks_by_unit": by_unit,
        "overdue": overdue,
        "tasks_total": len(tasks),
        "tasks_done": sum(t.state == "done" for t in tasks),
    }


def create_bulletin(user: User | None, start: date, end: date,
                    charter: Charter | None = None) -> Bulletin:  # fmt: skip
    """A draft bulletin of CHARTER (default: the current joint meeting) for START..END
    (USER None: the scheduler's periodic draft)."""
    charter = charter or Charter.current()
    if user is not None:
        user.acting_in(charter.id)
    if user is not None and user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office issues bulletins."))
    if end < start:
        raise InvalidInput({"period_end": _("Must not be before the start.")})
    bulletin = Bulletin(charter_id=charter.id, period_start=start, period_end=end,
                        figures=figures(charter, start, end, county_today()),
                        created_by=user, created_at=utcnow())  # fmt: skip
    db.session.add(bulletin)
    db.session.flush()
    record(
        "bulletin",
        bulletin.id,
        "draft",
        None,
        "draft",
        user,
        {"period": bulletin.figures["period"]},
        charter_id=charter.id,
    )
    return bulletin


def publish_bulletin(bulletin: Bulletin, user: User) -> Bulletin:
    """Freeze, number (2026年第3期) and deliver the bulletin to every unit."""
    user.acting_in(bulletin.charter_id)
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office issues bulletins."))
    if bulletin.published_at is not None:
        raise InvalidTransition(
            _("This bulletin is already published."), state="published", available_events=[]
        )
    now = utcnow()
    year = local(now).year
    lock_joint_meeting(bulletin.charter_id)
    last = db.session.scalar(
        select(func.max(Bulletin.number)).where(
            Bulletin.charter_id == bulletin.charter_id, Bulletin.year == year
        )
    )
    bulletin.year, bulletin.number, bulletin.published_at = year, (last or 0) + 1, now
    db.session.flush()
    record(
        "bulletin",
        bulletin.id,
        "publish",
        "draft",
        "published",
        user,
        {"number": bulletin_name(bulletin)},
        charter_id=bulletin.charter_id,
    )
    here = bulletin.charter_id
    notify([*all_unit_liaisons(here), *users_with_roles(here, GENERAL_CONVENER, CONVENER)],
           "bulletin_published", _("Progress bulletin %(name)s", name=bulletin_name(bulletin)), "",
           f"/bulletins/{bulletin.id}", charter_id=here)  # fmt: skip
    return bulletin


def bulletin_name(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return _("draft")
    return _("%(year)d, no. %(n)d", year=bulletin.year, n=bulletin.number)


def docx_bytes(bulletin: Bulletin) -> bytes:
    charter = bulletin.charter
    figures_ = bulletin.figures
    doc = Document()
    _line(doc, f"{charter.name}", 22, center=True)
    _line(doc, f"工作进展通报({bulletin_name(bulletin)})", 18, center=True)
    _line(
        doc,
        f"统计期间:{figures_['period'][0]} 至 {figures_['period'][1]};截至 {figures_['as_of']}。",
        14,
    )
    _line(doc, "一、议题办理情况", 16)
    states = "、".join(
        f"{_(agenda_item.STATES[s])}{n}项" for s, n in figures_["items_by_state"].items()
    )
    _line(doc, states or "本期无议题。", 14)
    _line(doc, "二、各单位任务落实情况", 16)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ["牵头单位", "任务数", "已交办", "办理中", "已办结", "超期"],
        strict=True,
    ):
        cell.text = text
    for row in figures_["tasks_by_unit"]:
        if row["total"]:
            cells = table.add_row().cells
            for cell, value in zip(cells, [row["name"], row["total"], row["assigned"], row["in_progress"],
                                           row["done"], row["overdue"]], strict=True):  # fmt: skip
                cell.text = str(value)
    _line(doc, "三、超期任务", 16)
    for task in figures_["overdue"]:
        _line(
            doc, f"{task['unit']}:{task['item']}(期限{task['deadline']},超期{task['days']}天)", 14
        )
    if not figures_["overdue"]:
        _line(doc, "本期无超期任务。", 14)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _line(doc, text: str, size: int, center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = "仿宋_GB2312"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
