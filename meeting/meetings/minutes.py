"""Minutes 会议纪要: the draft text generated from the meeting, their 文号, who may read them,
and the Word document."""

import re

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.downloads import attachment
from meeting.errors import NotFound
from meeting.meetings.models import Meeting, display_name
from meeting.official_document import (
    OfficialDocument,
    chinese_date,
    chinese_number,
    chinese_text,
)
from meeting.opinions.queries import minutes_line, opinions_by_item
from meeting.timeutil import local
from workflows import agenda_item
from workflows.meeting import ATTENDANCE_IN_MINUTES, may_read_draft_minutes

# How the minutes word each decision (the decision's own text follows).
DECISION_PHRASES = {
    "adopt": "会议议定:",
    "reject": "会议决定不予通过。",
    "defer": "会议决定暂缓审议。",
    "pass_review": "会议同意提请审定。",
    "return_for_revision": "会议决定退回修改。",
    "decline": "会议决定不予受理。",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def can_read_minutes(meeting: Meeting, user: User) -> bool:
    """Draft minutes are the office's and the conveners'; published ones are everyone's."""
    user.acting_in(meeting.charter_id)
    return meeting.state == "minutes_published" or may_read_draft_minutes(user.role)


def minutes_document_number(meeting: Meeting) -> str | None:
    """The 文号 of published minutes: 府谷联席纪〔2026〕1号."""
    if meeting.minutes_number is None:
        return None
    prefix = rules(meeting.charter_id).get("minutes_number_prefix", "")
    return f"{prefix}〔{meeting.minutes_year}〕{meeting.minutes_number}号"


def docx_response(meeting: Meeting) -> Response:
    """The minutes as a Word download, for whoever may read them (404 otherwise)."""
    if not meeting.minutes_text or not can_read_minutes(meeting, current_user):
        raise NotFound(_("This meeting has no minutes yet."))
    number = minutes_document_number(meeting)
    filename = f"{number or display_name(meeting)}-会议纪要.docx"
    if meeting.minutes_number is not None:
        fallback = f"minutes-{meeting.minutes_year}-{meeting.minutes_number}.docx"
    else:
        fallback = f"minutes-draft-{meeting.id}.docx"
    return attachment(docx_bytes(meeting, number), filename, fallback, DOCX)


def decision_line(entry) -> str:
    """One agenda item's decision, as the unit's excerpt states it."""
    item = entry.item
    head = f"《{item.title}》({item.unit.name}提出)"
    if entry.decision is None:
        return chinese_text(f"{head}:{_('no decision')}")
    label = _(agenda_item.EVENTS[entry.decision].label)
    return chinese_text(f"{head}:{label}。{entry.decision_text or ''}".rstrip())


def draft_text(meeting: Meeting) -> str:
    """The body of the minutes as generated when the session closes, in Chinese whoever closes
    it; the office edits it before a convener signs it off. Lines starting 「一、」 are the
    document's headings. Attendance is not in the text: the document lists it from the record."""
    when = local(meeting.starts_at)
    with force_locale("zh_Hans"):
        lines = [
            f"{chinese_date(when.date())}{when.hour}:{when:%M},{meeting.location}召开"
            f"{display_name(meeting)}。{convener_clause(meeting)}"
            f"会议研究了{len(meeting.agenda)}项议题,纪要如下:",
        ]
        opinions = opinions_by_item([entry.item_id for entry in meeting.agenda])  # 五(三)
        for number, entry in enumerate(meeting.agenda, start=1):
            item = entry.item
            lines.append(f"{chinese_number(number)}、关于《{item.title}》({item.unit.name}提出)")
            if asked := minutes_line(opinions.get(item.id, [])):
                lines.append(asked)  # 征求意见:县财政局同意,……县司法局未反馈。
            lines.append(decision_sentence(entry.decision, entry.decision_text))
        return chinese_text("\n".join(lines))


def decision_sentence(decision: str | None, text: str | None) -> str:
    """How the minutes state one DECISION with its TEXT: 「会议议定:……」."""
    if decision is None:
        return "会议未作决定。"
    with force_locale("zh_Hans"):
        phrase = DECISION_PHRASES.get(decision) or (
            f"会议决定:{_(agenda_item.EVENTS[decision].label)}。"
        )
    return chinese_text(f"{phrase}{text or ''}".rstrip())


def replace_decision(minutes: str, title: str, old: str, new: str) -> str | None:
    """MINUTES with the sentence OLD under the heading of the item TITLE replaced by NEW (a
    corrected decision, 更正); None when the office's editing left no such sentence."""
    heading = minutes.find(chinese_text(f"关于《{title}》"))
    at = minutes.find(old, heading) if heading >= 0 else -1
    if at < 0:
        return None
    return minutes[:at] + new + minutes[at + len(old) :]


def convener_clause(meeting: Meeting) -> str:
    """「会议由总召集人王建国召集。」: the convener by title and name, as the charter titles
    their role in this joint meeting."""
    person = meeting.convened_by
    if person is None:
        return ""
    role = person.role_in(meeting.charter_id)
    title = meeting.charter.roles.get(role, {}).get("title", "") if role else ""
    return f"会议由{title}{person.name}召集。"


def attendance_lines(meeting: Meeting) -> list[tuple[str, str]]:
    """(出席 / 请假 / 缺席 / 列席, who) as the minutes list them after the body (GB/T 9704
    10.3), deputies named: 县公安局(王五代)."""
    by_label: dict[str, list[str]] = {}
    for row in sorted(meeting.attendance, key=lambda r: r.unit.position):
        name = row.unit.name + (f"({row.deputy_name}代)" if row.status == "deputy" else "")
        by_label.setdefault(ATTENDANCE_IN_MINUTES[row.status], []).append(name)
    lines = [(label, "、".join(by_label[label])) for label in ("出席", "请假", "缺席")
             if label in by_label]  # fmt: skip
    if meeting.sitting_in.strip():
        lines.append(("列席", meeting.sitting_in.strip()))
    return lines


def docx_bytes(meeting: Meeting, document_number: str | None) -> bytes:
    """The minutes as an official document (GB/T 9704 纪要格式): red masthead 「…纪要」, 文号
    over the red rule, title, the body with its headings, attendance, 版记."""
    with force_locale("zh_Hans"):
        return _minutes_document(meeting, document_number)


def _minutes_document(meeting: Meeting, document_number: str | None) -> bytes:
    charter = meeting.charter
    issuer = issuing_office(charter)
    document = OfficialDocument(f"{display_name(meeting)}纪要", author=issuer)
    lines = masthead_lines(charter)
    document.masthead([*lines[:-1], lines[-1] + "纪要"])
    document.document_number(document_number or chinese_text("(讨论稿)"))
    document.title(f"{display_name(meeting)}纪要")
    document.main_to(charter.rules.get("minutes_main_to") or "联席会议各成员单位")
    for line in (meeting.minutes_text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if HEADING.match(line):
            document.heading(line, level=1)
        elif SUBHEADING.match(line):
            document.heading(line, level=2)
        else:
            document.paragraph(line)
    if lines := attendance_lines(meeting):
        document.blank_line()
        for label, who in lines:
            document.labelled(label, who)
    published = local(meeting.minutes_published_at).date() if meeting.minutes_published_at else None
    document.colophon(charter.rules.get("minutes_cc") or [], issuer, published)
    return document.to_bytes()


HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^[((][一二三四五六七八九十]+[))]")


def masthead_lines(charter) -> list[str]:
    """The issuing body's mark, as the charter's rules break it into lines (a long name reads
    better on two), else its name."""
    return list(charter.rules.get("masthead") or [charter.name])


def issuing_office(charter) -> str:
    """Who prints and issues the joint meeting's documents 印发机关: the office."""
    return charter.rules.get("issuing_office") or charter.roles.get("office", {}).get("title", "")
