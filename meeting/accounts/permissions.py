"""Who may do what: the one role check that views and API endpoints share."""

from functools import wraps

from flask import abort
from flask_login import current_user

from meeting.extensions import login_manager


def roles_required(*roles: str):
    """Let a signed-in user with one of ROLES through; others get 401 or 403.

    Pages and the API format the 401/403 themselves (see meeting.errors).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


signed_in = roles_required()
