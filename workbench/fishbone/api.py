"""API of the fishbone: the diagram as JSON, causes, categories, evidence, votes and live changes."""

import json

from flask import abort, current_app, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from workbench import live
from workbench.api import openapi
from workbench.api.common import version_sent
from workbench.api.routes import ApiRoutes
from workbench.api.schemas import checked_body
from workbench.extensions import db
from workbench.fishbone import evidence, outline, render, services, tree, voting
from workbench.fishbone.models import FishboneDiagram, FishboneEvidence
from workbench.fishbone.schemas import (
    CategoryChangeSchema,
    CategoryInSchema,
    CategorySchema,
    CauseChainSchema,
    CauseChangeSchema,
    CauseSchema,
    DeletedSchema,
    EvidenceSchema,
    FishboneChangeSchema,
    FishboneSchema,
    NewCauseSchema,
    NewEvidenceSchema,
    NewFishboneSchema,
    NewVotingRoundAnswerSchema,
    NewVotingRoundSchema,
    OutlineInSchema,
    OutlineSchema,
    RevisionSchema,
    SentSchema,
    VerifySchema,
    VoteSchema,
    WhysSchema,
)
from workbench.persistence import check_version
from workbench.teams.services import get_project

bp = ApiRoutes("fishbone_api", __name__)


def _with_revision(schema, record, diagram_id: int, status: int = 200):
    """``record`` answered through ``schema``, with the diagram's revision after the change."""
    return jsonify({**schema.dump(record), "revision": services.revision(diagram_id)}), status


def _shared_diagram(project, revision: int) -> dict:
    """The diagram as JSON as everyone sees it (without the reader's own dots), at least as new as ``revision``.

    Built once per revision and kept in the render cache.
    """
    def build() -> bytes:
        diagram = services.diagram_of(project)
        if diagram is None:
            abort(404, _("This project has no fishbone yet."))
        return json.dumps(tree.diagram_json(diagram, None), ensure_ascii=False).encode()

    data, _etag = live.cached_rendering(live.project_scope(project.id), "fishbone-json", build, revision=revision)
    return json.loads(data)


def _diagram_at(project, revision: int) -> dict:
    """The diagram as JSON for the signed-in reader, at least as new as ``revision`` (read before).

    The tree is the same for everyone at one revision: built once, then only the reader's own votes
    are added.
    """
    body = _shared_diagram(project, revision)
    round_ = body["voting"]["session"]
    if round_ is not None:
        mine = voting.mine_in(round_["id"], current_user)
        body["voting"]["mine"] = {str(k): v for k, v in mine.items()}
        body["voting"]["left"] = round_["votes_per_member"] - sum(mine.values()) if round_["open"] else 0
    return body


@bp.get("/projects/<int:project_id>/fishbone")
def fishbone_get(project_id: int):
    project = get_project(project_id, current_user)
    # Read before the diagram: the page then holds data at least as new as this revision.
    revision = live.current(live.project_scope(project.id))
    response = jsonify(_diagram_at(project, revision))
    response.headers["X-Live-Revision"] = str(revision)
    return response


def meeting_answer(scope: str, revision: int, options: dict) -> live.SharedAnswer:
    """What the fishbone page's poll carries when the project changed: the diagram and its SVG.

    The page then updates from one request. The SVG is the one ``fishbone.svg`` serves (the same
    cached drawing per revision); ``svg`` is null when graphviz failed, and the page asks for the
    drawing itself to show why. Access is checked for each reader; then, unless a voting round
    gives each reader their own dots, every reader gets the same bytes (``live.SharedAnswer``).
    """
    project = get_project(int(options.get("project", 0)), current_user)
    if scope != live.project_scope(project.id):
        abort(404)
    rtl = options.get("dir") == "rtl"
    variant = render.variant("svg", rtl, None)

    def draw() -> bytes:
        return render.draw(services.load(project.id, current_user)[1], "svg", rtl=rtl)

    def svg() -> str | None:
        try:
            drawing, _etag = live.cached_rendering(scope, variant, draw, revision=revision)
        except render.RenderError as error:
            current_app.logger.error("fishbone rendering failed: %s", error)
            return None
        return drawing.decode()

    def shared() -> dict | None:
        diagram = _shared_diagram(project, revision)
        if diagram["voting"]["session"] is not None:
            return None  # each reader sees their own dots
        drawing = svg()
        if drawing is None:
            return None  # each reader asks graphviz again rather than keep a failure for the revision
        return {"diagram": diagram, "svg": drawing}

    def personal() -> dict:
        return {"diagram": _diagram_at(project, revision), "svg": svg()}

    return live.SharedAnswer("meeting|" + variant, shared, personal)


