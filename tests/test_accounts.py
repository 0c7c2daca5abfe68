"""Sign-in, throttling, roles on pages, language, cookies and the secret key."""

import pytest

from app import create_app
from tests.conftest import PASSWORD, Auth


def test_sign_in_lands_on_home_with_role_and_unit(client, auth):
    response = auth.login("liaison-edu")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "联络员" in page
    assert "县教育和体育局" in page


def test_sign_in_follows_only_local_next(client):
    data = {"username": "office", "password": PASSWORD}
    response = client.post("/login?next=/units", data=data)
    assert response.headers["Location"] == "/units"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"), [("office", "wrong-password"), ("nobody", PASSWORD)]
)
def test_sign_in_failure_says_so_in_chinese(client, auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_failed_sign_ins_are_throttled(app, client, auth):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login("office", "wrong-password").status_code == 401
    response = auth.login("office")  # the right password, too late
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another user is not affected.
    assert auth.login("convener").status_code == 302


def test_a_success_resets_the_failure_count(app, auth):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        auth.login("office", "wrong-password")
    assert auth.login("office").status_code == 302
    auth.logout()
    for _ in range(limit - 1):
        auth.login("office", "wrong-password")
    assert auth.login("office").status_code == 302


def test_sign_out(client, auth):
    auth.login("office")
    assert client.get("/").status_code == 200
    auth.logout()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["/", "/units", "/units/finance", "/charter", "/users"])
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("office", 200),
        ("admin", 200),
        ("liaison-civil", 403),
        ("convener", 403),
        ("general", 403),
        ("observer", 403),
    ],
)
def test_account_list_is_for_the_office_and_admins(client, auth, username, status):
    auth.login(username)
    response = client.get("/users")
    assert response.status_code == status
    if status == 403:
        assert "无权" in response.get_data(as_text=True)
    else:
        assert "liaison-edu" in response.get_data(as_text=True)


def test_english_on_request(client, auth):
    auth.login("office")
    assert "当前用户" in client.get("/").get_data(as_text=True)
    client.get("/lang/en", headers={"Referer": "http://localhost/units"})
    page = client.get("/").get_data(as_text=True)
    assert "Signed in as" in page and "Joint meeting office" in page
    client.get("/lang/zh_Hans")
    assert "当前用户" in client.get("/").get_data(as_text=True)


def test_browser_language_is_followed(client):
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in to Lianxi" in english.get_data(as_text=True)
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "登录联席会议工作平台" in chinese.get_data(as_text=True)


def test_unknown_page_is_a_chinese_404(client, auth):
    auth.login("office")
    response = client.get("/units/no-such-unit")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax(client, auth):
    response = auth.login("office")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LIANXI_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(SystemExit, match="SECRET_KEY is not set"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("LIANXI_INSTANCE_PATH", str(tmp_path))
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "x" * 64


def test_development_keeps_a_generated_key_in_the_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LIANXI_INSTANCE_PATH", str(tmp_path))
    first = create_app("development").config["SECRET_KEY"]
    second = create_app("development").config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_forms_need_a_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "office", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_home_lists_what_waits_for_each_role(app, client, auth):
    from tests.items_factory import make_item

    make_item(app, "submitted")
    make_item(app, "reviewed")
    make_item(app, "returned")
    auth.login("office")
    office = client.get("/").get_data(as_text=True).split('id="worklist"')[1].split("</div>")[0]
    assert "待初审" not in office and "等待您初审的议题" in office and ">1<" in office
    auth.logout()
    auth.login("convener")
    assert "等待您审定的议题" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("liaison-edu")
    assert "本单位被退回修改的议题" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("observer")
    assert 'id="worklist"' not in client.get("/").get_data(as_text=True)


def test_change_password(app, client, auth):
    auth.login("liaison-edu")
    wrong = client.post(
        "/account/password",
        data={"current": "nope-nope", "new": "brand-new-pw", "repeat": "brand-new-pw"},
    )
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    mismatch = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "brand-new-pw", "repeat": "other-pw-1"},
    )
    assert mismatch.status_code == 422
    done = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "brand-new-pw", "repeat": "brand-new-pw"},
    )
    assert done.status_code == 302
    auth.logout()
    assert auth.login("liaison-edu").status_code == 401
    assert auth.login("liaison-edu", "brand-new-pw").status_code == 302


