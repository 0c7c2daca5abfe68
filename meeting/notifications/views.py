"""The notifications page: by day, like ones folded together, filtered by joint meeting and
kind; mark all read; opening a notification marks it read and follows its link."""

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from meeting.accounts.permissions import signed_in
from meeting.charter.models import Charter
from meeting.extensions import db
from meeting.notifications.messages import label_of
from meeting.notifications.models import Notification
from meeting.notifications.operations import mark_all_read, mark_read
from meeting.pages import page_of
from meeting.timeutil import local

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 30


@dataclass
class Bundle:
    """Notifications of one kind about one thing on one day, newest first: shown as one row."""

    newest: Notification
    older: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in (self.newest, *self.older))


@dataclass
class Day:
    day: date
    bundles: list[Bundle] = field(default_factory=list)


def grouped(notifications: list[Notification]) -> list[Day]:
    """NOTIFICATIONS (newest first) by county day, those of one kind and one link on a day
    folded into one bundle (three reminders about one task read as one line)."""
    days: list[Day] = []
    for n in notifications:
        day = local(n.created_at).date()
        if not days or days[-1].day != day:
            days.append(Day(day))
        same = next((b for b in days[-1].bundles if (b.newest.kind, b.newest.link) == (n.kind, n.link)
                     and n.link), None)  # fmt: skip
        if same is None:
            days[-1].bundles.append(Bundle(n))
        else:
            same.older.append(n)
    return days


def my_joint_meetings() -> list[Charter]:
    """The joint meetings the person holds a role in: the filter's choices."""
    ids = current_user.charter_ids
    if not ids:
        return []
    return list(db.session.scalars(select(Charter).where(Charter.id.in_(ids)).order_by(Charter.id)))


def my_kinds() -> list[tuple[str, str]]:
    """(kind, its name) of the kinds the person has received, by name."""
    return sorted(((kind, label_of(kind)) for kind in kinds_of(current_user)), key=lambda p: p[1])


def kinds_of(user) -> list[str]:
    """The kinds of USER's notifications, each found by one lookup in ix_notifications_user_kind
    (the first kind after the one before), however many notifications they have: a DISTINCT
    reads them all."""
    mine = Notification.user_id == user.id
    found = select(func.min(Notification.kind).label("kind")).where(mine).cte(recursive=True)
    after = select(func.min(Notification.kind)).where(mine, Notification.kind > found.c.kind)
    found = found.union_all(select(after.scalar_subquery()).where(found.c.kind.is_not(None)))
    return list(db.session.scalars(select(found.c.kind).where(found.c.kind.is_not(None))))


def chosen_filters(source) -> tuple[dict, Charter | None, str | None, list[str]]:
    """The filters SOURCE (the query string or the form) asks for: (their values, the joint
    meeting, the kind, what is wrong with them)."""
    code, kind = source.get("joint_meeting") or None, source.get("kind") or None
    problems = []
    charter = None
    if code is not None:
        charter = next((c for c in my_joint_meetings() if c.code == code), None)
        if charter is None:
            problems.append(_("You hold no role in that joint meeting."))
    if kind is not None and kind not in dict(my_kinds()):
        problems.append(_("You have no notifications of that kind."))
        kind = None
    return {"joint_meeting": code if charter else None, "kind": kind}, charter, kind, problems


@bp.get("/")
@signed_in
def index():
    filters, charter, kind, problems = chosen_filters(request.args)
    for problem in problems:
        flash(problem, "warning")
    query = select(Notification).where(Notification.user_id == current_user.id)
    if charter is not None:
        query = query.where(Notification.charter_id == charter.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    page = page_of(query, PER_PAGE)
    return render_template(
        "notifications/list.html",
        page=page,
        days=grouped(page.items),
        filters=filters,
        joint_meetings=my_joint_meetings(),
        kinds=my_kinds(),
    )


@bp.post("/read-all")
@signed_in
def read_all():
    """Mark the person's unread notifications read: all, or those the filters show."""
    filters, charter, kind, problems = chosen_filters(request.form)
    if problems:
        for problem in problems:
            flash(problem, "warning")
        return redirect(url_for("notifications.index"))
    count = mark_all_read(current_user, charter.id if charter else None, kind)
    flash(_("%(n)d notifications marked read.", n=count), "success")
    return redirect(url_for("notifications.index", **{k: v for k, v in filters.items() if v}))


@bp.post("/<int:notification_id>/open")
@signed_in
def open_(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    mark_read(notification)
    link = notification.link if notification.link.startswith("/") else ""
    return redirect(link or url_for("notifications.index"))
