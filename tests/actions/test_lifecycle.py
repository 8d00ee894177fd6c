from datetime import date

from workbench.actions import lifecycle
from workbench.actions.models import EffectivenessCheck, SignOff
from workbench.teams.models import ImprovementProject, StageChange
from workbench.teams.services import save_project

PASSWORD = "correct horse battery"


def _ready_to_close(db, project):
    """No actions and an accepted, measured check: every built-in gate passes."""
    db.session.refresh(project)  # the API may have moved it since it was loaded here
    db.session.add(EffectivenessCheck(project_id=project.id, criteria="fewer complaints", actions_on=date(2026, 1, 1),
                                      check_date=date(2026, 3, 1), decision="accepted", before_count=10, after_count=2,
                                      p_value=0.02, measured_at=None, decision_note=""))
    project.stage = "verify"  # closing happens from Verify, the stage before Closed
    db.session.commit()


def test_patch_stage_closed_with_open_action_answers_400_with_reason(client, login, setup, add_action, db):
    login(setup["qm"])
    add_action(setup["project"], setup["member"])
    setup["project"].stage = "verify"
    db.session.commit()
    response = client.patch_read(f"/api/v1/projects/{setup['project'].id}", json={"stage": "closed"})
    assert response.status_code == 400
    message = response.get_json()["errors"]["stage"]
    assert "1 action is not verified" in message
    assert "no effectiveness check" in message


