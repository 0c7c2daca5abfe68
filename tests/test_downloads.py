"""Downloads under Chinese names (an ASCII `filename=` for old clients, the real name in
`filename*`), and the calendar feed's cancelled meetings and content type."""

import io
import re
from urllib.parse import unquote

from icalendar import Calendar

from meeting.tasks.deadlines import county_today
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task


def names(response) -> tuple[str, str]:
    """The (ASCII fallback, decoded UTF-8 name) of RESPONSE's Content-Disposition."""
    header = response.headers["Content-Disposition"]
    assert header.isascii(), header
    match = re.fullmatch(r"attachment; filename=\"([^\"]*)\"; filename\*=UTF-8''(\S+)", header)
    assert match, header
    fallback, encoded = match.groups()
    assert re.fullmatch(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*\.[a-z]+", fallback), fallback
    return fallback, unquote(encoded, errors="strict")


def test_the_ledger_downloads_under_its_chinese_name(app, client, auth):
    make_task(app, "assigned")
    auth.login("office")
    response = client.get("/tasks/export.xlsx")
    today = county_today().isoformat()
    assert names(response) == (f"ledger-{today}.xlsx", f"督办台账-{today}.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content_length == len(response.data) > 0


def test_a_bulletin_downloads_under_its_chinese_name(app, client, auth):
    make_task(app, "in_progress")
    auth.login("office")
    created = client.post(
        "/bulletins/", data={"period_start": "2026-01-01", "period_end": "2099-12-31"}
    )
    bulletin_id = int(created.headers["Location"].rsplit("/", 1)[1])
    draft = client.get(f"/bulletins/{bulletin_id}.docx")
    assert names(draft) == (f"bulletin-draft-{bulletin_id}.docx", "工作进展通报-草稿.docx")
    client.post(f"/bulletins/{bulletin_id}/publish")
    published = client.get(f"/bulletins/{bulletin_id}.docx")
    fallback, name = names(published)
    year, number = re.fullmatch(r"bulletin-(\d{4})-(\d+)\.docx", fallback).groups()
    assert name == f"工作进展通报-{year}年第{number}期.docx" and number == "1"
    assert published.mimetype.endswith("wordprocessingml.document")
    assert published.content_length == len(published.data)


def test_attachments_download_under_their_names(app, client, auth):
    auth.login("liaison-edu")
    created = client.post(
        "/items/new",
        data={"title": "寄宿制学校心理辅导", "category": "policy_measure",
              "duty_refs": ["四(九)"], "background": "背景", "proposal": "建议",
              "attachment": (io.BytesIO(b"%PDF-1.4 plan"), "方案.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    item_path = created.headers["Location"].split("?")[0].removesuffix("/edit")
    item_id = int(re.search(r"/items/(\d+)", item_path).group(1))
    client.post(
        f"/items/{item_id}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4 cv"), "Résumé 2026.pdf")},
        content_type="multipart/form-data",
    )
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    links = dict(
        (name, link)
        for link, name in re.findall(r'href="(/items/\d+/attachments/\d+)">([^<]+)<', page)
    )
    chinese = client.get(links["方案.pdf"])
    attachment_id = links["方案.pdf"].rsplit("/", 1)[1]
    assert names(chinese) == (f"attachment-{attachment_id}.pdf", "方案.pdf")
    assert chinese.mimetype == "application/pdf"
    assert chinese.data == b"%PDF-1.4 plan" and chinese.content_length == len(chinese.data)
    chinese.close()
    latin = client.get(links["Résumé 2026.pdf"])
    assert names(latin) == ("Resume-2026.pdf", "Résumé 2026.pdf")
    latin.close()
    part = client.get(links["方案.pdf"], headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"%PDF" and part.content_length == 4
    part.close()


def test_a_progress_reports_file_downloads_under_its_name(app, client, auth):
    task_id = make_task(app, "in_progress")
    auth.login("liaison-civil")
    client.post(
        f"/tasks/{task_id}/events/report_progress",
        data={"version": 2, "text": "附名单",
              "file": (io.BytesIO("名单".encode()), "留守儿童名单.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    link = re.search(r'href="(/tasks/\d+/reports/(\d+)/file)"', page)
    download = client.get(link.group(1))
    assert names(download) == (f"report-{link.group(2)}.xlsx", "留守儿童名单.xlsx")
    assert download.data.decode() == "名单" and download.content_length == len("名单".encode())
    download.close()


def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled(app, client, auth, api):
    kept = make_meeting(app, "plenary", "convened", starts_at="2026-12-15T09:00+08:00")
    cancelled = make_meeting(app, "ad_hoc", "cancelled", starts_at="2026-12-16T09:00+08:00")
    auth.login("liaison-edu")
    issued = client.post("/meetings/calendar-feed", follow_redirects=True)
    url = re.search(
        r"http://localhost(/meetings/calendar/[\w-]+\.ics)", issued.get_data(as_text=True)
    )
    for feed in (app.test_client().get(url.group(1)),
                 api.get("/api/v1/meetings.ics", as_="liaison-edu")):  # fmt: skip
        assert feed.status_code == 200
        assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert feed.headers.getlist("Content-Type") == ["text/calendar; charset=utf-8"]
        events = {str(e["uid"]): e for e in Calendar.from_ical(feed.data).walk("VEVENT")}
        assert str(events[f"meeting-{cancelled}@lianxi"]["status"]) == "CANCELLED"
        assert str(events[f"meeting-{kept}@lianxi"]["status"]) == "CONFIRMED"
        # The cancellation raised the sequence, so calendars replace their copy.
        assert int(events[f"meeting-{cancelled}@lianxi"]["sequence"]) > 1
