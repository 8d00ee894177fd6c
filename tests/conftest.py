"""Fixtures: ``app``, ``client``, ``runner``, ``db`` and sign-in helpers.

Tests run on SQLite by default. With ``DATABASE_URL`` pointing at PostgreSQL
(as ``.ci/run`` does for its second pass) the same tests run there.
"""

import contextvars
import os
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from workbench import create_app
from workbench.extensions import db as _db

TEST_PASSWORD = "correct horse battery"


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The test itself holds an app context (for factories and queries); without
    this, requests would share its ``g`` and database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def patch_read(self, url, json, read_url=None, **kwargs):
        """PATCH as a client that has just read the record: adds the ``version`` a GET of ``read_url`` (default ``url``) answers."""
        read = self.get(read_url or url)
        if read.status_code == 200 and "version" not in json:
            json = {**json, "version": read.get_json()["version"]}
        return self.patch(url, json=json, **kwargs)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return url
    return "sqlite:///" + str(tmp_path_factory.getbasetemp() / "template.sqlite")


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Create the schema once, through the committed migrations."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        if url.startswith("postgres"):
            _db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            _db.session.commit()
        upgrade()
        # Every SQLite test starts from a copy of this file: revisions the migrations' writes started here would
        # start every test at the same number, and renderings cached by revision (instance/render-cache) would
        # pass from one test to the next. Without them each test's first revision is its own (the time).
        _db.session.execute(text("DELETE FROM live_revisions"))
        _db.session.commit()
        _db.engine.dispose()
    return url


@pytest.fixture
def app(database, tmp_path):
    url = database
    if url.startswith("sqlite"):
        # A fresh copy of the migrated database for every test.
        copy = tmp_path / "test.sqlite"
        shutil.copy(url.removeprefix("sqlite:///"), copy)
        url = "sqlite:///" + str(copy)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "localhost",
            "UPLOAD_STAGING_FOLDER": str(tmp_path / "staging"),
            # Still scrypt, at a cost that keeps the suite fast; production uses the default cost.
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        if url.startswith("postgres"):
            tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
            _db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            _db.session.commit()
        _db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    """Create a user: ``make_user("a@x.org", role="member")``."""
    from workbench.models import User

    def make(email=None, role="member", name=None, locale="en", password=TEST_PASSWORD):
        make.count += 1
        email = email or f"user{make.count}@example.org"
        user = User(email=email, name=name or email.split("@")[0], role=role, locale=locale)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    make.count = 0
    return make


@pytest.fixture
def login(client):
    """Sign ``user`` in on the test client."""

    def do(user, password=TEST_PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def owners(db):
    from workbench.process_owners import ensure_default_process_owners, list_process_owners

    ensure_default_process_owners()
    db.session.commit()
    return {o.key: o for o in list_process_owners()}


@pytest.fixture
def make_team(db, make_user, owners):
    """A team with ``size`` new members (first is leader); returns the Team."""
    from workbench.teams.services import save_team

    def make(name=None, size=3, members=None):
        make.count += 1
        members = members or [make_user() for _ in range(size)]
        rows = [{"user_id": members[0].id, "role": "customer_affairs"}] + [
            {"user_id": m.id, "role": "process_expert", "process_owner": "production"} for m in members[1:]
        ]
        team = save_team(None, name or f"Team {make.count}", members[0].id, rows)
        db.session.commit()
        return team

    make.count = 0
    return make


@pytest.fixture
def make_project(db, make_team):
    from workbench.models import User
    from workbench.teams.services import save_project

    def make(team=None, title="Late deliveries", **extra):
        team = team or make_team()
        leader = db.session.get(User, team.leader_id)
        project = save_project(None, leader, {"title": title, "team_id": team.id, "process_owner": "sales", **extra})
        db.session.commit()
        return project

    return make


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free local port in a thread; yields the base URL."""
    import threading

    from werkzeug.serving import make_server

    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=lambda: contextvars.Context().run(server.serve_forever), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server, tmp_path):
    """A Playwright page in Debian's chromium (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def page_login(page):
    """Sign ``user`` in on the Playwright ``page`` through the sign-in form."""

    def do(user, password=TEST_PASSWORD):
        page.goto("/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")

    return do


@pytest.fixture
def page_errors(page):
    """Console errors and uncaught exceptions of the Playwright ``page``, collected from now on."""
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught {error}"))
    return problems


@pytest.fixture
def artifacts():
    """Folder for screenshots taken by browser tests (kept after the run)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