def test_patch_stage_closed_without_signature_is_refused(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    response = client.patch_read(f"/api/v1/projects/{setup['project'].id}", json={"stage": "closed"})
    assert response.status_code == 400
    assert "sign-off" in response.get_json()["errors"]["stage"]


def test_rejected_or_pending_check_blocks_closing(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    check = db.session.scalar(db.select(EffectivenessCheck))
    check.decision = "rejected"
    db.session.commit()
    login(setup["qm"])
    response = client.post(f"/api/v1/projects/{setup['project'].id}/close", json={"password": PASSWORD, "meaning": "approved_closure"})
    assert response.status_code == 400
    assert "rejected" in response.get_json()["errors"]["stage"]
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0


def test_quality_manager_signs_and_closes(client, login, setup, db, frozen):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    url = f"/api/v1/projects/{setup['project'].id}/close"
    wrong = client.post(url, json={"password": "not mine", "meaning": "approved_closure"})
    assert wrong.status_code == 400 and "password" in wrong.get_json()["errors"]
    no_meaning = client.post(url, json={"password": PASSWORD, "meaning": ""})
    assert no_meaning.status_code == 400 and "meaning" in no_meaning.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0
    response = client.post(url, json={"password": PASSWORD, "meaning": "approved_closure"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["project"]["stage"] == "closed"
    assert body["sign_off"]["signer_name"] == "Maryam QM" and body["sign_off"]["meaning"] == "approved_closure"
    assert body["sign_off"]["signed_at"]
    change = db.session.scalar(db.select(StageChange).where(StageChange.to_stage == "closed"))
    assert change.actor == setup["qm"].email and change.sign_off_id == body["sign_off"]["id"]


def test_only_a_quality_manager_can_sign(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["leader"])
    response = client.post(f"/api/v1/projects/{setup['project'].id}/close", json={"password": PASSWORD, "meaning": "approved_closure"})
    assert response.status_code == 400
    assert "quality manager" in response.get_json()["errors"]["password"]


def test_reopen_needs_a_reason_and_is_recorded(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    pid = setup["project"].id
    assert client.post(f"/api/v1/projects/{pid}/close", json={"password": PASSWORD, "meaning": "reviewed_closure"}).status_code == 200
    refused = client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "improve"})
    assert refused.status_code == 400 and "reason" in refused.get_json()["errors"]
    assert client.post(f"/api/v1/projects/{pid}/reopen", json={"reason": "  "}).status_code == 400
    response = client.post(f"/api/v1/projects/{pid}/reopen", json={"reason": "Complaints came back in April", "stage": "analyse"})
    assert response.status_code == 200 and response.get_json()["stage"] == "analyse"
    history = client.get(f"/api/v1/projects/{pid}/lifecycle").get_json()["stage_changes"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [("verify", "closed"), ("closed", "analyse")]
    assert history[1]["reason"] == "Complaints came back in April"


def test_close_checks_hook_blocks_closing(app, client, login, setup, db):
    _ready_to_close(db, setup["project"])
    lifecycle.CLOSE_CHECKS.replace(app, [lambda project: "2 FMEA rows are not re-rated."])
    login(setup["qm"])
    response = client.post(f"/api/v1/projects/{setup['project'].id}/close", json={"password": PASSWORD, "meaning": "approved_closure"})
    assert response.status_code == 400
    assert "FMEA rows are not re-rated" in response.get_json()["errors"]["stage"]


def test_sign_off_page_and_lifecycle_page(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    pid = setup["project"].id
    page = client.get(f"/projects/{pid}/close").get_data(as_text=True)
    assert 'name="password"' in page
    assert client.post(f"/projects/{pid}/close", data={"meaning": "approved_closure", "password": "wrong"}).status_code == 400
    response = client.post(f"/projects/{pid}/close", data={"meaning": "approved_closure", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)
    assert "Signed by Maryam QM" in page and "Reopen the project" in page


def _version(db, project_id: int) -> int:
    """The project's version, as the lifecycle page's stage form carries it."""
    db.session.expire_all()
    return db.session.get(ImprovementProject, project_id).version


def test_stage_moves_are_recorded_with_actor(client, login, setup, db):
    login(setup["leader"])
    pid = setup["project"].id
    assert client.post(f"/projects/{pid}/stage", data={"move-stage": "contain", "version": _version(db, pid)}).status_code == 302
    assert client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "analyse"}).status_code == 200
    changes = db.session.scalars(db.select(StageChange).order_by(StageChange.id)).all()
    assert [(c.from_stage, c.to_stage, c.actor) for c in changes] == [
        ("define", "contain", setup["leader"].email),
        ("contain", "analyse", setup["leader"].email),
    ]


def test_charter_fields_saved_and_viewer_cannot_write(client, login, setup, db):
    login(setup["leader"])
    pid = setup["project"].id
    response = client.patch_read(f"/api/v1/projects/{pid}/lifecycle", json={"is_text": "Tehran depot", "is_not_text": "Tabriz depot", "lessons_learned": "Check the carrier"})
    assert response.status_code == 200 and response.get_json()["is_not_text"] == "Tabriz depot"
    client.post("/logout")
    login(setup["viewer"])
    assert client.patch(f"/api/v1/projects/{pid}/lifecycle", json={"is_text": "x"}).status_code == 403
    assert client.post(f"/projects/{pid}/lifecycle", data={"charter-is_text": "x"}).status_code == 403
    assert "Tehran depot" in client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)


def test_gate_is_used_by_save_project_directly(setup, db):
    """Any caller of the teams service meets the gates, not only the API."""
    import pytest

    from workbench.validation import InvalidInput

    with pytest.raises(InvalidInput):
        save_project(setup["project"], setup["qm"], {"stage": "closed"})


def test_patch_project_with_signature_field_closes_and_reason_reopens(client, login, setup, db):
    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    url = f"/api/v1/projects/{setup['project'].id}"
    wrong = client.patch_read(url, json={"stage": "closed", "signature": {"password": "guess", "meaning": "approved_closure"}})
    assert wrong.status_code == 400 and "password" in wrong.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0
    bad_meaning = client.patch_read(url, json={"stage": "closed", "signature": {"password": PASSWORD, "meaning": ["x"]}})
    assert bad_meaning.status_code == 400 and "meaning" in bad_meaning.get_json()["errors"]
    closed = client.patch_read(url, json={"stage": "closed", "signature": {"password": PASSWORD, "meaning": "approved_closure"}})
    assert closed.status_code == 200 and closed.get_json()["stage"] == "closed"
    sign_off = db.session.scalar(db.select(SignOff))
    assert sign_off.signer_name == "Maryam QM" and sign_off.signed_at is not None
    # The signature served this request only: the next close attempt needs a new one.
    assert client.patch_read(url, json={"stage": "verify"}).status_code == 400
    reopened = client.patch_read(url, json={"stage": "verify", "reason": "Audit found a gap"})
    assert reopened.status_code == 200 and reopened.get_json()["stage"] == "verify"
    change = db.session.scalars(db.select(StageChange).order_by(StageChange.id.desc())).first()
    assert change.reason == "Audit found a gap" and change.from_stage == "closed"
    assert client.patch_read(url, json={"stage": "closed"}).status_code == 400


def _stage_count(db):
    return db.session.scalar(db.select(db.func.count(StageChange.id)))


def test_a_stage_is_never_skipped_and_nothing_is_written(client, login, setup, db):
    """Define straight to Closed (or Improve) is refused, by the API and the page, and leaves no trace."""
    login(setup["qm"])
    pid = setup["project"].id
    version = setup["project"].version
    for stage in ("closed", "improve"):
        response = client.patch_read(f"/api/v1/projects/{pid}", json={"stage": stage})
        assert response.status_code == 400
        assert "Contain first" in response.get_json()["errors"]["stage"]
    page = client.post(f"/projects/{pid}/stage", data={"move-stage": "verify", "version": version}, follow_redirects=True)
    assert "not skipped" in page.get_data(as_text=True)
    db.session.expire_all()
    project = db.session.get(type(setup["project"]), pid)
    assert project.stage == "define" and project.version == version
    assert _stage_count(db) == 0 and db.session.scalar(db.select(db.func.count(SignOff.id))) == 0


def test_moving_back_needs_a_reason_and_reopening_a_closed_project_needs_a_quality_manager(client, login, setup, db):
    login(setup["leader"])
    pid = setup["project"].id
    for stage in ("contain", "analyse"):
        assert client.patch_read(f"/api/v1/projects/{pid}", json={"stage": stage}).status_code == 200
    refused = client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "contain"})
    assert refused.status_code == 400 and "needs a reason" in refused.get_json()["errors"]["reason"]
    assert client.patch_read(f"/api/v1/projects/{pid}", json={"stage": "contain", "reason": "Containment leaked"}).status_code == 200
    _ready_to_close(db, setup["project"])
    client.post("/logout")
    login(setup["qm"])
    assert client.post(f"/api/v1/projects/{pid}/close", json={"password": PASSWORD, "meaning": "approved_closure"}).status_code == 200
    client.post("/logout")
    login(setup["leader"])
    before = _stage_count(db)
    response = client.post(f"/api/v1/projects/{pid}/reopen", json={"reason": "I want to edit", "stage": "improve"})
    assert response.status_code == 400 and "quality manager" in response.get_json()["errors"]["stage"]
    assert _stage_count(db) == before


def test_lifecycle_page_shows_who_when_and_why(client, login, setup, db):
    login(setup["leader"])
    pid = setup["project"].id
    assert client.post(f"/projects/{pid}/stage", data={"move-stage": "contain", "version": _version(db, pid)}).status_code == 302
    client.post(f"/projects/{pid}/stage", data={"move-stage": "define", "move-reason": "Scope was wrong", "version": _version(db, pid)})
    page = client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)
    assert "Scope was wrong" in page and setup["leader"].name in page  # names for members, emails for managers
    assert [c.reason for c in lifecycle.stage_history(pid)] == ["", "Scope was wrong"]


