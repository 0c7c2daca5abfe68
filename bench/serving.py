"""The whole platform at two sizes, as production runs it: gunicorn with 2 workers on SQLite and
on PostgreSQL, against the ping floor, in one run. Figures and ratios, not assertions.

    .venv/bin/python bench/serving.py [SMALL] [LARGE] [--db=sqlite,postgresql]
                                        # default 1000 and 100000 items, both databases

For each database, both sizes side by side: a fresh database each, migrated and seeded by
`flask demo seed`, each served by its own gunicorn (2 workers). One client times, for about
two seconds each and in turns between the sizes (this machine's speed drifts from minute to
minute), the ping (no database), every page and API list (each asked of both workers first),
an item GET and a task event POST (urge, which keeps the task's state: 50 tasks in progress
urged in turn), each of these two in turns with a ping it is weighed against; then one request
of each page of figures right after a change (its worker counts them afresh), the workers'
memory after all pages, the ledger's Excel export of every task (seconds, and the worker's
memory growth), and an idle scheduler tick (the second of two, in process). PostgreSQL is a
throwaway cluster on port 54339 (scripts/postgres-for-tests with PG_TEST_PORT), so it runs
beside the test suite's.
"""

import http.client
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
# Pages of whole-joint-meeting figures, remembered per worker until a change (figures_cache).
FIGURE_PAGES = ["/", "/analytics/matrix", "/analytics/assessment"]
PORTS = (8741, 8742)  # the smaller database's gunicorn, the larger's
SECONDS = 2.0
TURNS = 4  # each figure is timed in turns, the sizes alternating (see `timed_in_turns`)
URGED_TASKS = 50  # the event POST urges these in turn (see `Site.__init__`)


def prepare(database_url: str, count: int) -> dict:
    """Migrate, load the charter, make the office's account and token, seed COUNT items."""
    import flask_migrate
    from sqlalchemy import select

    from app import create_app
    from meeting.accounts.operations import create_user, issue_token
    from meeting.charter.loader import load_charter
    from meeting.database import refresh_statistics
    from meeting.demo import seed
    from meeting.extensions import db
    from meeting.items.models import Item
    from meeting.meetings.models import Meeting
    from meeting.tasks.models import Task

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        flask_migrate.upgrade()
        charter, _ = load_charter(app.config["LIANXI_CHARTER"])
        create_user("office", "office", PASSWORD, display_name="办公室")
        started = time.perf_counter()
        seed(charter, count)
        token = issue_token("office")
        db.session.commit()
        refresh_statistics()  # as `flask demo seed` does
        seeded = time.perf_counter() - started
        ids = {
            "meeting": db.session.scalar(select(Meeting.id).where(Meeting.state == "convened")),
            "item": db.session.scalar(select(Item.id).where(Item.state == "implementing")),
            "tasks": db.session.scalar(select(db.func.count()).select_from(Task)),
        }
    return {"token": token, "ids": ids, "seeded": seeded}


