"""Pages: a project's actions, lifecycle (stages, sign-off, reopening), effectiveness, traceability and report."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from workbench import process_owners
from workbench.actions import bp, effectiveness, fmea_link, lifecycle, links, notify, report, services, signature, trace
from workbench.actions.forms import ActionForm, CharterForm, CheckForm, DecisionForm, ReopenForm, SignOffForm, StageForm
from workbench.actions.models import EffectivenessCheck
from workbench.auth.forms import EmptyForm
from workbench.extensions import db
from workbench.formtools import choices, commit_or_report, form_status, refused_edit, show_conflict
from workbench.i18n import isolate, localized_name
from workbench.persistence import check_version
from workbench.teams import services as teams
from workbench.teams import stages
from workbench.teams.labels import stage_label


def _owner_choices(project) -> list:
    members = [(m.user_id, m.user.name) for m in project.team.memberships]
    return choices([("", "—")] + members)


def _link_choices(form, project) -> None:
    """The action form's pickers: the team's people, the project's fishbone causes and FMEA rows."""
    form.owner_id.choices = _owner_choices(project)
    form.cause_id.choices = choices([("", "—")] + links.cause_choices(project.id))
    form.fmea_row_id.choices = choices([("", "—")] + links.fmea_row_choices(project.id))


def _pairs(select_choices) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in select_choices if c.value]


def _optional_id(value):
    return None if value in (None, "", "None") else value


def _action_data(form) -> dict:
    return {
        "title": form.title.data, "type": form.type.data, "owner_id": form.owner_id.data, "due_date": form.due_date.data,
        "status": form.status.data, "evidence_text": form.evidence_text.data,
        "cause_id": _optional_id(form.cause_id.data), "fmea_row_id": _optional_id(form.fmea_row_id.data),
    }


def _store_upload(action, form) -> None:
    upload = form.evidence_file.data
    if upload and getattr(upload, "filename", ""):
        services.attach_evidence(action, upload)


@bp.route("/projects/<int:project_id>/actions", methods=["GET", "POST"])
@login_required
def project_actions(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST")
    form = ActionForm()
    _link_choices(form, project)
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            action = services.save_action(None, project, _action_data(form))
            db.session.flush()
            _store_upload(action, form)
        if saved:
            flash(_("Action “%(title)s” added.", title=isolate(action.title)), "info")
            return redirect(url_for("actions.project_actions", project_id=project.id))
    link_names = {"cause": dict(_pairs(form.cause_id.choices)), "fmea_row": dict(_pairs(form.fmea_row_id.choices))}
    return render_template("actions/list.html", project=project, actions=services.actions_of(project.id), form=form,
                           is_overdue=services.is_overdue, link_names=link_names), form_status(saved)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@login_required
def action_edit(action_id: int):
    action = services.get_action(action_id, current_user, write=request.method == "POST")
    project = action.project
    form = ActionForm(obj=action if request.method == "GET" else None)
    _link_choices(form, project)
    if request.method == "GET":
        form.owner_id.data = str(action.owner_id)
        form.cause_id.data = str(action.cause_id or "")
        form.fmea_row_id.data = str(action.fmea_row_id or "")
    saved = None
    if form.validate_on_submit():
        # On a conflict the page shows the stored action again (with its new version) beside the person's input.
        with commit_or_report(form, on_conflict=lambda error: show_conflict(None, error)) as saved:
            check_version(action, {"version": request.form.get("version")}, required=True)
            services.save_action(action, project, _action_data(form))
            _store_upload(action, form)
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("actions.project_actions", project_id=project.id))
    return render_template("actions/edit.html", project=project, action=action, form=form,
                           overdue=services.is_overdue(action), fmea_row=fmea_link.row_of(action)), form_status(saved)


@bp.route("/actions/<int:action_id>/evidence")
@login_required
def evidence_download(action_id: int):
    action = services.get_action(action_id, current_user)
    path = services.evidence_path(action)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=action.evidence_name or path.name)


@bp.route("/projects/<int:project_id>/lifecycle", methods=["GET", "POST"])
@login_required
def lifecycle_page(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST")
    charter = lifecycle.charter_of(project.id)
    form = CharterForm(obj=charter if request.method == "GET" else None, prefix="charter")
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            lifecycle.save_charter(project.id, form.data, required=True)
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("actions.lifecycle_page", project_id=project.id))
    return render_template(
        "actions/lifecycle.html", project=project, form=form, stage_form=StageForm(stage=project.stage, prefix="move"),
        reopen_form=ReopenForm(prefix="reopen"), history=lifecycle.stage_history(project.id),
        sign_offs=lifecycle.sign_offs(project.id), meanings=lifecycle.SIGNATURE_MEANINGS,
        blockers=lifecycle.close_blockers(project) if project.stage != "closed" else [],
    ), form_status(saved)


@bp.post("/projects/<int:project_id>/stage")
@login_required
def stage_move(project_id: int):
    project = teams.get_project(project_id, current_user, write=True, lifecycle=True)
    form = StageForm(prefix="move")
    if form.validate_on_submit():
        with commit_or_report(on_conflict=lambda error: refused_edit(error, form.reason.data)) as saved:
            check_version(project, {"version": request.form.get("version"), "stage": form.stage.data, "reason": form.reason.data}, required=True)
            stages.change_stage(project, current_user, form.stage.data, form.reason.data)
        if saved:
            flash(_("The project is now in stage %(stage)s.", stage=stage_label(form.stage.data)), "info")
    return redirect(url_for("actions.lifecycle_page", project_id=project.id))


