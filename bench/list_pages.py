"""How pages and API lists hold up as the data grows: the same requests at two sizes, side by
side, with the ping floor, the query count and the ratio (figures, not assertions).

    .venv/bin/python bench/list_pages.py [SMALL] [LARGE]     # default 1000 and 20000 items

Each size gets a throwaway SQLite database seeded by `flask demo seed` (items in every state,
meetings, tasks, notifications), then every request is timed in one process through the test
client for about two seconds. Compare runs on the same machine; a ratio near 1 means the
request does not grow with the data.
"""

import sys
import tempfile
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from meeting.accounts.operations import create_user, issue_token  # noqa: E402
from meeting.charter.loader import load_charter  # noqa: E402
from meeting.demo import seed  # noqa: E402
from meeting.extensions import db  # noqa: E402
from meeting.items.models import Item  # noqa: E402
from meeting.meetings.models import Meeting  # noqa: E402

PASSWORD = "bench-password-1"


def build(count: int):
    folder = Path(tempfile.mkdtemp())
    app = create_app({"ENV_NAME": "testing",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}"})  # fmt: skip
    with app.app_context():
        flask_migrate.upgrade()
        charter, _ = load_charter(app.config["LIANXI_CHARTER"])
        create_user("office", "office", PASSWORD, display_name="办公室")
        started = time.perf_counter()
        seed(charter, count)
        token = issue_token("office")
        db.session.commit()
        took = time.perf_counter() - started
        meeting = db.session.scalar(select(Meeting.id).where(Meeting.state == "convened"))
        item = db.session.scalar(select(Item.id).where(Item.state == "implementing").limit(1))
    return app, token, {"meeting": meeting, "item": item}, took


def measure(app, client, path: str, headers=None, seconds: float = 2.0) -> tuple[float, int]:
    """Mean milliseconds per request, and the statements one request makes."""
    assert client.get(path, headers=headers).status_code == 200, path  # warm up
    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get(path, headers=headers)
    event.remove(engine, "before_cursor_execute", listener)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        client.get(path, headers=headers)
        done += 1
    return 1000 * (time.perf_counter() - start) / done, len(statements)


def run(count: int) -> dict[str, tuple[float, int]]:
    app, token, ids, took = build(count)
    print(f"seeded {count} items in {took:.1f} s", flush=True)
    client = app.test_client()
    client.post("/login", data={"username": "office", "password": PASSWORD})
    api = {"Authorization": f"Bearer {token}"}
    pages = ["/", "/items/", "/items/review", f"/meetings/{ids['meeting']}", "/tasks/",
             "/notifications/"]  # fmt: skip
    lists = ["/api/v1/items?per_page=20", "/api/v1/meetings?per_page=20",
             "/api/v1/tasks?per_page=20", "/api/v1/notifications?per_page=20",
             f"/api/v1/items/{ids['item']}"]  # fmt: skip
    figures = {"/api/v1/ping": measure(app, client, "/api/v1/ping")}
    figures |= {path: measure(app, client, path) for path in pages}
    figures |= {path: measure(app, client, path, api) for path in lists}
    return figures


def main() -> None:
    small = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    large = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    first, second = run(small), run(large)
    print(
        f"\nSQLite, one process, test client; ms per request (statements), {small} vs {large} items"
    )
    print(f"{'request':<34} {small:>14} {large:>14}  ratio")
    for path, (ms, queries) in first.items():
        # The large run's paths differ only by the ids picked; match them by position.
        ms2, queries2 = list(second.values())[list(first).index(path)]
        print(
            f"{path[:34]:<34} {ms:8.1f} ({queries:2d}) {ms2:8.1f} ({queries2:2d})  {ms2 / ms:5.2f}"
        )


if __name__ == "__main__":
    main()
