from datetime import date, timedelta
from math import comb

import pytest
from sqlalchemy import insert

from tests.linking import import_through, link_complaints
from workbench.actions.effectiveness import compare_counts
from workbench.complaint_import.models import Complaint


def test_exact_poisson_comparison_on_known_counts():
    # 50 complaints in all, 10 after: P(X <= 10), X ~ Binomial(50, 1/2).
    result = compare_counts(before=40, after=10, days=30)
    assert result.p_value == pytest.approx(sum(comb(50, k) for k in range(11)) / 2**50)
    assert result.significant and result.rate_ratio == pytest.approx(0.25) and result.change_pct == -75.0
    low, high = result.change_ci_pct
    assert low < -75.0 < high < 0  # the interval holds the estimate and excludes "no change"
    same = compare_counts(before=40, after=40, days=30)
    assert same.p_value > 0.5 and not same.significant and same.change_ci_pct[0] < 0 < same.change_ci_pct[1]


def test_halving_needs_39_complaints_before_and_fewer_say_not_enough_data():
    # The exact one-sided test at 0.05 reaches power 0.8 against a rate ratio of 0.5 from 39 complaints before.
    result = compare_counts(before=10, after=2, days=30)
    assert not result.enough_data and result.needed_before == 39
    assert result.p_value is None and not result.significant and result.change_pct is None and result.change_ci_pct is None
    tiny = compare_counts(before=1, after=0, days=1)
    assert not tiny.enough_data and tiny.change_pct is None and not tiny.significant
    assert compare_counts(0, 0, 30).p_value is None


def _complaints(db, owner, product, days_and_counts, category="delivery_speed", project_id=None):
    rows, n = [], 0
    for day, count in days_and_counts:
        for _ in range(count):
            n += 1
            rows.append({"source": "test", "external_id": f"{product}-{day}-{n}", "received_at": day, "text": "late",
                         "product": product, "process_owner_id": owner.id, "category": category,
                         "created_at": day, "updated_at": day, "version": 1})
    db.session.execute(insert(Complaint), rows)
    if project_id:
        link_complaints(db, project_id, [r["external_id"] for r in rows])
    db.session.commit()


def test_measure_counts_the_linked_complaints_and_charts_them(client, login, setup, owners, db, frozen):
    start = date(2026, 1, 1)  # actions took effect; check date 2026-03-02 → 60-day windows
    pid = setup["project"].id
    linked = {"project_id": pid}
    _complaints(db, owners["sales"], "W-7", [(start - timedelta(days=d), 1) for d in range(1, 46)], **linked)  # 45 before
    _complaints(db, owners["sales"], "W-7", [(start + timedelta(days=d), 1) for d in (3, 20, 40)], **linked)  # 3 after
    _complaints(db, owners["sales"], "G-5", [(start + timedelta(days=5), 50)], **linked)  # another product: not counted
    _complaints(db, owners["sales"], "W-7", [(start + timedelta(days=5), 50)])  # same owner, not linked: not counted
    _complaints(db, owners["sales"], "W-7", [(start - timedelta(days=61), 40)], **linked)  # outside the window
    import_through(db, date(2026, 3, 1))  # the after window's last day is imported
    login(setup["leader"])
    created = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "Late-delivery complaints about W-7 drop", "actions_on": "2026-01-01", "check_date": "2026-03-02",
        "process_owner": "sales", "product": "W-7"})
    assert created.status_code == 201, created.get_json()
    check = created.get_json()
    measured = client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    body = measured.get_json()
    assert (body["before_count"], body["after_count"]) == (45, 3)
    assert body["significant"] is True and body["p_value"] < 0.001
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    assert "<svg" in page and "Before (45)" in page and "After (3)" in page
    assert "The drop is significant." in page


def test_measure_before_the_check_date_is_refused(client, login, setup, db, frozen):
    login(setup["leader"])
    pid = setup["project"].id
    check = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "x", "actions_on": "2026-03-01", "check_date": "2026-04-30"}).get_json()
    response = client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    assert response.status_code == 400 and "check_date" in response.get_json()["errors"]


def test_bad_check_input_names_the_fields(client, login, setup):
    login(setup["leader"])
    response = client.post(f"/api/v1/projects/{setup['project'].id}/effectiveness", json={
        "criteria": "", "actions_on": "2026-03-01", "check_date": "2026-02-01", "process_owner": "nobody"})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"criteria", "check_date", "process_owner"}


