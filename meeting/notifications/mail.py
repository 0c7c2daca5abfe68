"""E-mail copies of notifications: queued with the notification, sent after it commits.

The scheduler process sends the queue every minute. A message is claimed (and committed) before
it is sent, so two senders never send it both; one whose send failed is retried later; one
claimed by a sender that died mid-way is retried after CLAIM_TIMEOUT. Each message carries the
notification's Message-ID, so a mail client drops the rare duplicate of such a retry.
"""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import ForeignKey, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meeting.extensions import db

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 10


class OutboxMail(db.Model):
    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), unique=True)
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))

    notification: Mapped["Notification"] = relationship()  # noqa: F821


def send_pending(now: datetime) -> int:
    """Send every queued message that is due; return how many went out. Commits per message."""
    config = current_app.config
    if not config["MAIL_ENABLED"]:
        return 0
    due = select(OutboxMail.id).where(
        OutboxMail.sent_at.is_(None),
        OutboxMail.attempts < MAX_ATTEMPTS,
        or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - CLAIM_TIMEOUT),
    )
    sent = 0
    for mail_id in db.session.scalars(due.order_by(OutboxMail.id)).all():
        claimed = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None),
                   or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < now - CLAIM_TIMEOUT))
            .values(claimed_at=now, attempts=OutboxMail.attempts + 1)
        ).rowcount  # fmt: skip
        db.session.commit()
        if not claimed:
            continue  # another sender has it
        mail = db.session.get(OutboxMail, mail_id)
        try:
            _send(mail, config)
        except Exception as error:  # one bad message (server down, a bad address) stops no other
            current_app.logger.warning("Mail %s not sent: %s", mail_id, error)
            mail.claimed_at, mail.last_error = None, f"{type(error).__name__}: {error}"[:500]
        else:
            mail.sent_at, mail.last_error = now, None
            sent += 1
        db.session.commit()
    return sent


def _send(mail: OutboxMail, config) -> None:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = f"<notification-{mail.notification_id}@lianxi>"
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