def test_signature_holds_the_hash_of_the_signed_content_and_reopening_supersedes_it(client, login, setup, db, add_action):
    import re

    login(setup["qm"])
    pid = setup["project"].id
    _ready_to_close(db, setup["project"])

    def shown_hash():
        page = client.get(f"/projects/{pid}/close").get_data(as_text=True)
        return re.search(r'class="content-hash">([0-9a-f]{64})<', page).group(1)

    first = shown_hash()
    assert client.patch_read(f"/api/v1/projects/{pid}/lifecycle", json={"is_text": "Tehran depot only"}).status_code == 200
    second = shown_hash()
    assert second != first and shown_hash() == second  # the content changed; the same content gives the same hash
    body = client.post(f"/api/v1/projects/{pid}/close", json={"password": PASSWORD, "meaning": "approved_closure"}).get_json()
    assert body["sign_off"]["content_hash"] == second
    page = client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)
    assert second in page and "Signed by Maryam QM" in page and "I approve closing this project" in page
    report = client.get(f"/api/v1/projects/{pid}/lifecycle").get_json()["sign_offs"][0]
    assert report["content_hash"] == second and report["superseded_at"] is None

    assert client.post(f"/api/v1/projects/{pid}/reopen", json={"reason": "Audit found a gap"}).status_code == 200
    page = client.get(f"/projects/{pid}/lifecycle").get_data(as_text=True)
    assert second in page and "Superseded on" in page and "Audit found a gap" in page
    assert client.get(f"/api/v1/projects/{pid}/lifecycle").get_json()["sign_offs"][0]["superseded_at"]


def test_report_context_shows_signer_meaning_and_hash(client, login, setup, db, app):
    from workbench.actions.report import report_context

    _ready_to_close(db, setup["project"])
    login(setup["qm"])
    assert client.post(f"/api/v1/projects/{setup['project'].id}/close", json={"password": PASSWORD, "meaning": "reviewed_closure"}).status_code == 200
    with app.test_request_context():
        from flask import render_template

        context = report_context(db.session.get(type(setup["project"]), setup["project"].id), appendix=True)
        html = render_template("actions/report_pdf.html", **context)
    sign_off = db.session.scalar(db.select(SignOff))
    assert sign_off.content_hash in html and "Maryam QM" in html and "I have reviewed the evidence" in html
