"""schemathesis against the live app, as the office and as a liaison, with all its checks.

The app is served on loopback with a few records of every kind, so low ids reach real items,
meetings and tasks; `st run` reads the app's own /api/v1/openapi.json and sends a bounded
number of generated requests per operation, valid and invalid, through every phase. Any
answer the document does not promise fails: server errors, undeclared statuses or fields,
accepted invalid input, refused valid input, 405s without `Allow`.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from meeting.extensions import db
from tests.browser.conftest import LiveServer
from tests.items_factory import make_item
from tests.meetings_factory import make_meeting
from tests.tasks_factory import make_task

EXAMPLES = 25  # per operation: bounded, so CI stays well under its limit
ST = Path(sys.executable).parent / "st"


@pytest.fixture
def served(app, api):
    make_item(app, "submitted")
    make_item(app, "approved")
    make_meeting(app, "ad_hoc", "planned")
    make_meeting(app, "plenary", "convened")
    make_task(app, "in_progress")
    with app.app_context():
        db.session.remove()
    with LiveServer(app) as server:
        yield server


@pytest.mark.parametrize("username", ["office", "liaison-edu"])
def test_the_api_keeps_its_contract(served, api, username, tmp_path):
    report = tmp_path / "report.json"
    run = subprocess.run(
        [ST, "run", f"{served.url}/api/v1/openapi.json", "--checks", "all",
         "--max-examples", str(EXAMPLES), "--seed", "20261129", "--workers", "1",
         "-H", f"Authorization: Bearer {api.token(username)}",
         "--report", "json", "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    print(run.stdout[-6000:])
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
    summary = json.loads(report.read_text())
    print("schemathesis:", {k: v for k, v in summary.items() if not isinstance(v, list | dict)})
