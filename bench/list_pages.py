"""How fast the busiest lists answer: the items list (page and API) and the task ledger.

    .venv/bin/python bench/list_pages.py [N_ITEMS]

Builds a throwaway SQLite database with N_ITEMS submitted items (default 2000) and as many
tasks, then prints requests per second for each list, 20 rows a page. Figures, not assertions:
compare runs on the same machine.
"""

import sys
import tempfile
import time
from pathlib import Path

import flask_migrate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from meeting.accounts.operations import create_user, issue_token  # noqa: E402
from meeting.charter.loader import load_charter  # noqa: E402
from meeting.extensions import db  # noqa: E402
from meeting.items.models import Item  # noqa: E402
from meeting.tasks.models import Task  # noqa: E402
from meeting.timeutil import utcnow  # noqa: E402


def build(count: int):
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}"}
    )
    with app.app_context():
        flask_migrate.upgrade()
        charter, _ = load_charter(app.config["LIANXI_CHARTER"])
        office = create_user("office", "office", "password-123")
        units = charter.active_units
        now = utcnow()
        for n in range(count):
            unit = units[n % len(units)]
            item = Item(unit=unit, title=f"议题{n}", state="implementing", resolution="同意", version=1,
                        created_by=office, created_at=now, updated_at=now, submitted_at=now,
                        duty_refs=[unit.duty_ref])  # fmt: skip
            db.session.add(item)
            db.session.add(Task(item=item, lead_unit=unit, responsible_units=units[:2], description="任务",
                                deadline=now.date(), original_deadline=now.date(), assigned_by=office,
                                assigned_at=now, updated_at=now, version=1))  # fmt: skip
        token = issue_token("office")
        db.session.commit()
    return app, token


def rate(client, path: str, headers=None, seconds: float = 3.0) -> float:
    client.get(path, headers=headers)  # warm up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        assert client.get(path, headers=headers).status_code == 200
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    app, token = build(count)
    client = app.test_client()
    client.post("/login", data={"username": "office", "password": "password-123"})
    api = {"Authorization": f"Bearer {token}"}
    figures = {
        "items page (/items/)": rate(client, "/items/"),
        "items API (/api/v1/items?per_page=20)": rate(client, "/api/v1/items?per_page=20", api),
        "ledger page (/tasks/)": rate(client, "/tasks/"),
        "ledger API (/api/v1/tasks?per_page=20)": rate(client, "/api/v1/tasks?per_page=20", api),
    }
    print(f"{count} items and tasks, SQLite, one process:")
    for name, value in figures.items():
        print(f"  {name:<42} {value:7.1f} req/s")


if __name__ == "__main__":
    main()
