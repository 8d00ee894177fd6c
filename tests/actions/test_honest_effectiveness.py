"""Honest effectiveness: only the project's complaints, windows of 4 weeks, "not enough data", no preset decision."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from tests.linking import import_through, link_complaints
from workbench import extensions
from workbench.actions.models import EffectivenessCheck
from workbench.complaint_import.models import Complaint


def _linked(db, project_id, owner, days):
    rows = [{"source": "test", "external_id": f"h-{project_id}-{day}-{n}", "received_at": day, "text": "late", "product": "W-7",
             "process_owner_id": owner.id, "category": "delivery_speed",
             "created_at": day, "updated_at": day, "version": 1} for n, day in enumerate(days)]
    if rows:
        db.session.execute(insert(Complaint), rows)
        if project_id:
            link_complaints(db, project_id, [r["external_id"] for r in rows])
    db.session.commit()


def _check(client, pid, actions_on="2026-01-01", check_date="2026-02-26"):
    # The imports reach the after window's last day (else measuring is refused).
    import_through(extensions.db, date.fromisoformat(check_date) - timedelta(days=1))
    response = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "fewer late deliveries", "actions_on": actions_on, "check_date": check_date})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_windows_shorter_than_four_weeks_are_refused_and_configurable(app, client, login, setup, db):
    login(setup["leader"])
    pid = setup["project"].id
    short = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "x", "actions_on": "2026-01-01", "check_date": "2026-01-02"})
    assert short.status_code == 400 and "at least 4 weeks" in short.get_json()["errors"]["check_date"]
    assert db.session.scalar(db.select(db.func.count(EffectivenessCheck.id))) == 0
    app.config["EFFECTIVENESS_MIN_WEEKS"] = 1
    assert client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "x", "actions_on": "2026-01-01", "check_date": "2026-01-08"}).status_code == 201


def test_one_before_none_after_says_not_enough_data_and_the_dashboard_never_shows_minus_100(client, login, setup, owners, db, frozen):
    pid = setup["project"].id
    _linked(db, pid, owners["sales"], [date(2025, 12, 20)])  # 1 before, 0 after
    _linked(db, None, owners["sales"], [date(2025, 12, 21)] * 5)  # the owner's other complaints are not the project's
    login(setup["leader"])
    check = _check(client, pid)
    body = client.post(f"/api/v1/effectiveness/{check['id']}/measure").get_json()
    assert (body["before_count"], body["after_count"]) == (1, 0)
    assert body["enough_data"] is False and body["p_value"] is None and body["significant"] is False
    assert body["complaints_needed_before"] == 39 and body["change_pct"] is None
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    assert "Not enough data to judge." in page and "at least 39 complaints" in page and "p-value" not in page
    # Close the project (accepted with a quality manager's justification) and look at the dashboard.
    db.session.get(EffectivenessCheck, check["id"]).decision = "accepted"
    project = setup["project"]
    project.stage, project.closed_at, project.started_on = "closed", datetime(2026, 3, 1, tzinfo=UTC), date(2025, 11, 1)
    db.session.commit()
    client.post("/logout")
    login(setup["viewer"])
    totals = client.get("/api/v1/dashboard?from=2026-01-01&to=2026-03-31").get_json()["totals"]["complaints"]
    assert (totals["before"], totals["after"], totals["change_pct"], totals["enough_data"]) == (1, 0, None, False)
    dashboard = client.get("/dashboard?from=2026-01-01&to=2026-03-31").get_data(as_text=True)
    assert "-100" not in dashboard and "−100" not in dashboard and "Not enough data" in dashboard


def test_the_decision_is_never_preset_and_effective_needs_a_drop_or_a_quality_managers_justification(client, login, setup, owners, db, frozen):
    pid = setup["project"].id
    _linked(db, pid, owners["sales"], [date(2025, 12, 1) + timedelta(days=d % 30) for d in range(40)]
            + [date(2026, 1, 5) + timedelta(days=d) for d in range(38)])  # 40 before, 38 after: no drop
    login(setup["leader"])
    check = _check(client, pid)
    assert check["decision"] == "pending"
    version = client.post(f"/api/v1/effectiveness/{check['id']}/measure").get_json()["version"]
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    select = page[page.find('<select id="decision"'):page.find("</select>", page.find('<select id="decision"'))]
    assert select.startswith('<select id="decision"') and '<option value="">Choose the decision</option>' in select
    assert "selected" not in select
    assert "No significant drop." in page
    client.post(f"/effectiveness/{check['id']}/decision", data={"note": "looks fine"})  # no decision chosen
    assert db.session.get(EffectivenessCheck, check["id"]).decision == "pending"
    refused = client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "accepted", "note": "fine", "version": version})
    assert refused.status_code == 400 and "only a quality manager" in refused.get_json()["errors"]["decision"]
    client.post("/logout")
    login(setup["qm"])
    bare = client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "accepted", "version": version})
    assert bare.status_code == 400 and "justification" in bare.get_json()["errors"]["note"]
    db.session.expire_all()
    assert db.session.get(EffectivenessCheck, check["id"]).decision == "pending"
    why = "Complaints moved to a new product line; audits show the fix holds."
    accepted = client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "accepted", "note": why, "version": version})
    assert accepted.status_code == 200 and accepted.get_json()["decision"] == "accepted"
    assert f"Justification: {why}" in client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)


def test_chart_colours_a_rise_red_and_a_fall_green(client, login, setup, owners, db, frozen):
    pid = setup["project"].id
    _linked(db, pid, owners["sales"], [date(2025, 12, 20)] * 2 + [date(2026, 1, 20)] * 9)  # a rise
    login(setup["leader"])
    check = _check(client, pid)
    client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    assert 'fill="#b42318"' in page and 'fill="#067647"' not in page


def test_a_window_the_imports_do_not_cover_yet_is_not_measured(client, login, setup, owners, db, frozen):
    """45 complaints before the actions, and the next export (the after window's) not imported yet: measuring
    now would read a drop to 0 as the actions' effect. It is refused, with why, and nothing is stored."""
    from workbench import progress
    from workbench.complaint_import import themes

    pid = setup["project"].id
    _linked(db, pid, owners["sales"], [date(2025, 12, 1) + timedelta(days=n) for n in range(30)])  # all before
    _linked(db, None, owners["sales"], [date(2026, 1, 20)])  # the imports reach 20 January
    login(setup["leader"])
    check = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "fewer late deliveries", "actions_on": "2026-01-01", "check_date": "2026-02-26"}).get_json()
    refused = client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    assert refused.status_code == 400
    message = refused.get_json()["errors"]["check_date"]
    assert "reach only Jan 20, 2026" in message and "runs to Feb 25, 2026" in message
    db.session.expire_all()
    stored = db.session.get(EffectivenessCheck, check["id"])
    assert stored.measured_at is None and stored.before_count is None and stored.after_count is None
    page = client.get(f"/projects/{pid}/effectiveness?lang=fa").get_data(as_text=True)
    assert "p-value" not in page

    # The export is imported (the window's last day is in), but its themes are still being found: still refused.
    _linked(db, None, owners["sales"], [date(2026, 2, 25)])
    progress.write(themes.JOB, "running", done=10, total=100)
    db.session.commit()
    busy = client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    # (in Persian now: the page above was read in Persian)
    assert busy.status_code == 400 and "موضوع‌ها پس از آخرین ورود پرونده دوباره یافته می‌شوند" in busy.get_json()["errors"]["check_date"]
    progress.write(themes.JOB, "done", themes=3)
    db.session.commit()
    measured = client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    assert measured.status_code == 200 and (measured.get_json()["before_count"], measured.get_json()["after_count"]) == (30, 0)
