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


class ThemesRebuilt(Protocol):
    """Called inside a theme build's transaction once every complaint has its new theme (``Complaint.theme_id``)
    and before the previous themes are retired: what points to the old themes can follow them."""

    def __call__(self) -> None: ...


PROJECT_COMPLAINTS: HookPoint[ProjectComplaints] = HookPoint("complaints.project_complaints")
THEME_ACTIONS: HookPoint[ThemeActions] = HookPoint("complaints.theme_actions")
THEMES_REBUILT: HookPoint[ThemesRebuilt] = HookPoint("complaints.themes_rebuilt")


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


def themes_rebuilt() -> None:
    """Run every registered ``THEMES_REBUILT`` implementation, in registration order."""
    for follow in THEMES_REBUILT.all():
        follow()
