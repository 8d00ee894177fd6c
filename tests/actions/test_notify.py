from datetime import date

from workbench.actions.models import Notification
from workbench.actions.notify import notify_due


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []
    opened: list = []

    def __init__(self, host, port):
        FakeSMTP.opened.append((host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def _actions(client, login, setup, add_action):
    login(setup["leader"])
    add_action(setup["project"], setup["member"], title="Due soon", due="2026-03-12")
    add_action(setup["project"], setup["member"], title="Overdue", due="2026-03-05")
    add_action(setup["project"], setup["member"], title="Far away", due="2026-05-01")
    done = add_action(setup["project"], setup["member"], title="Already done", due="2026-03-01")
    client.patch_read(f"/api/v1/actions/{done['id']}", json={"status": "done"})


def test_reminders_before_and_after_due_date_once_each(client, login, setup, add_action, db, frozen):
    _actions(client, login, setup, add_action)
    assert notify_due() == {"created": 2, "emailed": 0}
    notes = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert sorted((n.action.title, n.kind) for n in notes) == [("Due soon", "due_soon"), ("Overdue", "overdue")]
    assert all(n.user_id == setup["member"].id for n in notes)
    assert notify_due()["created"] == 0  # run again by cron: nothing twice
    frozen.set(date(2026, 3, 13))
    assert notify_due()["created"] == 1  # "Due soon" is now overdue
    client.post("/logout")
    login(setup["member"])
    body = client.get("/api/v1/notifications").get_json()
    assert body["unread"] == 3
    assert any("“Due soon” was due on" in item["message"] for item in body["items"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "“Overdue” was due on" in page
    client.post("/notifications")
    assert client.get("/api/v1/notifications").get_json()["unread"] == 0


def test_email_when_mail_server_is_set(client, login, setup, add_action, app, db, frozen):
    FakeSMTP.sent, FakeSMTP.opened = [], []
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=2525, SMTP_FACTORY=FakeSMTP, MAIL_FROM="wb@example.org")
    _actions(client, login, setup, add_action)
    result = app.test_cli_runner().invoke(args=["notify-due"])
    assert result.exit_code == 0, result.output
    assert "2 notification(s) created, 1 email(s) sent." in result.output
    assert FakeSMTP.opened == [("smtp.example.org", 2525)]
    [message] = FakeSMTP.sent
    assert message["To"] == setup["member"].email
    assert "“Overdue” was due on" in message.get_content() and "“Due soon” is due on" in message.get_content()
    assert all(n.emailed_at for n in db.session.scalars(db.select(Notification)))


def test_persian_owner_gets_persian_email(client, login, setup, add_action, app, db, frozen):
    FakeSMTP.sent = []
    setup["member"].locale = "fa"
    db.session.commit()
    app.config.update(MAIL_SERVER="smtp.example.org", SMTP_FACTORY=FakeSMTP)
    _actions(client, login, setup, add_action)
    notify_due()
    [message] = FakeSMTP.sent
    content = message.get_content()
    assert "سررسید «Overdue» در ۱۴۰۴/۱۲/۱۴ بوده و اکنون معوق است." in content  # Persian, Jalali date
    assert "یادآوری اقدام" in message["Subject"]
