"""Units' written opinions on an item (征求意见) and co-signature (会签), charter 五(三).

The office asks named member units for their opinion on an item by a due date; each asked unit's
liaison answers once, until the due date; the scheduler reminds the silent ones on the due date,
once; the opinions show on the item page, in the API, on the meeting page and in the minutes
draft; an item whose category or cited duty the charter's `rules.cosign` names is approved only
once those units agreed.
"""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from meeting.accounts.operations import create_user
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.scheduler.opinions import opinions_due
from meeting.tasks.deadlines import county_today
from meeting.timeutil import COUNTY_TZ
from tests.conftest import PASSWORD, table_counts
from tests.items_factory import item_row, make_item, user
from tests.meetings_factory import make_meeting
from workflows import opinions as rules

# The proposing unit is civil-affairs (liaison-civil); these units' liaisons are asked.
LIAISONS = {"liaison-fin": "finance", "liaison-ps": "public-security", "liaison-justice": "justice"}
ASKED = ["finance", "public-security", "education-sports", "justice"]
CIVIL_ITEM = {"duty_refs": ["四(一)"], "title": "农村留守儿童关爱服务经费保障"}


@pytest.fixture
def units(app):
    """Liaisons of three more units (liaison-edu and liaison-civil come with `app`)."""
    with app.app_context():
        for username, unit in LIAISONS.items():
            create_user(username, "liaison", PASSWORD, unit, display_name=username)
        db.session.commit()
    return app


