"""Forms refuse an edit based on a version someone else replaced: message, the person's input kept, nothing written."""

from datetime import date

from sqlalchemy import select

from tests.linking import import_through
from workbench.actions.models import CorrectiveAction, ProjectCharter
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.models import ClassificationRule
from workbench.teams.models import ImprovementProject


def _someone_else_saves(db, model, record_id, **values):
    """Another person's edit, committed through the ORM (so its version rises as any edit's does)."""
    record = db.session.get(model, record_id)
    db.session.refresh(record)
    for key, value in values.items():
        setattr(record, key, value)
    db.session.commit()


def test_project_form_keeps_my_input_and_saving_again_is_deliberate(client, login, setup, db):
    project = setup["project"]
    login(setup["leader"])
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{project.version}"' in page
    read_at = project.version
    _someone_else_saves(db, ImprovementProject, project.id, title="Their title")
    form = {"title": "My title", "problem_statement": "Mine", "team_id": str(project.team_id), "process_owner": "sales", "version": str(read_at)}
    refused = client.post(f"/projects/{project.id}/edit", data=form)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert f"now version {read_at + 1}, you edited version {read_at}" in html
    assert 'value="My title"' in html  # my input is still in the form
    assert f'name="version" type="hidden" value="{read_at + 1}"' in html  # saving again replaces theirs knowingly
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).title == "Their title"
    again = client.post(f"/projects/{project.id}/edit", data={**form, "version": str(read_at + 1)})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(ImprovementProject, project.id).title == "My title"


def test_action_form_refuses_a_stale_missing_or_malformed_version(client, login, setup, db, add_action):
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"])
    form = {"title": "Mine", "type": "corrective", "owner_id": str(setup["member"].id), "due_date": "2026-03-20", "status": "open"}
    bad = client.post(f"/actions/{action['id']}", data={**form, "version": "three"})
    assert bad.status_code == 400 and "version must be a whole number" in bad.get_data(as_text=True)
    missing = client.post(f"/actions/{action['id']}", data=form)
    assert missing.status_code == 409 and "did not say which version" in missing.get_data(as_text=True)
    _someone_else_saves(db, CorrectiveAction, action["id"], title="Theirs")
    stale = client.post(f"/actions/{action['id']}", data={**form, "version": str(action["version"])})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Someone else changed this record first" in html and 'value="Mine"' in html
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action["id"]).title == "Theirs"


def test_charter_form_refuses_a_stale_version(client, login, setup, db):
    project = setup["project"]
    login(setup["leader"])
    first = client.post(f"/projects/{project.id}/lifecycle", data={"charter-is_text": "Tehran depot", "charter-version": ""})
    assert first.status_code == 302
    charter = db.session.scalar(select(ProjectCharter).where(ProjectCharter.project_id == project.id))
    read_at = charter.version
    _someone_else_saves(db, ProjectCharter, charter.id, is_text="Their scope")
    refused = client.post(f"/projects/{project.id}/lifecycle", data={"charter-is_text": "My scope", "charter-version": str(read_at)})
    assert refused.status_code == 409 and "My scope" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProjectCharter, charter.id).is_text == "Their scope"


def test_rule_row_refuses_a_stale_version(client, login, make_user, db, owners):
    ensure_defaults()
    db.session.commit()
    rule = db.session.scalar(select(ClassificationRule).where(ClassificationRule.phrase == "soggy"))
    read_at = rule.version
    login(make_user(role="quality_manager"))
    _someone_else_saves(db, ClassificationRule, rule.id, weight=2.0)
    page = client.post(f"/complaints/rules/{rule.id}", data={"phrase": "mushy", "weight": "1", "active": "1", "version": str(read_at)}, follow_redirects=True)
    assert "Someone else changed this record first" in page.get_data(as_text=True) and "mushy" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ClassificationRule, rule.id).phrase == "soggy"


def test_confirming_a_label_from_a_stale_queue_is_refused(client, login, make_user, db, owners):
    from workbench.complaint_import.models import Complaint
    from workbench.complaint_import.services import set_labels

    ensure_defaults()
    complaint = Complaint(source="web", external_id="Q1", received_at=date(2026, 1, 5), text="The fries were soggy", text_norm="the fries were soggy", channel="web")
    db.session.add(complaint)
    db.session.commit()
    read_at = complaint.version
    someone = make_user(role="quality_manager")
    set_labels([complaint], "quality", "product_quality", someone)  # confirmed by someone else meanwhile
    db.session.commit()
    login(make_user(role="member"))
    page = client.post(f"/complaints/{complaint.id}/label", data={"version": str(read_at), "process_owner": "sales", "category": "price"}, follow_redirects=True)
    assert "Someone else changed this record first" in page.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored.category == "product_quality" and stored.version == read_at + 1


def test_measuring_or_deciding_from_a_stale_page_is_refused(client, login, setup, db):
    from workbench.actions.models import EffectivenessCheck

    project = setup["project"]
    import_through(db, date(2026, 2, 25))
    login(setup["leader"])
    made = client.post(f"/api/v1/projects/{project.id}/effectiveness", json={
        "criteria": "fewer late deliveries", "actions_on": "2026-01-01", "check_date": "2026-02-26"})
    assert made.status_code == 201
    check = made.get_json()
    page = client.get(f"/projects/{project.id}/effectiveness").get_data(as_text=True)
    assert f'name="version" value="{check["version"]}"' in page
    measured = client.post(f"/api/v1/effectiveness/{check['id']}/measure", query_string={"version": check["version"]})
    assert measured.status_code == 200
    # The same page, read before that measurement, is refused: nothing measured or decided again.
    stale = client.post(f"/api/v1/effectiveness/{check['id']}/measure", query_string={"version": check["version"]})
    assert stale.status_code == 409
    refused = client.post(f"/effectiveness/{check['id']}/decision", data={"decision": "rejected", "note": "No drop", "version": check["version"]},
                          follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert "Someone else changed this record first" in html and "No drop" in html
    db.session.expire_all()
    stored = db.session.get(EffectivenessCheck, check["id"])
    assert stored.decision == "pending" and stored.version == measured.get_json()["version"]
