"""The documents the office issues, as LibreOffice renders them (A4, page numbers, 文号, every
glyph drawn) and as python-docx reads them (fonts, 版记, metadata), with the steps that feed
them: attendance on leave and sitting in, the convener's sign-off, units' replies to the notice."""

import io
import re
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from meeting.extensions import db
from meeting.official_document import chinese_date, chinese_text
from meeting.tasks.bulletins import chinese_period
from meeting.tasks.models import Task
from tests.conftest import table_counts
from tests.documents import render
from tests.meetings_factory import make_meeting, meeting_row
from tests.tasks_factory import make_task
from tests.test_meetings_api import decide, fire, run_to_session

PAGE_NUMBER = re.compile(r"— \d+ —")


def all_text(data: bytes) -> str:
    """Every paragraph of a Word file, text boxes (the 版记) included."""
    body = Document(io.BytesIO(data)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


@pytest.mark.parametrize(
    ("raw", "wanted"),
    [("会议:研究(县教育局提出),同意", "会议：研究（县教育局提出），同意"),
     ("9:30,县政府会议室", "9:30，县政府会议室"),
     ("《关于《未成年人保护法》的通知》", "《关于〈未成年人保护法〉的通知》"),
     ("ok (a, b) 10:30", "ok (a, b) 10:30")],
)  # fmt: skip
def test_chinese_text_takes_full_width_punctuation(raw, wanted):
    assert chinese_text(raw) == wanted


def test_dates_and_periods_in_chinese():
    assert chinese_date(date(2026, 12, 8)) == "2026年12月8日"
    assert chinese_period(date(2026, 11, 1), date(2026, 11, 30)) == "2026年11月"
    assert chinese_period(date(2026, 10, 1), date(2026, 12, 31)) == "2026年第四季度"
    assert chinese_period(date(2026, 1, 1), date(2026, 12, 31)) == "2026年度"
    assert chinese_period(date(2026, 11, 3), date(2026, 11, 20)) == "2026年11月3日至11月20日"


def published_minutes(api, app) -> int:
    meeting_id, (adopted, rejected) = run_to_session(api, app, n_items=2)
    marks = {"education-sports": "present", "finance": "leave", "court": {"status": "deputy",
             "deputy_name": "王副院长"}}  # fmt: skip
    recorded = api.request("PUT", f"/api/v1/meetings/{meeting_id}/attendance", as_="office",
                           json={"attendance": marks, "sitting_in": "县委办公室、县政府办公室"})  # fmt: skip
    assert recorded.status_code == 200 and recorded.json["sitting_in"] == "县委办公室、县政府办公室"
    decide(api, meeting_id, adopted, "adopt", resolution="由县教育和体育局牵头落实心理辅导站建设")
    decide(api, meeting_id, rejected, "reject", reason="资金来源不明确")
    assert fire(api, meeting_id, "close_session", "office").status_code == 200
    assert fire(api, meeting_id, "sign_minutes", "general").status_code == 200
    assert fire(api, meeting_id, "publish_minutes", "office").status_code == 200
    return meeting_id


def test_minutes_render_as_an_official_document(app, api):
    meeting_id = published_minutes(api, app)
    response = api.get(f"/api/v1/meetings/{meeting_id}/minutes.docx", as_="liaison-civil")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert re.search(r'filename="minutes-\d{4}-1\.docx"', disposition)

    text = all_text(response.data)
    assert "困境儿童保障工作联席会议纪要" in text  # the masthead's second line
    assert re.search(r"府谷联席纪〔\d{4}〕1号", text)
    assert "出席：县法院（王副院长代）、县教育和体育局" in text
    assert "请假：县财政局" in text and "列席：县委办公室、县政府办公室" in text
    assert "抄送：县委办公室、县政府办公室。" in text and "印发" in text
    assert not re.search(r"\d+月0\d日", text)  # no zero-padded dates
    document = Document(io.BytesIO(response.data))
    assert document.core_properties.author == "联席会议办公室"
    assert "python-docx" not in (document.core_properties.comments or "")
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                assert run._element.rPr.rFonts.get(qn("w:eastAsia")), run.text

    rendered = render(response.data, ".docx")
    assert rendered.is_a4()
    assert all(PAGE_NUMBER.search(page.text) for page in rendered.pages)
    assert re.search(r"府谷联席纪〔\d{4}〕1号", re.sub(r"\s", "", rendered.pages[0].text))
    assert "抄送" in rendered.pages[-1].text  # the 版记 sits on the last page
    assert [page.missing_glyphs for page in rendered.pages] == [[]] * len(rendered.pages)
    rendered.save_png("minutes")


def test_the_convener_is_named_by_title_in_the_draft(app, api):
    meeting_id, (item,) = run_to_session(api, app, n_items=1)
    with app.app_context():
        from meeting.accounts.models import User
        from meeting.meetings.models import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        general = db.session.scalar(db.select(User).where(User.username == "general"))
        general.display_name = "王建国"
        meeting.convened_by = general
        db.session.commit()
    decide(api, meeting_id, item, "adopt", resolution="同意")
    held = fire(api, meeting_id, "close_session", "office").json
    assert "会议由总召集人王建国召集。" in held["minutes_text"]
    assert "general" not in held["minutes_text"]


def test_units_reply_to_the_notice_and_it_renders(app, api):
    meeting_id = make_meeting(app, "plenary", "convened", title="年度全体会议")
    refused = api.request("PUT", f"/api/v1/meetings/{meeting_id}/reply", as_="liaison-edu",
                          json={"attending": True})  # fmt: skip
    assert refused.status_code == 422
    before = table_counts(app)
    assert api.request("PUT", f"/api/v1/meetings/{meeting_id}/reply", as_="office",
                       json={"attending": True, "attendee": "张"}).status_code == 403  # fmt: skip
    assert table_counts(app) == before
    sent = api.request("PUT", f"/api/v1/meetings/{meeting_id}/reply", as_="liaison-edu",
                       json={"attending": True, "attendee": "李明", "post": "副局长",
                             "phone": "0912-8000001"})  # fmt: skip
    assert sent.status_code == 200
    leave = api.request("PUT", f"/api/v1/meetings/{meeting_id}/reply", as_="liaison-civil",
                        json={"attending": False, "reason": "参加市级培训"})  # fmt: skip
    replies = {r["unit"]: r for r in leave.json["replies"]}
    assert replies["education-sports"]["attendee"] == "李明"
    assert replies["civil-affairs"]["attending"] is False

    notice = api.get(f"/api/v1/meetings/{meeting_id}/notice.docx", as_="liaison-edu")
    assert notice.status_code == 200
    text = all_text(notice.data)
    assert "关于召开" in text and "参会回执" in text and "李明" in text and "参加市级培训" in text
    rendered = render(notice.data, ".docx")
    assert rendered.is_a4() and len(rendered.pages) >= 2
    assert all(PAGE_NUMBER.search(page.text) for page in rendered.pages)
    assert [page.missing_glyphs for page in rendered.pages] == [[]] * len(rendered.pages)
    rendered.save_png("notice")

    assert fire(api, meeting_id, "open", "office").status_code == 200
    late = api.request("PUT", f"/api/v1/meetings/{meeting_id}/reply", as_="liaison-edu",
                       json={"attending": False, "reason": "临时有事"})  # fmt: skip
    assert late.status_code == 409  # replies close when the session opens


def test_the_sign_in_sheet_is_the_office_s(app, client, auth):
    meeting_id = make_meeting(app, "plenary", "convened", title="年度全体会议")
    auth.login("liaison-edu")
    assert client.get(f"/meetings/{meeting_id}/sign-in.docx").status_code == 403
    auth.logout()
    auth.login("office")
    sheet = client.get(f"/meetings/{meeting_id}/sign-in.docx")
    assert sheet.status_code == 200
    document = Document(io.BytesIO(sheet.data))
    assert len(document.tables[0].rows) == 1 + 26  # a row per member unit
    rendered = render(sheet.data, ".docx")
    assert rendered.is_a4() and "签到表" in rendered.text and "县民政局" in rendered.text
    assert all(PAGE_NUMBER.search(page.text) for page in rendered.pages)
    assert [page.missing_glyphs for page in rendered.pages] == [[]] * len(rendered.pages)
    rendered.save_png("sign-in-sheet")


def test_the_bulletin_is_numbered_and_names_each_overdue_task(app, client, auth):
    tasks = [make_task(app, "in_progress", description="建立留守儿童信息台账\n按月更新"),
             make_task(app, "assigned", description="开展暑期安全教育")]  # fmt: skip
    with app.app_context():
        past = {"deadline": date(2026, 1, 10), "original_deadline": date(2026, 1, 10)}
        db.session.execute(db.update(Task).where(Task.id.in_(tasks)).values(**past))
        db.session.commit()
    auth.login("office")
    created = client.post("/bulletins/", data={"period_start": "2026-01-01",
                                                "period_end": "2026-12-31"})  # fmt: skip
    bulletin_id = int(created.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/bulletins/{bulletin_id}/publish")
    data = client.get(f"/bulletins/{bulletin_id}.docx").data
    text = all_text(data)
    assert re.search(r"府谷联席通〔\d{4}〕1号", text)
    assert "关于2026年度工作进展情况的通报" in text
    assert "建立留守儿童信息台账" in text and "开展暑期安全教育" in text  # each task by its title
    assert "2026-" not in text  # no ISO dates
    rendered = render(data, ".docx")
    assert rendered.is_a4()
    assert all(PAGE_NUMBER.search(page.text) for page in rendered.pages)
    assert [page.missing_glyphs for page in rendered.pages] == [[]] * len(rendered.pages)
    rendered.save_png("bulletin")


def test_sign_off_waits_on_the_meeting_page(app, client, auth, api):
    meeting_id, (item,) = run_to_session(api, app, n_items=1)
    decide(api, meeting_id, item, "adopt", resolution="同意")
    fire(api, meeting_id, "close_session", "office")
    auth.login("office")
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert 'id="waits-for"' in page and 'data-event="publish_minutes"' not in page
    auth.logout()
    auth.login("convener")
    home = client.get("/").get_data(as_text=True)
    assert "待您签发的会议纪要" in home
    assert client.post(f"/meetings/{meeting_id}/events/sign_minutes",
                       data={"version": meeting_row(app, meeting_id)[1]}).status_code == 302  # fmt: skip
    assert meeting_row(app, meeting_id)[0] == "minutes_signed"


def test_text_xml_cannot_hold_is_left_out():
    """A title pasted with control characters still makes a document (it was a 500)."""
    from meeting.official_document import OfficialDocument

    document = OfficialDocument("标题\x0b", author="联席会议办公室\x00")
    document.title("关于\x1f召开会议的通知\ud800")
    document.colophon(["县委办公室\x07"], "联席会议办公室", date(2026, 12, 8))
    text = all_text(document.to_bytes())
    assert "关于召开会议的通知" in text and "县委办公室、" not in text and "\x07" not in text
