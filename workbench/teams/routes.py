
"""Pages for teams and improvement projects."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from workbench import process_owners
from workbench.complaint_import.models import Theme
from workbench.extensions import db
from workbench.formtools import choices, commit_or_report, form_status
from workbench.i18n import isolate, localized_name
from workbench.live import project_scope
from workbench.persistence import check_version
from workbench.registry import PROJECT_PANELS
from workbench.revalidation import revalidated
from workbench.roles import Role
from workbench.teams import bp, people, services, theme_link
from workbench.teams.forms import ProjectForm, TeamForm
from workbench.teams.models import ImprovementProject
from workbench.validation import whole_number


def _owner_choices(blank: str) -> list[tuple[str, str]]:
    return choices([("", blank)] + [(o.key, localized_name(o)) for o in process_owners.list_process_owners()])


def _user_choices(chosen: set[int], team=None) -> list:
    """The people offered on the team form: the chosen ones and the first ``people.INLINE_PEOPLE`` by
    name (the picker finds the others through ``people_search``)."""
    return choices([("", "—")] + people.choices(current_user, chosen, team))


@bp.route("/teams/people.json")
@login_required
def people_search():
    """Active people matching ``q`` for the team form's pickers, as the team form may offer them."""
    team_id = request.args.get("team", type=whole_number)
    team = services.get_team(team_id, current_user) if team_id else None
    found = people.search(current_user, request.args.get("q", ""), team)
    return {"results": [{"value": str(value), "text": text} for value, text in found]}


@bp.route("/teams")
@login_required
def team_list():
    return render_template("teams/list.html", teams=services.teams_for(current_user))


def _team_form(team=None):
    form = TeamForm(obj=team if request.method == "GET" else None)
    chosen = people.chosen_ids(team, request.form if request.method == "POST" else None)
    offered = _user_choices(chosen, team)
    search = url_for("teams.people_search", team=team.id) if team else url_for("teams.people_search")
    for select_field in [form.leader_id] + [row.user_id for row in form.members]:
        select_field.choices = offered
        select_field.render_kw = {**(select_field.render_kw or {}), "data-picker-url": search}
    for row in form.members:
        row.process_owner.choices = _owner_choices("—")
    if request.method == "GET" and team is not None:
        form.leader_id.data = str(team.leader_id)
        for row, membership in zip(form.members, team.memberships, strict=False):
            row.user_id.data = str(membership.user_id)
            row.role.data = membership.role
            row.process_owner.data = membership.process_owner.key if membership.process_owner else ""
    return form


@bp.route("/teams/new", methods=["GET", "POST"])
@login_required
def team_new():
    if not current_user.can_manage:
        abort(403)
    form, saved = _team_form(), None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            team = services.save_team(None, form.name.data, form.leader_id.data, form.member_rows())
        if saved:
            flash(_("Team “%(name)s” created.", name=isolate(team.name)), "info")
            return redirect(url_for("teams.team_detail", team_id=team.id))
    return render_template("teams/form.html", form=form, team=None), form_status(saved)


@bp.route("/teams/<int:team_id>")
@login_required
def team_detail(team_id: int):
    team = services.get_team(team_id, current_user)
    projects = db.session.scalars(services.projects_for(current_user, team_id=team.id))
    return render_template("teams/detail.html", team=team, projects=list(projects))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@login_required
def team_edit(team_id: int):
    team = services.get_team(team_id, current_user, write=True)
    form, saved = _team_form(team), None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            check_version(team, {"version": form.version.data, "name": form.name.data}, required=True)
            services.save_team(team, form.name.data, form.leader_id.data, form.member_rows())
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("teams.team_detail", team_id=team.id))
    return render_template("teams/form.html", form=form, team=team), form_status(saved)


@bp.route("/projects")
@login_required
def project_list():
    stage = request.args.get("stage") or None
    number = max(request.args.get("page", 1, type=whole_number), 1)  # a huge page number would overflow the OFFSET
    page = db.paginate(services.projects_for(current_user, stage=stage), page=number, per_page=30, error_out=False)
    return render_template("teams/projects.html", page=page, stage=stage)


