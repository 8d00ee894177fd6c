"""``flask --app wsgi notify-due``: run from cron once a day."""

import click

from workbench.actions.notify import notify_due
from workbench.audit import acting_as


@click.command("notify-due")
def notify_due_command():
    """Notify owners of actions due soon or overdue (in the app, and by email when MAIL_SERVER is set)."""
    with acting_as("notify-due"):
        result = notify_due()
    click.echo(f"{result['created']} notification(s) created, {result['emailed']} email(s) sent.")


def register(app) -> None:
    app.cli.add_command(notify_due_command)
