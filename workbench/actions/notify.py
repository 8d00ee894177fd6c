"""Reminders to action owners before and after the due date: in the app, and by email when SMTP is set."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from workbench.actions import clock
from workbench.actions.models import OPEN_STATUSES, CorrectiveAction, Notification
from workbench.extensions import db
from workbench.i18n import format_date
from workbench.models import User

DUE_SOON_DAYS = 3


def notification_text(note: Notification) -> str:
    """The message shown for ``note`` in the current language."""
    if note.kind == "overdue":
        return _("“%(title)s” was due on %(due)s and is overdue.", title=note.action.title, due=format_date(note.due_date))
    return _("“%(title)s” is due on %(due)s.", title=note.action.title, due=format_date(note.due_date))


def notify_due(today=None) -> dict[str, int]:
    """Create the due-soon and overdue notifications not yet sent; email them when MAIL_SERVER is set."""
    today = today or clock.today()
    soon = today + timedelta(days=current_app.config.get("ACTIONS_DUE_SOON_DAYS", DUE_SOON_DAYS))
    actions = db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.status.in_(OPEN_STATUSES), CorrectiveAction.due_date <= soon)
    )
    existing = set(db.session.execute(select(Notification.action_id, Notification.kind, Notification.due_date)).all())
    created = []
    for action in actions:
        kind = "overdue" if action.due_date < today else "due_soon"
        if (action.id, kind, action.due_date) in existing:
            continue
        note = Notification(user_id=action.owner_id, action=action, kind=kind, due_date=action.due_date)
        db.session.add(note)
        created.append(note)
    db.session.flush()
    emailed = send_emails(created) if current_app.config.get("MAIL_SERVER") else 0
    db.session.commit()
    return {"created": len(created), "emailed": emailed}


def send_emails(notes: list[Notification]) -> int:
    """Send one email per owner listing their new notifications; ``SMTP_FACTORY`` replaces smtplib in tests."""
    if not notes:
        return 0
    config = current_app.config
    by_user: dict[int, list[Notification]] = {}
    for note in notes:
        by_user.setdefault(note.user_id, []).append(note)
    factory = config.get("SMTP_FACTORY") or smtplib.SMTP
    sent = 0
    with factory(config["MAIL_SERVER"], config.get("MAIL_PORT", 587)) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        for user_id, items in by_user.items():
            user = db.session.get(User, user_id)
            if user is None or not user.active:
                continue
            with force_locale(user.locale or config.get("BABEL_DEFAULT_LOCALE", "en")):
                message = EmailMessage()
                message["Subject"] = ngettext("workbench: %(num)d action reminder", "workbench: %(num)d action reminders", len(items))
                message["From"] = config.get("MAIL_FROM", "workbench@localhost")
                message["To"] = user.email
                message.set_content("\n".join(notification_text(n) for n in items))
            smtp.send_message(message)
            stamp = clock.now()
            for note in items:
                note.emailed_at = stamp
            sent += 1
    return sent


def notifications_for(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
