"""The notifications page; opening a notification marks it read and follows its link."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from meeting.accounts.permissions import signed_in
from meeting.extensions import db
from meeting.notifications.models import Notification
from meeting.notifications.operations import mark_read
from meeting.pages import page_of

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@signed_in
def index():
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = page_of(query, 30)
    return render_template("notifications/list.html", page=page)


@bp.post("/<int:notification_id>/open")
@signed_in
def open_(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(notification)
    link = notification.link if notification.link.startswith("/") else ""
    return redirect(link or url_for("notifications.index"))
