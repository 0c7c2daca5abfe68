"""Progress bulletins 工作进展通报 (二, 三(三)): figures for a period, published to every unit."""

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.locks import lock_joint_meeting
from meeting.meetings.minutes import issuing_office, masthead_lines
from meeting.notifications.operations import all_unit_liaisons, notify, users_with_roles
from meeting.official_document import (
    OfficialDocument,
    chinese_date,
    chinese_number,
    chinese_text,
)
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Bulletin, Task
from meeting.tasks.rhythm import missed_reports, report_times
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
    shown = select(Task).where(Task.charter_id == charter.id, Task.assigned_at < day_end_utc(end))
    # The overdue list names each task's item and lead unit: loaded with the tasks, not per row.
    tasks = db.session.scalars(
        shown.options(selectinload(Task.item), selectinload(Task.lead_unit))
    ).all()
    # 二(三), 三(三): reports missed per task, from every report of these tasks in one query.
    reports = report_times(charter.id, shown.with_only_columns(Task.id))
    missed = {t.id: missed_reports(t, today, reports.get(t.id, [])) for t in tasks}
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
            "missed_reports": sum(missed[t.id] for t in mine),
        })  # fmt: skip
    overdue = [
        {"task": t.id, "title": t.title, "item": t.item.title, "unit": t.lead_unit.name,
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
        "missed_reports": sum(missed.values()),
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
           "bulletin_published", link=f"/bulletins/{bulletin.id}", charter_id=here,
           params={"bulletin_id": bulletin.id, "year": bulletin.year, "number": bulletin.number})  # fmt: skip
    return bulletin


def bulletin_name(bulletin: Bulletin) -> str:
    if bulletin.number is None:
        return _("draft")
    return _("%(year)d, no. %(n)d", year=bulletin.year, n=bulletin.number)


def document_number(bulletin: Bulletin) -> str:
    """府谷联席通〔2026〕3号 where the charter's rules give a prefix, else 2026年第3期;
    「(草稿)」 before publishing."""
    if bulletin.number is None:
        return chinese_text("(草稿)")
    prefix = bulletin.charter.rules.get("bulletin_number_prefix")
    if prefix:
        return f"{prefix}〔{bulletin.year}〕{bulletin.number}号"
    return f"{bulletin.year}年第{bulletin.number}期"


def chinese_period(start: date, end: date) -> str:
    """2026年11月, 2026年第四季度, 2026年度, or 2026年11月3日至11月20日."""
    whole_month = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_month and (start.year, start.month) == (end.year, end.month):
        return f"{start.year}年{start.month}月"
    if (
        whole_month
        and start.year == end.year
        and start.month in (1, 4, 7, 10)
        and (end.month == start.month + 2)
    ):
        return f"{start.year}年第{chinese_number((start.month + 2) // 3)}季度"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year}年度"
    tail = chinese_date(end)[5:] if start.year == end.year else chinese_date(end)
    return f"{chinese_date(start)}至{tail}"


def docx_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin as an official document (GB/T 9704): masthead, 文号 over the red rule,
    title with the period in Chinese, 主送, items, a ruled table of units, each overdue task by
    its own title, signature, 版记."""
    with force_locale("zh_Hans"):
        return _bulletin_document(bulletin)


def _bulletin_document(bulletin: Bulletin) -> bytes:
    charter, figures_ = bulletin.charter, bulletin.figures
    issuer = issuing_office(charter)
    period = chinese_period(bulletin.period_start, bulletin.period_end)
    as_of = chinese_date(date.fromisoformat(figures_["as_of"]))
    title = f"关于{period}工作进展情况的通报"
    document = OfficialDocument(title, author=issuer)
    document.masthead(masthead_lines(charter))
    document.document_number(document_number(bulletin))
    document.title(title)
    document.main_to(charter.rules.get("minutes_main_to") or "联席会议各成员单位")
    document.paragraph(f"现将{period}联席会议议题办理和任务落实情况通报如下(截至{as_of}):")
    document.heading("一、议题办理情况", 1)
    states = "、".join(
        f"{_(agenda_item.STATES[s])}{n}项" for s, n in figures_["items_by_state"].items()
    )
    document.paragraph(f"本期共有议题{sum(figures_['items_by_state'].values())}项:{states}。"
                       if states else "本期无议题。")  # fmt: skip
    document.heading("二、各成员单位任务落实情况", 1)
    total, done = figures_["tasks_total"], figures_["tasks_done"]
    rate = f",办结率{done * 100 // total}%" if total else ""
    document.paragraph(f"截至{as_of},共交办任务{total}项,已办结{done}项{rate}。")
    rows = [
        [row["name"], row["total"], row["assigned"], row["in_progress"], row["done"],
         row["overdue"], row.get("missed_reports", "—"), f"{row['done'] * 100 // row['total']}%"]
        for row in figures_["tasks_by_unit"] if row["total"]
    ]  # fmt: skip
    if rows:  # 漏报: progress reports missed (二(三), 三(三)); "—" in bulletins made before
        document.table(["牵头单位", "任务数", "已交办", "办理中", "已办结", "超期", "漏报", "办结率"],
                       rows, [42, 16, 16, 16, 16, 14, 14, 22])  # fmt: skip
    document.heading("三、超期任务", 1)
    for number, task in enumerate(figures_["overdue"], start=1):
        deadline = chinese_date(date.fromisoformat(task["deadline"]))
        name = task.get("title") or task["item"]
        document.paragraph(f"{number}.{task['unit']}:{name}(议题《{task['item']}》,"
                           f"期限{deadline},超期{task['days']}天)。")  # fmt: skip
    if not figures_["overdue"]:
        document.paragraph("本期无超期任务。")
    document.paragraph(
        "请各牵头单位对照任务清单,加快推进,按期办结;超期任务须说明原因并报送整改措施。"
    )
    issued = local(bulletin.published_at).date() if bulletin.published_at else county_today()
    document.signature(issuer, issued)
    document.colophon(charter.rules.get("minutes_cc") or [], issuer,
                      issued if bulletin.published_at else None)  # fmt: skip
    return document.to_bytes()