@bp.post("/projects/<int:project_id>/reopen")
@login_required
def reopen(project_id: int):
    project = teams.get_project(project_id, current_user, write=True, lifecycle=True)
    form = ReopenForm(prefix="reopen")
    with commit_or_report() as saved:
        lifecycle.reopen_project(project, current_user, form.reason.data or "", form.stage.data or "improve")
    if saved:
        flash(_("The project was reopened."), "info")
    return redirect(url_for("actions.lifecycle_page", project_id=project.id))


@bp.route("/projects/<int:project_id>/close", methods=["GET", "POST"])
@login_required
def close_page(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST", lifecycle=True)
    form = SignOffForm()
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            lifecycle.close_project(project, current_user, form.password.data, form.meaning.data)
        if saved:
            flash(_("Signed and closed."), "info")
            return redirect(url_for("actions.lifecycle_page", project_id=project.id))
    blockers = lifecycle.close_blockers(project) if project.stage != "closed" else []
    digest = signature.content_hash(project) if project.stage != "closed" else None
    return render_template("actions/close.html", project=project, form=form, blockers=blockers, content_hash=digest), form_status(saved)


@bp.route("/projects/<int:project_id>/effectiveness", methods=["GET", "POST"])
@login_required
def effectiveness_page(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST")
    form = CheckForm()
    form.process_owner.choices = choices([("", "—")] + [(o.key, localized_name(o)) for o in process_owners.list_process_owners()])
    if request.method == "GET" and project.process_owner:
        form.process_owner.data = project.process_owner.key
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            effectiveness.save_check(None, project, {k: form[k].data for k in ("criteria", "actions_on", "check_date", "process_owner", "product", "category")})
        if saved:
            flash(_("Effectiveness check added."), "info")
            return redirect(url_for("actions.effectiveness_page", project_id=project.id))
    checks = effectiveness.checks_of(project.id)
    # Nothing linked in either window: the text says "not enough data"; a row of empty bars would say nothing.
    charts = {c.id: Markup(effectiveness.chart_svg(c)) for c in checks if c.measured_at and (c.before_count or c.after_count)}
    surveys = {c.id: effectiveness.survey_comparison(c) for c in checks if c.measured_at}
    return render_template("actions/effectiveness.html", project=project, form=form, checks=checks, charts=charts, surveys=surveys,
                           decision_form=DecisionForm(), button=EmptyForm(),
                           results={c.id: effectiveness.result_of(c) for c in checks if c.measured_at}), form_status(saved)


def _check_for_write(check_id: int) -> EffectivenessCheck:
    check = db.get_or_404(EffectivenessCheck, check_id)
    teams.get_project(check.project_id, current_user, write=True)
    return check


@bp.post("/effectiveness/<int:check_id>/measure")
@login_required
def measure(check_id: int):
    check = _check_for_write(check_id)
    if EmptyForm().validate_on_submit():
        with commit_or_report(on_conflict=refused_edit) as saved:
            check_version(check, {"version": request.form.get("version")}, required=True)
            effectiveness.measure(check)
        if saved:
            flash(_("Measured."), "info")
    return redirect(url_for("actions.effectiveness_page", project_id=check.project_id))


@bp.post("/effectiveness/<int:check_id>/decision")
@login_required
def decide(check_id: int):
    check = _check_for_write(check_id)
    form = DecisionForm()
    if form.validate_on_submit():
        with commit_or_report(on_conflict=lambda error: refused_edit(error, form.note.data)) as saved:
            check_version(check, {"version": request.form.get("version"), "decision": form.decision.data, "note": form.note.data}, required=True)
            effectiveness.decide(check, current_user, form.decision.data, form.note.data)
        if saved:
            flash(_("Decision recorded."), "info")
    elif form.decision.errors:
        flash(_("Choose the decision."), "error")
    return redirect(url_for("actions.effectiveness_page", project_id=check.project_id))


@bp.route("/projects/<int:project_id>/trace")
@login_required
def trace_page(project_id: int):
    project = teams.get_project(project_id, current_user)
    graph = trace.project_graph(project)
    return render_template("actions/trace.html", project=project, svg=Markup(trace.graph_svg(graph)), graph=graph)


@bp.route("/trace/complaints/<int:complaint_id>")
@login_required
def complaint_trace_page(complaint_id: int):
    complaint, projects = trace.projects_for_complaint(complaint_id, current_user)
    return render_template("actions/complaint_trace.html", complaint=complaint, projects=projects)


@bp.route("/projects/<int:project_id>/report.pdf")
@login_required
def report_pdf(project_id: int):
    project = teams.get_project(project_id, current_user)
    appendix = request.args.get("appendix") in ("1", "true", "yes")
    pdf = report.report_pdf(project, appendix=appendix)
    name = f"8d-report-{project.id}{'-appendix' if appendix else ''}.pdf"
    return pdf, 200, {"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{name}"'}


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    if request.method == "POST" and EmptyForm().validate_on_submit():
        notify.mark_read(current_user)
        db.session.commit()
        flash(_("All notifications marked as read."), "info")
        return redirect(url_for("actions.notifications"))
    return render_template("actions/notifications.html", notes=notify.notifications_for(current_user),
                           text=notify.notification_text, button=EmptyForm())
