"""The JSON API of ../shared/API.md, under /api/v1, authenticated by bearer tokens."""

from flask import Blueprint, abort, g, request

from meeting.accounts.operations import user_for_token
from meeting.scope import enter_scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")


PUBLIC = {"api.openapi", "api.ping"}  # answered without a token


@bp.before_request
def authenticate_bearer():
    """Every API request carries `Authorization: Bearer TOKEN`; a session cookie is not enough."""
    g.api_request = True  # input is parsed strictly (meeting.contract.parse)
    if request.endpoint in PUBLIC:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401)
    # Flask-Login reads the request's user from g._login_user: setting it here makes
    # current_user (and so every permission check) work for this request only, without a session.
    g._login_user = user
    enter_scope(user)


from meeting.api import (  # noqa: E402,F401
    analytics,
    items,
    meetings,
    notifications,
    openapi,
    opinions,  # noqa: E402,F401
    stats,
    tasks,
    units,
    users,
)