@bp.post("/projects/<int:project_id>/fishbone")
def fishbone_create(project_id: int):
    project = get_project(project_id, current_user, write=True)
    data = checked_body(NewFishboneSchema)
    diagram = services.create_diagram(
        project, template=data.get("template", "6m"), locale=data.get("language") or str(get_locale()),
        effect=data.get("effect"), categories=data.get("categories"),
    )
    db.session.commit()
    return jsonify(tree.diagram_json(diagram, current_user)), 201


@bp.post("/projects/<int:project_id>/fishbone/import")
def fishbone_import(project_id: int):
    project = get_project(project_id, current_user, write=True)
    diagram = outline.import_outline(project, current_user, checked_body(OutlineInSchema).get("outline"))
    db.session.commit()
    return jsonify(tree.diagram_json(diagram, current_user)), 201


@bp.get("/projects/<int:project_id>/fishbone/outline")
def fishbone_outline(project_id: int):
    _, diagram = services.load(project_id, current_user)
    style = "mermaid" if request.args.get("style") == "mermaid" else "list"
    return jsonify(OutlineSchema().dump({"style": style, "outline": outline.export(diagram, style)}))


@bp.patch("/projects/<int:project_id>/fishbone")
def fishbone_update(project_id: int):
    _, diagram = services.load(project_id, current_user, write=True)
    data = checked_body(FishboneChangeSchema)
    check_version(diagram, data, required=True)
    services.update_diagram(diagram, data)
    db.session.commit()
    return jsonify(tree.diagram_json(diagram, current_user))


@bp.get("/projects/<int:project_id>/fishbone/changes")
def fishbone_changes(project_id: int):
    _, diagram = services.load(project_id, current_user)
    since = request.args.get("since", type=int)
    current = services.revision(diagram.id)
    return jsonify(RevisionSchema().dump({"revision": current, "changed": since is None or current != since}))


@bp.post("/projects/<int:project_id>/fishbone/categories")
def category_create(project_id: int):
    _, diagram = services.load(project_id, current_user, write=True)
    category = services.add_category(diagram, checked_body(CategoryInSchema).get("name"))
    db.session.commit()
    return _with_revision(CategorySchema(), category, diagram.id, 201)


@bp.patch("/fishbone/categories/<int:category_id>")
def category_update(category_id: int):
    category = services.load_category(category_id, current_user, write=True)
    data = checked_body(CategoryChangeSchema)
    check_version(category, data, required=True)
    services.update_category(category, data)
    db.session.commit()
    return _with_revision(CategorySchema(), category, category.diagram_id)


@bp.delete("/fishbone/categories/<int:category_id>")
def category_delete(category_id: int):
    category = services.load_category(category_id, current_user, write=True)
    diagram_id = category.diagram_id
    check_version(category, version_sent())
    services.delete_category(category)
    db.session.commit()
    return _with_revision(DeletedSchema(), {"deleted": category_id}, diagram_id)


@bp.post("/projects/<int:project_id>/fishbone/causes")
def cause_create(project_id: int):
    _, diagram = services.load(project_id, current_user, write=True)
    cause = services.add_cause(diagram, current_user, checked_body(NewCauseSchema))
    # Answered from what was just written (touch set the diagram's new revision): the commit expires
    # every record, and reading them again would cost three queries on the meeting's busiest write.
    answer = {**CauseSchema(exclude=("evidence", "links")).dump(cause), "revision": diagram.revision}
    db.session.commit()
    return jsonify(answer), 201


@bp.get("/causes/<int:cause_id>")
def cause_get(cause_id: int):
    cause = services.load_cause(cause_id, current_user)
    project_id = db.session.get(FishboneDiagram, cause.diagram_id).project_id
    links = services.cause_links(project_id, [cause.id]).get(cause.id, [])
    return jsonify({**CauseSchema(exclude=("links",)).dump(cause), "links": links})


