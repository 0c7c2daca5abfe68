"""GET /api/v1/notifications: the caller's notifications, newest first."""

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from meeting.api import bp
from meeting.api.contract import operation
from meeting.api.pagination import paginated
from meeting.contract import resources
from meeting.contract.queries import NotificationQuery
from meeting.errors import NotFound
from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.notifications.operations import mark_read
from meeting.scope import narrow


@bp.get("/notifications")
@operation("The caller's notifications, newest first", query=NotificationQuery,
           returns={200: resources.Page[resources.Notification]})  # fmt: skip
def list_notifications(args: NotificationQuery):
    """`?unread=true` for the unread ones only."""
    query = select(Notification).where(Notification.user_id == current_user.id)
    query = narrow(query, Notification.charter_id, args.joint_meeting)
    if args.unread:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginated(query, notification_json, args)


@bp.post("/notifications/<int:notification_id>/read")
@operation("Mark a notification read", returns={200: resources.Notification})
def read(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        raise NotFound(_("There is no such page or record."))
    mark_read(notification)
    return notification_json(notification)


def notification_json(notification: Notification) -> resources.Notification:
    """Said in the caller's language (the catalogue of kinds), whoever sent it."""
    return resources.Notification.of(
        notification, title=notification.shown_title, body=notification.shown_text
    )
