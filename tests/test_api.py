"""Token authentication and GET /api/v1/units."""

import pytest

from tests.conftest import DOMAIN_UNIT_COUNT


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic b2ZmaWNlOng="}],
)
def test_units_need_a_valid_token(client, headers):
    response = client.get("/api/v1/units", headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert "令牌" in response.json["message"]


def test_a_session_cookie_is_not_a_token(client, auth):
    auth.login("office")
    assert client.get("/api/v1/units").status_code == 401


def test_units_as_api_md_says(app, api):
    response = api.get("/api/v1/units", as_="liaison-edu")
    assert response.status_code == 200
    body = response.json
    assert (body["page"], body["pages"], body["total"]) == (1, 1, DOMAIN_UNIT_COUNT)
    education = next(u for u in body["items"] if u["code"] == "education-sports")
    assert education["name"] == "县教育和体育局"
    assert education["duty_ref"] == "四(九)"
    assert education["duty_text"].startswith("监督指导全县中小学校")
    assert education["aliases"] == []
    hr = next(u for u in body["items"] if u["code"] == "human-resources")
    assert hr["aliases"] == ["县人社局"]


def test_units_paginate(app, api):
    body = api.get("/api/v1/units?per_page=10&page=3", as_="office").json
    assert (body["page"], body["pages"], body["total"]) == (3, 3, DOMAIN_UNIT_COUNT)
    assert [u["code"] for u in body["items"]] == [
        "culture-tourism",
        "statistics",
        "poverty-alleviation",
        "trade-union",
        "womens-federation",
        "youth-league",
        "disabled-persons",
        "next-generation",
    ][-6:]


@pytest.mark.parametrize("query", ["per_page=201", "per_page=0", "page=0", "page=x"])
def test_bad_pagination_is_422(app, api, query):
    response = api.get(f"/api/v1/units?{query}", as_="office")
    assert response.status_code == 422
    assert response.json["error"] == "invalid"
    assert set(response.json["fields"]) <= {"page", "per_page"}


def test_revoked_or_inactive_user_token_is_refused(app, api):
    from meeting.accounts.models import User
    from meeting.extensions import db

    token = api.token("observer")
    assert api.get("/api/v1/units", as_="observer").status_code == 200
    with app.app_context():
        db.session.execute(db.update(User).where(User.username == "observer").values(active=False))
        db.session.commit()
    response = app.test_client().get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_api_errors_are_json_in_the_requested_language(app, api):
    response = api.get("/api/v1/nothing-here", as_="office")
    assert response.status_code == 404
    assert response.json["error"] == "not_found"
    english = api.get("/api/v1/nothing-here", as_="office", headers={"Accept-Language": "en"})
    assert english.json["message"] == "There is no such page or record."


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/api/v1/items"])
def test_every_answer_forbids_framing_inline_script_and_sniffing(app, client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_ping_answers_without_sign_in_or_database(migrated, tmp_path):
    from sqlalchemy import event

    from meeting.extensions import db
    from tests.conftest import make_app

    app = make_app(migrated, tmp_path)  # without the suite's contract check, which reads
    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    response = app.test_client().get("/api/v1/ping")
    assert response.status_code == 200 and response.json == {"ok": True}
    assert statements == []
