import re

from workbench.models import User


def test_sign_in_and_out(client, make_user, login):
    user = make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_scrypt(make_user):
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert "correct horse battery" not in user.password_hash


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_out_invalidates_the_old_session_cookie(app, make_user):
    user = make_user()
    first = app.test_client()
    first.post("/login", data={"email": user.email, "password": "correct horse battery"})
    stolen = first.get_cookie("session").value
    first.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="localhost")
    assert replay.get("/").status_code == 302


def test_redirect_after_sign_in_only_to_local_paths(client, make_user):
    user = make_user()
    for target, expected in (("/teams", "/teams"), ("https://evil.example/x", "/"), ("//evil.example", "/"), ("/\\evil.example", "/")):
        client.post("/logout")
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": "correct horse battery"})
        assert response.status_code == 302
        assert response.headers["Location"] == expected, target


def test_successful_sign_ins_do_not_count_as_failures(client, make_user):
    user = make_user()
    for _ in range(12):
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery"}).status_code == 302
        client.post("/logout")


def test_post_without_csrf_token_gets_400(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": token})
    assert response.status_code == 302


def test_api_token_from_account_page(client, make_user, login, db):
    user = make_user()
    login(user)
    page = client.post("/account", data={"token-name": "laptop"}).get_data(as_text=True)
    raw = re.search(r'class="token">(wb_[^<]+)<', page).group(1)
    client.post("/logout")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wb_wrong"}).status_code == 401


def test_create_user_command(runner, db):
    result = runner.invoke(args=["create-user", "New@Example.org", "--role", "viewer", "--password", "longenough1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert user.role == "viewer" and user.check_password("longenough1")
    result = runner.invoke(args=["create-user", "new@example.org", "--role", "viewer", "--password", "longenough1"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_api_with_browser_session_needs_the_csrf_header(csrf_app, make_user, make_team):
    team = make_team()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    leader = team.memberships[0].user
    client.post("/login", data={"email": leader.email, "password": "correct horse battery", "csrf_token": token})
    body = {"title": "From the browser", "team_id": team.id}
    assert client.post("/api/v1/projects", json=body).status_code == 400
    page = client.get("/").get_data(as_text=True)
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post("/api/v1/projects", json=body, headers={"X-CSRFToken": meta}).status_code == 201


def test_bearer_token_calls_need_no_csrf(csrf_app, make_user, make_team, runner):
    team = make_team()
    leader = team.memberships[0].user
    raw = csrf_app.test_cli_runner().invoke(args=["create-token", leader.email]).output.strip()
    client = csrf_app.test_client()
    response = client.post("/api/v1/projects", json={"title": "Scripted", "team_id": team.id}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201


def test_pages_cannot_be_framed_by_other_sites(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
