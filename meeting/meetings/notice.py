"""The meeting notice 会议通知 with its reply slip 参会回执, which units return in the app, and
the sign-in sheet 签到表 the office prints for the door."""

from datetime import timedelta

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _

from meeting.accounts.models import User
from meeting.downloads import attachment
from meeting.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from meeting.extensions import db
from meeting.meetings.minutes import DOCX, issuing_office, masthead_lines
from meeting.meetings.models import AttendanceReply, Meeting, display_name
from meeting.meetings.operations import available_events, record_change
from meeting.official_document import OfficialDocument, chinese_date, chinese_text
from meeting.timeutil import local, utcnow
from workflows import meeting as workflow

LIMITS = {"attendee": 50, "post": 50, "phone": 30, "reason": 200}


def reply_to_notice(meeting: Meeting, user: User, data: dict) -> AttendanceReply:
    """USER's unit answers the notice of MEETING: who attends, or why no one can (请假). A
    second answer replaces the first until the session opens."""
    user.acting_in(meeting.charter_id)
    if user.role != workflow.LIAISON or user.unit is None:
        raise Forbidden(_("Only a member unit's liaison replies to a meeting notice."))
    if not workflow.may_reply(user.role, meeting.state):
        raise InvalidTransition(
            _("Replies are taken while the meeting is convened and not yet open."),
            state=meeting.state, available_events=available_events(meeting, user),
        )  # fmt: skip
    attending = str(data.get("attending", "")).lower() in ("1", "true", "yes", "on")
    fields = {name: str(data.get(name) or "").strip()[:limit] for name, limit in LIMITS.items()}
    if attending and not fields["attendee"]:
        raise InvalidInput({"attendee": _("Name who will attend.")})
    if not attending and not fields["reason"]:
        raise InvalidInput({"reason": _("Give the reason for leave.")})
    if not attending:
        fields.update(attendee="", post="", phone=fields["phone"])
    reply = next((r for r in meeting.replies if r.unit_id == user.unit_id), None)
    if reply is None:
        reply = AttendanceReply(meeting=meeting, unit_id=user.unit_id)
        db.session.add(reply)
    reply.attending = attending
    for name, value in fields.items():
        setattr(reply, name, value)
    reply.replied_by, reply.replied_at = user, utcnow()
    record_change(meeting, "reply", meeting.state, user,
                  {"unit": user.unit.code, "attending": attending, **fields})  # fmt: skip
    return reply


def notice_response(meeting: Meeting, user: User) -> Response:
    """The notice as a Word download, once the meeting is convened (404 before)."""
    if meeting.state not in workflow.CONVENED_STATES:
        raise NotFound(_("This meeting has not been convened."))
    year, number = meeting.year, meeting.number
    return attachment(notice_docx(meeting), f"{display_name(meeting)}-会议通知.docx",
                      f"notice-{year}-{meeting.kind}-{number}.docx", DOCX)  # fmt: skip


def sign_in_sheet_response(meeting: Meeting, user: User) -> Response:
    """The sign-in sheet as a Word download, for those who run the meeting."""
    user.acting_in(meeting.charter_id)
    if meeting.state not in workflow.CONVENED_STATES:
        raise NotFound(_("This meeting has not been convened."))
    if not workflow.is_runner(user.role):
        raise Forbidden(_("Only those who run the meeting print its sign-in sheet."))
    return attachment(sign_in_sheet_docx(meeting), f"{display_name(meeting)}-签到表.docx",
                      f"sign-in-{meeting.year}-{meeting.kind}-{meeting.number}.docx", DOCX)  # fmt: skip


def units_not_replied(meeting: Meeting) -> list:
    replied = {reply.unit_id for reply in meeting.replies}
    return [unit for unit in meeting.charter.active_units if unit.id not in replied]


