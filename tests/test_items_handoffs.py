"""Hand-offs of agenda items (issue 15): each state says whom the item waits for (read from the
workflow), a returned item's edit form shows the office's comment, refused forms keep what was
typed, and the office passes or returns several submitted items at once."""

import pytest
from lxml import html as lxml_html
from sqlalchemy import func, select

from meeting.extensions import db
from meeting.history import History
from tests.conftest import table_counts
from tests.items_factory import item_row as row
from tests.items_factory import make_item


def waiting_text(client, item_id: int) -> tuple[str, list[str]]:
    page = lxml_html.fromstring(client.get(f"/items/{item_id}").get_data(as_text=True))
    box = page.get_element_by_id("waiting-for")
    return " ".join(box.text_content().split()), box.xpath(".//@data-yours")


@pytest.mark.parametrize(
    ("state", "username", "says", "yours"),
    [
        ("draft", "liaison-edu", ["县教育和体育局联络员", "提交"], "yes"),
        ("submitted", "liaison-edu", ["联席会议办公室", "初审通过", "退回修改"], "no"),
        ("submitted", "office", ["联席会议办公室"], "yes"),
        ("returned", "office", ["县教育和体育局联络员"], "no"),
        ("reviewed", "convener", ["总召集人", "召集人", "审定"], "yes"),
        ("approved", "observer", ["联席会议办公室", "在会议上"], "no"),
        ("scheduled", "office", ["联席会议办公室"], "yes"),
        ("adopted", "office", ["系统自动处理", "交办第一项任务"], "no"),
        ("closed", "liaison-edu", ["无需再办理"], None),
    ],
)
def test_each_state_says_whom_it_waits_for(app, client, auth, state, username, says, yours):
    item_id = make_item(app, state)
    auth.login(username)
    text, marks = waiting_text(client, item_id)
    for words in says:
        assert words in text, text
    assert (yours in marks) if yours else not marks


def test_a_scheduled_item_links_to_its_meeting(app, client, auth):
    item_id = make_item(app, "scheduled")
    auth.login("observer")
    page = lxml_html.fromstring(client.get(f"/items/{item_id}").get_data(as_text=True))
    assert page.xpath("//*[@id='waiting-for']//a[starts-with(@href, '/meetings/')]")


def test_no_version_number_on_the_item_page(app, client, auth):
    item_id = make_item(app, "submitted")
    auth.login("office")
    text = lxml_html.fromstring(client.get(f"/items/{item_id}").get_data(as_text=True))
    assert "版本" not in text.text_content()


def test_a_returned_items_edit_form_shows_the_offices_comment(app, client, auth):
    item_id = make_item(app, "returned")  # returned with "请补充数据"
    auth.login("liaison-edu")
    page = lxml_html.fromstring(client.get(f"/items/{item_id}/edit").get_data(as_text=True))
    box = page.get_element_by_id("return-comment")
    assert "请补充数据" in box.text_content()
    shown = lxml_html.fromstring(client.get(f"/items/{item_id}").get_data(as_text=True))
    assert "请补充数据" in shown.get_element_by_id("return-comment").text_content()


def test_a_refused_edit_keeps_everything_typed(app, client, auth):
    item_id = make_item(app, "draft")
    auth.login("liaison-edu")
    typed = {"title": "", "category": "coordination", "duty_refs": ["四(九)"],
             "background": "很长的背景", "proposal": "具体建议", "version": 1}  # fmt: skip
    response = client.post(f"/items/{item_id}/edit", data=typed)
    assert response.status_code == 422
    page = lxml_html.fromstring(response.get_data(as_text=True))
    assert page.xpath("//textarea[@name='background']")[0].text.strip() == "很长的背景"
    assert page.xpath("//textarea[@name='proposal']")[0].text.strip() == "具体建议"
    assert page.xpath("//input[@name='duty_refs'][@value='四(九)']/@checked")
    assert page.xpath("//select[@name='category']/option[@selected]/@value") == ["coordination"]
    assert row(app, item_id) == ("draft", 1)


def test_a_refused_review_keeps_the_comment_typed(app, client, auth):
    item_id = make_item(app, "submitted")
    auth.login("office")
    stale = client.post(f"/items/{item_id}/events/return_for_revision",
                        data={"version": 1, "comment": "请补充经费测算"})  # fmt: skip
    assert stale.status_code == 409
    page = lxml_html.fromstring(stale.get_data(as_text=True))
    assert page.xpath("//textarea[@name='comment']")[0].text == "请补充经费测算"
    assert row(app, item_id) == ("submitted", 2)


def history_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(History))


def queue_form(client) -> tuple[dict, list[str]]:
    page = lxml_html.fromstring(client.get("/items/review").get_data(as_text=True))
    versions = {
        i.name: i.value for i in page.xpath("//form[@id='batch-form']//input[@type='hidden']")
    }
    ids = page.xpath("//form[@id='batch-form']//input[@name='item']/@value")
    return versions, ids


