"""Where items stall, kept as a snapshot (issue 12): the SQL's median and 90th percentile are
Python's `percentile` (percentile_cont) on any data, on SQLite and PostgreSQL alike; a refresh
writes one snapshot in one transaction and no history; the page reads what was kept, says as
of when, and computes afresh only when it is too old."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from sqlalchemy import Float, Integer, String, event, func, literal, select, union_all

from meeting.analytics.models import StallFigure
from meeting.analytics.stalls import _spreads, percentile
from meeting.extensions import db
from meeting.figures_cache import latest_change
from meeting.history import History
from tests.conftest import Auth
from tests.items_factory import make_item

STATES = ("submitted", "approved")
days = st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False)
# (unit, state, days, in it now) per subject; a few units and states so that groups of every
# size come up, from one subject to dozens.
subjects = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from(STATES), days, st.booleans()),
    min_size=1,
    max_size=60,
)


def sql_spreads(rows, by_unit: bool) -> dict:
    """(unit or None, state) -> (count, current, median, p90), as the refresh computes them."""
    durations = union_all(
        *(
            select(
                literal(unit, Integer).label("unit_id"),
                literal(state, String).label("state"),
                literal(value, Float).label("days"),
                literal(int(now), Integer).label("current"),
            )
            for unit, state, value, now in rows
        )
    ).cte("durations")
    return {
        (unit, state): (count, current, median, p90)
        for unit, state, count, current, median, p90 in db.session.execute(
            _spreads(durations, (), by_unit=by_unit)
        )
    }


def python_spreads(rows, by_unit: bool) -> dict:
    groups: dict = {}
    for unit, state, value, now in rows:
        groups.setdefault((unit if by_unit else None, state), []).append((value, now))
    return {
        key: (len(group), sum(now for _, now in group),
              percentile([v for v, _ in group], 0.5), percentile([v for v, _ in group], 0.9))
        for key, group in groups.items()
    }  # fmt: skip


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(rows=subjects)
def test_the_sql_percentiles_are_percentile_cont(app, rows):
    with app.app_context():
        for by_unit in (False, True):
            got, want = sql_spreads(rows, by_unit), python_spreads(rows, by_unit)
            assert set(got) == set(want)
            for key, (count, current, median, p90) in want.items():
                assert got[key][:2] == (count, current), key
                assert got[key][2] == pytest.approx(median, rel=1e-9, abs=1e-9), key
                assert got[key][3] == pytest.approx(p90, rel=1e-9, abs=1e-9), key
        db.session.rollback()


def test_percentiles_of_two_values_and_of_ranks_that_floating_point_gets_wrong(app):
    # 0.9 × (11 − 1) is 9.000000000000002 in floating point, 0.9 × 30 is 27.0: exact ranks.
    rows = [(1, "submitted", float(v), False) for v in range(11)]
    rows += [(2, "submitted", float(v * v), True) for v in range(31)]
    rows += [(3, "approved", 2.0, False), (3, "approved", 7.0, True)]
    with app.app_context():
        got = sql_spreads(rows, by_unit=True)
        assert got[(1, "submitted")] == (11, 0, 5.0, pytest.approx(9.0))
        assert got[(2, "submitted")][3] == pytest.approx(27.0**2)
        assert got[(3, "approved")] == (2, 1, 4.5, pytest.approx(6.5))


def stall_rows(app) -> list[tuple]:
    with app.app_context():
        return list(db.session.execute(select(StallFigure.computed_at, StallFigure.unit_id,
                                              StallFigure.workflow, StallFigure.state)))  # fmt: skip


def test_a_refresh_is_one_transaction_and_writes_no_history(app):
    make_item(app, "submitted")
    make_item(app, "approved")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["analytics", "refresh"]).exit_code == 0
    first = stall_rows(app)
    with app.app_context():
        history = (db.session.scalar(select(func.count()).select_from(History)), latest_change())
        engine = db.engine
    said = []  # the first word of each statement, and COMMIT

    def committed(connection):
        said.append("COMMIT")

    def statement(connection, cursor, text, *args):
        said.append(text.split()[0].upper())

    event.listen(engine, "commit", committed)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        result = runner.invoke(args=["analytics", "refresh"])
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "before_cursor_execute", statement)
    assert result.exit_code == 0, result.output
    assert "1 joint meeting" in result.output
    with app.app_context():
        assert (db.session.scalar(select(func.count()).select_from(History)),
                latest_change()) == history  # fmt: skip
    second = stall_rows(app)
    # The old snapshot replaced by the new, written at one moment: one snapshot kept.
    assert len({row.computed_at for row in second}) == 1
    assert second[0].computed_at > first[0].computed_at
    assert Counter(row[1:] for row in second) == Counter(row[1:] for row in first)
    assert {("item", "submitted"), ("item", "approved"), ("item", "draft")} <= {
        (row.workflow, row.state) for row in second if row.unit_id is None
    }
    # Computed in a reading transaction, then the DELETE and the INSERT written together.
    writes = [at for at, word in enumerate(said) if word in ("DELETE", "INSERT", "UPDATE")]
    assert said[writes[0]] == "DELETE" and {said[at] for at in writes[1:]} == {"INSERT"}
    assert "COMMIT" not in said[writes[0] : writes[-1]] and "COMMIT" in said[writes[-1] :]


def stalls_page(client) -> tuple[str, dict]:
    response = client.get("/analytics/stalls")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    counts = {
        tr.get("data-state"): int(tr.xpath("./td[@data-figure='count']")[0].text_content())
        for tr in tree.xpath("//section[@id='stalls-item']//tr[@data-state]")
    }
    return tree.xpath("string(//*[@id='stalls-as-of'])"), counts


def test_the_page_reads_the_snapshot_until_it_is_too_old(app):
    client = app.test_client()
    Auth(client).login("office")
    make_item(app, "submitted")
    app.config["STALLS_MAX_AGE_SECONDS"] = 3600
    as_of, counts = stalls_page(client)  # none kept yet: computed now
    assert as_of and counts["submitted"] == 1

    make_item(app, "submitted")
    assert stalls_page(client) == (as_of, counts)  # as kept, and says as of when

    assert app.test_cli_runner().invoke(args=["analytics", "refresh"]).exit_code == 0
    assert stalls_page(client)[1]["submitted"] == 2  # the scheduler's refresh, read

    make_item(app, "submitted")
    app.config["STALLS_MAX_AGE_SECONDS"] = 0  # too old at once: the page computes afresh
    assert stalls_page(client)[1]["submitted"] == 3


def test_the_scheduler_refreshes_them_as_a_job_of_its_own(app):
    from meeting.scheduler.runner import add_jobs, build, refresh_stalls

    scheduler = build(app, blocking=False)
    add_jobs(scheduler, app.config)  # not started: the jobs wait to be stored
    job = scheduler.get_job("stalls")
    assert job.trigger.interval.total_seconds() == app.config["STALLS_REFRESH_SECONDS"]
    assert scheduler.get_job("checks").func is not job.func  # not part of the checks' tick

    make_item(app, "submitted")
    assert refresh_stalls() == 1
    assert ("item", "submitted") in {(row.workflow, row.state) for row in stall_rows(app)}
