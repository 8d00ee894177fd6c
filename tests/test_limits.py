"""Hard limits: ids beyond the database integer, JSON size and depth, text lengths and types."""

from sqlalchemy import func, select

from workbench.fmea.models import FmeaRow
from workbench.limits import json_depth


def _rows(db):
    return db.session.scalar(select(func.count()).select_from(FmeaRow))


def test_ids_beyond_a_database_integer_or_negative_are_not_found(client, login, make_user, make_project):
    project = make_project()
    login(make_user(role="quality_manager"))
    assert client.get(f"/projects/{project.id}").status_code == 200
    for bad in (2**31, 2**63, 10**30, -1):
        assert client.get(f"/projects/{bad}").status_code == 404
        assert client.get(f"/api/v1/projects/{bad}").status_code == 404
        assert client.patch(f"/api/v1/projects/{bad}", json={"title": "x"}).status_code in (404, 405)


def test_json_nested_too_deep_or_too_big_is_a_400(app, client, login, make_user, make_project, db):
    project = make_project()
    login(make_user(role="quality_manager"))
    before = _rows(db)
    url = f"/api/v1/projects/{project.id}/fmea/rows"
    deep = '{"failure_mode": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(url, data=deep, content_type="application/json")
    assert response.status_code == 400 and "nested deeper than 32 levels" in response.get_json()["message"]
    big = '{"failure_mode": "' + "x" * (1025 * 1024) + '"}'
    response = client.post(url, data=big, content_type="application/json")
    assert response.status_code == 400 and "larger than 1024 KB" in response.get_json()["message"]
    assert _rows(db) == before
    # Brackets inside strings do not count as nesting.
    assert json_depth(b'{"a": "' + b"[" * 500 + b'"}', 32) == 1


def test_text_over_the_limit_is_a_400_naming_the_field(client, login, make_user, make_project, db):
    project = make_project()
    login(make_user(role="quality_manager"))
    before = _rows(db)
    url = f"/api/v1/projects/{project.id}/fmea/rows"
    response = client.post(url, json={"failure_mode": "x" * 20_001})
    assert response.status_code == 400
    assert "failure_mode is longer than 20000 characters" in response.get_json()["errors"]["failure_mode"]
    response = client.post(url, json={"failure_mode": "x" * 100_001})
    assert response.status_code == 400 and "failure_mode" in response.get_json()["errors"]
    assert _rows(db) == before
    assert client.post(url, json={"failure_mode": "x" * 20_000}).status_code == 201
    # The same rule in a form: a 400 page naming the field, nothing saved.
    response = client.post(f"/projects/{project.id}/edit", data={"title": "t" * 201, "team_id": project.team_id, "process_owner": "sales"})
    assert response.status_code == 400 and "title" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.title == "Late deliveries"


def test_an_object_where_text_is_expected_is_a_400_naming_the_field(client, login, make_user, make_project, db):
    project = make_project()
    login(make_user(role="quality_manager"))
    before = _rows(db)
    response = client.post(f"/api/v1/projects/{project.id}/fmea/rows", json={"failure_mode": {"a": 1}})
    assert response.status_code == 400 and "failure_mode" in response.get_json()["errors"]
    assert _rows(db) == before


def test_messages_are_persian_on_persian_requests(client, login, make_user, make_project):
    project = make_project()
    login(make_user(role="quality_manager", locale="fa"))
    response = client.post(f"/api/v1/projects/{project.id}/fmea/rows", data="[" * 100 + "]" * 100, content_type="application/json")
    message = response.get_json()["message"]
    assert response.status_code == 400 and "۳۲" in message  # Persian digits in a Persian sentence
    assert "JSON" in message and "nested" not in message


def test_an_id_out_of_range_is_404_whatever_the_method(client, login, make_user):
    """Werkzeug answers 405 when only a GET rule of the same shape is left; a record that cannot exist is 404."""
    login(make_user())
    for method, url in (("PATCH", "/api/v1/actions/9223372036854775808"), ("DELETE", "/api/v1/causes/2147483648"),
                        ("PUT", "/api/v1/teams/" + "9" * 40), ("POST", "/api/v1/projects/9223372036854775808/actions")):
        response = client.open(url, method=method, json={})
        assert response.status_code == 404, (method, url, response.status_code)
    assert client.open("/api/v1/teams", method="DELETE").status_code == 405  # a real wrong method stays 405
