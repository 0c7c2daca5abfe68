"""Whole-joint-meeting figures are remembered until the history moves on (meeting.figures_cache):
the same answer as counting afresh, fewer statements while nothing changes, a new count after
any change, and callers cannot spoil what is kept."""

import pytest

from meeting.figures_cache import forget, latest_change, remembered
from tests.items_factory import make_item
from tests.tasks_factory import make_task
from tests.test_query_counts import counted


@pytest.fixture
def remembering(app, monkeypatch):
    app.config["FIGURES_CACHE"] = True
    # Figures live a minute at most: a slow run crossing a minute would forget them mid-test.
    monkeypatch.setattr("meeting.figures_cache.LIFETIME", 10**9)
    forget()
    yield app
    forget()


def stats(api) -> dict:
    answer = api.get("/api/v1/stats", "office")
    assert answer.status_code == 200, answer.json
    return answer.json


def test_a_figure_is_counted_again_after_any_change_and_only_then(remembering, api):
    app = remembering
    make_item(app, "submitted")
    first = stats(api)
    assert first["items_by_state"] == {"submitted": 1}

    asked_again = counted(app, lambda: stats(api))
    make_item(app, "reviewed")  # a change: its history row moves the latest change on
    counting = counted(app, lambda: stats(api))
    remembered_answer = stats(api)
    assert remembered_answer["items_by_state"] == {"submitted": 1, "reviewed": 1}
    assert asked_again < counting  # remembered: the counts were not made again

    app.config["FIGURES_CACHE"] = False  # counted afresh: the same figures
    assert stats(api) == remembered_answer


def test_each_caller_gets_its_own_copy(remembering):
    calls = []

    @remembered
    def figure(charter_id: int) -> dict:
        calls.append(charter_id)
        return {"submitted": 1}

    with remembering.test_request_context():
        first = figure(1)
        first["submitted"] = 99  # a caller adding to what it got
        assert figure(1) == {"submitted": 1}
        assert calls == [1]  # the second answer came from memory
        assert figure(2) == {"submitted": 1} and calls == [1, 2]
        assert latest_change() == 0  # no history yet: nothing to tell apart


def test_the_item_lists_total_is_remembered_until_a_change_and_told_apart_by_caller(
    remembering, api
):
    app = remembering
    make_item(app, "submitted")
    make_item(app, "draft")  # the education bureau's draft: only its liaisons see it

    def total(user: str, **query) -> int:
        answer = api.get("/api/v1/items", user, query_string=query)
        assert answer.status_code == 200, answer.json
        return answer.json["total"]

    assert total("office") == 1 and total("liaison-edu") == 2
    assert total("office", state="draft") == 0 and total("liaison-edu", state="draft") == 1
    asked_again = counted(app, lambda: total("office"))
    make_item(app, "reviewed")  # a change moves the latest history id on
    assert counted(app, lambda: total("office")) > asked_again  # counted again
    assert total("office") == 2 and total("liaison-edu") == 3
    app.config["FIGURES_CACHE"] = False
    assert total("office") == 2 and total("liaison-edu") == 3


def test_the_ledgers_total_is_remembered_until_a_change_and_told_apart_by_caller(remembering, api):
    app = remembering
    make_task(app, "in_progress")  # led by education, shared by civil affairs
    make_task(app, "in_progress", lead_unit="civil-affairs", responsible_units=[])

    def total(user: str, **query) -> int:
        answer = api.get("/api/v1/tasks", user, query_string=query)
        assert answer.status_code == 200, answer.json
        return answer.json["total"]

    assert (total("office"), total("liaison-edu"), total("liaison-civil")) == (2, 1, 2)
    assert total("liaison-civil", unit_as="lead", unit="civil-affairs") == 1
    asked_again = counted(app, lambda: total("office"))
    make_task(app, "assigned")  # a change moves the latest history id on
    assert counted(app, lambda: total("office")) > asked_again  # counted again
    assert (total("office"), total("liaison-edu"), total("office", state="assigned")) == (3, 2, 1)
