import pytest
from sqlalchemy import text

from workbench.audit import history
from workbench.models import AuditLog


def test_create_update_delete_are_recorded_with_actor_and_values(client, login, make_user, make_team, db):
    qm = make_user(role="quality_manager", email="qm@example.org")
    team = make_team()
    login(qm)
    created = client.post("/api/v1/projects", json={"title": "Noise", "team_id": team.id, "process_owner": "production"}).get_json()
    client.patch_read(f"/api/v1/projects/{created['id']}", json={"title": "Compressor noise"})
    rows = history("projects", created["id"])
    creates = {r.field: r for r in rows if r.action == "create"}
    assert creates["title"].new_value == "Noise" and creates["title"].old_value is None
    assert creates["title"].actor == "qm@example.org" and creates["title"].actor_id == qm.id
    updates = [r for r in rows if r.action == "update"]
    assert [(r.field, r.old_value, r.new_value) for r in updates] == [("title", "Noise", "Compressor noise")]
    assert all(r.at is not None for r in rows)

    from workbench.teams.models import ImprovementProject

    db.session.delete(db.session.get(ImprovementProject, created["id"]))
    db.session.commit()
    deletes = [r for r in history("projects", created["id"]) if r.action == "delete"]
    assert {r.field: r.old_value for r in deletes}["title"] == "Compressor noise"
    assert all(r.new_value is None for r in deletes)


def test_audit_rows_are_written_in_the_same_transaction(db, make_team):
    team = make_team()
    before = db.session.scalar(db.select(db.func.count(AuditLog.id)))
    team.name = "Renamed"
    db.session.flush()
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) > before
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == before


def test_passwords_never_reach_the_audit_trail(db, make_user):
    user = make_user()
    user.set_password("another password")
    db.session.commit()
    fields = {r.field for r in history("users", user.id)}
    assert "password_hash" not in fields and "session_token" not in fields


def test_the_database_refuses_to_change_audit_rows(db, make_team):
    make_team()
    with pytest.raises(Exception, match="never changed or deleted"):
        db.session.execute(text("UPDATE audit_log SET new_value = 'forged'"))
    db.session.rollback()
    with pytest.raises(Exception, match="never changed or deleted"):
        db.session.execute(text("DELETE FROM audit_log"))
    db.session.rollback()


def test_history_page_for_quality_manager_only(client, login, make_user, make_project):
    project = make_project()
    member = make_user()
    login(member)
    assert client.get(f"/admin/history/projects/{project.id}").status_code == 403
    assert client.get(f"/api/v1/audit/projects/{project.id}").status_code == 403
    client.post("/logout")
    login(make_user(role="quality_manager"))
    page = client.get(f"/admin/history/projects/{project.id}").get_data(as_text=True)
    assert "Late deliveries" in page
    assert client.get(f"/api/v1/audit/projects/{project.id}").get_json()["items"][0]["action"] == "create"


def test_a_new_record_never_takes_a_deleted_ones_id_and_history(db, make_project, make_team):
    from workbench.teams.models import ImprovementProject

    team = make_team()
    first = make_project(team=team, title="First")
    first_id = first.id
    db.session.delete(first)
    db.session.commit()
    second = make_project(team=team, title="Second")
    assert second.id != first_id
    assert {r.new_value for r in history("projects", second.id) if r.field == "title"} == {"Second"}
    assert db.session.get(ImprovementProject, first_id) is None


def test_long_values_are_recorded_as_prefix_hash_and_length(db, make_project):
    import hashlib

    from sqlalchemy import func

    from workbench.audit import KEPT_PREFIX

    project = make_project()
    first, second = "ا" * 15_000, "b" * 19_000  # over 4 KB, under the 20,000-character field limit
    project.problem_statement = first
    db.session.commit()
    assert project.problem_statement == first  # loaded, as a service loads a record before changing it
    project.problem_statement = second
    db.session.commit()
    rows = [r for r in history("projects", project.id) if r.field == "problem_statement"]
    last = rows[-1]
    assert last.old_value.startswith("ا" * KEPT_PREFIX)
    assert f"sha256 {hashlib.sha256(first.encode()).hexdigest()}, 15000 characters" in last.old_value
    assert f"sha256 {hashlib.sha256(second.encode()).hexdigest()}, 19000 characters" in last.new_value
    # Two edits of long texts add about a kilobyte each to the trail, not the texts.
    stored = db.session.scalar(db.select(func.sum(func.length(AuditLog.old_value) + func.coalesce(func.length(AuditLog.new_value), 0))).where(AuditLog.field == "problem_statement"))
    assert stored < 4 * 1100
    # A short value is still kept whole.
    project.problem_statement = "short"
    db.session.commit()
    assert history("projects", project.id)[-1].new_value == "short"
