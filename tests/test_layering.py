"""Who may import whom: the core imports no capability; a capability imports only the core and what
is upstream of it in the flow complaint_import → teams → fishbone → fmea → actions.

Every module under ``workbench/`` is parsed (not imported), so an import hidden inside a function
counts the same as one at the top of the file.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"

# The flow, upstream first. Everything else under workbench/ is the core.
FLOW = ("complaint_import", "teams", "fishbone", "fmea", "actions")

# Imports inside a function are for optional, heavy dependencies only (loaded when a PDF, a
# workbook, a model, a graph or a Redis connection is actually needed); never to dodge an import cycle.
# networkx: a fifth of every command's start-up, needed only when a cause tree or a trace graph is drawn.
LAZY_IMPORTS_ALLOWED = frozenset({"weasyprint", "sklearn", "scipy", "openpyxl", "playwright", "redis", "networkx"})


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    """``core`` or the capability that ``module`` (a dotted name under workbench) belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FLOW else "core"


def imported_modules(path: Path, root: Path = PACKAGE) -> list[tuple[int, str, bool]]:
    """(line, imported module, inside a function?) for every import statement of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function.update(id(sub) for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom))
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            # ``from workbench import teams`` imports the package ``workbench.teams``.
            targets = [f"{base}.{alias.name}" for alias in node.names] if base == "workbench" else [base]
        else:
            continue
        found.extend((node.lineno, target, id(node) in in_function) for target in targets)
    return found


def all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def lazy_import_allowed(target: str) -> bool:
    """May ``target`` be imported inside a function?"""
    return target.split(".")[0] in LAZY_IMPORTS_ALLOWED


def allowed(importer: str, imported: str) -> bool:
    """May a module of layer ``importer`` import one of layer ``imported``?"""
    if imported == "core":
        return True
    if importer == "core":
        return False
    return FLOW.index(imported) <= FLOW.index(importer)


def test_the_rule_itself():
    """The rule refuses what the architecture forbids (so the walk below can fail)."""
    assert layer_of("workbench.teams.models") == "teams"
    assert layer_of("workbench.models") == "core"
    assert layer_of("workbench.uploads.staging") == "core"
    assert not allowed("core", "teams")
    assert not allowed("complaint_import", "teams")
    assert not allowed("fishbone", "fmea")
    assert allowed("actions", "complaint_import")
    assert allowed("fmea", "fishbone")
    assert allowed("teams", "core")
    assert lazy_import_allowed("sklearn.cluster") and lazy_import_allowed("weasyprint")
    assert not lazy_import_allowed("workbench.teams.models") and not lazy_import_allowed("sqlalchemy")


def test_imports_inside_functions_are_found(tmp_path):
    """An import inside a function is seen and marked as such, relative imports resolved."""
    package = tmp_path / "workbench" / "fishbone"
    package.mkdir(parents=True)
    module = package / "render.py"
    module.write_text("from workbench.models import User\n\ndef f():\n    from ..fmea import services\n    import sklearn\n")
    assert imported_modules(module, tmp_path / "workbench") == [(1, "workbench.models", False), (4, "workbench.fmea", True), (5, "sklearn", True)]


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: module_name(p))
def test_no_module_imports_downstream(path):
    """The core imports no capability; a capability imports nothing downstream of it in the flow."""
    layer = layer_of(module_name(path))
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} ({layer} may not import {layer_of(target)})"
        for line, target, _ in imported_modules(path)
        if target.split(".")[0] == "workbench" and not allowed(layer, layer_of(target))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", all_modules(), ids=lambda p: module_name(p))
def test_imports_inside_functions_only_for_heavy_optional_dependencies(path):
    """No import hides inside a function unless it is one of ``LAZY_IMPORTS_ALLOWED``."""
    hidden = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} inside a function"
        for line, target, in_function in imported_modules(path)
        if in_function and not lazy_import_allowed(target)
    ]
    assert not hidden, "\n".join(hidden)


# Services, access helpers, the stage machine and the FMEA places answer in domain errors
# (workbench.validation: NotFound, Forbidden, InvalidInput, Conflict, Frozen); only routes speak HTTP.
SERVICE_MODULES = sorted(
    {*PACKAGE.glob("*/services.py"), *PACKAGE.glob("*/access.py"), *PACKAGE.glob("*/stages.py"), *PACKAGE.glob("*/places.py"), PACKAGE / "access.py"}
)
HTTP_ONLY = frozenset({"abort", "request", "get_or_404", "first_or_404", "one_or_404"})


def http_uses(path: Path) -> list[tuple[int, str]]:
    """(line, name) for every import or use of ``abort``, ``request`` or ``*_or_404`` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("flask", "werkzeug"):
            found.extend((node.lineno, alias.name) for alias in node.names if alias.name in HTTP_ONLY or alias.name == "exceptions")
        elif isinstance(node, ast.Attribute) and node.attr in HTTP_ONLY:
            found.append((node.lineno, node.attr))
    return found


