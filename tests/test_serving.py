"""The production set-up: what several app processes share (Redis or the database), and the proxy settings."""

import os

import pytest

from workbench import create_app
from workbench.extensions import db

# A Redis database of its own per test run, so the SQLite and PostgreSQL runs of CI can run side by side.
REDIS_URL = "redis://127.0.0.1:6379/" + ("7" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "6")


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def _forget(redis):
    for key in redis.scan_iter("workbench:signin:*"):
        redis.delete(key)


@pytest.fixture
def process(app, monkeypatch):
    """Another app process on the same database, configured from the environment as make serve does."""
    made = []

    def make(**env):
        for name in ("REDIS_URL", "TRUSTED_PROXIES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        made.append(create_app({
            "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _fail(client, email, address="127.0.0.1", headers=None):
    return client.post("/login", data={"email": email, "password": "bad"}, environ_base={"REMOTE_ADDR": address}, headers=headers or {})


def test_failed_sign_ins_counted_by_one_process_throttle_another_through_redis(process):
    redis = _redis_or_skip()
    _forget(redis)
    first, second = process(REDIS_URL=REDIS_URL), process(REDIS_URL=REDIS_URL)
    try:
        with first.test_client() as client:
            for _ in range(10):
                assert _fail(client, "someone@example.org").status_code == 401
        # The counts are in Redis, where another process (another machine) finds them.
        assert redis.keys("workbench:signin:*")
        with second.test_client() as client:
            assert _fail(client, "someone@example.org").status_code == 429
    finally:
        _forget(redis)


def test_without_redis_the_database_is_shared(process):
    first, second = process(), process()
    with first.test_client() as client:
        for _ in range(10):
            assert _fail(client, "someone@example.org").status_code == 401
    with second.test_client() as client:
        assert _fail(client, "someone@example.org").status_code == 429


def test_behind_a_trusted_proxy_sign_ins_are_counted_per_visitor(process):
    proxied = process(TRUSTED_PROXIES="1", LOGIN_ADDRESS_ATTEMPTS="10")
    with proxied.test_client() as client:
        for n in range(10):
            _fail(client, f"nobody{n}@example.org", headers={"X-Forwarded-For": "203.0.113.7"})
        blocked = _fail(client, "x@example.org", headers={"X-Forwarded-For": "203.0.113.7"})
        other_visitor = _fail(client, "x@example.org", headers={"X-Forwarded-For": "198.51.100.9"})
    assert blocked.status_code == 429
    assert other_visitor.status_code == 401


def test_static_files_have_versioned_urls_cached_for_a_year(client):
    import re

    page = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/static/css/workbench\.css\?v=[0-9a-f]+)"', page).group(1)
    with client.get(url) as versioned:
        assert versioned.status_code == 200
        assert "max-age=31536000" in versioned.headers["Cache-Control"] and "immutable" in versioned.headers["Cache-Control"]
    with client.get("/static/css/workbench.css") as plain:
        assert "max-age=31536000" not in (plain.headers.get("Cache-Control") or "")


def test_pages_are_compressed_for_browsers_that_accept_it(client):
    import gzip

    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(response.get_data())
    assert "Content-Encoding" not in client.get("/login").headers
