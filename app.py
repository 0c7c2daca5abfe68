"""The app factory: `flask --app app run` or `create_app("production")`."""

import os
import secrets
from pathlib import Path

from config.settings import DEFAULT_CHARTER, database_url, from_environment, settings_for
from meeting.transactions import TransactionalFlask


def create_app(config: str | dict | None = None) -> TransactionalFlask:
    """Build the Lianxi app.

    CONFIG is a config name (development, testing, production) or a mapping of settings laid
    over the environment's config (tests use this).
    """
    # LIANXI_INSTANCE_PATH moves the instance folder (database, secret key, uploads) elsewhere.
    app = TransactionalFlask(__name__, instance_path=os.environ.get("LIANXI_INSTANCE_PATH"))
    overrides = config if isinstance(config, dict) else {}
    config_name = overrides.get("ENV_NAME") or (config if isinstance(config, str) else None)
    app.config.from_object(settings_for(config_name))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.instance_path)
    app.config["LIANXI_CHARTER"] = os.environ.get("LIANXI_CHARTER") or str(DEFAULT_CHARTER)
    app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    app.config.update(from_environment())
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.update(overrides)
    _ensure_secret_key(app)

    from meeting import init_app

    init_app(app)
    return app


def _ensure_secret_key(app: TransactionalFlask) -> None:
    """Refuse to run production without SECRET_KEY; in development keep one in the instance."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["SECRET_KEY_REQUIRED"]:
        raise SystemExit(
            "SECRET_KEY is not set. Production refuses to start without it: "
            "export SECRET_KEY to a long random value (python3 -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()
