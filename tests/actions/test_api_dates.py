"""The project, action and effectiveness APIs read dates as the FMEA API does: ISO or Jalali, any digits.

A bad date answers 400 naming the field, and nothing is written.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from workbench.actions.models import CorrectiveAction, EffectivenessCheck
from workbench.teams.models import ImprovementProject

BAD = [
    ("1403/13/01", "there is no month 13"),
    ("1402/12/30", "month 12 of 1402 has 29 days"),
    ("31/12/2026", "not a date"),
    ("1850-01-01", "year 1850"),
    ("tomorrow", "not a date"),
    (20260320, "not a date"),
]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_project_api_takes_jalali_dates(client, login, setup, db):
    login(setup["leader"])
    team = setup["team"]
    response = client.post("/api/v1/projects", json={
        "title": "Returns", "team_id": team.id, "target_date": "۱۴۰۳/۰۵/۱۲", "started_on": "١٤٠٣/٠٤/٠١"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["target_date"], body["started_on"]) == ("2024-08-02", "2024-06-21")
    changed = client.patch(f"/api/v1/projects/{body['id']}", json={"target_date": "1403/12/30", "version": body["version"]})
    assert changed.status_code == 200 and changed.get_json()["target_date"] == "2025-03-20"  # 30 Esfand of a leap year


@pytest.mark.parametrize(("value", "words"), BAD)
def test_project_api_refuses_bad_dates_and_writes_nothing(client, login, setup, db, value, words):
    login(setup["leader"])
    project = setup["project"]
    before = _count(db, ImprovementProject)
    response = client.post("/api/v1/projects", json={"title": "Returns", "team_id": setup["team"].id, "target_date": value})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert list(errors) == ["target_date"] and words in errors["target_date"] and str(value) in errors["target_date"]
    assert _count(db, ImprovementProject) == before
    started_on, version = project.started_on, client.get(f"/api/v1/projects/{project.id}").get_json()["version"]
    response = client.patch(f"/api/v1/projects/{project.id}", json={"title": "Renamed", "started_on": value, "version": version})
    assert response.status_code == 400 and "started_on" in response.get_json()["errors"]
    db.session.expire_all()
    stored = db.session.get(ImprovementProject, project.id)
    assert stored.title == "Late deliveries" and stored.started_on == started_on and stored.version == version


def test_action_api_takes_jalali_dates(client, login, setup, db):
    login(setup["leader"])
    url = f"/api/v1/projects/{setup['project'].id}/actions"
    response = client.post(url, json={"title": "Fix", "type": "corrective", "owner_id": setup["member"].id, "due_date": "۱۴۰۴/۱۲/۲۹"})
    assert response.status_code == 201, response.get_json()
    action = response.get_json()
    assert action["due_date"] == "2026-03-20"
    changed = client.patch(f"/api/v1/actions/{action['id']}", json={"due_date": "1405 01 15", "version": action["version"]})
    assert changed.status_code == 200 and changed.get_json()["due_date"] == "2026-04-04"


@pytest.mark.parametrize(("value", "words"), BAD)
def test_action_api_refuses_bad_dates_and_writes_nothing(client, login, setup, db, add_action, value, words):
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"])
    url = f"/api/v1/projects/{setup['project'].id}/actions"
    response = client.post(url, json={"title": "Fix", "type": "corrective", "owner_id": setup["member"].id, "due_date": value})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert list(errors) == ["due_date"] and words in errors["due_date"]
    assert _count(db, CorrectiveAction) == 1
    response = client.patch(f"/api/v1/actions/{action['id']}", json={"title": "Renamed", "due_date": value, "version": action["version"]})
    assert response.status_code == 400 and list(response.get_json()["errors"]) == ["due_date"]
    db.session.expire_all()
    stored = db.session.get(CorrectiveAction, action["id"])
    assert stored.title == "Fix the dispatch list" and stored.due_date == date(2026, 3, 20)


def test_effectiveness_api_takes_jalali_and_refuses_bad_dates(client, login, setup, db):
    login(setup["leader"])
    url = f"/api/v1/projects/{setup['project'].id}/effectiveness"
    response = client.post(url, json={"criteria": "fewer", "actions_on": "1404/10/11", "check_date": "۱۴۰۴/۱۲/۱۱"})
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["actions_on"], response.get_json()["check_date"]) == ("2026-01-01", "2026-03-02")
    response = client.post(url, json={"criteria": "fewer", "actions_on": "1404/10/11", "check_date": "1404/13/11"})
    assert response.status_code == 400 and list(response.get_json()["errors"]) == ["check_date"]
    assert _count(db, EffectivenessCheck) == 1


def test_date_errors_are_persian_on_persian_requests(client, login, setup):
    login(setup["leader"])
    url = f"/api/v1/projects/{setup['project'].id}/actions?lang=fa"
    response = client.post(url, json={"title": "Fix", "type": "corrective", "owner_id": setup["member"].id, "due_date": "1403/13/01"})
    assert response.get_json()["errors"]["due_date"] == "«1403/13/01»: تاریخ ناممکن: ماه ۱۳ وجود ندارد."
