"""The leadership dashboard page and its XLSX / PDF exports."""

import json
from datetime import date

from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required

from workbench import process_owners
from workbench.actions import bp, clock, dashboard, dashboard_charts, exports
from workbench.i18n import page_language
from workbench.revalidation import computed_once, revalidated
from workbench.teams import services as teams
from workbench.teams.access import visible_team_ids
from workbench.teams.models import STAGES


def _data() -> dict:
    return dashboard.build(current_user, dashboard.parse_filters(request.args))



def _figures(filters: dict) -> tuple[dict, dict]:
    """The dashboard's figures and charts, computed once per data revision for everyone who sees the same
    teams, with the same filters, in the same language and quarter-hour (actions age by the clock)."""

    def produce():
        data = dashboard.build(current_user, filters)
        charts = dashboard_charts.build(current_user, filters, data)
        window = charts["window"]
        return {"data": data, "charts": {**charts, "window": {k: day.isoformat() for k, day in window.items()}}}

    teams_seen = visible_team_ids(current_user)
    now = clock.now()
    variant = json.dumps(["dashboard", page_language().code, sorted(teams_seen) if teams_seen is not None else "all",
                          {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in sorted(filters.items())},
                          now.date().isoformat(), now.hour, now.minute // 15])
    found = computed_once(variant, produce)
    charts = found["charts"]
    charts["window"] = {k: date.fromisoformat(day) for k, day in charts["window"].items()}
    return found["data"], charts


@bp.route("/dashboard")
@login_required
@revalidated(varies=clock.today)
def dashboard_page():
    filters = dashboard.parse_filters(request.args)
    data, charts = _figures(filters)
    owners = process_owners.list_process_owners(include_inactive=True)
    return render_template("actions/dashboard.html", data=data, stages=STAGES, owners=owners, charts=charts,
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
