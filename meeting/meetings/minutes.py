"""Minutes 会议纪要: the draft text generated from the meeting, their 文号, who may read them,
and the Word document."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask import Response, send_file
from flask_babel import gettext as _
from flask_login import current_user

from meeting.accounts.models import User
from meeting.charter.rules import rules
from meeting.errors import NotFound
from meeting.meetings.models import Meeting, display_name
from meeting.timeutil import local
from workflows import agenda_item
from workflows.meeting import ATTENDANCE, may_read_draft_minutes

CHINESE_NUMBERS = "一二三四五六七八九十"


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
    filename = f"{number or meeting.title}-会议纪要.docx"
    return send_file(
        io.BytesIO(docx_bytes(meeting, number)),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=filename,  # send_file encodes a Chinese name per RFC 6266
    )


def decision_line(entry) -> str:
    """One agenda item's decision, as the minutes and the unit's excerpt state it."""
    item = entry.item
    head = f"《{item.title}》({item.unit.name}提出)"
    if entry.decision is None:
        pending = _("no decision")
        return f"{head}:{pending}"
    label = _(agenda_item.EVENTS[entry.decision].label)
    return f"{head}:{label}。{entry.decision_text or ''}".rstrip()


def draft_text(meeting) -> str:
    """The minutes as generated when the session closes; the office edits it before publishing."""
    when = local(meeting.starts_at)
    convener = meeting.convened_by.name if meeting.convened_by else ""
    lines = [
        f"{when:%Y年%m月%d日}{when:%H:%M},{meeting.location}召开{display_name(meeting)}。"
        f"会议由{convener}召集。",
    ]
    by_status = {status: [] for status in ATTENDANCE}
    for row in sorted(meeting.attendance, key=lambda r: r.unit.position):
        name = row.unit.name + (f"({row.deputy_name}代)" if row.status == "deputy" else "")
        by_status[row.status].append(name)
    if by_status["present"] or by_status["deputy"]:
        lines.append("出席单位:" + "、".join(by_status["present"] + by_status["deputy"]) + "。")
    if by_status["absent"]:
        lines.append("缺席单位:" + "、".join(by_status["absent"]) + "。")
    lines.append("会议研究了以下事项:")
    for number, entry in enumerate(meeting.agenda, start=1):
        lines.append(f"{_chinese(number)}、{decision_line(entry)}")
    return "\n".join(lines)


def docx_bytes(meeting, document_number: str | None) -> bytes:
    """The minutes as a Word document in official-document layout (GB/T 9704 in spirit)."""
    charter = meeting.charter
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    _paragraph(doc, f"{charter.name}纪要", size=26, bold=True, color=RGBColor(0xC0, 0, 0),
               font="方正小标宋简体", center=True)  # fmt: skip
    _paragraph(doc, document_number or "(讨论稿)", size=16, center=True)
    _paragraph(doc, "─" * 28, size=12, color=RGBColor(0xC0, 0, 0), center=True)
    _paragraph(doc, f"{display_name(meeting)}纪要", size=22, font="方正小标宋简体", center=True)
    for line in (meeting.minutes_text or "").splitlines():
        if line.strip():
            _paragraph(doc, line.strip(), size=16, indent=True)
    office = charter.roles.get("office", {}).get("title", "")
    published = local(meeting.minutes_published_at) if meeting.minutes_published_at else None
    _paragraph(doc, "", size=16)
    _paragraph(doc, f"主送:{charter.rules.get('minutes_main_to') or '联席会议各成员单位'}", size=14)
    cc = charter.rules.get("minutes_cc") or []
    if cc:
        _paragraph(doc, "抄送:" + "、".join(cc) + "。", size=14)
    issued = f"{published:%Y年%m月%d日}印发" if published else "(未印发)"
    _paragraph(doc, f"{office}　　　　{issued}", size=14)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _paragraph(doc, text: str, size: int, bold: bool = False, color=None,
               font: str = "仿宋_GB2312", center: bool = False, indent: bool = False):  # fmt: skip
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    # python-docx's font.name does not reach Chinese text: set the East Asian font too.
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def _chinese(number: int) -> str:
    if number <= 10:
        return CHINESE_NUMBERS[number - 1]
    tens, ones = divmod(number, 10)
    return (
        (CHINESE_NUMBERS[tens - 1] if tens > 1 else "")
        + "十"
        + (CHINESE_NUMBERS[ones - 1] if ones else "")
    )
