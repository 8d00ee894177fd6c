"""The four roles a user can have (core): the one place role names are written.

``Role`` is a ``StrEnum``, so a member *is* its string: ``users.role`` keeps
storing ``"admin"`` and friends, and ``user.role == Role.VIEWER`` holds for a
role read from the database. Code compares with ``Role`` (or the groups
below), never with a string; ``tests/test_layering.py`` checks it.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_MANAGER = "quality_manager"
    MEMBER = "member"
    VIEWER = "viewer"


# Every role, as plain strings (choices, the OpenAPI enum, error messages).
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
# May change any team's records, run imports and classification.
MANAGERS: tuple[Role, ...] = (Role.ADMIN, Role.QUALITY_MANAGER)
# See every team's work (leadership reads everything).
SEE_ALL_TEAMS: tuple[Role, ...] = (Role.ADMIN, Role.QUALITY_MANAGER, Role.VIEWER)
# Everyone who may write at all: all but viewers.
WRITERS: tuple[Role, ...] = (Role.ADMIN, Role.QUALITY_MANAGER, Role.MEMBER)

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.QUALITY_MANAGER: _l("Quality manager"),
    Role.MEMBER: _l("Team member"),
    Role.VIEWER: _l("Viewer (leadership)"),
}


def role_label(role: str) -> str:
    """The translated name of ``role`` (the role itself when unknown)."""
    return str(ROLE_LABELS.get(role, role))


def role_choices() -> list[tuple[str, object]]:
    """``(value, label)`` pairs of every role, for a select field."""
    return [(role.value, label) for role, label in ROLE_LABELS.items()]