class Client:
    """One keep-alive HTTP connection to a local gunicorn, with the office's session."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data

    def get_ok(self, path: str, headers=None) -> bytes:
        """GET PATH, which must answer 200: a refusal would time as a fast page."""
        status, data = self.request("GET", path, headers=headers)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        return data

    def sign_in(self) -> None:
        _, page = self.request("GET", "/login")
        csrf = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"username": "office", "password": PASSWORD}
        if csrf:
            form["csrf_token"] = csrf.group(1).decode()
        status, _ = self.request("POST", "/login", urlencode(form).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        if status != 302 or self.request("GET", "/")[0] != 200:
            raise RuntimeError("could not sign in as the office")


def warm(client: Client, path: str, headers=None) -> None:
    """PATH asked on both workers at once (a sync worker answers one request at a time), so
    that what each worker remembers (a joint meeting's figures, for a minute at most) is built
    before the timing rather than inside it: with two workers, one of them met it first in the
    timed loop, and one 0.5 s computation weighed on a 2-second mean. What a first look after
    a change costs is measured on its own (`after a change`)."""
    for _ in range(2):
        others = [Client(client.port) for _ in range(2)]
        for other in others:
            other.cookies = dict(client.cookies)
        threads = [threading.Thread(target=other.get_ok, args=(path, headers)) for other in others]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def once_ms(call) -> float:
    """Milliseconds of one CALL."""
    start = time.perf_counter()
    call()
    return 1000 * (time.perf_counter() - start)


def timed_in_turns(calls, seconds: float = SECONDS) -> list[float]:
    """Mean milliseconds of each of CALLS (one per size) over about SECONDS each, after one
    warm-up call each, timed in TURNS turns that alternate between them: this machine's speed
    drifts from minute to minute (a shared VM), and timing one size minutes after the other
    made ratios of 0.6 and 2 of the same page in runs of the same code."""
    for call in calls:
        call()
    spent, done = [0.0] * len(calls), [0] * len(calls)
    for _ in range(TURNS):
        for n, call in enumerate(calls):
            start = time.perf_counter()
            while time.perf_counter() - start < seconds / TURNS:
                call()
                done[n] += 1
            spent[n] += time.perf_counter() - start
    return [1000 * spent[n] / done[n] for n in range(len(calls))]


def rss_mib(pids: list[int]) -> float:
    """The largest resident memory of PIDS, in MiB."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return max(sizes, default=0.0)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def serve(database_url: str, folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "LIANXI_INSTANCE_PATH": str(folder),
           "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}  # fmt: skip
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "300",
         "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            if Client(port).request("GET", "/api/v1/ping")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


class Site:
    """One size: its database, seeded, served by its own gunicorn, the office signed in."""

    def __init__(self, database_url: str, count: int, port: int):
        self.database_url, self.count = database_url, count
        prepared = prepare(database_url, count)
        self.ids, self.api = prepared["ids"], {"Authorization": f"Bearer {prepared['token']}"}
        print(f"  seeded {count} items in {prepared['seeded']:.0f} s", flush=True)
        self.folder = Path(tempfile.mkdtemp())
        self.server = serve(database_url, self.folder, port)
        self.client = Client(port)
        self.client.sign_in()
        # The urged tasks, in turn: one task urged a thousand times within the benchmark would
        # send a longer history with each urge, and so time the benchmark's own length.
        listed = f"/api/v1/tasks?state=in_progress&per_page={URGED_TASKS}"
        tasks = json.loads(self.client.get_ok(listed, self.api))["items"]
        if len(tasks) < URGED_TASKS:
            raise RuntimeError(f"{count} items seed only {len(tasks)} tasks in progress")
        self.versions = {task["id"]: task["version"] for task in tasks}
        self.urged = itertools.cycle(self.versions)

    def get(self, path: str, api: bool = False) -> bytes:
        return self.client.get_ok(path.format(**self.ids), self.api if api else None)

    def urge(self) -> None:
        """Urge the next task in progress (its state stays): a change, with its history row and
        notices."""
        task_id = next(self.urged)
        status, body = self.client.request(
            "POST", f"/api/v1/tasks/{task_id}/events/urge",
            json.dumps({"version": self.versions[task_id], "message": "请加快进度"}).encode(),
            {**self.api, "Content-Type": "application/json"},
        )  # fmt: skip
        if status != 200:  # a refusal would time as a fast event
            raise RuntimeError(f"urge answered {status}: {body[:200]!r}")
        self.versions[task_id] = json.loads(body)["version"]

    def export(self) -> tuple[float, float]:
        """Seconds of the ledger's export of every task, and its worker's memory growth."""
        pids = workers(self.server.pid)
        before = rss_mib(pids)
        started = time.perf_counter()
        status, _ = self.client.request("GET", "/tasks/export.xlsx")
        if status != 200:
            raise RuntimeError(f"export answered {status}")
        return time.perf_counter() - started, rss_mib(pids) - before

    def stop(self) -> None:
        self.server.send_signal(signal.SIGTERM)
        self.server.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


PAGES = ["/", "/items/", "/items/review", "/meetings/{meeting}", "/meetings/", "/tasks/",
         "/notifications/", "/analytics/matrix", "/analytics/assessment", "/analytics/stalls",
         "/search?q=%E5%AD%A6%E6%A0%A1", "/admin/history"]  # fmt: skip
LISTS = ["/api/v1/items?per_page=20", "/api/v1/meetings?per_page=20", "/api/v1/tasks?per_page=20",
         "/api/v1/notifications?per_page=20", "/api/v1/units", "/api/v1/stats",
         "/api/v1/meetings.ics"]  # fmt: skip


def compare(sites: list[Site]) -> list[dict[str, float]]:
    """The figures of each of SITES, every timed one in turns between them."""
    figures = [{} for _ in sites]

    def record(what: str, values) -> None:
        for mine, value in zip(figures, values, strict=True):
            mine[what] = value

    record("ping", timed_in_turns([lambda s=s: s.client.request("GET", "/api/v1/ping")
                                   for s in sites]))  # fmt: skip
    for path, api in [(p, False) for p in PAGES] + [(p, True) for p in LISTS]:
        for site in sites:
            warm(site.client, path.format(**site.ids), site.api if api else None)
        calls = [lambda s=s, path=path, api=api: s.get(path, api) for s in sites]
        record(path.replace("{meeting}", "N"), timed_in_turns(calls))
    item = "/api/v1/items/{item}"
    for site in sites:
        warm(site.client, item.format(**site.ids), site.api)
    pings = [lambda s=s: s.client.request("GET", "/api/v1/ping") for s in sites]
    for what, calls in [
        ("item GET", [lambda s=s: s.get(item, True) for s in sites]),
        ("event POST", [site.urge for site in sites]),
    ]:
        # Each in turns with a ping of its size, which its ratio is taken against: this
        # machine's speed drifts by half within a minute (the same item GET took 7 and 14 ms),
        # and the run's first ping was timed minutes earlier.
        timed = timed_in_turns([call for pair in zip(pings, calls, strict=True) for call in pair])
        record(f"ping beside {what}", timed[0::2])
        record(what, timed[1::2])
    for path in FIGURE_PAGES:  # one request right after a change: its worker counts afresh
        values = []
        for site in sites:
            site.urge()
            values.append(once_ms(lambda s=site, path=path: s.get(path)))
        record(f"{path} after a change", values)
    record("worker MiB after pages", [rss_mib(workers(s.server.pid)) for s in sites])
    exports = [site.export() for site in sites]
    record("export s", [seconds for seconds, _ in exports])
    record("export worker MiB growth", [growth for _, growth in exports])
    record("tasks exported", [site.ids["tasks"] for site in sites])
    return figures


def idle_tick(database_url: str) -> float:
    """Seconds of the second of two scheduler ticks (the first sends what is due)."""
    from app import create_app
    from meeting.scheduler.runner import tick

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        tick(datetime.utcnow())
        started = time.perf_counter()
        tick(datetime.utcnow())
        return time.perf_counter() - started


def postgres(name: str) -> str:
    """A database NAME on the throwaway cluster (started by main)."""
    subprocess.run(["createdb", "-h", "127.0.0.1", "-p", "54339", "-U", "lianxi", name],
                   check=True)  # fmt: skip
    return f"postgresql+psycopg://lianxi@127.0.0.1:54339/{name}"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    small = int(args[0]) if args else 1000
    large = int(args[1]) if len(args) > 1 else 100000
    chosen = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--db=")), None)
    databases = (chosen or "sqlite,postgresql").split(",")
    for database in databases:
        print(f"{database}: {small} and {large} items", flush=True)
        sites = []
        try:
            for count, port in zip((small, large), PORTS, strict=True):
                if database == "sqlite":
                    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
                else:
                    url = postgres(f"bench_{count}_{int(time.time())}")
                sites.append(Site(url, count, port))
            results = compare(sites)
        finally:
            for site in sites:
                site.stop()
        for site, figures in zip(sites, results, strict=True):
            figures["idle tick s"] = idle_tick(site.database_url)
            print(json.dumps({"db": database, "items": site.count, **figures},
                             ensure_ascii=False), flush=True)  # fmt: skip
        first, second = results
        ping2 = second["ping"]
        print(f"\n{database}, gunicorn 2 workers each: ms per request unless named, "
              f"{small} vs {large} items, timed in turns")  # fmt: skip
        print(f"{'what':<36} {small:>10} {large:>10}  ratio  ping/large")
        for (what, value), value2 in zip(first.items(), second.values(), strict=True):
            plain = " s" in what or "MiB" in what or what == "tasks exported"
            plain |= what.startswith("ping beside")  # a floor, not weighed against one
            beside = second.get(f"ping beside {what}", ping2)  # timed with it, where it was
            floor = "" if plain else f"{beside / value2:9.2f}"
            ratio = value2 / value if value else float("nan")
            print(
                f"{what[:36]:<36} {value:10.2f} {value2:10.2f}  {ratio:5.2f}  {floor}", flush=True
            )


if __name__ == "__main__":
    if "--db=sqlite" not in sys.argv and os.environ.get("PG_BENCH_STARTED") != "1":
        # Start the throwaway PostgreSQL on its own port, then run again inside it.
        script = (f"export PG_TEST_PORT=54339; source {ROOT}/scripts/postgres-for-tests; "
                  f"PG_BENCH_STARTED=1 PATH=$(ls -d /usr/lib/postgresql/*/bin | tail -1):$PATH "
                  f"{sys.executable} {' '.join(sys.argv)}")  # fmt: skip
        sys.exit(subprocess.run(["bash", "-c", script]).returncode)
    main()
