"""The agenda-item pages, driven with the test client as people use them."""

import io
import re

import pytest

from tests.conftest import table_counts
from tests.items_factory import item_row as row
from tests.items_factory import make_item


def post_event(client, item_id, event, version, **fields):
    return client.post(f"/items/{item_id}/events/{event}", data={"version": version, **fields})


def test_a_liaison_creates_a_draft_with_a_duty_and_an_attachment(app, client, auth):
    auth.login("liaison-edu")
    form = client.get("/items/new").get_data(as_text=True)
    offered = set(re.findall(r'name="duty_refs"[^>]*value="([^"]+)"', form))
    assert offered == {"四(九)", "二(一)", "二(二)", "二(三)", "二(四)"}

    response = client.post(
        "/items/new",
        data={
            "title": "寄宿制学校心理辅导",
            "category": "policy_measure",
            "duty_refs": ["四(九)"],
            "background": "背景",
            "proposal": "建议",
            "attachment": (io.BytesIO(b"%PDF-1.4"), "方案.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "寄宿制学校心理辅导" in page and "方案.pdf" in page and "草稿" in page
    assert 'data-event="submit"' in page and 'data-event="withdraw"' in page


def test_the_form_refuses_a_duty_of_another_unit(app, client, auth):
    auth.login("liaison-edu")
    before = table_counts(app)
    response = client.post(
        "/items/new", data={"title": "x", "category": "other", "duty_refs": ["四(十)"]}
    )
    assert response.status_code == 422
    assert table_counts(app) == before


def test_the_main_path_through_the_pages(app, client, auth):
    item_id = make_item(app, "draft")
    auth.login("liaison-edu")
    assert post_event(client, item_id, "submit", 1).status_code == 302
    assert row(app, item_id) == ("submitted", 2)
    auth.logout()

    auth.login("office")
    queue = client.get("/items/review").get_data(as_text=True)
    assert f'data-item="{item_id}"' in queue
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'data-event="pass_review"' in page and 'data-event="approve"' not in page
    assert post_event(client, item_id, "pass_review", 2, opinion="同意").status_code == 302
    auth.logout()

    auth.login("convener")
    assert f'data-item="{item_id}"' in client.get("/items/approval").get_data(as_text=True)
    assert post_event(client, item_id, "approve", 3).status_code == 302
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert row(app, item_id) == ("approved", 4)
    assert "已审定" in page and "同意" in page


@pytest.mark.parametrize(
    ("state", "event", "username", "fields", "after"),
    [
        ("draft", "withdraw", "liaison-edu", {"reason": "重复"}, "withdrawn"),
        ("returned", "submit", "liaison-edu", {}, "submitted"),
        ("submitted", "return_for_revision", "office", {"comment": "补充"}, "returned"),
        ("submitted", "decline", "office", {"reason": "不属于职责"}, "declined"),
        ("reviewed", "send_back", "general", {"comment": "再议"}, "submitted"),
        ("reviewed", "approve", "general", {}, "approved"),
    ],
)
def test_each_event_through_its_page_form(app, client, auth, state, event, username, fields, after):
    item_id = make_item(app, state)
    version = row(app, item_id)[1]
    auth.login(username)
    assert f'data-event="{event}"' in client.get(f"/items/{item_id}").get_data(as_text=True)
    response = post_event(client, item_id, event, version, **fields)
    assert response.status_code == 302
    assert row(app, item_id) == (after, version + 1)


def test_refusals_through_the_pages_change_nothing(app, client, auth):
    item_id = make_item(app, "submitted")
    before = row(app, item_id), table_counts(app)

    auth.login("liaison-edu")
    assert post_event(client, item_id, "pass_review", 2, opinion="x").status_code == 403
    auth.logout()

    auth.login("office")
    stale = post_event(client, item_id, "pass_review", 1, opinion="x")
    assert stale.status_code == 409
    assert "已被修改" in stale.get_data(as_text=True)
    missing = post_event(client, item_id, "pass_review", 2)
    assert missing.status_code == 422
    assert "必填" in missing.get_data(as_text=True)
    wrong_state = post_event(client, item_id, "approve", 2)
    assert wrong_state.status_code == 403  # the office may not approve at all
    assert post_event(client, item_id, "adopt", 2, resolution="x").status_code == 403
    assert (row(app, item_id), table_counts(app)) == before


def test_an_event_from_the_wrong_state_is_409_on_the_page(app, client, auth):
    item_id = make_item(app, "approved")
    auth.login("convener")
    response = post_event(client, item_id, "approve", 4)
    assert response.status_code == 409
    assert row(app, item_id) == ("approved", 4)


def test_another_units_draft_is_not_found(app, client, auth):
    item_id = make_item(app, "draft")
    auth.login("liaison-civil")
    assert client.get(f"/items/{item_id}").status_code == 404
    assert client.get(f"/items/{item_id}/edit").status_code == 404
    assert post_event(client, item_id, "submit", 1).status_code == 404
    assert row(app, item_id) == ("draft", 1)


def test_edit_a_returned_item(app, client, auth):
    item_id = make_item(app, "returned")
    auth.login("liaison-edu")
    form = client.get(f"/items/{item_id}/edit").get_data(as_text=True)
    assert 'value="3"' in form  # the version travels with the form
    response = client.post(
        f"/items/{item_id}/edit",
        data={"title": "修改后", "category": "coordination", "duty_refs": ["四(九)", "二(二)"],
              "background": "b", "proposal": "p", "version": 3},
    )  # fmt: skip
    assert response.status_code == 302
    assert row(app, item_id) == ("returned", 4)
    stale = client.post(
        f"/items/{item_id}/edit",
        data={"title": "再改", "category": "other", "version": 3},
    )
    assert stale.status_code == 409  # refused, the reason said, and what was typed kept
    page = stale.get_data(as_text=True)
    assert 'value="再改"' in page
    assert re.search(r'name="version" type="hidden" value="4"', page)  # saving again: a choice
    assert row(app, item_id) == ("returned", 4)


def test_nobody_else_may_edit(app, client, auth):
    item_id = make_item(app, "submitted")
    for username in ("liaison-edu", "office", "liaison-civil"):
        auth.login(username)
        assert client.get(f"/items/{item_id}/edit").status_code == 403
        auth.logout()


def test_observers_see_no_buttons(app, client, auth):
    item_id = make_item(app, "submitted")
    auth.login("observer")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'data-event="' not in page.split('id="timeline"')[0]


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("liaison-edu", "/items/review", 403),
        ("office", "/items/approval", 403),
        ("convener", "/items/approval", 200),
        ("general", "/items/approval", 200),
        ("office", "/items/mine", 403),
        ("office", "/items/new", 403),
        ("observer", "/items/", 200),
    ],
)
def test_queue_permissions(client, auth, username, path, status):
    auth.login(username)
    assert client.get(path).status_code == status


def test_lists_filter_and_page(app, client, auth):
    ids = [make_item(app, "submitted", title=f"议题{n:02d}") for n in range(22)]
    civil = make_item(app, "reviewed", by="liaison-civil", duty_refs=["四(一)"])
    auth.login("office")
    first = client.get("/items/?sort=title").get_data(as_text=True)
    assert first.count("data-item=") == 20
    second = client.get("/items/?sort=title&page=2").get_data(as_text=True)
    assert second.count("data-item=") == 3
    by_state = client.get("/items/?state=reviewed").get_data(as_text=True)
    assert re.findall(r'data-item="(\d+)"', by_state) == [str(civil)]
    by_unit = client.get("/items/?unit=education-sports&q=议题05").get_data(as_text=True)
    assert re.findall(r'data-item="(\d+)"', by_unit) == [str(ids[5])]


def test_my_units_items_include_drafts(app, client, auth):
    draft = make_item(app, "draft")
    auth.login("liaison-edu")
    assert f'data-item="{draft}"' in client.get("/items/mine").get_data(as_text=True)
    auth.logout()
    auth.login("liaison-civil")
    assert f'data-item="{draft}"' not in client.get("/items/").get_data(as_text=True)


def test_item_page_draws_the_machine_with_the_current_state(app, client, auth):
    item_id = make_item(app, "reviewed")
    auth.login("convener")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    diagram = page.split('id="workflow-diagram">')[1].split("</pre>")[0]
    assert "reviewed s_active" in diagram
    assert "draft s_default" in diagram
    assert "已初审" in diagram  # translated labels
