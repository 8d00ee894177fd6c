"""Two people edit the same record through the page forms: the second is refused and the first's change stays.

Each person has their own signed-in session (client). Both read the page
first, so each form carries the version it was read at; the later save is
refused with the conflict message and what that person typed, and nothing
of it is written. Deletes through the API behave the same with a stale
version.
"""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from workbench.fishbone.models import FishboneCategory, FishboneCause
from workbench.fmea.models import FmeaRow, FmeaSettings
from workbench.models import User
from workbench.teams.models import ImprovementProject, StageChange, Team

VERSION = re.compile(r'name="(?:\w+-)?version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="(?:\w+-)?version"')


def _version_in(html: str, action: str) -> str:
    """The version the form posting to ``action`` carries (the page must hold it, not the test)."""
    start = html.index(f'action="{action}"') if action else 0
    found = VERSION.search(html, start)
    assert found, f"no version in the form for {action}"
    return found.group(1) or found.group(2)


@pytest.fixture
def people(app, db, make_team, make_user):
    """Two signed-in sessions of the same team (``first`` the leader, ``second`` a quality manager) and its project."""
    team = make_team()
    leader = db.session.get(User, team.leader_id)
    qm = make_user(role="quality_manager")
    sessions = []
    for user in (leader, qm):
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
        sessions.append(client)
    from workbench.teams.services import save_project

    project = save_project(None, leader, {"title": "Late deliveries", "team_id": team.id, "process_owner": "sales"})
    db.session.commit()
    return {"first": sessions[0], "second": sessions[1], "team": team, "project": project}


