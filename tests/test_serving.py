"""The production set-up: what several app processes share through Redis, and the proxy settings."""

import uuid

import pytest

from workbench import create_app
from workbench.extensions import limiter

REDIS_URL = "redis://127.0.0.1:6379/6"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def _process(app, monkeypatch, prefix):
    """Another app process on the same database, configured from the environment as make serve does."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    other = create_app({
        "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "RATELIMIT_KEY_PREFIX": prefix,
    })
    return other


def test_failed_sign_ins_counted_by_one_process_throttle_another(app, monkeypatch):
    redis = _redis_or_skip()
    prefix = "wbtest-" + uuid.uuid4().hex
    first, second = _process(app, monkeypatch, prefix), _process(app, monkeypatch, prefix)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    try:
        with first.test_client() as client:
            for n in range(10):
                assert client.post("/login", data={"email": f"nobody{n}@example.org", "password": "bad"}).status_code == 401
        # The counts are in Redis, where another process (another machine) finds them.
        assert redis.keys("*" + prefix + "*")
        with second.test_client() as client:
            assert client.post("/login", data={"email": "someone@example.org", "password": "bad"}).status_code == 429
    finally:
        with first.app_context():
            limiter.reset()


def test_without_redis_counters_stay_in_the_process(app, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    other = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert other.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_behind_a_trusted_proxy_sign_ins_are_counted_per_visitor(app, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    proxied = create_app({
        "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
    })
    with proxied.app_context():
        limiter.reset()
    with proxied.test_client() as client:
        for n in range(10):
            client.post("/login", data={"email": f"nobody{n}@example.org", "password": "bad"},
                        headers={"X-Forwarded-For": "203.0.113.7"})
        blocked = client.post("/login", data={"email": "x@example.org", "password": "bad"}, headers={"X-Forwarded-For": "203.0.113.7"})
        other_visitor = client.post("/login", data={"email": "x@example.org", "password": "bad"}, headers={"X-Forwarded-For": "198.51.100.9"})
    assert blocked.status_code == 429
    assert other_visitor.status_code == 401
