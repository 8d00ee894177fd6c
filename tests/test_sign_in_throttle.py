"""Failed sign-ins are counted in shared storage (database or Redis), per account and address."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from workbench.auth import throttle
from workbench.auth.models import SignInThrottle

ROOT = Path(__file__).resolve().parent.parent


def _post(client, email, password, address="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_ten_failures_then_429_even_with_the_right_password(client, make_user, db):
    user = make_user()
    for _ in range(10):
        assert _post(client, user.email, "bad").status_code == 401
    response = _post(client, user.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Too many failed sign-ins. Try again in 1 minute." in response.get_data(as_text=True)  # one minute, not "1 minutes"
    assert client.get("/").status_code == 302  # not signed in
    # Nothing about the attacker is stored in clear.
    keys = db.session.scalars(select(SignInThrottle.key)).all()
    assert keys and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)


def test_an_attacker_cannot_lock_the_real_user_out(app, make_user):
    user = make_user()
    attacker = app.test_client()
    for _ in range(30):
        _post(attacker, user.email, "guess", address="203.0.113.9")
    assert _post(attacker, user.email, TEST_PASSWORD, address="203.0.113.9").status_code == 429
    real = app.test_client()
    assert _post(real, user.email, TEST_PASSWORD, address="198.51.100.7").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(app, client, make_user):
    app.config["LOGIN_ADDRESS_ATTEMPTS"] = 12
    for n in range(12):
        assert _post(client, f"nobody{n}@example.org", "bad").status_code == 401
    other = make_user()
    assert _post(client, other.email, TEST_PASSWORD).status_code == 429
    assert _post(client, other.email, TEST_PASSWORD, address="10.0.0.2").status_code == 302


def test_successful_sign_ins_do_not_count(client, make_user):
    user = make_user()
    for _ in range(9):
        assert _post(client, user.email, "bad").status_code == 401
    assert _post(client, user.email, TEST_PASSWORD).status_code == 302
    client.post("/logout")
    # The account's failures from this address were forgotten: ten more tries before the wait.
    for _ in range(10):
        assert _post(client, user.email, "bad").status_code == 401
    assert _post(client, user.email, "bad").status_code == 429


def test_the_wait_doubles_with_each_further_failure(client, make_user, monkeypatch):
    user = make_user()
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    for _ in range(10):
        assert _post(client, user.email, "bad").status_code == 401
    assert _post(client, user.email, "bad").headers["Retry-After"] == "60"
    clock[0] += 61
    assert _post(client, user.email, "bad").status_code == 401  # one more try after the wait
    assert _post(client, user.email, TEST_PASSWORD).headers["Retry-After"] == "120"
    clock[0] += 121
    assert _post(client, user.email, "bad").status_code == 401
    assert _post(client, user.email, "bad").headers["Retry-After"] == "240"
    clock[0] += 241
    assert _post(client, user.email, TEST_PASSWORD).status_code == 302


def test_failures_in_redis_when_configured(app, client, make_user, db):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/4"
    server = redis.Redis.from_url(url)
    try:
        server.delete(*server.keys("workbench:signin:*") or ["none"])
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    app.config["REDIS_URL"] = url
    app.extensions.pop("workbench.sign_in_store", None)
    user = make_user()
    for _ in range(10):
        assert _post(client, user.email, "bad").status_code == 401
    assert _post(client, user.email, TEST_PASSWORD).status_code == 429
    assert _post(client, user.email, TEST_PASSWORD, address="10.0.0.3").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 0
    assert server.keys("workbench:signin:*")
    server.delete(*server.keys("workbench:signin:*"))


# --- three real server processes sharing one database ---------------------------------------

SERVER = """
import sys
from werkzeug.serving import run_simple
from workbench import create_app
app = create_app({"WTF_CSRF_ENABLED": False})
run_simple("127.0.0.1", int(sys.argv[1]), app, threaded=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(port: int, database_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "three-processes", "REDIS_URL": ""}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"server on {port} did not start: {log.read_text()[-2000:]}")


def _sign_in(port: int, email: str, password: str, source: str = "127.0.0.1") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        body = urllib.parse.urlencode({"email": email, "password": password})
        connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_three_processes_share_the_count_and_a_restart_keeps_it(app, make_user, tmp_path):
    email = make_user(email="anna@corp.example").email
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ports = [_free_port() for _ in range(3)]
    log = tmp_path / "servers.log"
    processes = [_start(port, url, log) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process, log)
        # 60 wrong passwords, spread over the three processes, six at a time.
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda n: _sign_in(ports[n % 3], email, "wrong"), range(60)))
        assert statuses.count(401) == 10, statuses
        assert statuses.count(429) == 50, statuses
        _stop(processes)
        processes = [_start(port, url, log) for port in ports]
        for port, process in zip(ports, processes, strict=True):
            _wait_until_up(port, process, log)
        # After the restart the attacker's address is still refused, even with the right password ...
        assert [_sign_in(port, email, TEST_PASSWORD) for port in ports] == [429, 429, 429]
        # ... while the real user, from another address, signs in on any process.
        assert [_sign_in(port, email, TEST_PASSWORD, source="127.0.0.2") for port in ports] == [302, 302, 302]
    finally:
        _stop(processes)


@pytest.fixture
def other_app(app):
    """A second app on the same database, built as outside testing; its engine is closed afterwards."""
    from workbench import create_app
    from workbench.extensions import db

    made = []

    def make(**config):
        made.append(create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": False, **config}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_forwarded_address_believed_only_from_trusted_proxies(other_app, make_user):
    user = make_user()
    direct = other_app().test_client()
    # Without TRUSTED_PROXIES a client cannot dodge the count by making up X-Forwarded-For.
    for n in range(10):
        direct.post("/login", data={"email": user.email, "password": "bad"}, headers={"X-Forwarded-For": f"10.1.1.{n}"})
    assert direct.post("/login", data={"email": user.email, "password": TEST_PASSWORD}, headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 429
    proxied = other_app(TRUSTED_PROXIES=1).test_client()
    response = proxied.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.20", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_cookies_are_secure_outside_debug_and_testing(app, other_app):
    assert app.config["SESSION_COOKIE_SECURE"] is False  # testing
    production = other_app()
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert other_app(SESSION_COOKIE_SECURE=False).config["SESSION_COOKIE_SECURE"] is False
