"""The top navigation: the entries the core and each capability added to the app's registry."""

from flask import Flask, current_app
from flask_login import current_user

from workbench.registry import current_registry


def nav_items() -> list[tuple[str, str]]:
    """The entries the current user may open, in order."""
    items = []
    for entry in current_registry().nav:
        if entry.endpoint not in current_app.view_functions:
            continue
        if entry.roles is None or current_user.role in entry.roles:
            items.append((entry.endpoint, str(entry.label)))
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
