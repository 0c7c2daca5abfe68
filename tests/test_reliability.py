"""Reliability under collisions, crashes and restores (issue 11), against the real server:
gunicorn with 4 workers on the suite's database (SQLite, or PostgreSQL on its pass).

Each race fires conflicting requests at once; exactly one wins per version, the others get
409, nothing answers 5xx, and `flask check` finds every invariant holding afterwards.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from meeting.extensions import db
from meeting.invariants import violations
from meeting.items.models import Item
from meeting.meetings.models import Meeting
from tests.items_factory import make_item
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKERS = 4
RACERS = 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the app factory on the test's database, as production runs it."""

    def __init__(self, app, tmp_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "LIANXI_INSTANCE_PATH": str(tmp_path / "instance"),
            "LIANXI_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "SECRET_KEY": "tests-only-not-secret",
        }
        self.process = None
        self.log_path = tmp_path / "gunicorn.log"
        self.log = None

    def start(self) -> "Server":
        command = [GUNICORN, "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
                   "--timeout", "60", "app:create_app()"]  # fmt: skip
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, env=self.env, start_new_session=True,
                                        stdout=self.log, stderr=self.log)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/openapi.json", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        if self.log:
            self.log.close()

    def call(self, method: str, path: str, token: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def server(app, tmp_path):
    running = Server(app, tmp_path).start()
    yield running
    running.stop()


def race(calls) -> list[int]:
    """Run CALLS (functions answering (status, body)) at the same moment; their statuses."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [status for status, _ in pool.map(run, calls)]


def one_winner(statuses: list[int]) -> None:
    assert all(s < 500 for s in statuses), statuses
    assert statuses.count(200) + statuses.count(201) == 1, statuses
    assert all(s in (200, 201, 409) for s in statuses), statuses


def invariants_hold(app) -> None:
    with app.app_context():
        assert list(violations()) == []


def test_conflicting_requests_have_one_winner_and_no_5xx(app, api, server):
    office, general = api.token("office"), api.token("general")
    edu = api.token("liaison-edu")

    # Numbering: six plenaries convened at once get six different numbers.
    plenaries = [make_meeting(app, "plenary", "planned", title=f"全体会议{n}") for n in range(6)]
    statuses = race([lambda m=m: server.call("POST", f"/api/v1/meetings/{m}/events/convene",
                                             general, {"version": 1}) for m in plenaries])  # fmt: skip
    assert statuses == [200] * 6
    with app.app_context():
        numbers = db.session.scalars(select(Meeting.number).where(Meeting.id.in_(plenaries)))
        assert sorted(numbers) == [1, 2, 3, 4, 5, 6]

    # Convene against cancel, on one version of one meeting.
    meeting = make_meeting(app, "ad_hoc", "planned")
    calls = [lambda: server.call("POST", f"/api/v1/meetings/{meeting}/events/convene", general,
                                 {"version": 1})] * (RACERS // 2)  # fmt: skip
    calls += [lambda: server.call("POST", f"/api/v1/meetings/{meeting}/events/cancel", general,
                                  {"version": 1, "reason": "改期"})] * (RACERS // 2)  # fmt: skip
    one_winner(race(calls))

    # One approved item put on the agendas of several meetings at once: one agenda gets it.
    item = make_item(app, "approved")
    meetings = [make_meeting(app, "ad_hoc", "planned", title=f"专题{n}") for n in range(RACERS)]
    one_winner(race([lambda m=m: server.call("POST", f"/api/v1/meetings/{m}/agenda", office,
                                             {"item_id": item}) for m in meetings]))  # fmt: skip

    # The office's review of one submitted item, sent eight times at once.
    submitted = make_item(app, "submitted")
    with app.app_context():
        version = db.session.get(Item, submitted).version
    one_winner(race([lambda: server.call("POST", f"/api/v1/items/{submitted}/events/pass_review",
                                         office, {"version": version, "opinion": "同意"})] * RACERS))  # fmt: skip

    # Progress reports on one version of one task.
    task = make_task(app, "in_progress")
    version = api.get(f"/api/v1/tasks/{task}", as_="liaison-edu").json["version"]
    one_winner(race([lambda n=n: server.call("POST", f"/api/v1/tasks/{task}/events/report_progress",
                                             edu, {"version": version, "text": f"进展{n}"})
                     for n in range(RACERS)]))  # fmt: skip

    invariants_hold(app)


def test_writes_killed_mid_stream_leave_every_invariant_holding(app, api, server, tmp_path):
    """SIGKILL the server while liaisons create and submit items; restart; check."""
    token = api.token("liaison-edu")
    stop = threading.Event()
    answered = []

    def write_forever(n):
        while not stop.is_set():
            body = {"title": f"议题{n}", "background": "背景", "proposal": "建议",
                    "duty_refs": ["四(九)"], "category": "other"}  # fmt: skip
            try:
                status, item = server.call("POST", "/api/v1/items", token, body)
                answered.append(status)
                if status == 201:
                    status, _ = server.call("POST", f"/api/v1/items/{item['id']}/events/submit",
                                            token, {"version": item["version"]})  # fmt: skip
                    answered.append(status)
            except (OSError, http.client.HTTPException):
                pass  # the server is gone mid-request (or mid-answer: IncompleteRead)

    for _round in range(3):
        writers = [threading.Thread(target=write_forever, args=(n,)) for n in range(4)]
        for writer in writers:
            writer.start()
        time.sleep(1.5)
        server.stop(signal.SIGKILL)
        stop.set()
        for writer in writers:
            writer.join()
        stop.clear()
        invariants_hold(app)
        server.start()
    assert answered and all(status < 500 for status in answered), set(answered)
    assert answered.count(201) > 0


def test_a_backup_taken_under_load_restores_and_every_invariant_holds(app, api, server, tmp_path):
    token = api.token("liaison-edu")
    stop = threading.Event()

    def write_forever():
        body = {"title": "负载下的议题", "duty_refs": ["四(九)"]}
        while not stop.is_set():
            server.call("POST", "/api/v1/items", token, body)

    writers = [threading.Thread(target=write_forever) for _ in range(3)]
    for writer in writers:
        writer.start()
    time.sleep(0.5)
    snapshot = tmp_path / "lianxi.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(snapshot)])
    time.sleep(0.5)
    stop.set()
    for writer in writers:
        writer.join()
    server.stop()
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = db.session.scalar(select(db.func.count(Item.id)))
    restored = app.test_cli_runner().invoke(args=["restore", str(snapshot)])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        back = db.session.scalar(select(db.func.count(Item.id)))
    assert 0 < back <= after
    invariants_hold(app)
    checked = app.test_cli_runner().invoke(args=["check"])
    assert checked.exit_code == 0 and "All invariants hold" in checked.output


def test_check_names_each_broken_invariant(app, tmp_path):
    app.config["BROKEN_ON_PURPOSE"] = True  # the suite checks every other test's database
    runner = app.test_cli_runner()
    task = make_task(app, "done")  # its item closes with its last task
    with app.app_context():
        from meeting.tasks.models import Task

        closed = db.session.get(Task, task).item_id
        assert db.session.get(Item, closed).state == "closed"
    on_two = make_item(app, "approved")
    first, second = make_meeting(app, "liaison", "planned"), make_meeting(app, "liaison", "planned")
    clean = runner.invoke(args=["check"])
    assert clean.exit_code == 0, clean.output
    with app.app_context():
        from meeting.meetings.models import AgendaEntry

        db.session.add_all([AgendaEntry(meeting_id=first, item_id=on_two, position=1),
                            AgendaEntry(meeting_id=second, item_id=on_two, position=1)])  # fmt: skip
        item = db.session.get(Item, closed)
        db.session.execute(db.text("UPDATE tasks SET state = 'in_progress' WHERE item_id = :i"),
                           {"i": closed})  # fmt: skip
        db.session.execute(db.text("UPDATE items SET version = version + 5 WHERE id = :i"),
                           {"i": item.id})  # fmt: skip
        from meeting.accounts.models import User
        from meeting.opinions.models import OpinionRound

        office = db.session.scalar(select(User.id).where(User.username == "office"))
        # A round no one asked for (no `ask_opinions` row): item pages would not show it.
        db.session.add(OpinionRound(charter_id=item.charter_id, item_id=on_two,
                                    due_on=date(2026, 12, 31), requested_by_id=office,
                                    requested_at=datetime(2026, 11, 30)))  # fmt: skip
        db.session.commit()
    broken = runner.invoke(args=["check"])
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert any(f"item {closed}: closed with 1 task(s) not done" in line for line in lines)
    assert any(f"item {closed}: version" in line for line in lines)
    assert any(f"item {on_two}: round of opinions" in line for line in lines)
    assert any(
        f"item {on_two}: waiting for a decision on 2 open meetings" in line for line in lines
    )
    assert any(
        f"task {task}: state 'in_progress' but its last history row" in line for line in lines
    )
