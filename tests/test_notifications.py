"""Notifications: stored as a kind and parameters and said in the reader's language; one per
person per decision; the list page's filters, grouping and mark-all-read, each scoped to its
person."""

import re

from sqlalchemy import func, select

from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.notifications.messages import CATALOGUE, label_of, title_of
from meeting.notifications.models import Notification
from meeting.notifications.operations import notify
from tests.conftest import FUGU, PASSWORD, SAFETY, table_counts
from tests.items_factory import user
from tests.tasks_factory import make_task
from tests.test_meetings_api import decide, fire, run_to_session


def signed_in(app, username: str, lang: str | None = None):
    """A browser-like client of USERNAME, in LANG when chosen (the session's language)."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    if lang:
        client.get(f"/lang/{lang}")
    return client


def titles(page: str) -> list[str]:
    return re.findall(r'<button class="btn btn-link[^"]*" type="submit">([^<]*)</button>', page)


def unread(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                Notification.user_id == user(username).id, Notification.read_at.is_(None)
            )
        )


def test_an_english_sender_is_read_in_each_readers_language(app, api):
    task_id = make_task(app, "assigned")
    office = signed_in(app, "office", "en")
    answer = office.post(
        f"/tasks/{task_id}/events/urge", data={"version": 1, "message": "请本周报送"}
    )
    assert answer.status_code in (302, 303)
    with app.app_context():
        note = db.session.scalars(
            select(Notification).where(Notification.kind == "task_urged")
        ).one()
        assert note.params["task_id"] == task_id and note.params["task"]
        assert note.title.startswith("催办:")  # stored in the default language, not the sender's
        task_title = note.params["task"]

    chinese = signed_in(app, "liaison-edu").get("/notifications/").get_data(as_text=True)
    assert f"催办:{task_title}" in titles(chinese) and "Urged" not in chinese
    english = signed_in(app, "liaison-edu", "en").get("/notifications/").get_data(as_text=True)
    assert f"Urged: {task_title}" in titles(english)
    # The API says it in the caller's language too, and gives kind and params besides.
    as_en = api.get("/api/v1/notifications", as_="liaison-edu",
                    headers={"Accept-Language": "en"}).json["items"][0]  # fmt: skip
    as_zh = api.get("/api/v1/notifications", as_="liaison-edu").json["items"][0]
    assert (as_en["title"], as_zh["title"]) == (f"Urged: {task_title}", f"催办:{task_title}")
    assert as_zh["kind"] == "task_urged" and as_zh["params"]["task_id"] == task_id
    assert as_zh["body"] == "请本周报送"  # what people typed stays as typed


def test_every_kind_sent_is_in_the_catalogue_and_named_in_chinese(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        for kind in CATALOGUE:
            label = label_of(kind)
            assert label and not re.search(r"[A-Za-z]{3,}", label), (kind, label)
        # An unknown kind or an old row (no params) shows the title it was stored with.
        assert title_of("from_elsewhere", {"item": "x"}, "旧标题") == "旧标题"
        assert title_of("task_urged", None, "旧标题") == "旧标题"
        assert title_of("task_urged", {"wrong": 1}, "旧标题") == "旧标题"


def test_mail_is_written_in_chinese_whoever_sends(app):
    from meeting.notifications.mail import OutboxMail

    app.config["MAIL_ENABLED"] = True
    try:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            reader = user("liaison-edu")
            reader.email = "edu@example.org"
            notify([reader], "task_urged", body="请本周报送", link="/tasks/1", charter_id=None,
                   params={"task_id": 1, "task": "心理辅导站", "item": "议题"})  # fmt: skip
            db.session.commit()
            mail = db.session.scalars(select(OutboxMail)).one()
            assert mail.subject == "[联席] 催办:心理辅导站"
            assert mail.body.startswith("请本周报送") and mail.body.endswith("/tasks/1")
    finally:
        app.config["MAIL_ENABLED"] = False


def test_one_decision_is_one_notification_per_person(app, api):
    meeting_id, (item_id,) = run_to_session(api, app)
    assert (
        decide(api, meeting_id, item_id, "adopt", resolution="由县教育和体育局牵头").status_code
        == 200
    )
    assert fire(api, meeting_id, "close_session", "office").status_code == 200
    assert fire(api, meeting_id, "sign_minutes", "general").status_code == 200
    assert fire(api, meeting_id, "publish_minutes", "office").status_code == 200
    with app.app_context():
        rows = db.session.execute(
            select(Notification.user_id, Notification.kind, Notification.body)
            .where(Notification.charter_id.is_not(None))
        ).all()  # fmt: skip
        edu = user("liaison-edu").id
    # The decision reaches each person once: told when recorded; the minutes' notice is one
    # per person and carries the proposing unit's decisions in it.
    told = [(u, k) for u, k, body in rows if k == "item_adopt" or "由县教育和体育局牵头" in body]
    assert sorted(told) == sorted({(edu, "item_adopt"), (edu, "minutes_published")})
    published = [u for u, k, _body in rows if k == "minutes_published"]
    assert len(published) == len(set(published))


def send(username: str, charter_code: str, kind: str, n: int = 1, link: str = "/tasks/1") -> None:
    """N notifications of KIND to USERNAME about LINK in the joint meeting CHARTER_CODE."""
    charter_id = db.session.scalar(select(Charter.id).where(Charter.code == charter_code))
    for _ in range(n):
        notify([user(username)], kind, link=link, charter_id=charter_id,
               params={"task_id": 1, "task": f"任务{charter_code}", "item": "议题"})  # fmt: skip


def test_filters_and_mark_all_read_touch_only_the_persons_own(platform):
    app = platform
    with app.app_context():
        send("both-edu", FUGU, "task_urged", 3)  # one thing urged thrice: one line
        send("both-edu", FUGU, "task_overdue", link="/tasks/2")
        send("both-edu", SAFETY, "task_urged", link="/tasks/3")
        send("liaison-edu", FUGU, "task_urged")
        db.session.commit()
    both = signed_in(app, "both-edu")
    page = both.get("/notifications/").get_data(as_text=True)
    assert re.findall(r'data-bundle="(\d+)"', page) == ["1", "1", "3"]
    assert "另有 2 条同类通知" in page
    choices = re.findall(r'<option value="([\w-]+)"', page)
    assert choices[:2] == [FUGU, SAFETY]  # joint meetings first, then the kinds received
    assert set(choices[2:]) == {"task_urged", "task_overdue"}
    assert "催办" in page and "任务超期" in page  # kinds named in Chinese

    safety_only = both.get(f"/notifications/?joint_meeting={SAFETY}").get_data(as_text=True)
    assert titles(safety_only) == [f"催办:任务{SAFETY}"]
    urged = both.get("/notifications/?kind=task_urged").get_data(as_text=True)
    assert re.findall(r'data-kind="(\w+)"', urged) == ["task_urged"] * 4

    # Someone else's joint meeting or an unknown kind: a clear refusal, nothing changes.
    before = table_counts(app), unread(app, "both-edu")
    refused = both.post("/notifications/read-all", data={"joint_meeting": "no-such"},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "您在该联席会议中没有角色" in refused
    refused = both.post("/notifications/read-all", data={"kind": "meeting_convened"},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "您没有这类通知" in refused
    assert (table_counts(app), unread(app, "both-edu")) == before

    done = both.post("/notifications/read-all", data={"joint_meeting": SAFETY},
                     follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "已将 1 条通知标为已读" in done
    assert (unread(app, "both-edu"), unread(app, "liaison-edu")) == (4, 1)
    done = both.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "已将 4 条通知标为已读" in done and 'id="unread-count"' not in done
    assert (unread(app, "both-edu"), unread(app, "liaison-edu")) == (0, 1)

    # One joint meeting only: no joint-meeting filter to choose from.
    alone = signed_in(app, "liaison-edu").get("/notifications/").get_data(as_text=True)
    assert f'value="{FUGU}"' not in alone


def test_the_unread_badge_counts_to_99_then_says_99_plus(app):
    """Every page's menu shows the unread count; past 99 it stops counting (「99+」): the exact
    count of thousands let pile up would be read on every page."""
    with app.app_context():
        send("liaison-edu", FUGU, "task_urged", 99)
        db.session.commit()
    client = signed_in(app, "liaison-edu")
    assert re.search(r'id="unread-count">99<', client.get("/").get_data(as_text=True))
    with app.app_context():
        send("liaison-edu", FUGU, "task_urged", 2)
        db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert re.search(r'id="unread-count">99\+<', page)
    assert unread(app, "liaison-edu") == 101  # only the badge stops counting