@pytest.mark.parametrize(
    ("new", "said"),
    [
        ("12345678", "不能全是数字"),
        ("woaini1314", "过于常见"),
        ("liaison-edu-2026", "与用户名过于相似"),
    ],
)
def test_a_weak_new_password_is_refused_and_nothing_changes(app, client, auth, new, said):
    auth.login("liaison-edu")
    refused = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "repeat": new}
    )
    assert refused.status_code == 422 and said in refused.get_data(as_text=True)
    auth.logout()
    assert auth.login("liaison-edu", new).status_code == 401
    assert auth.login("liaison-edu").status_code == 302


def test_the_shell_refuses_a_numeric_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "clerk", "--role", "office", "--password", "12345678"]
    )
    assert result.exit_code == 2 and "only digits" in result.output


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(app, client, auth):
    auth.login("office")
    copied = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    auth.logout()
    client.set_cookie("session", copied)  # someone kept the cookie from before
    assert client.get("/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, auth):
    other = app.test_client()
    Auth(other).login("liaison-edu")
    assert other.get("/").status_code == 200
    auth.login("liaison-edu")
    changed = client.post("/account/password",
                          data={"current": PASSWORD, "new": "brand-new-pw", "repeat": "brand-new-pw"})  # fmt: skip
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # this one goes on
    assert other.get("/").status_code == 302  # the other device is signed out


def test_delays_grow_per_address_and_end_with_the_window(app):
    """The address counter lets LOGIN_MAX_FAILURES_PER_ADDRESS attempts through, then the k-th
    extra one waits 30·(2^k − 1) s from the window's start; the window's end clears it."""
    from datetime import datetime, timedelta

    from meeting.accounts import throttle

    start = datetime(2026, 12, 1, 9, 0)
    free = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    with app.test_request_context():
        waits = [throttle.attempt(f"user{n}", "10.0.0.9", start) for n in range(free + 3)]
        assert waits[:free] == [0] * free
        assert waits[free:] == [31, 91, 211]  # rounded up to whole seconds
        assert throttle.attempt("user0", "10.0.0.7", start) == 0  # another machine
        later = start + timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"], seconds=1)
        assert throttle.attempt("user99", "10.0.0.9", later) == 0


def test_concurrent_attempts_are_each_counted(app):
    """Twenty attempts at once on one account from one machine: only the free ones go."""
    import threading

    from meeting.accounts import throttle
    from meeting.extensions import db
    from meeting.timeutil import utcnow

    waits, barrier = [], threading.Barrier(20)

    def try_once():
        with app.test_request_context():
            barrier.wait()
            waits.append(throttle.attempt("office", "10.0.0.5", utcnow()))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=try_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (
        sorted(waits)[: app.config["LOGIN_MAX_FAILURES"]] == [0] * app.config["LOGIN_MAX_FAILURES"]
    )
    assert waits.count(0) == app.config["LOGIN_MAX_FAILURES"]


def test_unknown_and_known_usernames_cost_the_same_hashing(app, monkeypatch):
    from meeting.accounts import operations

    hashed = []
    real = operations.check_password_hash
    monkeypatch.setattr(
        operations, "check_password_hash", lambda h, p: hashed.append(h) or real(h, p)
    )
    with app.test_request_context():
        assert operations.authenticate("nobody-here", "whatever-1") is None
        assert operations.authenticate("office", "whatever-1") is None
    assert len(hashed) == 2 and hashed[0].split("$")[0] == hashed[1].split("$")[0]


def test_tokens_expire_and_are_listed(app, runner):
    from sqlalchemy import update

    from meeting.accounts.models import ApiToken
    from meeting.extensions import db
    from meeting.timeutil import utcnow

    token = runner.invoke(args=["users", "token", "office", "--days", "30"]).output.strip()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    listing = runner.invoke(args=["users", "tokens", "office"]).output
    assert "expires 20" in listing and "revoked -" in listing
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow()))
        db.session.commit()
    assert client.get("/api/v1/items", headers=headers).status_code == 401
    assert runner.invoke(args=["users", "token", "office", "--days", "0"]).exit_code == 2
