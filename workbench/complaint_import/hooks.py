"""Extension points the complaints capability offers to capabilities downstream of it.

Declared here (upstream); a downstream package (teams) adds its implementations in its
``init_app``. The complaints code calls them without knowing who answers.
"""

from typing import Any, Protocol

from sqlalchemy import Select

from workbench.registry import HookPoint


class ProjectComplaints(Protocol):
    """The ids of the complaints linked to a project ``user`` may see (a select of one column),
    or None when this implementation does not know the project."""

    def __call__(self, project_id: int, user: Any) -> Select | None: ...


class ThemeActions(Protocol):
    """Links shown on a theme's card: ``[{"label", "url", "button"?: bool}]``."""

    def __call__(self, theme: Any, user: Any) -> list[dict]: ...


PROJECT_COMPLAINTS: HookPoint[ProjectComplaints] = HookPoint("complaints.project_complaints")
THEME_ACTIONS: HookPoint[ThemeActions] = HookPoint("complaints.theme_actions")


def project_complaint_ids(project_id: int, user) -> Select | None:
    """The first answer of the registered ``PROJECT_COMPLAINTS`` implementations."""
    for find in PROJECT_COMPLAINTS.all():
        found = find(project_id, user)
        if found is not None:
            return found
    return None


def theme_actions(theme, user) -> list[dict]:
    """Every registered action for ``theme``, in registration order."""
    return [action for actions in THEME_ACTIONS.all() for action in actions(theme, user)]