def test_http_uses_are_found(tmp_path):
    module = tmp_path / "services.py"
    module.write_text("from flask import abort, current_app\nimport flask\n\ndef f(db):\n    flask.request.args\n    return db.get_or_404(1)\n")
    assert sorted(http_uses(module)) == [(1, "abort"), (5, "request"), (6, "get_or_404")]


def test_service_modules_are_the_ones_meant():
    names = {module_name(path) for path in SERVICE_MODULES}
    assert {"workbench.teams.services", "workbench.teams.access", "workbench.teams.stages", "workbench.fmea.places", "workbench.access"} <= names


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=lambda p: module_name(p))
def test_services_raise_domain_errors_not_http(path):
    """No ``abort``, ``request`` or ``get_or_404`` in a service: it raises NotFound/Forbidden/... instead."""
    found = [f"{path.relative_to(PACKAGE.parent)}:{line} uses {name}" for line, name in http_uses(path)]
    assert not found, "\n".join(found)


# Role names are written once, in workbench/roles.py (``Role``, a StrEnum); everything else uses it.
ROLE_NAMES = frozenset({"admin", "quality_manager", "member", "viewer"})
TEMPLATES = PACKAGE.parent / "templates"


def role_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) for every string constant that is a role name (a blueprint's name "admin" aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    blueprint_names = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Blueprint" and node.args
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in ROLE_NAMES and id(node) not in blueprint_names
    ]


def test_role_literals_are_found(tmp_path):
    module = tmp_path / "routes.py"
    module.write_text('bp = Blueprint("admin", __name__)\nif user.role in ("admin", "quality_manager"):\n    pass\ndef f(role="member"):\n    return role == "viewer"\n')
    assert sorted(role_literals(module)) == [(2, "admin"), (2, "quality_manager"), (4, "member"), (5, "viewer")]


def test_the_enum_holds_the_stored_role_names():
    from workbench.roles import ROLES, Role

    assert set(ROLES) == ROLE_NAMES == {role.value for role in Role}
    assert Role.VIEWER == "viewer" and "viewer" in ROLES  # a role read from the database compares equal


@pytest.mark.parametrize("path", [p for p in all_modules() if p.name != "roles.py" or p.parent != PACKAGE], ids=lambda p: module_name(p))
def test_no_module_writes_a_role_name(path):
    """Compare roles with ``workbench.roles.Role`` (or its groups), never with a string."""
    found = [f"{path.relative_to(PACKAGE.parent)}:{line} writes the role {text!r}; use workbench.roles.Role" for line, text in role_literals(path)]
    assert not found, "\n".join(found)


def test_no_template_compares_a_role_with_a_string():
    pattern = re.compile(r"""role\s*(?:==|!=|in\b)[^%}]*["'](?:admin|quality_manager|member|viewer)["']""")
    found = [
        f"{path.relative_to(TEMPLATES.parent)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)
