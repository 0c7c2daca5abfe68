"""GET /api/v1/notifications: the caller's notifications, newest first."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.api import bp
from meeting.api.pagination import paginated
from meeting.errors import NotFound
from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.notifications.operations import mark_read
from meeting.timeutil import iso


@bp.get("/notifications")
def list_notifications():
    """`?unread=true` for the unread ones only."""
    query = select(Notification).where(Notification.user_id == current_user.id)
    if request.args.get("unread") == "true":
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginated(query, notification_json)


@bp.post("/notifications/<int:notification_id>/read")
def read(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        raise NotFound(_("There is no such page or record."))
    mark_read(notification)
    db.session.commit()
    return notification_json(notification)


def notification_json(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": iso(notification.created_at),
        "read_at": iso(notification.read_at),
    }