def _fresh(db, model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


def test_category_rename_from_a_stale_page_is_refused_and_the_first_rename_stays(people, db):
    first, second, pid = people["first"], people["second"], people["project"].id
    assert first.post(f"/projects/{pid}/fishbone/start", data={"template": "6m", "language": "en", "effect": "Late"}).status_code == 302
    category = db.session.scalar(select(FishboneCategory).order_by(FishboneCategory.position))
    rename = f"/fishbone/categories/{category.id}/rename"
    read_first = _version_in(first.get(f"/projects/{pid}/fishbone").get_data(as_text=True), rename)
    read_second = _version_in(second.get(f"/projects/{pid}/fishbone").get_data(as_text=True), rename)
    assert read_first == read_second == str(category.version)

    assert first.post(rename, data={"name": "Staff", "version": read_first}).status_code == 302
    refused = second.post(rename, data={"name": "Crew", "version": read_second})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Theirs: “\u2068Staff\u2069”" in html and "Yours: “\u2068Crew\u2069”" in html
    assert _fresh(db, FishboneCategory, category.id).name == "Staff"

    # Moving or removing it from the stale page is refused too; nothing is deleted.
    for action in ("down", "remove"):
        stale = second.post(f"/fishbone/categories/{category.id}/{action}", data={"version": read_second})
        assert stale.status_code == 409 and "Someone else changed this record first" in stale.get_data(as_text=True)
    missing = second.post(f"/fishbone/categories/{category.id}/remove", data={})
    assert missing.status_code == 409 and "did not say which version" in missing.get_data(as_text=True)
    stored = _fresh(db, FishboneCategory, category.id)
    assert stored is not None and stored.name == "Staff" and stored.version == int(read_first) + 1


def test_team_edit_from_a_stale_page_is_refused_and_keeps_the_second_persons_input(people, db):
    first, second, team = people["first"], people["second"], people["team"]
    url = f"/teams/{team.id}/edit"
    read_first = _version_in(first.get(url).get_data(as_text=True), "")
    read_second = _version_in(second.get(url).get_data(as_text=True), "")
    members = {f"members-{i}-user_id": str(m.user_id) for i, m in enumerate(team.memberships)}
    members.update({f"members-{i}-role": m.role for i, m in enumerate(team.memberships)})
    form = {"leader_id": str(team.leader_id), **members}
    assert first.post(url, data={**form, "name": "Delivery team", "version": read_first}).status_code == 302
    refused = second.post(url, data={**form, "name": "Logistics team", "version": read_second})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Someone else changed this record first" in html and 'value="Logistics team"' in html
    assert _fresh(db, Team, team.id).name == "Delivery team"
    # Through the API: a team edit without the version it read is refused as well.
    assert second.patch(f"/api/v1/teams/{team.id}", json={"name": "Logistics team"}).status_code == 409
    assert _fresh(db, Team, team.id).name == "Delivery team"


def test_fmea_settings_from_a_stale_page_are_refused(people, db):
    first, second = people["first"], people["second"]
    assert second.post("/fmea/settings", data={"priority_driver": "ap", "rpn_threshold": "100"}).status_code == 302
    read_at = _version_in(second.get("/fmea/settings").get_data(as_text=True), "")
    other = people["second"].application.test_client()
    manager = db.session.scalar(select(User).where(User.role == "quality_manager"))
    assert other.post("/login", data={"email": manager.email, "password": TEST_PASSWORD}).status_code == 302
    assert other.post("/fmea/settings", data={"priority_driver": "rpn", "rpn_threshold": "120", "version": read_at}).status_code == 302
    refused = second.post("/fmea/settings", data={"priority_driver": "ap", "rpn_threshold": "90", "version": read_at})
    assert refused.status_code == 409 and 'value="90"' in refused.get_data(as_text=True)
    stored = db.session.scalar(select(FmeaSettings))
    db.session.refresh(stored)
    assert (stored.priority_driver, stored.rpn_threshold) == ("rpn", 120)
    assert first.get("/fmea/settings").status_code == 403  # a member does not change the priority rule


def test_stage_move_from_a_stale_lifecycle_page_is_refused(people, db):
    first, second, pid = people["first"], people["second"], people["project"].id
    action = f"/projects/{pid}/stage"
    read_first = _version_in(first.get(f"/projects/{pid}/lifecycle").get_data(as_text=True), action)
    read_second = _version_in(second.get(f"/projects/{pid}/lifecycle").get_data(as_text=True), action)
    assert first.post(action, data={"move-stage": "contain", "version": read_first}).status_code == 302
    page = second.post(action, data={"move-stage": "contain", "move-reason": "my reason", "version": read_second}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Someone else changed this record first" in html and "my reason" in html
    assert _fresh(db, ImprovementProject, pid).stage == "contain"
    assert db.session.scalar(select(func.count(StageChange.id)).where(StageChange.project_id == pid)) == 1


def test_deletes_with_a_stale_version_delete_nothing(people, db):
    first, pid = people["first"], people["project"].id
    base = f"/api/v1/projects/{pid}"
    diagram = first.post(f"{base}/fishbone", json={"template": "6m"}).get_json()
    category = diagram["categories"][0]
    cause = first.post(f"{base}/fishbone/causes", json={"text": "Driver late", "category_id": category["id"]}).get_json()
    row = first.post(f"{base}/fmea/rows", json={"failure_mode": "Late"}).get_json()
    evidence = first.post(f"/api/v1/causes/{cause['id']}/evidence", json={"kind": "text", "text": "Seen twice"}).get_json()
    assert "version" in evidence
    cause = first.patch(f"/api/v1/causes/{cause['id']}", json={"text": "Driver very late", "version": cause["version"]}).get_json()
    stale = {
        f"/api/v1/causes/{cause['id']}": cause["version"] - 1,
        f"/api/v1/fishbone/categories/{category['id']}": category["version"] + 5,
        f"/api/v1/fmea-rows/{row['id']}": row["version"] + 1,
        f"/api/v1/fishbone/evidence/{evidence['id']}": evidence["version"] + 1,
    }
    for url, version in stale.items():
        refused = first.delete(url, query_string={"version": version})
        assert refused.status_code == 409, url
        assert refused.get_json()["current"]["version"] != version
        assert first.delete(url, json={"version": "three"}).status_code == 400, url
    db.session.expire_all()
    assert db.session.get(FishboneCause, cause["id"]) is not None
    assert db.session.get(FishboneCategory, category["id"]) is not None
    assert db.session.get(FmeaRow, row["id"]) is not None
    # With the version read, the delete goes through.
    assert first.delete(f"/api/v1/fmea-rows/{row['id']}", query_string={"version": row["version"]}).status_code == 204
    assert first.delete(f"/api/v1/causes/{cause['id']}", query_string={"version": cause["version"]}).status_code == 200


def test_my_account_page_does_not_overwrite_an_admins_rename(app, db, make_user):
    me, admin = make_user(name="Sara"), make_user(role="admin")
    mine, theirs = app.test_client(), app.test_client()
    for client, user in ((mine, me), (theirs, admin)):
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    read_at = _version_in(mine.get("/account").get_data(as_text=True), "")
    admin_page = theirs.get(f"/admin/users/{me.id}").get_data(as_text=True)
    renamed = theirs.post(f"/admin/users/{me.id}", data={"email": me.email, "name": "Sara Ahmadi", "role": "member", "locale": "en",
                                                         "active": "y", "version": _version_in(admin_page, "")})
    assert renamed.status_code == 302
    refused = mine.post("/account", data={"prefs-name": "Sara", "prefs-locale": "fa", "prefs-version": read_at})
    assert refused.status_code == 409 and "Someone else changed this record first" in refused.get_data(as_text=True)
    stored = _fresh(db, User, me.id)
    assert (stored.name, stored.locale) == ("Sara Ahmadi", "en")
    page = mine.get("/account").get_data(as_text=True)
    again = mine.post("/account", data={"prefs-name": "Sara Ahmadi", "prefs-locale": "fa", "prefs-version": _version_in(page, "")})
    assert again.status_code == 302 and _fresh(db, User, me.id).locale == "fa"
