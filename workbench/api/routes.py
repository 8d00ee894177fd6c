"""A module's API routes, kept aside until the factory installs them under /api/v1."""

from flask import Blueprint, Flask

from workbench.registry import registry_of


class ApiRoutes(Blueprint):
    """One module's API routes, the OpenAPI paths that document them and the names of its marshmallow schemas.

    It is never registered itself: :func:`workbench.api.install` copies its routes into
    the app's ``api`` blueprint, so endpoints keep the ``api.`` prefix.
    """

    def __init__(self, name: str, import_name: str) -> None:
        super().__init__(name, import_name)
        self.paths: dict[str, dict] = {}
        self.schemas: dict[str, type] = {}

    def path(self, url: str, **operations: dict) -> None:
        """Declare the operations (``get=``, ``post=`` ...) of one API path."""
        self.paths.setdefault(url, {}).update(operations)

    def schema(self, name: str, definition: type) -> None:
        """Name a marshmallow schema class as a component of the OpenAPI document."""
        self.schemas[name] = definition


def add_routes(app: Flask, routes: ApiRoutes) -> None:
    """Add a module's API routes to ``app`` (installed under /api/v1 by ``workbench.api.install``)."""
    registry = registry_of(app)
    if routes not in registry.api_routes:
        registry.api_routes.append(routes)
