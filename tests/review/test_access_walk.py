"""Every URL that names a project (or an object of one) is closed to other teams, viewers and anonymous users.

The test walks ``app.url_map`` so a route added later is checked too.
"""

import re

import pytest
from sqlalchemy import func, select

from workbench.audit import AuditLog
from workbench.demo import DEMO_PASSWORD

# Routes about the signed-in user's own things, or public, or reached only by role (admin pages).
OWN_OR_PUBLIC = {
    "static", "auth.login", "auth.logout", "auth.account", "auth.revoke_token", "main.healthz",
    "api.openapi", "api.create_token", "api.me", "actions.notifications", "main.favicon",
}
# Lists: they answer 200 to everyone signed in, but must not show other teams' work (checked below).
LISTS = {
    "main.index", "teams.project_list", "teams.team_list", "teams.project_new", "teams.team_new",
    "api.list_projects", "api.create_project", "api.list_teams", "api.create_team", "api.list_users",
    "api.post_user", "api.list_process_owners", "api.get_dashboard", "api.list_notifications", "teams.people_search",
    "actions.dashboard_page", "actions.dashboard_pdf", "actions.dashboard_xlsx",
    "fmea.ap_table", "fmea.settings", "api.fmea_settings", "api.fmea_save_settings",
    "admin.users", "admin.process_owners",
}
# Not tied to a team: complaints are shared by the whole organisation; users and process owners are admin's.
SHARED = {
    "actions.complaint_trace_page", "api.complaint_trace", "api.get_user", "admin.user_edit",
    "admin.process_owner_edit",
    # Complaints, surveys, themes and import jobs are organisation-wide data (roles are checked in tests/complaint_import).
    *{
        "api.list_complaints", "api.get_complaint", "api.label_complaint", "api.bulk_label", "api.pareto", "api.trend",
        "api.classifier_status", "api.retrain", "api.classifier_run_api", "api.classifier_run_apply_api", "api.classifier_run_discard_api", "api.survey_scores_api", "api.survey_drivers_api",
        "complaints.complaint_list", "complaints.complaint_search", "complaints.review", "complaints.label", "complaints.bulk_label",
        "complaints.analysis_page", "complaints.pareto_download", "complaints.trend_download", "complaints.complaints_download",
        "complaints.theme_list", "complaints.theme_search", "complaints.theme_rebuild", "complaints.theme_progress", "teams.project_from_theme",
        "complaints.imports", "complaints.import_job", "complaints.import_progress", "complaints.import_errors",
        "complaints.import_recheck", "complaints.import_confirm", "complaints.import_cancel", "complaints.survey_upload",
        "complaints.rules", "complaints.rule_update", "complaints.category_add", "complaints.retrain", "complaints.survey_page",
        "complaints.classifier_run", "complaints.classifier_run_progress", "complaints.classifier_run_apply", "complaints.classifier_run_discard",
        "complaints.rules_suggest", "complaints.rule_suggestion", "complaints.self_training_switch",
        "complaints.setup", "complaints.setup_industries", "complaints.setup_owner",
    },
    # The FMEA list shows project FMEAs through the team scope plus standalone FMEAs (tests/fmea/test_standalone.py).
    "fmea.fmea_list", "fmea.new_standalone", "api.fmea_list", "api.fmea_create_standalone",
}
EXTRA_VALUES = {"action": "rename", "fmt": "svg", "token": "0123abcd", "table": "projects"}
NOISE = "Refrigerator R-400 compressor noise"


