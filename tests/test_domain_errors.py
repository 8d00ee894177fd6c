"""Services raise domain errors (NotFound, Forbidden); ``workbench/errors.py`` answers them in one place,
with the same page and JSON as an HTTP 404/403 raised by a route."""

import re

from sqlalchemy import select

from workbench.teams.models import ImprovementProject, Team

NOT_FOUND = "This page does not exist, or you do not have access to it."
FORBIDDEN = "You do not have access to this page."


def _page(response) -> str:
    return response.get_data(as_text=True)


# A CSRF token is signed with the second it was made: two requests a second apart carry different ones.
_CSRF = re.compile(r'(name="csrf[-_]token" (?:value|content)=")[^"]*"')


def _same_page(one, other) -> bool:
    """The same page, but for the language links that point at the page's own URL and the CSRF tokens' timestamps."""
    return _CSRF.sub(r'\1"', _page(one).replace(one.request.path, "URL")) == _CSRF.sub(r'\1"', _page(other).replace(other.request.path, "URL"))


def test_a_project_the_service_hides_is_the_same_404_as_a_missing_page(client, login, make_user, make_team, make_project, db):
    hidden = make_project(team=make_team(name="B"), title="Project B")
    login(make_user())  # on no team
    page, missing = client.get(f"/projects/{hidden.id}"), client.get("/no-such-page")
    assert page.status_code == missing.status_code == 404
    assert "Error 404" in _page(page) and NOT_FOUND in _page(page)
    assert _same_page(page, missing)
    api, api_missing = client.get(f"/api/v1/projects/{hidden.id}"), client.get("/api/v1/no-such-thing")
    assert api.status_code == api_missing.status_code == 404
    assert api.get_json() == api_missing.get_json() == {"error": "not_found", "message": NOT_FOUND}
    # Nothing about the project leaks, and a write is refused the same way without writing.
    refused = client.patch(f"/api/v1/projects/{hidden.id}", json={"title": "hijack", "version": hidden.version})
    assert refused.status_code == 404 and refused.get_json() == {"error": "not_found", "message": NOT_FOUND}
    db.session.expire_all()
    assert db.session.scalar(select(ImprovementProject.title).where(ImprovementProject.id == hidden.id)) == "Project B"


def test_a_member_refused_by_the_service_gets_the_403_page_and_json(client, login, make_team, db):
    """A team member who is not its leader may see the team but not change it: Forbidden from ``get_team``."""
    from workbench.models import User

    team = make_team(name="A")
    login(db.session.get(User, team.memberships[1].user_id))
    page = client.get(f"/teams/{team.id}/edit")
    assert page.status_code == 403 and "Error 403" in _page(page) and FORBIDDEN in _page(page)
    refused = client.patch(f"/api/v1/teams/{team.id}", json={"name": "Renamed", "version": team.version})
    assert refused.status_code == 403
    assert refused.get_json() == {"error": "forbidden", "message": FORBIDDEN}
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "A"


def test_a_service_message_reaches_the_api(client, login, db, make_project):
    """``NotFound("…")`` from a service: its own message in the API, as ``abort(404, "…")`` gave before."""
    from workbench.models import User

    project = make_project()
    login(db.session.get(User, project.team.leader_id))
    response = client.get(f"/api/v1/projects/{project.id}/fishbone/outline")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "message": "This project has no fishbone yet."}


def test_refusals_speak_persian(client, login, make_user, make_team, make_project, db):
    from workbench.models import User

    team = make_team(name="A")
    member = db.session.get(User, team.memberships[1].user_id)
    member.locale = "fa"
    db.session.commit()
    login(member)
    refused = client.patch(f"/api/v1/teams/{team.id}", json={"name": "x", "version": team.version})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    message = refused.get_json()["message"]
    assert message != FORBIDDEN and any("\u0600" <= ch <= "\u06ff" for ch in message)
    hidden = make_project(team=make_team(name="B"))
    missing = client.get(f"/api/v1/projects/{hidden.id}")
    assert missing.status_code == 404 and any("\u0600" <= ch <= "\u06ff" for ch in missing.get_json()["message"])
    page = client.get(f"/projects/{hidden.id}").get_data(as_text=True)
    assert NOT_FOUND not in page and missing.get_json()["message"] in page
