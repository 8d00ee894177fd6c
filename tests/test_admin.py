from workbench.models import ProcessOwner


def test_admin_manages_process_owners(client, login, make_user, owners, db):
    login(make_user(role="admin"))
    response = client.post("/admin/process-owners/new", data={"key": "Logistics", "name_en": "Logistics", "name_fa": "لجستیک", "active": "y"})
    assert response.status_code == 302
    owner = db.session.scalar(db.select(ProcessOwner).where(ProcessOwner.key == "logistics"))
    assert owner.name_fa == "لجستیک"
    keys = [o["key"] for o in client.get("/api/v1/process-owners").get_json()["items"]]
    assert keys == ["production", "quality", "sales", "service", "logistics"]
    response = client.post(f"/admin/process-owners/{owner.id}", data={"key": "sales", "name_en": "X", "name_fa": "ایکس", "version": owner.version})
    assert response.status_code == 400
    assert "already used" in response.get_data(as_text=True)


def test_only_admin_manages_users_and_owners(client, login, make_user):
    login(make_user(role="quality_manager"))
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/process-owners/new", data={"key": "x", "name_en": "x", "name_fa": "x"}).status_code == 403
    assert client.post("/api/v1/users", json={"email": "a@b.c", "name": "A", "password": "longenough"}).status_code == 403


def test_admin_creates_a_user_who_can_sign_in(client, login, make_user, app):
    login(make_user(role="admin"))
    response = client.post(
        "/admin/users/new",
        data={"email": "neda@example.org", "name": "ندا", "role": "viewer", "locale": "fa", "password": "long enough pw", "active": "y"},
    )
    assert response.status_code == 302
    users = client.get("/api/v1/users").get_json()["items"]
    assert {"email": "neda@example.org", "name": "ندا", "role": "viewer"}.items() <= next(u for u in users if u["email"] == "neda@example.org").items()
    other = app.test_client()
    assert other.post("/login", data={"email": "neda@example.org", "password": "long enough pw"}).status_code == 302


def test_last_admin_keeps_the_role(client, login, make_user):
    admin = make_user(role="admin")
    login(admin)
    response = client.post(f"/admin/users/{admin.id}", data={"email": admin.email, "name": "A", "role": "member", "locale": "en", "active": "y", "version": admin.version})
    assert response.status_code == 400
    assert "last administrator" in response.get_data(as_text=True)


def test_users_api_lists_id_email_name_role(client, login, make_user):
    login(make_user(role="viewer", email="boss@example.org", name="Boss"))
    items = client.get("/api/v1/users").get_json()["items"]
    assert items[0]["email"] == "boss@example.org" and set(items[0]) >= {"id", "email", "name", "role"}
