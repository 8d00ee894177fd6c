"""The JSON API under /api/v1: the plumbing every capability's API routes share.

Each capability keeps its routes in a :class:`~workbench.api.routes.ApiRoutes` (with the
OpenAPI paths and schemas it declares) and adds it in its ``init_app`` with
:func:`~workbench.api.routes.add_routes`. After every capability ran, the factory calls
:func:`install`, which builds this app's ``api`` blueprint from them: endpoints keep the
``api.`` prefix and every route gets the shared authentication, CSRF and viewer rules.
"""

from flask import Blueprint, Flask

from workbench.api import common, core
from workbench.api.routes import add_routes
from workbench.extensions import csrf
from workbench.registry import registry_of

URL_PREFIX = "/api/v1"


def init_app(app: Flask) -> None:
    """The core's own API: users, tokens, audit history and the OpenAPI document."""
    add_routes(app, core.bp)


def install(app: Flask) -> None:
    """Register this app's ``api`` blueprint with every route the capabilities added."""
    bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)
    bp.before_request(common.require_auth_and_csrf)
    for routes in registry_of(app).api_routes:
        bp.deferred_functions.extend(routes.deferred_functions)
        for scope, functions in routes.before_request_funcs.items():
            bp.before_request_funcs.setdefault(scope, []).extend(functions)
    csrf.exempt(bp)
    app.register_blueprint(bp)