def notice_docx(meeting: Meeting) -> bytes:
    """The notice as an official document: masthead, title, 主送, when and where, the agenda,
    who attends, the reply slip to return in the app by the day before, 版记."""
    with force_locale("zh_Hans"):
        charter = meeting.charter
        issuer = issuing_office(charter)
        name = display_name(meeting)
        document = OfficialDocument(f"关于召开{name}的通知", author=issuer)
        document.masthead(masthead_lines(charter))
        document.document_number(chinese_text("(会议通知)"))
        document.title(f"关于召开{name}的通知")
        document.main_to(charter.rules.get("minutes_main_to") or "联席会议各成员单位")
        document.paragraph(f"经研究,定于召开{name}。现将有关事项通知如下:")
        starts = local(meeting.starts_at)
        document.heading("一、会议时间", 1)
        document.paragraph(f"{chinese_date(starts.date())}{starts.hour}:{starts:%M}。")
        document.heading("二、会议地点", 1)
        document.paragraph(f"{meeting.location or '另行通知'}。")
        document.heading("三、会议议题", 1)
        if meeting.agenda:
            for number, entry in enumerate(meeting.agenda, start=1):
                document.paragraph(f"{number}.{entry.item.title}({entry.item.unit.name}提出)。")
        else:
            document.paragraph("议题另行通知。")
        document.heading("四、参会人员", 1)
        document.paragraph("联席会议成员单位分管负责同志。本人确有特殊情况不能参会的,"
                           "须经联席会议召集人同意后委派其他负责同志参加。")  # fmt: skip
        document.heading("五、有关要求", 1)
        document.paragraph(f"请各成员单位于{_reply_by(meeting)}前在联席会议系统中填报参会回执,"
                           "会议材料请提前准备。")  # fmt: skip
        document.signature(issuer, local(meeting.updated_at).date())
        document.page_break()
        document.heading("附件", 1)
        document.title(f"{name}参会回执")
        document.table(["单位", "姓名", "职务", "联系电话", "备注"],
                       _reply_rows(meeting), [44, 24, 30, 32, 26])  # fmt: skip
        document.colophon(charter.rules.get("minutes_cc") or [], issuer, local(utcnow()).date())
        return document.to_bytes()


def sign_in_sheet_docx(meeting: Meeting) -> bytes:
    """The sign-in sheet 签到表: one row per member unit, whom it said it sends, a blank to
    sign, in the charter's order of units."""
    with force_locale("zh_Hans"):
        charter = meeting.charter
        name = display_name(meeting)
        document = OfficialDocument(f"{name}签到表", author=issuing_office(charter))
        document.title(f"{name}签到表")
        starts = local(meeting.starts_at)
        document.paragraph(f"时间:{chinese_date(starts.date())}{starts.hour}:{starts:%M}  "
                           f"地点:{meeting.location or ''}")  # fmt: skip
        replies = {reply.unit_id: reply for reply in meeting.replies}
        rows = []
        for number, unit in enumerate(charter.active_units, start=1):
            reply = replies.get(unit.id)
            expected = reply.attendee if reply and reply.attending else ""
            note = chinese_text(f"请假({reply.reason})") if reply and not reply.attending else ""
            rows.append([number, unit.name, expected, "", note])
        document.table(["序号", "单位", "参会人员", "签名", "备注"], rows,
                       [14, 52, 28, 38, 24], align=["center", "left", "center", "center", "left"])  # fmt: skip
        return document.to_bytes()


def _reply_rows(meeting: Meeting) -> list[list[str]]:
    replies = {reply.unit_id: reply for reply in meeting.replies}
    rows = []
    for unit in meeting.charter.active_units:
        reply = replies.get(unit.id)
        if reply is None:
            rows.append([unit.name, "", "", "", ""])
        elif reply.attending:
            rows.append([unit.name, reply.attendee, reply.post, reply.phone, ""])
        else:
            rows.append([unit.name, "", "", reply.phone, chinese_text(f"请假:{reply.reason}")])
    return rows


def _reply_by(meeting: Meeting) -> str:
    return chinese_date((local(meeting.starts_at) - timedelta(days=1)).date())
