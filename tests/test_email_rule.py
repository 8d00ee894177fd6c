"""One rule for email addresses: what can be created (CLI, admin form, API) can sign in."""

import pytest
from sqlalchemy import func, select

from workbench.models import User

PASSWORD = "long enough pw"
# Internal directories use special-use and private names; all of them must work end to end.
ACCEPTED = ["anna@corp.local", "Omid@Server.Internal", "ops@localhost", "qa@lab.test", "it@home.arpa", "sara@مثال.ایران"]
REFUSED = ["no-at-sign", "a b@corp.local", "a@@corp.local", "@corp.local", "anna@", "x" * 250 + "@corp.local", "anna@-dash.local"]


def _count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def _sign_in(app, email):
    return app.test_client().post("/login", data={"email": email, "password": PASSWORD})


@pytest.mark.parametrize("email", ACCEPTED)
def test_created_on_the_command_line_can_sign_in(app, runner, email):
    result = runner.invoke(args=["create-user", email, "--role", "member", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert _sign_in(app, email).status_code == 302
    assert _sign_in(app, email.upper()).status_code == 302


@pytest.mark.parametrize("email", ACCEPTED)
def test_created_by_the_admin_form_and_the_api_can_sign_in(app, client, login, make_user, email):
    login(make_user(role="admin"))
    response = client.post("/admin/users/new", data={"email": email, "name": "A", "role": "member", "locale": "en", "password": PASSWORD, "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _sign_in(app, email).status_code == 302
    api_email = "api." + email
    response = client.post("/api/v1/users", json={"email": api_email, "name": "B", "password": PASSWORD})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["email"] == api_email.lower()
    assert _sign_in(app, api_email).status_code == 302


@pytest.mark.parametrize("email", REFUSED)
def test_refused_the_same_way_everywhere(app, client, runner, login, make_user, db, email):
    login(make_user(role="admin"))
    before = _count(db)
    result = runner.invoke(args=["create-user", email, "--role", "member", "--password", PASSWORD])
    assert result.exit_code != 0 and "is not an email address" in result.output
    response = client.post("/api/v1/users", json={"email": email, "name": "B", "password": PASSWORD})
    assert response.status_code == 400 and "is not an email address" in response.get_json()["errors"]["email"]
    response = client.post("/admin/users/new", data={"email": email, "name": "A", "role": "member", "locale": "en", "password": PASSWORD})
    assert response.status_code == 400 and "is not an email address" in response.get_data(as_text=True)
    response = _sign_in(app, email)
    assert response.status_code == 400 and "is not an email address" in response.get_data(as_text=True)
    assert _count(db) == before


def test_api_refuses_an_object_as_email(client, login, make_user, db):
    login(make_user(role="admin"))
    before = _count(db)
    response = client.post("/api/v1/users", json={"email": {"a": 1}, "name": "B", "password": PASSWORD})
    assert response.status_code == 400 and "email" in response.get_json()["errors"]
    assert _count(db) == before


def test_the_message_is_persian_on_persian_pages(app):
    response = app.test_client().post("/login?lang=fa", data={"email": "no-at-sign", "password": "x"})
    assert response.status_code == 400
    assert "نشانی ایمیل" in response.get_data(as_text=True)