def at(text: str) -> datetime:
    """County time TEXT as the naive UTC the scheduler's checks take."""
    moment = datetime.fromisoformat(text).replace(tzinfo=COUNTY_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


def due_day(days: int = 3) -> str:
    with_offset = county_today() + timedelta(days=days)
    return with_offset.isoformat()


def version(api, item_id: int) -> int:
    return api.get(f"/api/v1/items/{item_id}", as_="office").json["version"]


def ask(api, item_id: int, units=ASKED, due_on: str | None = None, as_="office", **more):
    body = {"units": units, "due_on": due_on or due_day(), "note": "请研究经费保障方案并反馈意见",
            "version": version(api, item_id), **more}  # fmt: skip
    return api.post(f"/api/v1/items/{item_id}/opinion-requests", as_=as_, json=body)


def answer(api, item_id: int, as_: str, answer: str, text: str | None = None):
    body = {"answer": answer} | ({"text": text} if text is not None else {})
    return api.post(f"/api/v1/items/{item_id}/opinions", as_=as_, json=body)


def kinds(app, username: str, prefix: str = "opinion") -> list[str]:
    with app.app_context():
        query = select(Notification.kind).where(Notification.user_id == user(username).id)
        return [
            k for k in db.session.scalars(query.order_by(Notification.id)) if k.startswith(prefix)
        ]


def run_check(app, when: str) -> int:
    with app.app_context():
        charter = db.session.scalar(select(Charter))
        sent = opinions_due(at(when), charter)
        db.session.commit()
        return sent


# -- the rulebook, on plain values --------------------------------------------------------------


def test_the_rules_on_plain_values():
    today = county_today()
    assert rules.round_status(False, today, today) == rules.OPEN  # answers taken on the day
    assert rules.round_status(False, today - timedelta(days=1), today) == rules.LAPSED
    assert rules.round_status(True, today + timedelta(days=5), today) == rules.CLOSED
    assert rules.may_ask("office", "reviewed") and not rules.may_ask("office", "submitted")
    assert not rules.may_ask("convener", "reviewed")
    assert rules.may_answer("liaison", "scheduled") and not rules.may_answer("liaison", "adopted")
    cosign = {"二(一)": ["finance"], "policy_measure": ["justice", "finance"]}
    assert rules.cosigners_required(cosign, "policy_measure", ["二(一)"], "civil-affairs") == [
        "justice",
        "finance",
    ]
    assert rules.cosigners_required(cosign, "other", ["二(一)"], "finance") == []  # proposer
    later_disagrees = [("finance", "agree"), ("finance", None), ("finance", "disagree")]
    assert rules.cosign_guard("approve", cosign, "other", ["二(一)"], "civil-affairs",
                              later_disagrees) == ["finance"]  # fmt: skip
    agreed = [("finance", "disagree"), ("finance", "agree_with_changes")]
    assert rules.cosign_guard("approve", cosign, "other", ["二(一)"], "civil-affairs", agreed) == []
    assert rules.cosign_guard("send_back", cosign, "other", ["二(一)"], "civil-affairs", []) == []


# -- a round with a disagreement and a silence ----------------------------------------------------


def test_a_round_with_a_disagreement_and_a_silence(units, api, client, auth):
    app = units
    item_id = make_item(app, "reviewed", by="liaison-civil", **CIVIL_ITEM)
    due = due_day(3)
    asked = ask(api, item_id, due_on=due)
    assert asked.status_code == 201, asked.json
    (round_,) = asked.json["opinions"]["rounds"]
    assert round_["status"] == "open" and round_["due_on"] == due
    assert [o["unit"] for o in round_["opinions"]] == [
        "education-sports", "public-security", "justice", "finance"]  # the charter's order  # fmt: skip
    assert all(o["answer"] is None for o in round_["opinions"])
    assert kinds(app, "liaison-fin") == ["opinion_asked"]
    assert kinds(app, "liaison-civil") == []  # the proposing unit is not asked

    assert answer(api, item_id, "liaison-fin", "agree").status_code == 200
    assert (
        answer(api, item_id, "liaison-ps", "agree_with_changes", "补充警务协作内容").status_code
        == 200
    )
    disagreed = answer(
        api, item_id, "liaison-edu", "disagree", "经费来源不明确，建议纳入下年度预算"
    )
    assert disagreed.status_code == 200
    assert kinds(app, "office") == ["opinion_given"] * 3

    # In the API: who was asked, who answered what, who is silent.
    item = api.get(f"/api/v1/items/{item_id}", as_="observer").json
    answers = {
        o["unit"]: (o["answer"], o["text"]) for o in item["opinions"]["rounds"][0]["opinions"]
    }
    assert answers == {
        "education-sports": ("disagree", "经费来源不明确，建议纳入下年度预算"),
        "public-security": ("agree_with_changes", "补充警务协作内容"),
        "justice": (None, ""),
        "finance": ("agree", ""),
    }
    events = [row["event"] for row in item["history"]]
    assert events[-4:] == ["ask_opinions", "give_opinion", "give_opinion", "give_opinion"]

    # On the item page.
    auth.login("office")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'data-unit="education-sports" data-answer="disagree"' in page
    assert "经费来源不明确，建议纳入下年度预算" in page
    assert 'data-unit="justice" data-answer="silent"' in page
    assert 'id="close-opinions"' in page and 'id="ask-opinions"' not in page  # one round at a time

    # The scheduler: nothing before the due date; on it, the silent unit once.
    due_date = datetime.fromisoformat(due).date()
    assert run_check(app, f"{due_date - timedelta(days=1)} 09:00") == 0
    assert run_check(app, f"{due} 09:00") == 1
    assert run_check(app, f"{due} 15:00") == 0
    assert kinds(app, "liaison-justice") == ["opinion_asked", "opinion_due"]
    assert kinds(app, "liaison-fin") == ["opinion_asked"]
    assert run_check(app, f"{due_date + timedelta(days=1)} 09:00") == 0  # past: no longer taken

    # The meeting page and the minutes draft.
    assert api.post(f"/api/v1/items/{item_id}/events/approve", as_="convener",
                    json={"version": version(api, item_id)}).status_code == 200  # fmt: skip
    meeting_id = make_meeting(app, "ad_hoc", "convened")
    added = api.post(
        f"/api/v1/meetings/{meeting_id}/agenda", as_="office", json={"item_id": item_id}
    )
    assert added.status_code == 200
    meeting_page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'data-opinions="{item_id}"' in meeting_page
    assert 'data-unit="education-sports" data-answer="disagree"' in meeting_page
    fire = lambda event: api.post(f"/api/v1/meetings/{meeting_id}/events/{event}", as_="office",  # noqa: E731
                                  json={"version": api.get(f"/api/v1/meetings/{meeting_id}", as_="office").json["version"]})  # fmt: skip
    assert fire("open").status_code == 200
    decided = api.post(f"/api/v1/meetings/{meeting_id}/decisions", as_="office", json={
        "item_id": item_id, "decision": "adopt", "resolution": "同意，由县民政局牵头落实",
        "version": version(api, item_id)})  # fmt: skip
    assert decided.status_code == 200
    assert fire("close_session").status_code == 200
    minutes = api.get(f"/api/v1/meetings/{meeting_id}", as_="office").json["minutes_text"]
    lines = minutes.splitlines()
    heading = next(n for n, line in enumerate(lines) if "农村留守儿童关爱服务经费保障" in line)
    assert lines[heading + 1] == (
        "征求意见：县教育和体育局不同意（经费来源不明确，建议纳入下年度预算），"
        "县公安局修改后同意，县司法局未反馈，县财政局同意。"
    )


# -- co-signature ---------------------------------------------------------------------------------


def test_approval_waits_for_the_cosigners_agreement(units, api):
    app = units
    # 二(一) (policy measures and plans for the county government): 县财政局 co-signs (the
    # Fugu charter's rules.cosign).
    item_id = make_item(app, "reviewed", by="liaison-civil", duty_refs=["四(一)", "二(一)"],
                        title="年度关爱服务计划")  # fmt: skip
    shown = api.get(f"/api/v1/items/{item_id}", as_="convener").json["opinions"]
    assert shown["cosigners"] == ["finance"] and shown["cosigners_missing"] == ["finance"]

    def approve():
        return api.post(f"/api/v1/items/{item_id}/events/approve", as_="convener",
                        json={"version": version(api, item_id)})  # fmt: skip

    before = table_counts(app), item_row(app, item_id)
    refused = approve()
    assert refused.status_code == 409 and refused.json["error"] == "invalid_transition"
    assert "县财政局" in refused.json["message"] and "会签" in refused.json["message"]
    assert (table_counts(app), item_row(app, item_id)) == before

    assert ask(api, item_id, units=["finance", "justice"]).status_code == 201
    assert answer(api, item_id, "liaison-justice", "agree").status_code == 200
    assert approve().status_code == 409  # the other unit's agreement is no co-signature
    assert answer(api, item_id, "liaison-fin", "disagree", "资金未落实").status_code == 200
    assert approve().status_code == 409

    # The office closes that round and asks again; the later answer counts.
    closed = api.post(f"/api/v1/items/{item_id}/opinion-requests/close", as_="office",
                      json={"version": version(api, item_id)})  # fmt: skip
    assert closed.status_code == 200 and closed.json["opinions"]["rounds"][0]["status"] == "closed"
    assert ask(api, item_id, units=["finance"]).status_code == 201
    agreed = answer(api, item_id, "liaison-fin", "agree_with_changes", "资金从福彩公益金列支")
    assert agreed.json["opinions"]["cosigners_missing"] == []
    approved = approve()
    assert approved.status_code == 200 and approved.json["state"] == "approved"


def test_the_page_refuses_approval_and_names_the_cosigner(units, client, auth):
    app = units
    item_id = make_item(app, "reviewed", by="liaison-civil", duty_refs=["二(一)"])
    auth.login("convener")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'data-cosigner="finance" data-signed="no"' in page
    state, version_now = item_row(app, item_id)
    response = client.post(f"/items/{item_id}/events/approve", data={"version": version_now})
    assert response.status_code == 409
    assert "县财政局" in response.get_data(as_text=True)
    assert item_row(app, item_id) == (state, version_now)


# -- refusals change nothing ---------------------------------------------------------------------


def test_who_may_answer_and_when(units, api):
    app = units
    item_id = make_item(app, "approved", by="liaison-civil", **CIVIL_ITEM)
    assert ask(api, item_id, units=["finance", "public-security"]).status_code == 201

    def refused(as_, answer_, text=None, status=409):
        before = table_counts(app), item_row(app, item_id)
        response = answer(api, item_id, as_, answer_, text)
        assert response.status_code == status, response.json
        assert (table_counts(app), item_row(app, item_id)) == before
        return response.json

    refused("liaison-justice", "agree", status=403)  # a unit not asked
    refused("liaison-edu", "agree", status=403)
    refused("office", "agree", status=403)  # only liaisons answer
    assert set(refused("liaison-fin", "disagree", status=422)["fields"]) == {"text"}  # why not
    assert set(refused("liaison-fin", "maybe", status=422)["fields"]) == {"answer"}
    assert answer(api, item_id, "liaison-fin", "agree").status_code == 200
    refused("liaison-fin", "disagree", "改变主意")  # once only: 409

    # Asking again while a round is open, by the wrong role, with bad units or dates: refused.
    for as_, units_, due, status in [
        ("office", ["justice"], due_day(), 409),  # the round is still open
        ("convener", ["justice"], due_day(), 403),
    ]:
        before = table_counts(app), item_row(app, item_id)
        assert ask(api, item_id, units=units_, due_on=due, as_=as_).status_code == status
        assert (table_counts(app), item_row(app, item_id)) == before

    closed = api.post(f"/api/v1/items/{item_id}/opinion-requests/close", as_="office",
                      json={"version": version(api, item_id)})  # fmt: skip
    assert closed.status_code == 200
    message = refused("liaison-ps", "agree")["message"]  # after the round closed: 409
    assert message
    again = api.post(f"/api/v1/items/{item_id}/opinion-requests/close", as_="office",
                     json={"version": version(api, item_id)})  # fmt: skip
    assert again.status_code == 409  # nothing left to close

    for units_, due, field in [
        (["civil-affairs"], due_day(), "units"),  # the proposing unit
        (["nasa"], due_day(), "units"),
        ([], due_day(), "units"),
        (["finance"], due_day(-1), "due_on"),  # in the past
        (["finance"], due_day(400), "due_on"),
    ]:
        before = table_counts(app), item_row(app, item_id)
        response = ask(api, item_id, units=units_, due_on=due)
        assert response.status_code == 422 and field in response.json["fields"], response.json
        assert (table_counts(app), item_row(app, item_id)) == before


def test_opinions_are_asked_only_on_items_the_joint_meeting_took_up(units, api):
    app = units
    item_id = make_item(app, "submitted", by="liaison-civil", **CIVIL_ITEM)
    before = table_counts(app), item_row(app, item_id)
    response = ask(api, item_id, units=["finance"])
    assert response.status_code == 409 and response.json["error"] == "invalid_transition"
    assert (table_counts(app), item_row(app, item_id)) == before


def test_a_lapsed_round_takes_no_answer(units, api, client, auth):
    app = units
    item_id = make_item(app, "reviewed", by="liaison-civil", **CIVIL_ITEM)
    assert ask(api, item_id, units=["finance"], due_on=due_day(0)).status_code == 201
    with app.app_context():
        from meeting.opinions.models import OpinionRound

        round_ = db.session.scalar(select(OpinionRound))
        round_.due_on = county_today() - timedelta(days=1)  # as if asked earlier
        db.session.commit()
    before = table_counts(app), item_row(app, item_id)
    response = answer(api, item_id, "liaison-fin", "agree")
    assert response.status_code == 409 and "2" in response.json["message"]
    assert (table_counts(app), item_row(app, item_id)) == before
    assert (
        api.get(f"/api/v1/items/{item_id}", as_="office").json["opinions"]["rounds"][0]["status"]
        == "lapsed"
    )
    assert ask(api, item_id, units=["finance"]).status_code == 201  # a new round may be asked


def test_a_liaison_answers_on_the_page_with_a_file(units, client, auth, api):
    app = units
    item_id = make_item(app, "reviewed", by="liaison-civil", **CIVIL_ITEM)
    assert ask(api, item_id, units=["finance", "justice"]).status_code == 201
    auth.login("liaison-fin")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'id="opinion-form"' in page and 'id="ask-opinions"' not in page
    before = table_counts(app)
    missing = client.post(f"/items/{item_id}/opinions", data={"answer": "disagree"})
    assert missing.status_code == 422 and 'id="opinion-form"' in missing.get_data(as_text=True)
    assert table_counts(app) == before
    response = client.post(f"/items/{item_id}/opinions", data={
        "answer": "disagree", "text": "资金渠道待明确",
        "file": (io.BytesIO(b"%PDF-1.4 opinion"), "财政局意见.pdf"),
    }, content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "财政局意见.pdf" in page and 'id="opinion-form"' not in page
    item = api.get(f"/api/v1/items/{item_id}", as_="office").json
    mine = next(o for o in item["opinions"]["rounds"][0]["opinions"] if o["unit"] == "finance")
    assert mine["attachment"]["filename"] == "财政局意见.pdf"
    download = client.get(f"/items/{item_id}/attachments/{mine['attachment']['id']}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 opinion"
    download.close()
    auth.logout()

    auth.login("liaison-justice")
    assert 'id="opinion-form"' in client.get(f"/items/{item_id}").get_data(as_text=True)
    auth.logout()
    auth.login("liaison-edu")  # not asked: no form, and a post is refused
    assert 'id="opinion-form"' not in client.get(f"/items/{item_id}").get_data(as_text=True)
    before = table_counts(app)
    assert client.post(f"/items/{item_id}/opinions", data={"answer": "agree"}).status_code == 403
    assert table_counts(app) == before


@pytest.mark.parametrize(
    ("cosign", "message"),
    [
        ("    二(一): [finance]", None),
        ("    五(九): [finance]", "neither a category"),
        ("    policy_measure: [nasa]", "unknown unit code"),
    ],
)
def test_the_charter_names_known_categories_duties_and_units_to_cosign(tmp_path, cosign, message):
    from config.settings import DEFAULT_CHARTER
    from meeting.charter.loader import CharterError, read_charter

    text = Path(DEFAULT_CHARTER).read_text(encoding="utf-8")
    assert "    二(一): [finance]\n" in text
    changed = tmp_path / "charter.yaml"
    changed.write_text(text.replace("    二(一): [finance]\n", cosign + "\n"), encoding="utf-8")
    if message is None:
        data, _sha = read_charter(changed)
        assert data.rules.cosign == {"二(一)": ["finance"]}
        return
    with pytest.raises(CharterError, match=message):
        read_charter(changed)
