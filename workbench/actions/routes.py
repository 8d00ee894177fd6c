"""Pages: a project's actions, lifecycle (stages, sign-off, reopening), effectiveness, traceability and report."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from workbench import process_owners
from workbench.actions import bp, effectiveness, fmea_link, lifecycle, notify, report, services, signature, trace
from workbench.actions.forms import ActionForm, CharterForm, CheckForm, DecisionForm, ReopenForm, SignOffForm, StageForm
from workbench.actions.models import EffectivenessCheck
from workbench.auth.forms import EmptyForm
from workbench.extensions import db
from workbench.formtools import apply_errors, choices, refused_edit, show_conflict
from workbench.i18n import localized_name
from workbench.persistence import check_version
from workbench.teams import services as teams
from workbench.teams import stages
from workbench.teams.labels import stage_label
from workbench.validation import Conflict, InvalidInput


def _owner_choices(project) -> list:
    members = [(m.user_id, m.user.name) for m in project.team.memberships]
    return choices([("", "—")] + members)


def _action_data(form) -> dict:
    return {
        "title": form.title.data, "type": form.type.data, "owner_id": form.owner_id.data, "due_date": form.due_date.data,
        "status": form.status.data, "evidence_text": form.evidence_text.data,
        "cause_id": form.cause_id.data, "fmea_row_id": form.fmea_row_id.data,
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
    form.owner_id.choices = _owner_choices(project)
    status = 200
    if form.validate_on_submit():
        try:
            action = services.save_action(None, project, _action_data(form))
            db.session.flush()
            _store_upload(action, form)
            db.session.commit()
            flash(_("Action “%(title)s” added.", title=action.title), "info")
            return redirect(url_for("actions.project_actions", project_id=project.id))
        except InvalidInput as error:
            db.session.rollback()
            apply_errors(form, error)
    if request.method == "POST":
        status = 400
    return render_template("actions/list.html", project=project, actions=services.actions_of(project.id), form=form,
                           is_overdue=services.is_overdue), status


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@login_required
def action_edit(action_id: int):
    action = services.get_action(action_id, current_user, write=request.method == "POST")
    project = action.project
    form = ActionForm(obj=action if request.method == "GET" else None)
    form.owner_id.choices = _owner_choices(project)
    if request.method == "GET":
        form.owner_id.data = str(action.owner_id)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            check_version(action, {"version": request.form.get("version")}, required=True)
            services.save_action(action, project, _action_data(form))
            _store_upload(action, form)
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("actions.project_actions", project_id=project.id))
        except InvalidInput as error:
            db.session.rollback()
            apply_errors(form, error)
        except Conflict as error:
            # The page shows the stored action again (with its new version) beside the person's input.
            db.session.rollback()
            show_conflict(None, error)
            status = 409
    return render_template("actions/edit.html", project=project, action=action, form=form,
                           overdue=services.is_overdue(action), fmea_row=fmea_link.row_of(action)), status


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
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            lifecycle.save_charter(project.id, form.data, required=True)
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("actions.lifecycle_page", project_id=project.id))
        except InvalidInput as error:
            db.session.rollback()
            apply_errors(form, error)
        except Conflict as error:
            db.session.rollback()
            show_conflict(form, error)
            status = 409
    return render_template(
        "actions/lifecycle.html", project=project, form=form, stage_form=StageForm(stage=project.stage, prefix="move"),
        reopen_form=ReopenForm(prefix="reopen"), history=lifecycle.stage_history(project.id),
        sign_offs=lifecycle.sign_offs(project.id), meanings=lifecycle.SIGNATURE_MEANINGS,
        blockers=lifecycle.close_blockers(project) if project.stage != "closed" else [],
    ), status


@bp.post("/projects/<int:project_id>/stage")
@login_required
def stage_move(project_id: int):
    project = teams.get_project(project_id, current_user, write=True, lifecycle=True)
    form = StageForm(prefix="move")
    if form.validate_on_submit():
        try:
            check_version(project, {"version": request.form.get("version"), "stage": form.stage.data, "reason": form.reason.data}, required=True)
            stages.change_stage(project, current_user, form.stage.data, form.reason.data)
            db.session.commit()
            flash(_("The project is now in stage %(stage)s.", stage=stage_label(form.stage.data)), "info")
        except Conflict as error:
            db.session.rollback()
            refused_edit(error, form.reason.data)
        except InvalidInput as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "error")
    return redirect(url_for("actions.lifecycle_page", project_id=project.id))


@bp.post("/projects/<int:project_id>/reopen")
@login_required
def reopen(project_id: int):
    project = teams.get_project(project_id, current_user, write=True, lifecycle=True)
    form = ReopenForm(prefix="reopen")
    try:
        lifecycle.reopen_project(project, current_user, form.reason.data or "", form.stage.data or "improve")
        db.session.commit()
        flash(_("The project was reopened."), "info")
    except InvalidInput as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(message, "error")
    return redirect(url_for("actions.lifecycle_page", project_id=project.id))


@bp.route("/projects/<int:project_id>/close", methods=["GET", "POST"])
@login_required
def close_page(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST", lifecycle=True)
    form = SignOffForm()
    status = 200
    if form.validate_on_submit():
        try:
            lifecycle.close_project(project, current_user, form.password.data, form.meaning.data)
            db.session.commit()
            flash(_("Signed and closed."), "info")
            return redirect(url_for("actions.lifecycle_page", project_id=project.id))
        except InvalidInput as error:
            db.session.rollback()
            apply_errors(form, error)
            status = 400
    elif request.method == "POST":
        status = 400
    blockers = lifecycle.close_blockers(project) if project.stage != "closed" else []
    digest = signature.content_hash(project) if project.stage != "closed" else None
    return render_template("actions/close.html", project=project, form=form, blockers=blockers, content_hash=digest), status


@bp.route("/projects/<int:project_id>/effectiveness", methods=["GET", "POST"])
@login_required
def effectiveness_page(project_id: int):
    project = teams.get_project(project_id, current_user, write=request.method == "POST")
    form = CheckForm()
    form.process_owner.choices = choices([("", "—")] + [(o.key, localized_name(o)) for o in process_owners.list_process_owners()])
    if request.method == "GET" and project.process_owner:
        form.process_owner.data = project.process_owner.key
    status = 200
    if form.validate_on_submit():
        try:
            effectiveness.save_check(None, project, {k: form[k].data for k in ("criteria", "actions_on", "check_date", "process_owner", "product", "category")})
            db.session.commit()
            flash(_("Effectiveness check added."), "info")
            return redirect(url_for("actions.effectiveness_page", project_id=project.id))
        except InvalidInput as error:
            db.session.rollback()
            apply_errors(form, error)
    if request.method == "POST":
        status = 400
    checks = effectiveness.checks_of(project.id)
    charts = {c.id: Markup(effectiveness.chart_svg(c)) for c in checks if c.measured_at}
    surveys = {c.id: effectiveness.survey_comparison(c) for c in checks if c.measured_at}
    return render_template("actions/effectiveness.html", project=project, form=form, checks=checks, charts=charts, surveys=surveys,
                           decision_form=DecisionForm(), button=EmptyForm(),
                           results={c.id: effectiveness.result_of(c) for c in checks if c.measured_at}), status


def _check_for_write(check_id: int) -> EffectivenessCheck:
    check = db.get_or_404(EffectivenessCheck, check_id)
    teams.get_project(check.project_id, current_user, write=True)
    return check


@bp.post("/effectiveness/<int:check_id>/measure")
@login_required
def measure(check_id: int):
    check = _check_for_write(check_id)
    if EmptyForm().validate_on_submit():
        try:
            check_version(check, {"version": request.form.get("version")}, required=True)
            effectiveness.measure(check)
            db.session.commit()
            flash(_("Measured."), "info")
        except Conflict as error:
            db.session.rollback()
            refused_edit(error)
        except InvalidInput as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "error")
    return redirect(url_for("actions.effectiveness_page", project_id=check.project_id))


@bp.post("/effectiveness/<int:check_id>/decision")
@login_required
def decide(check_id: int):
    check = _check_for_write(check_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            check_version(check, {"version": request.form.get("version"), "decision": form.decision.data, "note": form.note.data}, required=True)
            effectiveness.decide(check, current_user, form.decision.data, form.note.data)
            db.session.commit()
            flash(_("Decision recorded."), "info")
        except Conflict as error:
            db.session.rollback()
            refused_edit(error, form.note.data)
        except InvalidInput as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "error")
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
