"""Pages of the fishbone: the live editor (and meeting mode), categories, import, exports and the print view."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from workbench import live, uploads
from workbench.auth.forms import EmptyForm
from workbench.errors import conflict_message
from workbench.extensions import db
from workbench.fishbone import bp, evidence, outline, render, services
from workbench.fishbone.forms import CategoryForm, EffectForm, ImportForm, StartForm
from workbench.fishbone.models import FishboneEvidence
from workbench.formtools import commit_or_report
from workbench.i18n import is_persian, isolate
from workbench.persistence import check_version
from workbench.roles import Role
from workbench.teams.services import get_project
from workbench.validation import Conflict, InvalidInput

MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def _can_write(project) -> bool:
    return current_user.role != Role.VIEWER


def _back(project_id: int):
    return redirect(url_for("fishbone.page", project_id=project_id))


@bp.route("/projects/<int:project_id>/fishbone")
@login_required
def page(project_id: int):
    project = get_project(project_id, current_user)
    diagram = services.diagram_of(project)
    if diagram is None:
        start = StartForm(language="fa" if is_persian() else "en", effect=project.problem_statement or project.title)
        return render_template("fishbone/start.html", project=project, form=start, import_form=ImportForm(),
                               can_write=_can_write(project))
    root_causes = services.verified_root_causes(project.id)
    sent = services.root_cause_destination(project, [c["id"] for c in root_causes])
    return render_template(
        "fishbone/diagram.html", project=project, diagram=diagram, can_write=_can_write(project),
        # formdata=None: shown again after a refused form, these hold what is stored, not what was posted.
        category_form=CategoryForm(formdata=None), effect_form=EffectForm(formdata=None, effect=diagram.effect, version=diagram.version),
        button=EmptyForm(), has_sinks=bool(services.ROOT_CAUSE_SINKS.all()), meeting=request.args.get("meeting") == "1",
        root_causes=root_causes, unsent=[c for c in root_causes if c["id"] not in sent["taken"]], sent_url=sent["url"],
    )


@bp.post("/projects/<int:project_id>/fishbone/start")
@login_required
def start(project_id: int):
    project = get_project(project_id, current_user, write=True)
    form = StartForm()
    if form.validate_on_submit():
        with commit_or_report():
            services.create_diagram(project, form.template.data, form.language.data, form.effect.data or None)
    return _back(project.id)


@bp.post("/projects/<int:project_id>/fishbone/import")
@login_required
def import_outline(project_id: int):
    project = get_project(project_id, current_user, write=True)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    text = form.outline.data or ""
    upload = request.files.get("file")
    if upload and upload.filename:
        try:
            staged = uploads.receive(upload, uploads.OUTLINE, current_user)
            try:
                text = uploads.read_text(str(staged.path), staged.filename)
            finally:
                uploads.discard(staged)
        except InvalidInput as error:
            flash(str(error), "error")
            return _back(project.id)
    with commit_or_report() as saved:
        outline.import_outline(project, current_user, text)
    if saved:
        flash(_("Outline imported."), "info")
    return _back(project.id)


@bp.post("/projects/<int:project_id>/fishbone/effect")
@login_required
def effect(project_id: int):
    _project, diagram = services.load(project_id, current_user, write=True)
    form = EffectForm()
    if form.validate_on_submit():

        def effect_conflict(error: Conflict) -> None:
            flash(_("Someone else changed the effect first. Theirs: “%(current)s”. Yours: “%(mine)s”.",
                    current=isolate((error.current or {}).get("effect", "")), mine=isolate(form.effect.data)), "error")

        with commit_or_report(on_conflict=effect_conflict):
            data = {"effect": form.effect.data, "version": form.version.data}
            check_version(diagram, data, required=True)
            services.update_diagram(diagram, data)
    return _back(project_id)


@bp.post("/projects/<int:project_id>/fishbone/categories")
@login_required
def category_add(project_id: int):
    _project, diagram = services.load(project_id, current_user, write=True)
    form = CategoryForm()
    if form.validate_on_submit():
        services.add_category(diagram, form.name.data)
        db.session.commit()
    else:
        flash(_("A category needs a name (at most 120 characters)."), "error")
    return _back(project_id)


@bp.post("/fishbone/categories/<int:category_id>/<action>")
@login_required
def category_change(category_id: int, action: str):
    """Rename, move or remove a bone from the page; each form carries the version it was read at."""
    if action not in ("rename", "up", "down", "remove"):
        abort(404)
    category = services.load_category(category_id, current_user, write=True)
    project_id = category.diagram.project_id
    form = CategoryForm() if action == "rename" else EmptyForm()
    if not form.validate_on_submit():
        flash(_("A category needs a name (at most 120 characters)."), "error")
        return page(project_id), 400
    sent = {"version": request.form.get("version"), "name": request.form.get("name")}

    def category_conflict(error: Conflict) -> None:
        if action == "rename" and error.current and not error.missing:
            flash(_("Someone else changed the category first. Theirs: “%(current)s”. Yours: “%(mine)s”.",
                    current=isolate(error.current.get("name", "")), mine=isolate(form.name.data)), "error")
        else:
            flash(conflict_message(error), "error")

    with commit_or_report(on_conflict=category_conflict) as saved:
        check_version(category, sent, required=True)
        if action == "rename":
            services.update_category(category, {"name": form.name.data})
        elif action == "remove":
            services.delete_category(category)
        else:
            services.update_category(category, {"position": _index(category) + (-1 if action == "up" else 1)})
    if not saved:
        return page(project_id), saved.status
    return _back(project_id)


def _index(category) -> int:
    return [c.id for c in category.diagram.categories].index(category.id)


@bp.post("/projects/<int:project_id>/fishbone/send")
@login_required
def send(project_id: int):
    project, _diagram = services.load(project_id, current_user, write=True)
    if not services.ROOT_CAUSE_SINKS.all() or not EmptyForm().validate_on_submit():
        abort(404)
    with commit_or_report() as saved:
        causes = services.verified_root_causes(project.id)
        taken = services.send_root_causes(project, current_user)
    if not saved:
        return _back(project_id)
    flash(ngettext("%(num)d verified root cause sent to the FMEA: rate it there.",
                   "%(num)d verified root causes sent to the FMEA: rate them there.", taken), "info")
    landing = services.root_cause_destination(project, [c["id"] for c in causes])["url"]
    return redirect(landing) if landing and taken else _back(project_id)


@bp.route("/projects/<int:project_id>/fishbone.<any(svg, png, pdf):fmt>")
@login_required
def export(project_id: int, fmt: str):
    project = get_project(project_id, current_user)
    rtl = request.args.get("dir", "rtl" if is_persian() else "ltr") == "rtl"
    paper = request.args.get("paper")
    paper = paper if paper in render.PAPERS else ("a4" if fmt == "pdf" else None)
    # Drawn once per revision of the project (and per language, for the legend), then served from the cache.
    scope, variant = live.project_scope(project.id), render.variant(fmt, rtl, paper)
    headers = {
        # The SVG carries user text: never let a browser treat it as an active document.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'",
        "X-Content-Type-Options": "nosniff",
        # Kept by the browser, asked again each time: a 304 while the project has not changed.
        "Cache-Control": "private, no-cache",
    }
    if request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="fishbone-project-{project.id}.{fmt}"'
    revision = live.current(scope)
    etag = live.etag_for(scope, variant, revision)
    if live.not_modified(etag):
        return Response(status=304, headers={**headers, "ETag": etag})

    def draw() -> bytes:
        _project, diagram = services.load(project.id, current_user)
        return render.draw(diagram, fmt, rtl=rtl, paper=paper)

    try:
        data, etag = live.cached_rendering(scope, variant, draw, revision=revision)
    except render.RenderError as error:
        current_app.logger.error("fishbone rendering failed: %s", error)
        abort(503, _("The diagram could not be drawn (graphviz failed). Ask the administrator to run scripts/setup.sh."))
    return Response(data, mimetype=MIMETYPES[fmt], headers={**headers, "ETag": etag})


@bp.route("/projects/<int:project_id>/fishbone.txt")
@login_required
def export_text(project_id: int):
    project, diagram = services.load(project_id, current_user)
    style = "mermaid" if request.args.get("style") == "mermaid" else "list"
    response = Response(outline.export(diagram, style), mimetype="text/plain")
    if request.args.get("download"):
        suffix = "mmd" if style == "mermaid" else "txt"
        response.headers["Content-Disposition"] = f'attachment; filename="fishbone-project-{project.id}.{suffix}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/projects/<int:project_id>/fishbone/print")
@login_required
def print_view(project_id: int):
    project, diagram = services.load(project_id, current_user)
    paper = request.args.get("paper") if request.args.get("paper") in render.PAPERS else "a4"
    svg = render.draw(diagram, "svg", rtl=is_persian()).decode()
    svg = svg[svg.index("<svg"):]
    return render_template("fishbone/print.html", project=project, diagram=diagram, svg=svg, paper=paper,
                           root_causes=services.verified_root_causes(project.id))


@bp.route("/fishbone/evidence/<int:evidence_id>/file")
@login_required
def evidence_file(evidence_id: int):
    item = db.get_or_404(FishboneEvidence, evidence_id)
    services.load_cause(item.cause_id, current_user)
    if not item.stored_name or not evidence.file_path(item).is_file():
        abort(404)
    return send_file(evidence.file_path(item), as_attachment=True, download_name=item.file_name or "evidence",
                     mimetype="application/octet-stream")