def test_rejection_reopens_the_project_and_acceptance_opens_the_gate(client, login, setup, db, frozen):
    import_through(db, date(2026, 2, 28))
    login(setup["leader"])
    pid = setup["project"].id
    for stage in ("contain", "analyse", "improve", "verify"):
        assert client.patch_read(f"/api/v1/projects/{pid}", json={"stage": stage}).status_code == 200
    check = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "fewer complaints", "actions_on": "2026-02-01", "check_date": "2026-03-01"}).get_json()
    assert client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "accepted", "version": check["version"]}).status_code == 400
    check = client.post(f"/api/v1/effectiveness/{check['id']}/measure").get_json()
    no_note = client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "rejected", "version": check["version"]})
    assert no_note.status_code == 400 and "note" in no_note.get_json()["errors"]
    rejected = client.post(f"/api/v1/effectiveness/{check['id']}/decision", json={"decision": "rejected", "note": "No drop yet", "version": check["version"]})
    assert rejected.status_code == 200
    life = client.get(f"/api/v1/projects/{pid}/lifecycle").get_json()
    assert life["project"]["stage"] == "improve"
    assert "No drop yet" in life["stage_changes"][-1]["reason"]
    assert "The latest effectiveness check was rejected." in life["close_blockers"]



def test_survey_scores_of_the_linked_owner_before_and_after(client, login, setup, owners, db, frozen):
    from workbench.complaint_import.models import SurveyResponse

    start = date(2026, 1, 1)
    answers = []
    # Before: 2 of 4 satisfied; NPS answers 10, 9, 3, 5 → 50% promoters − 50% detractors = 0.
    for n, (good, nps) in enumerate([(True, 10), (True, 9), (False, 3), (False, 5)]):
        answers.append((start - timedelta(days=10 + n), "sales", good, nps))
    # After: 3 of 3 satisfied; NPS 10, 10, 7 → 66.7% promoters − 0% = 66.7.
    for n, (good, nps) in enumerate([(True, 10), (True, 10), (True, 7)]):
        answers.append((start + timedelta(days=10 + n), "sales", good, nps))
    answers.append((start + timedelta(days=5), "service", False, 0))  # another owner: not counted
    for n, (day, owner, good, nps) in enumerate(answers):
        db.session.add(SurveyResponse(source="survey", external_id=f"S{n}", received_at=day, csat_good=good,
                                      csat=5 if good else 2, nps=nps, process_owner_id=owners[owner].id))
    db.session.commit()
    import_through(db, date(2026, 3, 1))
    login(setup["leader"])
    pid = setup["project"].id
    check = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "Customers of sales are happier", "actions_on": "2026-01-01", "check_date": "2026-03-02",
        "process_owner": "sales"}).get_json()
    client.post(f"/api/v1/effectiveness/{check['id']}/measure")
    surveys = next(c for c in client.get(f"/api/v1/projects/{pid}/effectiveness").get_json()["items"] if c["id"] == check["id"])["surveys"]
    assert surveys["before"] == {"answers": 4, "csat_answers": 4, "csat_pct": 50.0, "nps_answers": 4, "nps": 0.0}
    assert surveys["after"] == {"answers": 3, "csat_answers": 3, "csat_pct": 100.0, "nps_answers": 3, "nps": 66.7}
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    assert "CSAT (share satisfied)" in page and "66.7" in page


def test_a_check_with_nothing_linked_says_so_without_a_chart_of_empty_bars(client, login, setup, db, frozen):
    import_through(db, date(2026, 2, 28))
    login(setup["leader"])
    pid = setup["project"].id
    check = client.post(f"/api/v1/projects/{pid}/effectiveness", json={
        "criteria": "fewer complaints", "actions_on": "2026-01-01", "check_date": "2026-03-01"}).get_json()
    measured = client.post(f"/api/v1/effectiveness/{check['id']}/measure").get_json()
    assert (measured["before_count"], measured["after_count"]) == (0, 0)
    page = client.get(f"/projects/{pid}/effectiveness").get_data(as_text=True)
    assert "Not enough data to judge." in page
    assert 'class="effect-chart"' not in page
