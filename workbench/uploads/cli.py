"""``flask --app wsgi uploads clean``: remove abandoned staged uploads."""

import click

from workbench.uploads.staging import clean_abandoned, staging_folder


@click.group("uploads")
def uploads_command():
    """Staged uploads."""


@uploads_command.command("clean")
@click.option("--hours", type=float, default=None, help="Remove files unused for this many hours (default UPLOAD_STAGING_HOURS).")
def clean_command(hours):
    """Remove staged uploads nobody used for a while."""
    removed = clean_abandoned(hours)
    click.echo(f"{removed} abandoned files removed from {staging_folder()}.")