def _team_choices(project=None) -> list[tuple[str, str]]:
    """The teams the user may start a project for: no preset unless there is exactly one."""
    found = [(str(t.id), t.name) for t in services.team_names_for(current_user)]
    if len(found) == 1 or project is not None:
        return choices(found)
    return choices([("", _("Choose the team"))] + found)


def _theme_id(value) -> int | None:
    """A posted theme id, or None when it is none (the service names what is wrong with it)."""
    return whole_number(value) if value else None


def _project_form(project=None, defaults: dict | None = None):
    form = ProjectForm(obj=project if request.method == "GET" else None)
    form.team_id.choices = _team_choices(project)
    form.process_owner.choices = _owner_choices("—")
    chosen = request.form.get("theme_id", type=_theme_id) if request.method == "POST" else (project.theme_id if project else None)
    form.theme_id.choices = choices([("", _("None"))] + theme_link.theme_choices(chosen))
    form.theme_id.render_kw = {**(form.theme_id.render_kw or {}), "data-picker-url": url_for("complaints.theme_search")}
    if request.method == "GET":
        if project is not None:
            form.team_id.data = str(project.team_id)
            form.process_owner.data = project.process_owner.key if project.process_owner else ""
            form.theme_id.data = str(project.theme_id or "")
        else:
            defaults = defaults or request.args
            form.team_id.data = request.args.get("team_id", "")
            form.title.data = defaults.get("title", "")
            form.problem_statement.data = defaults.get("problem_statement", "")
            form.process_owner.data = defaults.get("process_owner", "")
            form.theme_id.data = str(defaults.get("theme_id", ""))
    return form


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def project_new():
    if current_user.role == Role.VIEWER:
        abort(403)
    return _edit_project(None)


@bp.route("/projects/<int:project_id>")
@login_required
@revalidated(lambda project_id: (project_scope(project_id),))
def project_detail(project_id: int):
    # The page shows the team's name, the leader and the process owner: one query with the project.
    shown = (joinedload(ImprovementProject.team), joinedload(ImprovementProject.leader), joinedload(ImprovementProject.process_owner))
    project = services.get_project(project_id, current_user, options=shown)
    panels = [panel for panel in (f(project, current_user) for f in PROJECT_PANELS.all()) if panel]
    return render_template("teams/project.html", project=project, panels=panels)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def project_edit(project_id: int):
    return _edit_project(services.get_project(project_id, current_user, write=True))


def _project_data(form) -> dict:
    return {name: getattr(form, name).data for name in ("title", "problem_statement", "team_id", "process_owner", "target_date")}


def _edit_project(project):
    form, saved = _project_form(project), None
    if form.validate_on_submit():
        data = {**_project_data(form), "theme_id": form.theme_id.data}
        with commit_or_report(form) as saved:
            if project is not None:
                check_version(project, {"version": form.version.data}, required=True)
            project = services.save_project(project, current_user, data)
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("teams.project_detail", project_id=project.id))
    return render_template("teams/project_form.html", form=form, project=project), form_status(saved)


@bp.route("/themes/<int:theme_id>/project", methods=["GET", "POST"])
@login_required
def project_from_theme(theme_id: int):
    """A new project from a recurring theme: the form (GET, writes nothing) and its creation (POST)."""
    if current_user.role == Role.VIEWER:
        abort(403)
    theme = db.get_or_404(Theme, theme_id)
    if not theme.active:  # replaced by a newer build: its complaints have their new themes
        flash(_("This theme was replaced by a newer theme build: start the project from one of the current themes."), "error")
        return redirect(url_for("complaints.theme_list"))
    defaults = theme_link.start_defaults(theme)
    form = _project_form(None, {**defaults, "theme_id": theme.id})
    form.theme_id.choices = choices([(str(theme.id), theme.name)])
    form.theme_id.render_kw = {"data-picker": ""}  # this page's theme only: nothing to search
    saved = None
    if form.validate_on_submit():
        data = _project_data(form)
        with commit_or_report(form) as saved:
            project, count = services.start_from_theme(theme, current_user, data)
        if saved:
            flash(ngettext("Project created; %(num)d complaint of the theme linked to it.", "Project created; %(num)d complaints of the theme linked to it.", count), "info")
            return redirect(url_for("teams.project_detail", project_id=project.id))
    return render_template("teams/project_from_theme.html", form=form, theme=theme, counts=defaults), form_status(saved)
