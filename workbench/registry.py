"""What capabilities add to the app, kept per app in ``app.extensions``.

The app factory calls each capability's ``init_app(app)``; that function adds its
navigation entries, page panels, home cards, demo steps, API routes and hook
implementations here, explicitly. Nothing is added by importing a module, and two
apps in one process (as the tests create) never share what was added.

A hook between capabilities is a :class:`HookPoint` declared by the package that
calls it (upstream in the flow), typed with a ``Protocol`` for what it calls; the
downstream package's ``init_app`` adds its implementation with ``POINT.add(app, fn)``.
The upstream code reads ``POINT.all()`` (the implementations of ``current_app``).
"""

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask, current_app

EXTENSION_KEY = "workbench.registry"

T = TypeVar("T")


@dataclass(frozen=True)
class NavEntry:
    """One entry of the top navigation; ``roles`` None means everyone signed in."""

    endpoint: str
    label: object
    roles: tuple[str, ...] | None = None
    order: int = 50


@dataclass
class Registry:
    """Everything the capabilities of one app registered."""

    capabilities: list[str] = field(default_factory=list)
    nav: list[NavEntry] = field(default_factory=list)
    hooks: dict[str, list[tuple[int, int, Any]]] = field(default_factory=dict)
    api_routes: list = field(default_factory=list)

    def add_hook(self, name: str, implementation: Any, order: int = 0) -> None:
        entries = self.hooks.setdefault(name, [])
        if any(existing is implementation for _, _, existing in entries):
            return
        entries.append((order, len(entries), implementation))
        entries.sort(key=lambda entry: entry[:2])

    def hook(self, name: str) -> list:
        return [implementation for _, _, implementation in self.hooks.get(name, ())]


def registry_of(app: Flask) -> Registry:
    """The registry of ``app``, created on first use."""
    registry = app.extensions.get(EXTENSION_KEY)
    if registry is None:
        registry = app.extensions[EXTENSION_KEY] = Registry()
    return registry


def current_registry() -> Registry:
    return registry_of(current_app)


class HookPoint(Generic[T]):
    """A named, typed extension point; its implementations are kept per app."""

    def __init__(self, name: str) -> None:
        self.name = name

    def add(self, app: Flask, implementation: T, order: int = 0) -> None:
        """Add ``implementation`` to ``app``; lower ``order`` comes first, then registration order."""
        registry_of(app).add_hook(self.name, implementation, order)

    def replace(self, app: Flask, implementations: list[T]) -> None:
        """Set the implementations of ``app`` to exactly these (a test standing in for a capability)."""
        registry_of(app).hooks[self.name] = [(0, number, impl) for number, impl in enumerate(implementations)]

    def all(self) -> list[T]:
        """The implementations registered on the current app, in order."""
        return current_registry().hook(self.name)

    def __repr__(self) -> str:
        return f"HookPoint({self.name!r})"


def add_nav(app: Flask, endpoint: str, label: object, roles: tuple[str, ...] | None = None, order: int = 50) -> None:
    """Add an entry to the top navigation of ``app`` (entries show by ``order``)."""
    registry = registry_of(app)
    registry.nav.append(NavEntry(endpoint, label, roles, order))
    registry.nav.sort(key=lambda entry: entry.order)


# -- the core's own extension points -----------------------------------------------


class ProjectPanel(Protocol):
    """A card on the project page: ``{"title", "url", "summary"?}`` or None to show nothing."""

    def __call__(self, project: Any, user: Any) -> dict | None: ...


class HomeCard(Protocol):
    """A card on the home page: ``{"title", "text" or "html", "url"?, "link_text"?}``, or
    ``{"section": html}`` shown without a card frame; None to show nothing."""

    def __call__(self, user: Any) -> dict | None: ...


class DemoStep(Protocol):
    """Adds a capability's demo data; reads and may fill ``context`` (e.g. ``context["projects"]``
    by title); answers counts for the summary (``{"fishbones": 2}``)."""

    def __call__(self, context: dict) -> dict[str, int] | None: ...


class PeopleScope(Protocol):
    """Narrows ``select(User)`` statement ``stmt`` to the other people ``viewer`` may see (a member:
    the people of their teams); the results of every scope are joined."""

    def __call__(self, viewer: Any, stmt: Any) -> Any: ...


PROJECT_PANELS: HookPoint[ProjectPanel] = HookPoint("core.project_panels")
PEOPLE_SCOPES: HookPoint[PeopleScope] = HookPoint("core.people_scopes")
HOME_CARDS: HookPoint[HomeCard] = HookPoint("core.home_cards")
DEMO_STEPS: HookPoint[DemoStep] = HookPoint("core.demo_steps")