def _urls(app, ids):
    ids = {k: v for k, v in ids.items() if k != "insider_id"}
    """(endpoint, method, url) for every rule whose arguments name the noise project or one of its objects."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OWN_OR_PUBLIC | LISTS | SHARED:
            continue
        values = {}
        for name in rule.arguments:
            if name in ids:
                values[name] = ids[name]
            elif name == "record_id":
                values[name] = ids["project_id"]
            else:
                values[name] = EXTRA_VALUES[name]
        formats = ("svg", "png", "pdf") if "fmt" in rule.arguments else (None,)
        for fmt in formats:
            if fmt:
                values["fmt"] = fmt
            with app.test_request_context():
                url = app.url_for(rule.endpoint, **values, _external=False)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    assert not [rule for rule in app.url_map.iter_rules() if not rule.arguments and rule.endpoint not in OWN_OR_PUBLIC | LISTS | SHARED]
    return found


def _send(client, method, url):
    if url.startswith("/api/"):
        return client.open(url, method=method, json={})
    return client.open(url, method=method, data={})


def _audit_count(db):
    return db.session.scalar(select(func.count(AuditLog.id)))


def test_every_route_is_listed(app, demo):
    urls = _urls(app, demo["ids"])
    endpoints = {endpoint for endpoint, _, _ in urls}
    assert {"fishbone.evidence_file", "actions.evidence_download", "fmea.export_xlsx", "api.fmea_row"} <= endpoints
    every = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert every == endpoints | OWN_OR_PUBLIC | LISTS | SHARED, every - endpoints - OWN_OR_PUBLIC - LISTS - SHARED


def test_member_of_another_team_gets_404_everywhere(app, db, client, login, demo):
    login(demo["outsider"], DEMO_PASSWORD)
    before = _audit_count(db)
    wrong = []
    for endpoint, method, url in _urls(app, demo["ids"]):
        if endpoint.startswith("admin.") or endpoint == "api.record_history":
            continue  # role-gated: checked with members in test_admin_only_routes
        response = _send(client, method, url)
        if response.status_code != 404:
            wrong.append((method, url, response.status_code))
    assert wrong == []
    assert _audit_count(db) == before


def test_admin_only_routes_refuse_members(app, client, login, demo):
    login(demo["insider"], DEMO_PASSWORD)
    for endpoint, method, url in _urls(app, demo["ids"]):
        if endpoint.startswith("admin.") or endpoint == "api.record_history":
            assert _send(client, method, url).status_code == 403, url


def test_viewer_reads_but_every_write_is_403(app, db, client, login, demo):
    login(demo["viewer"], DEMO_PASSWORD)
    before = _audit_count(db)
    wrong = []
    for endpoint, method, url in _urls(app, demo["ids"]):
        if method == "GET" or endpoint.startswith("admin.") or endpoint == "api.record_history":
            continue
        response = _send(client, method, url)
        if response.status_code != 403:
            wrong.append((method, url, response.status_code))
    assert wrong == []
    assert _audit_count(db) == before


def test_anonymous_users_are_sent_to_sign_in(app, db, client, demo):
    before = _audit_count(db)
    wrong = []
    for _endpoint, method, url in _urls(app, demo["ids"]):
        response = _send(client, method, url)
        expected = 401 if url.startswith("/api/") else 302
        if response.status_code != expected and not (expected == 302 and response.status_code == 401):
            wrong.append((method, url, response.status_code))
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    assert wrong == []
    assert _audit_count(db) == before


LIST_PAGES = ["/", "/projects", "/teams", "/api/v1/projects", "/api/v1/teams", "/dashboard", "/api/v1/dashboard",
              "/notifications", "/api/v1/notifications"]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_lists_hide_other_teams_work(client, login, demo, url):
    login(demo["outsider"], DEMO_PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert NOISE not in body
    assert "Fridge noise team" not in body
    assert not re.search(rf'"project_id":\s*{demo["ids"]["project_id"]}\b', body)


MANAGER_WRITES = [("POST", "/fmea/settings"), ("PATCH", "/api/v1/fmea/settings"), ("POST", "/api/v1/users"),
                  ("POST", "/api/v1/teams"), ("POST", "/teams/new"), ("POST", "/admin/users/new"),
                  ("POST", "/admin/process-owners/new")]


@pytest.mark.parametrize("who", ["insider", "viewer"])
def test_organisation_wide_writes_are_for_managers(db, client, login, demo, who):
    login(demo[who], DEMO_PASSWORD)
    before = _audit_count(db)
    for method, url in MANAGER_WRITES:
        assert _send(client, method, url).status_code == 403, url
    assert _audit_count(db) == before
