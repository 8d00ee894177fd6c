"""The leadership dashboard page and its XLSX / PDF exports."""

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from workbench import process_owners
from workbench.actions import bp, clock, dashboard, dashboard_charts, exports
from workbench.revalidation import revalidated
from workbench.teams import services as teams
from workbench.teams.models import STAGES


def _data() -> dict:
    return dashboard.build(current_user, dashboard.parse_filters(request.args))



@bp.route("/dashboard")
@login_required
@revalidated(varies=clock.today)
def dashboard_page():
    filters = dashboard.parse_filters(request.args)
    data = dashboard.build(current_user, filters)
    owners = process_owners.list_process_owners(include_inactive=True)
    return render_template("actions/dashboard.html", data=data, stages=STAGES, owners=owners,
                           charts=dashboard_charts.build(current_user, filters, data),
                           teams=teams.team_names_for(current_user), owner_name=exports.owner_name,
                           args=request.args.to_dict())


@bp.route("/dashboard.xlsx")
@login_required
def dashboard_xlsx():
    body = exports.dashboard_xlsx(_data(), str(get_locale()))
    return body, 200, {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": 'attachment; filename="dashboard.xlsx"',
    }


@bp.route("/dashboard.pdf")
@login_required
def dashboard_pdf():
    filters = dashboard.parse_filters(request.args)
    data = dashboard.build(current_user, filters)
    body = exports.dashboard_pdf(data, str(get_locale()), dashboard_charts.build(current_user, filters, data))
    return body, 200, {"Content-Type": "application/pdf", "Content-Disposition": 'inline; filename="dashboard.pdf"'}
