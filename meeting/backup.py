"""`flask backup PATH` and `flask restore PATH`: a consistent snapshot taken while serving.

SQLite: the online backup API copies the database page by page inside one read transaction,
so writers go on and the copy is one moment's state. PostgreSQL: `pg_dump` (one snapshot,
custom format) and `pg_restore --clean`. Uploaded files are copied beside the snapshot
(`PATH.files/`) and put back with it.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from meeting.extensions import db


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in one line."""


def backup(path: Path) -> str:
    """Snapshot the database (and uploads) to PATH; return what was written."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new name")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), path)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _libpq(url)])
    files = _copy_uploads(Path(current_app.config["UPLOAD_FOLDER"]), _files_of(path))
    return f"{path} ({path.stat().st_size} bytes, {files} uploaded file(s))"


def restore(path: Path) -> str:
    """Bring the database (and uploads) back to the snapshot at PATH."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a backup file")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the old state
    if url.get_backend_name() == "sqlite":
        _sqlite_check(path)
        _sqlite_copy(path, Path(url.database))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq(url)}", str(path)])  # fmt: skip
    files = 0
    saved = _files_of(path)
    if saved.is_dir():
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        shutil.rmtree(uploads, ignore_errors=True)
        files = _copy_uploads(saved, uploads)
    return f"{path} restored ({files} uploaded file(s))"


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a database file")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _sqlite_check(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            names = {row[0] for row in tables}
        connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error})") from None
    if ok != "ok" or "alembic_version" not in names:
        raise BackupError(f"{path} is not a Lianxi backup ({ok})")


def _copy_uploads(source: Path, target: Path) -> int:
    if not source.is_dir():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for item in target.rglob("*") if item.is_file())


def _files_of(path: Path) -> Path:
    return path.with_name(path.name + ".files")


def _libpq(url) -> str:
    """The URL as libpq's tools take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{command[0]}: {last}")
