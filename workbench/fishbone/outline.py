"""Text outline of a fishbone (indented list or Mermaid ``ishikawa``) and its import into a new diagram."""

from flask_babel import gettext as _

from workbench.fishbone import services
from workbench.fishbone.tree import EFFECT, cause_tree, children
from workbench.teams.stages import ensure_editable
from workbench.validation import InvalidInput

INDENT = "  "
MARKS = {"verified": "✓ ", "suspected": "? "}
MAX_LINES = 3000


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def export(diagram, style: str = "list") -> str:
    """``list``: effect, then categories, then ``- cause`` lines indented two spaces per level.
    ``mermaid``: the same tree as a Mermaid ``ishikawa`` diagram (effect first, indentation nests)."""
    graph = cause_tree(diagram)
    lines = ["ishikawa", INDENT + _one_line(diagram.effect or "—")] if style == "mermaid" else [_one_line(diagram.effect or "—")]
    base = 2 if style == "mermaid" else 0

    def walk(node, depth):
        for child in children(graph, node):
            data = graph.nodes[child]
            if style == "mermaid":
                lines.append(INDENT * (base + depth) + _one_line(data["text"]))
            else:
                lines.append(INDENT * depth + "- " + MARKS.get(data["status"], "") + _one_line(data["text"]))
            walk(child, depth + 1)

    for category in children(graph, EFFECT):
        lines.append(INDENT * base + _one_line(graph.nodes[category]["text"]))
        walk(category, 1)
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict:
    """Read either outline style back: ``{"effect", "categories": [{"name", "causes": [{"text", "status", "children"}]}]}``."""
    # NUL characters from an uploaded file cannot be stored (PostgreSQL) and mean nothing: drop them.
    raw = [line.rstrip() for line in str(text or "").replace("\x00", "").replace("\t", "    ").splitlines()]
    raw = [(number, line) for number, line in enumerate(raw, start=1) if line.strip() and not line.strip().startswith("%%")]
    if not raw:
        raise InvalidInput({"outline": _("The outline is empty.")})
    if len(raw) > MAX_LINES:
        raise InvalidInput({"outline": _("The outline has more than %(n)d lines.", n=MAX_LINES)})
    mermaid = raw[0][1].strip().lower() in ("ishikawa", "ishikawa-beta")
    if mermaid:
        raw = raw[1:]
        if not raw:
            raise InvalidInput({"outline": _("Line 2: the effect (the problem) is missing.")})
    effect_indent = len(raw[0][1]) - len(raw[0][1].lstrip())
    result = {"effect": raw[0][1].strip(), "categories": []}
    stack: list[tuple[int, list]] = []  # (indent, list receiving children)
    category_indent = None
    for number, line in raw[1:]:
        indent = len(line) - len(line.lstrip())
        content = line.strip()
        if mermaid and indent <= effect_indent:
            raise InvalidInput({"outline": _("Line %(n)d: indent causes under the effect.", n=number)})
        is_item = content.startswith("- ") or content == "-"
        if category_indent is None:
            category_indent = indent
        if indent <= category_indent and not (is_item and not mermaid):
            name = content
            result["categories"].append({"name": name, "causes": []})
            stack = [(indent, result["categories"][-1]["causes"])]
            continue
        if not result["categories"]:
            raise InvalidInput({"outline": _("Line %(n)d: a cause comes before any category.", n=number)})
        if is_item:
            content = content[2:].strip() if content != "-" else ""
        status = "open"
        for mark in MARKS.values():
            if content.startswith(mark):
                # A verified root cause needs its evidence again: it comes back as suspected.
                status, content = "suspected", content[len(mark):]
                break
        if not content:
            raise InvalidInput({"outline": _("Line %(n)d: empty cause.", n=number)})
        while stack and indent <= stack[-1][0]:
            stack.pop()
        if not stack:
            raise InvalidInput({"outline": _("Line %(n)d: the indentation does not match any category.", n=number)})
        item = {"text": content, "status": status, "children": [], "line": number}
        stack[-1][1].append(item)
        stack.append((indent, item["children"]))
    if not result["categories"]:
        raise InvalidInput({"outline": _("No categories found: put each category on its own line after the effect.")})
    return result


def import_outline(project, user, text: str):
    """Create the project's fishbone from an outline; nothing is stored if any line is wrong."""
    ensure_editable(project)
    parsed = parse(text)
    diagram = services.create_diagram(
        project, template="custom", effect=parsed["effect"], categories=[c["name"] for c in parsed["categories"]]
    )

    def add(items, category_id, parent_id):
        for item in items:
            try:
                cause = services.add_cause(diagram, user, {"text": item["text"], "category_id": category_id, "parent_id": parent_id})
            except InvalidInput as error:
                raise InvalidInput({"outline": _("Line %(n)d: %(message)s", n=item["line"], message=next(iter(error.errors.values())))}) from None
            cause.status = item["status"]
            add(item["children"], category_id, cause.id)

    for category, data in zip(diagram.categories, parsed["categories"], strict=True):
        add(data["causes"], category.id, None)
    return diagram