@bp.patch("/causes/<int:cause_id>")
def cause_update(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    data = checked_body(CauseChangeSchema)
    check_version(cause, data, required=True)
    services.update_cause(cause, current_user, data)
    db.session.commit()
    return _with_revision(CauseSchema(exclude=("evidence", "links")), cause, cause.diagram_id)


@bp.delete("/causes/<int:cause_id>")
def cause_delete(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    diagram_id = cause.diagram_id
    check_version(cause, version_sent())
    services.delete_cause(cause)
    db.session.commit()
    return _with_revision(DeletedSchema(), {"deleted": cause_id}, diagram_id)


@bp.post("/causes/<int:cause_id>/whys")
def cause_whys(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    chain = services.add_whys(cause, current_user, checked_body(WhysSchema).get("whys"))
    db.session.commit()
    return _with_revision(CauseChainSchema(exclude=("items.evidence", "items.links")), {"items": chain}, cause.diagram_id, 201)


@bp.post("/causes/<int:cause_id>/verify")
def cause_verify(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    data = checked_body(VerifySchema)
    check_version(cause, data, required=True)
    evidence.verify(cause, current_user, data)
    db.session.commit()
    return _with_revision(CauseSchema(exclude=("links",)), cause, cause.diagram_id)


@bp.post("/causes/<int:cause_id>/evidence")
def evidence_create(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    if request.mimetype == "multipart/form-data":
        item = evidence.add_evidence(cause, current_user, request.form.to_dict(), request.files.get("file"))
    else:
        item = evidence.add_evidence(cause, current_user, checked_body(NewEvidenceSchema))
    db.session.commit()
    return _with_revision(EvidenceSchema(), item, cause.diagram_id, 201)


@bp.delete("/fishbone/evidence/<int:evidence_id>")
def evidence_delete(evidence_id: int):
    item = db.get_or_404(FishboneEvidence, evidence_id)
    cause = services.load_cause(item.cause_id, current_user, write=True)
    check_version(item, version_sent())
    evidence.delete_evidence(item)
    db.session.commit()
    return _with_revision(DeletedSchema(), {"deleted": evidence_id}, cause.diagram_id)


@bp.post("/projects/<int:project_id>/fishbone/vote-sessions")
def vote_session_create(project_id: int):
    _, diagram = services.load(project_id, current_user, write=True)
    session = voting.open_session(diagram, current_user, checked_body(NewVotingRoundSchema).get("votes_per_member"))
    db.session.commit()
    return _with_revision(NewVotingRoundAnswerSchema(), {"id": session.id, "votes_per_member": session.votes_per_member, "open": True}, diagram.id, 201)


@bp.post("/causes/<int:cause_id>/votes")
def vote_add(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    left = voting.vote(cause, current_user)
    db.session.commit()
    return _with_revision(VoteSchema(), {"cause_id": cause.id, "votes": voting.counts(voting.current_session_of(cause)).get(cause.id, 0), "left": left}, cause.diagram_id, 201)


@bp.delete("/causes/<int:cause_id>/votes")
def vote_remove(cause_id: int):
    cause = services.load_cause(cause_id, current_user, write=True)
    left = voting.unvote(cause, current_user)
    db.session.commit()
    return _with_revision(VoteSchema(), {"cause_id": cause.id, "votes": voting.counts(voting.current_session_of(cause)).get(cause.id, 0), "left": left}, cause.diagram_id)


@bp.post("/projects/<int:project_id>/fishbone/send-root-causes")
def send_root_causes(project_id: int):
    project, _ = services.load(project_id, current_user, write=True)
    if not services.ROOT_CAUSE_SINKS.all():
        abort(404)
    taken = services.send_root_causes(project, current_user)
    db.session.commit()
    return jsonify(SentSchema().dump({"sent": taken}))


# -- OpenAPI ----------------------------------------------------------------------

for _name, _schema in (("Fishbone", FishboneSchema), ("FishboneCause", CauseSchema), ("FishboneCategory", CategorySchema),
                       ("FishboneEvidence", EvidenceSchema)):
    bp.schema(_name, _schema)
_id = {"type": "integer"}
_pid = [{"name": "project_id", "in": "path", "required": True, "schema": _id}]
_cid = [{"name": "cause_id", "in": "path", "required": True, "schema": _id}]
_kid = [{"name": "category_id", "in": "path", "required": True, "schema": _id}]
_eid = [{"name": "evidence_id", "in": "path", "required": True, "schema": _id}]


def _op(summary, params, body=None, code="200", response=None, conflict=False):
    op = {"summary": summary, "parameters": params, "responses": {code: openapi.ok(summary, response), **openapi.ERRORS}}
    if conflict:
        op["responses"].update(openapi.CONFLICT)
    if body:
        op["requestBody"] = openapi.body(body)
    return op


bp.path(
    "/projects/{project_id}/fishbone",
    get=_op("The fishbone: effect, categories with ids and the cause tree", _pid, response=FishboneSchema),
    post=_op("Start the fishbone from a template (6m, 8p, 4s, custom) or category names", _pid, NewFishboneSchema, "201", FishboneSchema),
    patch=_op("Change the effect", _pid, FishboneChangeSchema, response=FishboneSchema, conflict=True),
)
bp.path(
    "/projects/{project_id}/fishbone/import",
    post=_op("Create the fishbone from a text outline (indented list or Mermaid ishikawa); nothing is stored if a line is wrong", _pid,
             OutlineInSchema, "201", FishboneSchema),
)
bp.path(
    "/projects/{project_id}/fishbone/outline",
    get=_op("The fishbone as a text outline", _pid + [{"name": "style", "in": "query", "schema": {"type": "string", "enum": ["list", "mermaid"]}}],
            response=OutlineSchema),
)
bp.path(
    "/projects/{project_id}/fishbone/changes",
    get=_op("Cheap poll: has the diagram changed since revision N?", _pid + [{"name": "since", "in": "query", "schema": _id}], response=RevisionSchema),
)
bp.path("/projects/{project_id}/fishbone/categories", post=_op("Add a category (bone)", _pid, CategoryInSchema, "201", CategorySchema))
bp.path(
    "/fishbone/categories/{category_id}",
    patch=_op("Rename or reorder a category", _kid, CategoryChangeSchema, response=CategorySchema, conflict=True),
    delete=_op("Remove a category with its causes", _kid, response=DeletedSchema),
)
bp.path(
    "/projects/{project_id}/fishbone/causes",
    post=_op("Add a cause (or a sub-cause with parent_id)", _pid, NewCauseSchema, "201", CauseSchema),
)
bp.path(
    "/causes/{cause_id}",
    get=_op("One cause with its evidence and the records that came from it", _cid, response=CauseSchema),
    patch=_op("Edit, move (parent_id, category_id, position) or mark suspected/open", _cid, CauseChangeSchema, response=CauseSchema, conflict=True),
    delete=_op("Delete a cause with its sub-causes", _cid, response=DeletedSchema),
)
bp.path("/causes/{cause_id}/whys", post=_op("Add a 5 Whys chain under the cause", _cid, WhysSchema, "201", CauseChainSchema))
bp.path("/causes/{cause_id}/verify", post=_op("Mark a verified root cause with the evidence that verified it", _cid, VerifySchema,
                                              response=CauseSchema, conflict=True))
bp.path("/causes/{cause_id}/evidence", post=_op("Attach evidence: text, link, file (multipart) or complaint id", _cid, NewEvidenceSchema, "201",
                                                EvidenceSchema))
bp.path("/fishbone/evidence/{evidence_id}", delete=_op("Remove evidence", _eid, response=DeletedSchema))
bp.path("/projects/{project_id}/fishbone/vote-sessions", post=_op("Start a dot-voting round with N votes per member", _pid, NewVotingRoundSchema,
                                                                  "201", NewVotingRoundAnswerSchema))
bp.path("/causes/{cause_id}/votes", post=_op("Place one of my dots on the cause", _cid, code="201", response=VoteSchema),
        delete=_op("Take one of my dots back", _cid, response=VoteSchema))
bp.path("/projects/{project_id}/fishbone/send-root-causes", post=_op("Send the verified root causes to the FMEA (when installed)", _pid,
                                                                     response=SentSchema))