def test_the_office_passes_several_items_after_confirming(app, client, auth):
    first, second, other = (make_item(app, "submitted") for _ in range(3))
    auth.login("office")
    versions, ids = queue_form(client)
    assert {str(first), str(second), str(other)} <= set(ids)
    chosen = {**versions, "item": [first, second], "event": "pass_review"}
    confirm = client.post("/items/review/batch", data=chosen)
    assert confirm.status_code == 200  # the confirm step changes nothing yet
    page = lxml_html.fromstring(confirm.get_data(as_text=True))
    assert page.xpath("//ol[@id='batch-items']/li/@data-item") == [str(first), str(second)]
    assert row(app, first) == ("submitted", 2)

    done = client.post("/items/review/batch",
                       data={**chosen, "confirm": "1", "opinion": "同意提交会议"})  # fmt: skip
    assert done.status_code == 302
    assert row(app, first) == ("reviewed", 3) and row(app, second) == ("reviewed", 3)
    assert row(app, other) == ("submitted", 2)
    with app.app_context():
        rows = db.session.scalars(select(History).where(History.event == "pass_review")).all()
        assert {r.subject_id for r in rows} == {first, second}
        assert {r.fields["opinion"] for r in rows} == {"同意提交会议"}
    text = client.get("/items/review").get_data(as_text=True)
    assert "初审通过:2项" in text


def test_a_batch_reports_the_items_refused_and_passes_the_rest(app, client, auth):
    fresh, taken = make_item(app, "submitted"), make_item(app, "submitted")
    auth.login("office")
    versions, _ = queue_form(client)
    client.post(f"/items/{taken}/events/return_for_revision",
                data={"version": 2, "comment": "先退回"})  # another clerk came first  # fmt: skip
    response = client.post("/items/review/batch", data={
        **versions, "item": [fresh, taken], "event": "return_for_revision", "confirm": "1",
        "comment": "请补充"})  # fmt: skip
    assert response.status_code == 302
    assert row(app, fresh) == ("returned", 3) and row(app, taken) == ("returned", 3)
    text = client.get("/items/review").get_data(as_text=True)
    assert "退回修改:1项" in text and "未办理" in text


def test_an_item_written_meanwhile_is_refused_and_the_others_stay_done(app):
    """A write lost to another request (its UPDATE finds the version moved on) undoes that item
    alone: the items done before it in the batch stay done, as the batch reports them."""
    from sqlalchemy.orm.attributes import set_committed_value

    from meeting.items.batch import fire_batch
    from meeting.items.models import Item
    from tests.items_factory import user

    first, raced = make_item(app, "submitted"), make_item(app, "submitted")
    with app.app_context():
        items = [db.session.get(Item, first), db.session.get(Item, raced)]
        # As if another request had written RACED after we read it: our copy is one behind.
        set_committed_value(items[1], "version", items[1].version - 1)
        versions = {item.id: str(item.version) for item in items}
        outcome = fire_batch(items, "pass_review", user("office"), "同意", versions)
        done, refused = [i.id for i in outcome.done], [i.id for i, _why in outcome.refused]
        db.session.commit()
    assert done == [first] and refused == [raced]
    assert row(app, first) == ("reviewed", 3) and row(app, raced) == ("submitted", 2)


def test_a_batch_without_its_text_changes_nothing(app, client, auth):
    first, second = make_item(app, "submitted"), make_item(app, "submitted")
    auth.login("office")
    versions, _ = queue_form(client)
    before = table_counts(app)
    response = client.post("/items/review/batch", data={
        **versions, "item": [first, second], "event": "pass_review", "confirm": "1",
        "opinion": ""})  # fmt: skip
    assert response.status_code == 422
    assert "必填" in response.get_data(as_text=True)
    assert table_counts(app) == before
    assert row(app, first) == ("submitted", 2) and row(app, second) == ("submitted", 2)


@pytest.mark.parametrize("username", ["liaison-edu", "convener", "observer"])
def test_only_the_office_batches(app, client, auth, username):
    item_id = make_item(app, "submitted")
    auth.login(username)
    response = client.post("/items/review/batch", data={
        "item": [item_id], f"version-{item_id}": 2, "event": "pass_review", "confirm": "1",
        "opinion": "x"})  # fmt: skip
    assert response.status_code == 403
    assert row(app, item_id) == ("submitted", 2)


def test_a_batch_with_nothing_ticked_or_a_bad_action_is_refused(app, client, auth):
    item_id = make_item(app, "submitted")
    auth.login("office")
    before = history_count(app)
    for data in ({"event": "pass_review"}, {"item": [item_id], "event": "approve", "confirm": "1"}):
        response = client.post("/items/review/batch", data=data)
        assert response.status_code == 422  # the queue again, saying why
        assert "请至少勾选一项议题" in response.get_data(as_text=True)
    assert history_count(app) == before and row(app, item_id) == ("submitted", 2)


@pytest.mark.parametrize(
    ("username", "path", "typed"),
    [
        ("liaison-edu", "/items/new", {"title": "", "category": "annual_plan",
                                       "background": "背景材料", "proposal": "建议内容"}),
        ("office", "/items/register", {"title": "县政府交办", "category": "other",
                                       "source": "county_government", "source_title": "",
                                       "unit": "civil-affairs", "background": "背景材料",
                                       "proposal": "建议内容"}),
    ],
)  # fmt: skip
def test_a_refused_new_item_keeps_everything_typed(app, client, auth, username, path, typed):
    auth.login(username)
    before = table_counts(app)
    response = client.post(path, data=typed)
    assert response.status_code == 422
    page = lxml_html.fromstring(response.get_data(as_text=True))
    assert page.xpath("//textarea[@name='background']")[0].text.strip() == "背景材料"
    assert page.xpath("//textarea[@name='proposal']")[0].text.strip() == "建议内容"
    assert page.xpath("//select[@name='category']/option[@selected]/@value") == [typed["category"]]
    if "unit" in typed:
        assert page.xpath("//select[@name='unit']/option[@selected]/@value") == ["civil-affairs"]
        assert page.xpath("//input[@name='title']/@value") == ["县政府交办"]
    assert table_counts(app) == before
