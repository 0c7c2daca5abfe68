"""Administration in the browser and the admin API (API.md v1.1): people, roles per joint
meeting, access that ends at once, one-time passwords, handover, charters, audit history."""

import re

from sqlalchemy import select

from meeting.accounts.models import User
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.history import History
from meeting.items.models import Item
from tests.conftest import FUGU, PASSWORD, SAFETY, TESTS, Auth, table_counts
from tests.items_factory import make_item

NEW_PASSWORD = "river-stone-42"


def sign_in(app, username, password=PASSWORD):
    client = app.test_client()
    Auth(client).login(username, password)
    return client


def csrf(client, path="/admin/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def add_person(client, **form):
    token = csrf(client, "/admin/people/new")
    return client.post("/admin/people/new", data={"csrf_token": token, **form})


def one_time_password(page: str) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', page).group(1)


def person(app, username) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return user and {"active": user.active, "must_change": user.must_change_password,
                         "seats": [(s.charter.code if s.charter else None, s.role,
                                    s.unit.code if s.unit else None) for s in user.seats]}  # fmt: skip


def test_an_admin_adds_a_liaison_who_signs_in_changes_the_password_and_proposes(platform):
    admin = sign_in(platform, "admin")
    response = add_person(admin, username="wang-edu", display_name="王老师",
                          email="wang@fugu.example", joint_meeting=FUGU, role="liaison",
                          unit="education-sports")  # fmt: skip
    assert response.status_code == 200
    password = one_time_password(response.get_data(as_text=True))
    assert person(platform, "wang-edu") == {
        "active": True,
        "must_change": True,
        "seats": [(FUGU, "liaison", "education-sports")],
    }

    liaison = platform.test_client()
    Auth(liaison).login("wang-edu", password)
    response = liaison.get("/items/")
    assert response.status_code == 302 and response.location.endswith("/account/password")
    token = csrf(liaison, "/account/password")
    response = liaison.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current": password,
            "new": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert person(platform, "wang-edu")["must_change"] is False
    assert liaison.get("/items/new").status_code == 200


def test_the_office_manages_its_own_joint_meetings_liaisons_only(platform):
    office = sign_in(platform, "office")  # the office of Fugu's joint meeting only
    before = table_counts(platform)
    response = add_person(office, username="x1", joint_meeting=SAFETY, role="liaison",
                          unit="education-sports")  # fmt: skip
    assert response.status_code == 422  # a joint meeting they hold no role in is unknown to them
    response = add_person(office, username="x2", joint_meeting=FUGU, role="office")
    assert response.status_code == 403
    assert table_counts(platform) == before
    response = add_person(office, username="li-finance", joint_meeting=FUGU, role="liaison",
                          unit="finance")  # fmt: skip
    assert response.status_code == 200
    people = office.get("/admin/").get_data(as_text=True)
    assert "li-finance" in people and "liaison-edu" in people
    assert "safety-edu" not in people  # a person of the other joint meeting only
    assert office.get("/admin/people/safety-edu").status_code == 404
    assert office.get("/admin/joint-meetings").status_code == 403
    assert sign_in(platform, "liaison-edu").get("/admin/").status_code == 403


def test_disable_ends_sessions_and_tokens_at_once(platform, api):
    victim = sign_in(platform, "liaison-edu")
    assert victim.get("/items/").status_code == 200
    assert api.get("/api/v1/items", as_="liaison-edu").status_code == 200
    admin = sign_in(platform, "admin")
    token = csrf(admin, "/admin/people/liaison-edu")
    assert (
        admin.post("/admin/people/liaison-edu/disable", data={"csrf_token": token}).status_code
        == 302
    )
    assert victim.get("/items/").status_code == 302  # back to sign-in
    assert api.get("/api/v1/items", as_="liaison-edu").status_code == 401
    assert Auth(platform.test_client()).login("liaison-edu").status_code == 401
    admin.post("/admin/people/liaison-edu/enable", data={"csrf_token": token})
    assert Auth(platform.test_client()).login("liaison-edu").status_code == 302


def test_reset_password_and_revoke_tokens(platform, api):
    assert api.get("/api/v1/items", as_="liaison-civil").status_code == 200
    admin = sign_in(platform, "admin")
    token = csrf(admin, "/admin/people/liaison-civil")
    admin.post("/admin/people/liaison-civil/tokens/revoke", data={"csrf_token": token})
    assert api.get("/api/v1/items", as_="liaison-civil").status_code == 401
    page = admin.post("/admin/people/liaison-civil/password", data={"csrf_token": token})
    password = one_time_password(page.get_data(as_text=True))
    assert Auth(platform.test_client()).login("liaison-civil", PASSWORD).status_code == 401
    fresh = platform.test_client()
    Auth(fresh).login("liaison-civil", password)
    assert fresh.get("/").location.endswith("/account/password")
    events = admin.get("/admin/history").get_data(as_text=True)
    assert "reset_password" in events and "revoke_tokens" in events


def test_handover_moves_open_drafts_and_the_seat(platform):
    draft = make_item(platform, "draft", by="liaison-edu")
    returned = make_item(platform, "returned", by="liaison-edu")
    submitted = make_item(platform, "submitted", by="liaison-edu")
    admin = sign_in(platform, "admin")
    response = add_person(admin, username="edu-next", joint_meeting=FUGU, role="liaison",
                          unit="education-sports")  # fmt: skip
    assert response.status_code == 200
    token = csrf(admin, "/admin/people/liaison-edu")
    response = admin.post(
        "/admin/people/liaison-edu/handover",
        data={"csrf_token": token, "joint_meeting": FUGU, "successor": "edu-next"},
    )
    assert response.status_code == 302
    assert person(platform, "liaison-edu")["seats"] == []
    with platform.app_context():
        makers = {i.id: i.created_by.username for i in db.session.scalars(select(Item))}
        assert makers[draft] == makers[returned] == "edu-next"
        assert makers[submitted] == "liaison-edu"  # no longer theirs to work on
        moved = db.session.scalars(select(History).where(History.event == "handover",
                                                         History.subject_kind == "item")).all()  # fmt: skip
        assert sorted(row.subject_id for row in moved) == sorted([draft, returned])


def test_handover_is_refused_across_departments(platform):
    admin = sign_in(platform, "admin")
    token = csrf(admin, "/admin/people/liaison-edu")
    before = table_counts(platform)
    response = admin.post(
        "/admin/people/liaison-edu/handover",
        data={"csrf_token": token, "joint_meeting": FUGU, "successor": "liaison-civil"},
    )
    assert response.status_code == 422
    assert table_counts(platform) == before


def test_charter_upload_names_the_line_and_writes_nothing_then_loads(platform):
    admin = sign_in(platform, "admin")
    token = csrf(admin, "/admin/joint-meetings")
    bad = b"code: broken\nname: x\nunits: 12\n"
    before = table_counts(platform)
    response = admin.post("/admin/joint-meetings", data={
        "csrf_token": token, "file": (__import__("io").BytesIO(bad), "broken.yaml")},
        content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "broken.yaml" in page and "line" in page
    assert table_counts(platform) == before
    good = (TESTS / "charters" / "riverside.yaml").read_bytes()
    response = admin.post("/admin/joint-meetings", data={
        "csrf_token": token, "file": (__import__("io").BytesIO(good), "riverside.yaml")},
        content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    with platform.app_context():
        codes = db.session.scalars(select(Charter.code).order_by(Charter.id)).all()
    assert len(codes) == 3
    response = admin.post(f"/admin/joint-meetings/{codes[2]}/archive", data={"csrf_token": token})
    assert response.status_code == 302
    assert "load" in admin.get("/admin/history").get_data(as_text=True)


def test_the_admin_api(platform, api):
    assert api.get("/api/v1/users", as_="liaison-edu").status_code == 403
    listed = api.get("/api/v1/users?per_page=200", as_="admin").json
    assert {"both-edu", "safety-office", "liaison-edu"} <= {p["username"] for p in listed["items"]}
    mine = api.get("/api/v1/users?per_page=200", as_="safety-office").json
    assert "liaison-edu" not in {p["username"] for p in mine["items"]}

    response = api.post(
        "/api/v1/users",
        as_="admin",
        json={
            "username": "zhao",
            "display_name": "赵",
            "email": "zhao@fugu.example",
            "roles": [{"joint_meeting": SAFETY, "role": "liaison", "unit": "emergency"}],
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["one_time_password"]
    assert response.json["department"] == "emergency"

    response = api.request(
        "PUT",
        "/api/v1/users/zhao/roles",
        as_="admin",
        json={
            "roles": [
                {"joint_meeting": SAFETY, "role": "observer"},
                {"joint_meeting": FUGU, "role": "observer"},
            ]
        },
    )
    assert response.status_code == 200, response.json
    assert {(r["joint_meeting"], r["role"]) for r in response.json["roles"]} == {
        (SAFETY, "observer"),
        (FUGU, "observer"),
    }

    response = api.request("PATCH", "/api/v1/users/zhao", as_="admin", json={"active": False})
    assert response.status_code == 200 and response.json["active"] is False
    before = table_counts(platform)
    response = api.request(
        "PUT",
        "/api/v1/users/zhao/roles",
        as_="admin",
        json={"roles": [{"joint_meeting": "no-such", "role": "observer"}]},
    )
    assert response.status_code == 422
    assert table_counts(platform) == before
    assert (
        api.request(
            "PUT", "/api/v1/users/zhao/roles", as_="safety-office", json={"roles": []}
        ).status_code
        == 403
    )


def test_importing_liaisons_previews_then_writes_on_confirmation(platform):
    import io

    from openpyxl import Workbook

    def sheet(rows) -> io.BytesIO:
        book = Workbook()
        book.active.append(["单位", "姓名", "职务", "手机", "邮箱"])
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        return buffer

    office = sign_in(platform, "office")
    token = csrf(office, "/admin/import")
    before = table_counts(platform)
    bad = sheet([["县不存在局", "张三", "科长", "13800000000", ""],
                 ["县财政局", "", "科员", "123", "not-an-email"]])  # fmt: skip
    response = office.post("/admin/import", data={"csrf_token": token, "joint_meeting": FUGU,
                           "file": (bad, "名单.xlsx")}, content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="fix-first"' in page
    assert page.count("row-problems") == 2 and 'id="confirm-import"' not in page
    assert table_counts(platform) == before

    good = sheet([["县财政局", "李四", "科长", "13800001111", "lisi@fugu.example"],
                  ["县司法局", "王五", "科员", "13800002222", ""]])  # fmt: skip
    response = office.post("/admin/import", data={"csrf_token": token, "joint_meeting": FUGU,
                           "file": (good, "名单.xlsx")}, content_type="multipart/form-data")  # fmt: skip
    page = response.get_data(as_text=True)
    assert 'id="confirm-import"' in page
    assert table_counts(platform) == before  # a preview writes nothing
    sha = re.search(r'name="sha256" value="([0-9a-f]+)"', page).group(1)
    response = office.post(
        "/admin/import/confirm", data={"csrf_token": token, "joint_meeting": FUGU, "sha256": sha}
    )
    assert response.status_code == 200
    assert person(platform, "lisi")["seats"] == [(FUGU, "liaison", "finance")]
    assert person(platform, "lisi")["must_change"] is True
    assert "import" in office.get("/admin/history").get_data(as_text=True)
