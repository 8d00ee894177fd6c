"""Role checks for views (core); the team scope lives with the teams (``workbench.teams.access``)."""

from functools import wraps

from flask_login import current_user, login_required

from workbench.validation import Forbidden


def role_required(*roles: str):
    """Allow the view only to signed-in users with one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator
