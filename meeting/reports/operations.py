"""The annual work report 年度工作报告: its figures (database aggregates), the draft text, and
the office's create / edit / issue.

One report per joint meeting and year: asking for a second one is refused (InvalidInput naming
the year); the page then opens the existing one. The text is Chinese prose whatever the
office's language: a report to the county government. Lines starting 「一、」 are its headings.
The figures the draft was written from are kept with it (`AnnualReport.figures`), so the
document's table says what the text says, however later the document is downloaded.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Date, and_, case, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from meeting.accounts.models import User
from meeting.charter.models import Charter, Unit
from meeting.errors import Forbidden, InvalidInput, InvalidTransition
from meeting.extensions import db
from meeting.history import record
from meeting.items.models import Item
from meeting.meetings.models import AgendaEntry, Meeting
from meeting.notifications.operations import notify, users_with_roles
from meeting.official_document import chinese_date, chinese_text
from meeting.reports.models import AnnualReport
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from meeting.timeutil import COUNTY_TZ, day_start_utc, local, utcnow
from meeting.versioning import check_version, save_change
from workflows.meeting import OPEN_STATES, PLENARY_KIND
from workflows.roles import CONVENER, GENERAL_CONVENER, OFFICE

SUBJECT = "annual_report"  # History.subject_kind
FIRST_YEAR = 2000
MAX_TEXT = 100_000  # characters: a report of a few pages is a few thousand
# Who reads the reports of their joint meeting, drafts included (leaders review the draft).
READERS = frozenset({OFFICE, GENERAL_CONVENER, CONVENER})
# A meeting counts as held once its session closed (held, minutes signed or published).
NOT_HELD = (*OPEN_STATES, "cancelled")
# The decisions of a plenary or ad-hoc meeting on an item (五(二)), in the report's order.
DECISIONS = ("adopt", "reject", "defer")
# The kinds as the report names them (the document is Chinese whatever the UI's language).
KIND_NAMES = {"plenary": "全体会议", "ad_hoc": "临时会议", "liaison": "联络员会议"}


# ---- figures ----


class county_date(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """The county-local calendar date of a naive UTC timestamp column, in SQL."""

    type = Date()
    inherit_cache = True


@compiles(county_date)
def _county_date_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    zone = COUNTY_TZ.key
    return (
        f"CAST(({compiler.process(column, **kw)} AT TIME ZONE 'UTC') AT TIME ZONE '{zone}' AS DATE)"
    )


@compiles(county_date, "sqlite")
def _county_date_sqlite(element, compiler, **kw):
    # Asia/Shanghai has kept UTC+8, without summer time, since 1991.
    (column,) = element.clauses
    hours = int(datetime.now(COUNTY_TZ).utcoffset().total_seconds() // 3600)
    return f"date({compiler.process(column, **kw)}, '{hours:+d} hours')"


def _count(condition):
    """COUNT of the rows where CONDITION holds, as an aggregate (0 when there are none)."""
    one, zero = literal_column("1"), literal_column("0")  # constants, not parameters (PostgreSQL)
    return func.coalesce(func.sum(case((condition, one), else_=zero)), zero)


def year_figures(charter: Charter, year: int, today: date | None = None) -> dict:
    """CHARTER's work in YEAR, every figure one aggregate query: meetings held (by kind, and
    each plenary with its decisions), items submitted and decided, tasks assigned in the year
    (done, done by their deadline, overdue as of TODAY), and the same per lead unit."""
    today = today or county_today()
    start, end = day_start_utc(date(year, 1, 1)), day_start_utc(date(year + 1, 1, 1))
    held = and_(
        Meeting.charter_id == charter.id, Meeting.year == year, Meeting.state.not_in(NOT_HELD)
    )
    meetings = dict(
        db.session.execute(select(Meeting.kind, func.count()).where(held).group_by(Meeting.kind))
        .tuples()
        .all()
    )
    decided = AgendaEntry.decision.in_(DECISIONS)
    plenaries = db.session.execute(
        select(
            Meeting.starts_at,
            Meeting.number,
            Meeting.title,
            _count(decided),
            _count(AgendaEntry.decision == "adopt"),
        )
        .outerjoin(AgendaEntry, AgendaEntry.meeting_id == Meeting.id)
        .where(held, Meeting.kind == PLENARY_KIND)
        .group_by(Meeting.id, Meeting.starts_at, Meeting.number, Meeting.title)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    decisions = dict(
        db.session.execute(
            select(AgendaEntry.decision, func.count())
            .join(Meeting, Meeting.id == AgendaEntry.meeting_id)
            .where(held, decided)
            .group_by(AgendaEntry.decision)
        )
        .tuples()
        .all()
    )
    submitted = db.session.scalar(
        select(func.count())
        .select_from(Item)
        .where(Item.charter_id == charter.id, Item.submitted_at >= start, Item.submitted_at < end)
    )
    done = Task.state == "done"
    measures = (
        func.count(Task.id),
        _count(done),
        _count(and_(done, county_date(Task.completed_at) <= Task.deadline)),
        _count(and_(Task.state != "done", Task.deadline < today)),
    )
    assigned = and_(
        Task.charter_id == charter.id, Task.assigned_at >= start, Task.assigned_at < end
    )
    total, done_n, on_time, overdue = db.session.execute(select(*measures).where(assigned)).one()
    units = db.session.execute(
        select(Unit.code, Unit.name, *measures)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(assigned)
        .group_by(Unit.id, Unit.code, Unit.name, Unit.position)
        .order_by(Unit.position)
    ).all()
    keys = ("total", "done", "on_time", "overdue")
    return {
        "year": year,
        "as_of": today.isoformat(),
        "meetings": {kind: meetings.get(kind, 0) for kind in KIND_NAMES},
        "plenaries": [
            {
                "date": local(starts_at).date().isoformat(),
                "number": number,
                "title": title,
                "decided": int(n_decided),
                "adopted": int(n_adopted),
            }
            for starts_at, number, title, n_decided, n_adopted in plenaries
        ],  # fmt: skip
        "submitted": submitted or 0,
        "decisions": {decision: decisions.get(decision, 0) for decision in DECISIONS},
        "tasks": dict(
            zip(keys, (int(v or 0) for v in (total, done_n, on_time, overdue)), strict=True)
        ),
        "units": [
            {"code": code, "name": name, **dict(zip(keys, (int(v) for v in values), strict=True))}
            for code, name, *values in units
        ],
        "plenaries_per_year": int(charter.rules.get("plenaries_per_year") or 0),
    }


def rate(done: int, total: int) -> str:
    """66.7%: a completion rate as the report writes it."""
    return f"{done * 100 / total:.1f}%" if total else "—"


# ---- the draft text ----


def draft_text(charter: Charter, year: int, today: date | None = None) -> str:
    """The year's work from the database, as the report's Chinese text (headings 「一、」…)."""
    return render_text(charter, year_figures(charter, year, today))


def render_text(charter: Charter, figures: dict) -> str:
    year, as_of = figures["year"], chinese_date(date.fromisoformat(figures["as_of"]))
    lines = [
        f"根据《{charter.title}》,现将{charter.name}{year}年工作情况报告如下。"
        if charter.title
        else f"现将{charter.name}{year}年工作情况报告如下。"
    ]
    lines += ["一、会议召开情况", *_meetings(figures)]
    lines += ["二、议定事项及落实情况", *_decisions(figures, as_of)]
    lines += ["三、各成员单位任务落实情况", *_units(figures)]
    lines += ["四、存在的问题", *_problems(figures, as_of)]
    lines += [
        "五、下一步工作打算",
        f"(请联席会议办公室结合工作实际,填写{year + 1}年工作打算。)",
        "特此报告。",
    ]
    return chinese_text("\n".join(lines))


def _meetings(figures: dict) -> list[str]:
    counts = figures["meetings"]
    total = sum(counts.values())
    if not total:
        return ["全年未召开会议。"]
    parts = "、".join(f"{KIND_NAMES[kind]}{n}次" for kind, n in counts.items() if n)
    lines = [f"全年共召开会议{total}次,其中{parts}。"]
    for plenary in figures["plenaries"]:
        when = chinese_date(date.fromisoformat(plenary["date"]))
        name = (
            f"{figures['year']}年第{plenary['number']}次全体会议"
            if plenary["number"]
            else f"全体会议《{plenary['title']}》"
        )
        if plenary["decided"]:
            lines.append(
                f"{when},召开{name},审议议题{plenary['decided']}项,通过{plenary['adopted']}项。"
            )
        else:
            lines.append(f"{when},召开{name}。")
    return lines


def _decisions(figures: dict, as_of: str) -> list[str]:
    decisions, tasks = figures["decisions"], figures["tasks"]
    lines = [f"全年各成员单位提出议题{figures['submitted']}项。"]
    decided = sum(decisions.values())
    if decided:
        parts = [f"通过{decisions['adopt']}项"]
        parts += [f"未通过{decisions['reject']}项"] if decisions["reject"] else []
        parts += [f"暂缓审议{decisions['defer']}项"] if decisions["defer"] else []
        lines.append(f"各次会议审议议题{decided}项,其中{'、'.join(parts)}。")
    else:
        lines.append("全年会议未审议议题。")
    if tasks["total"]:
        lines.append(
            f"全年议定事项分解为督办任务{tasks['total']}项。截至{as_of},已办结{tasks['done']}项"
            f"(其中按期办结{tasks['on_time']}项),办结率{rate(tasks['done'], tasks['total'])};"
            f"超期未办结{tasks['overdue']}项。"
        )
    else:
        lines.append("全年未交办督办任务。")
    return lines


def _units(figures: dict) -> list[str]:
    units = figures["units"]
    if not units:
        return ["全年无成员单位牵头承担督办任务。"]
    lines = [f"全年共有{len(units)}个成员单位牵头承担督办任务,落实情况如下。"]
    for unit in units:
        lines.append(
            f"{unit['name']}:牵头任务{unit['total']}项,已办结{unit['done']}项,"
            f"超期{unit['overdue']}项。"
        )
    return lines


def worst_overdue(figures: dict, limit: int = 3) -> list[dict]:
    """The units with the most overdue tasks (the aggregated rows, not the tasks)."""
    late = [unit for unit in figures["units"] if unit["overdue"]]
    return sorted(late, key=lambda unit: -unit["overdue"])[:limit]


def _problems(figures: dict, as_of: str) -> list[str]:
    tasks, lines = figures["tasks"], []
    if tasks["overdue"]:
        worst = "、".join(f"{u['name']}({u['overdue']}项)" for u in worst_overdue(figures))
        lines.append(
            f"一是部分任务落实不够及时。截至{as_of},仍有{tasks['overdue']}项督办任务超期未办结,"
            f"主要涉及{worst}。"
        )
    late = tasks["done"] - tasks["on_time"]
    if late:
        lines.append(
            f"{'二' if lines else '一'}是按期办结率有待提高,{late}项任务超过期限后才办结。"
        )
    plenaries, wanted = figures["meetings"].get(PLENARY_KIND, 0), figures["plenaries_per_year"]
    if wanted and plenaries < wanted:
        number = "一二三"[len(lines)]
        lines.append(
            f"{number}是全年召开全体会议{plenaries}次,少于联席会议制度规定的每年{wanted}次。"
        )
    return lines or ["全年督办任务均在期限内推进,未出现超期未办结情况。"]


# ---- create, edit, issue ----


def may_read(report: AnnualReport, user: User) -> bool:
    user.acting_in(report.charter_id)
    return user.role in READERS


def create_report(user: User, year, charter: Charter | None = None) -> AnnualReport:
    """The office drafts CHARTER's (default: the current joint meeting's) report for YEAR."""
    charter = charter or Charter.current()
    if charter is None:
        raise InvalidInput({"joint_meeting": _("Unknown joint meeting.")})
    user.acting_in(charter.id)
    _office_only(user)
    if charter.archived_at is not None:
        raise InvalidInput({"joint_meeting": _("This joint meeting has ended (archived).")})
    year = _valid_year(year)
    existing = db.session.scalar(
        select(AnnualReport.id).where(
            AnnualReport.charter_id == charter.id, AnnualReport.year == year
        )
    )
    if existing is not None:
        raise InvalidInput({"year": _("The report for %(year)d exists already.", year=year)})
    figures = year_figures(charter, year)
    now = utcnow()
    report = AnnualReport(
        charter_id=charter.id, year=year, text=render_text(charter, figures), figures=figures,
        state="draft", version=1, created_by=user, created_at=now, updated_at=now,
    )  # fmt: skip
    db.session.add(report)
    db.session.flush()
    record(SUBJECT, report.id, "draft", None, "draft", user, {"year": year},
           charter_id=charter.id)  # fmt: skip
    return report


def existing_report(charter_id: int, year) -> AnnualReport | None:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        return None
    if not FIRST_YEAR <= year <= county_today().year:
        return None
    return db.session.scalar(
        select(AnnualReport).where(AnnualReport.charter_id == charter_id, AnnualReport.year == year)
    )


def edit_report(report: AnnualReport, user: User, text, version) -> AnnualReport:
    """The office changes the draft's text; refused once issued, or on a stale version."""
    user.acting_in(report.charter_id)
    _office_only(user)
    _still_draft(report)
    check_version(report, version)
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput({"text": _("Required.")})
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput({"text": _("At most %(n)d characters.", n=MAX_TEXT)})
    report.text = text
    save_change(SUBJECT, report, "edit", "draft", user, {"length": len(text)})
    return report


