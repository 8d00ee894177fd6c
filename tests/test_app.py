import pytest

from workbench import create_app


def test_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_starts_with_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SECRET_KEY"] == "s3cret"


def test_postgres_url_uses_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/wb")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/wb"


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_page_is_a_translated_404(client, make_user, login):
    login(make_user(locale="fa"))
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_every_page_names_its_icon_and_favicon_ico_finds_it(client, login, make_user):
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg?v=' in page  # versioned: cached for a year
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and "/static/favicon.svg" in icon.headers["Location"]
    with client.get("/static/favicon.svg") as svg:
        assert svg.data.startswith(b"<svg")
