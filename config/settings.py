"""Settings: a class per environment, overridden by environment variables.

Nothing here reads the environment at import time; `settings_for` does, when the app is built.
"""

import os
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_CHARTER = CONFIG_DIR / "charters" / "fugu-2022.yaml"


class BaseConfig:
    TIMEZONE = "Asia/Shanghai"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_Hans", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    # Whole-joint-meeting figures (workbench charts, analytics) kept until history moves on.
    FIGURES_CACHE = True
    # Long forms (minutes) are drafted for hours; the default one-hour CSRF token is too short.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sign-in throttle (meeting/accounts/throttle.py): attempts let through freely within the
    # window, per username and address, per address, per username; then growing delays.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 100
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    API_MAX_PER_PAGE = 200
    PASSWORD_HASH_METHOD = "scrypt"
    MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # a request larger than this is refused (413)
    SECRET_KEY_REQUIRED = False
    # E-mail copies of notifications (off by default); MAIL_* environment variables override.
    MAIL_ENABLED = False
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "lianxi@localhost"
    PUBLIC_URL = "http://127.0.0.1:5000"  # links in e-mails
    # The scheduler: how often the checks run, and how late a missed run may still run once.
    SCHEDULER_INTERVAL_SECONDS = 600
    SCHEDULER_MAIL_SECONDS = 60
    SCHEDULER_MISFIRE_GRACE_SECONDS = 24 * 3600
    # Where items stall (meeting.analytics.stalls): the scheduler computes the figures this
    # often; a page computes them itself only when none are younger than the maximum age.
    STALLS_REFRESH_SECONDS = 600
    STALLS_MAX_AGE_SECONDS = 3600


class DevelopmentConfig(BaseConfig):
    pass


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "tests-only-not-secret"
    # The test client posts forms without tokens; the browser tests run with CSRF on.
    WTF_CSRF_ENABLED = False
    # scrypt costs ~50 ms a hash: fine for people, slow for fixtures that make users per test.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Each test's database starts its history ids afresh, so a figure remembered by one test
    # (meeting.figures_cache) could answer for another: tests/test_figures_cache.py turns it on.
    FIGURES_CACHE = False
    # Each look at the stall figures computes them afresh: tests see what they just did.
    STALLS_MAX_AGE_SECONDS = 0


class ProductionConfig(BaseConfig):
    SECRET_KEY_REQUIRED = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def settings_for(name: str | None) -> type[BaseConfig]:
    """Return the config class named NAME, else LIANXI_ENV's, else development."""
    name = name or os.environ.get("LIANXI_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise SystemExit(f"Unknown LIANXI_ENV {name!r}; use one of {', '.join(CONFIGS)}.") from None


def database_url(instance_path: str) -> str:
    """DATABASE_URL, with PostgreSQL mapped to the psycopg 3 driver; else SQLite in the instance."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'lianxi.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not url.startswith(("sqlite:///", "postgresql+psycopg://")):
        # Said in one line, not a traceback from deep in SQLAlchemy (web server or command).
        raise SystemExit(f"Error: DATABASE_URL {url.split(':', 1)[0]}://… is neither "
                         "postgresql://user:pass@host/db nor sqlite:///path")  # fmt: skip
    return url


ENVIRONMENT_SETTINGS = {
    # variable: how to read it
    "MAIL_ENABLED": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": lambda v: v.lower() in ("1", "true", "yes", "on"),
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "PUBLIC_URL": str,
    "SCHEDULER_INTERVAL_SECONDS": int,
}


def from_environment() -> dict:
    """The settings given as environment variables (LIANXI_ prefix optional)."""
    found = {}
    for name, parse in ENVIRONMENT_SETTINGS.items():
        value = os.environ.get(f"LIANXI_{name}", os.environ.get(name))
        if value is not None:
            found[name] = parse(value)
    return found
