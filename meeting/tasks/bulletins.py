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
from meeting.notifications.operations import all_unit_liaisons, notify, users_with_roles
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Bulletin, Task
from meeting.timeutil import day_end_utc, local, utcnow
from workflows import agenda_item
from workflows.roles import CONVENER, GENERAL_CONVENER, OFFICE


def figures(start: date, end: date, today: date) -> dict:
    """Items by state and tasks by lead unit, as of TODAY, for what existed by END."""
    items = db.session.execute(
        select(Item.state, func.count())
        .where(Item.submitted_at.is_not(None), Item.created_at < day_end_utc(end))
        .group_by(Item.state)
    ).all()
    tasks = db.session.scalars(select(Task).where(Task.assigned_at < day_end_utc(end))).all()
    by_unit = []
    for unit in Charter.current().active_units:
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


def create_bulletin(user: User | None, start: date, end: date) -> Bulletin:
    """A draft bulletin for START..END (USER None: the scheduler's periodic draft)."""
    if user is not None and user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office issues bulletins."))
    if end < start:
        raise InvalidInput({"period_end": _("Must not be before the start.")})
    bulletin = Bulletin(period_start=start, period_end=end, figures=figures(start, end, county_today()),
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
    )
    return bulletin


def publish_bulletin(bulletin: Bulletin, user: User) -> Bulletin:
    """Freeze, number (2026年第3期) and deliver the bulletin to every unit."""
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office issues bulletins."))
    if bulletin.published_at is not None:
        raise InvalidTransition(
            _("This bulletin is already published."), state="published", available_events=[]
        )
    now = utcnow()
    year = local(now).year
    last = db.session.scalar(select(func.max(Bulletin.number)).where(Bulletin.year == year))
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
    )
    notify([*all_unit_liaisons(), *users_with_roles(GENERAL_CONVENER, CONVENER)], "bulletin_published",
           _("Progress bulletin %(name)s", name=bulletin_name(bulletin)), "", f"/bulletins/{bulletin.id}")  # fmt: skip
    return bulletin


def bulletin_name(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return _("draft")
    return _("%(year)d, no. %(n)d", year=bulletin.year, n=bulletin.number)


def docx_bytes(bulletin: Bulletin) -> bytes:
    charter = Charter.current()
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
