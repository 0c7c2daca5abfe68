"""Language: Simplified Chinese by default, English on request."""

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import get_locale

from meeting.extensions import babel

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The chosen language, else the browser's, else Chinese.

    Flask-Babel falls back to English for zh_CN/zh-CN/zh with a zh_Hans catalogue, so every
    Chinese request maps to the literal zh_Hans.
    """
    if not has_request_context():  # commands and the scheduler speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"], default="zh")
    return "en" if best.startswith("en") else "zh_Hans"


@bp.route("/lang/<code>")
def switch(code: str):
    """Remember the chosen language and go back to the page the user was on."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.referrer or ""
    host = request.host_url
    return redirect(target if target.startswith(host) else url_for("accounts.home"))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.globals["get_locale"] = get_locale
