"""schemathesis against the live app, as the office and as a liaison, with all its checks.

The app is served on loopback with a few records of every kind, so low ids reach real items,
meetings and tasks; `st run` reads the app's own /api/v1/openapi.json and sends a bounded
number of generated requests per operation, valid and invalid, through every phase. Any
answer the document does not promise fails: server errors, undeclared statuses or fields,
accepted invalid input, refused valid input, 405s without `Allow`.

Valid input is refused with 422 only by an operation whose document names the rule that
refuses it (`x-rules`: a duty the unit does not hold, a deadline already past); for those
operations alone, and for 422 alone, the configuration written here relaxes
positive_data_acceptance. Everything else is held to the schema.
"""

import json
import os
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
SEED = os.environ.get("LIANXI_SCHEMATHESIS_SEED", "20261129")  # another seed explores elsewhere
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


ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]  # schemathesis' default, no 5xx


def configuration(document: dict) -> str:
    """schemathesis.toml: 422 counts as accepting valid input where the document says why."""
    sections = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("x-rules"):
                sections.append(
                    f"[[operations]]\ninclude-path = {json.dumps(path)}\n"
                    f"include-method = {json.dumps(method.upper())}\n"
                    f"checks.positive_data_acceptance.expected-statuses = "
                    f"{json.dumps([*ACCEPTED, '422'])}\n"
                )
    return "\n".join(sections)


@pytest.mark.parametrize("username", ["office", "liaison-edu"])
def test_the_api_keeps_its_contract(served, api, username, tmp_path):
    report = tmp_path / "report.json"
    config = tmp_path / "schemathesis.toml"
    document = api.client.get("/api/v1/openapi.json").json
    config.write_text(configuration(document))
    run = subprocess.run(
        [ST, "--config-file", str(config), "run", f"{served.url}/api/v1/openapi.json", "--checks", "all",
         "--max-examples", str(EXAMPLES), "--seed", SEED, "--workers", "1",
         "-H", f"Authorization: Bearer {api.token(username)}",
         "--report", "json", "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    print(run.stdout[-6000:])
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
    summary = json.loads(report.read_text())
    print("schemathesis:", {k: v for k, v in summary.items() if not isinstance(v, list | dict)})