def issue_report(report: AnnualReport, user: User, version=None) -> AnnualReport:
    """印发: the report is final (irreversible); the general convener and convener are told.
    VERSION, when given, must be the one the office looked at."""
    user.acting_in(report.charter_id)
    _office_only(user)
    _still_draft(report)
    if version is not None:
        check_version(report, version)
    report.state, report.issued_at, report.issued_by = "issued", utcnow(), user
    save_change(SUBJECT, report, "issue", "draft", user, {"year": report.year})
    here = report.charter_id
    notify(users_with_roles(here, GENERAL_CONVENER, CONVENER), "annual_report_issued",
           link=f"/reports/{report.id}", charter_id=here,
           params={"report_id": report.id, "year": report.year})  # fmt: skip
    return report


def _office_only(user: User) -> None:
    if user.role != OFFICE:
        raise Forbidden(_("Only the joint meeting office drafts and issues the annual report."))


def _still_draft(report: AnnualReport) -> None:
    if report.state != "draft":
        raise InvalidTransition(
            _("This report has been issued; it can no longer be changed."),
            state=report.state, available_events=[],
        )  # fmt: skip


def _valid_year(year) -> int:
    last = county_today().year
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not FIRST_YEAR <= value <= last:
        raise InvalidInput(
            {"year": _("Give a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=last)}
        )
    return value
