"""No lost update under real concurrency.

The app runs on a real threaded HTTP server (``live_server``) against a file
SQLite database, or PostgreSQL when ``DATABASE_URL`` points there. Two
threads, each with its own HTTP connection, send an edit of the same record
with the same ``version``, released together by a barrier: exactly one gets
200, the other 409 with both values, and what is stored is the winner's.
``LOST_UPDATE_PAIRS`` sets the pairs per record (300 by default).
"""

import os
import threading
from datetime import date, timedelta

import pytest
import requests

from workbench.models import ApiToken, User

PAIRS = int(os.environ.get("LOST_UPDATE_PAIRS", "300"))


@pytest.fixture
def server(live_server, db, make_project):
    """The live server, a project with a cause, an FMEA row and an action, and two API tokens of its leader."""
    project = make_project(title="Late deliveries")
    leader = db.session.get(User, project.leader_id)
    tokens = []
    for name in ("first", "second"):
        token, raw = ApiToken.issue(leader, name)
        db.session.add(token)
        tokens.append(raw)
    db.session.commit()
    api = _client(live_server, tokens[0])
    base = f"{live_server}/api/v1/projects/{project.id}"
    diagram = api.post(f"{base}/fishbone", json={"template": "6m"}).json()
    cause = api.post(f"{base}/fishbone/causes", json={"text": "start", "category_id": diagram["categories"][0]["id"]}).json()
    row = api.post(f"{base}/fmea/rows", json={"failure_mode": "start"}).json()
    action = api.post(f"{base}/actions", json={
        "title": "start", "type": "corrective", "owner_id": leader.id, "due_date": (date.today() + timedelta(days=30)).isoformat(),
    }).json()
    api.close()
    yield {
        "url": live_server,
        "tokens": tokens,
        "records": {
            "cause": (f"/api/v1/causes/{cause['id']}", "text"),
            "fmea_row": (f"/api/v1/fmea-rows/{row['id']}", "failure_mode"),
            "action": (f"/api/v1/actions/{action['id']}", "title"),
        },
    }


def _client(base: str, token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _together(editors, url: str, bodies: list[dict]) -> list:
    """PATCH each body from its own session and thread, released at the same moment by a barrier."""
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def edit(i):
        barrier.wait()
        answers[i] = editors[i].patch(url, json=bodies[i], timeout=60)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _race(server, path: str, field: str, pairs: int) -> dict:
    """Send ``pairs`` pairs of simultaneous edits; count outcomes and lost updates."""
    url = server["url"] + path
    reader = _client(server["url"], server["tokens"][0])
    editors = [_client(server["url"], token) for token in server["tokens"]]
    counts = {"pairs": 0, "one_won": 0, "both_saved": 0, "other": [], "lost": 0, "conflict_bodies_ok": 0}
    try:
        for n in range(pairs):
            version = reader.get(url).json()["version"]
            values = [f"pair {n} edit A", f"pair {n} edit B"]
            answers = _together(editors, url, [{field: value, "version": version} for value in values])
            counts["pairs"] += 1
            codes = sorted(a.status_code for a in answers)
            stored = reader.get(url).json()
            if codes == [200, 409]:
                counts["one_won"] += 1
                winner = next(i for i in (0, 1) if answers[i].status_code == 200)
                loser = answers[1 - winner].json()
                if stored[field] != values[winner] or stored["version"] != version + 1:
                    counts["lost"] += 1
                if (loser["current"][field], loser["current"]["version"], loser["submitted"][field], loser["submitted"]["version"]) == (
                    values[winner], version + 1, values[1 - winner], version,
                ):
                    counts["conflict_bodies_ok"] += 1
            elif codes == [200, 200]:
                counts["both_saved"] += 1
                counts["lost"] += 1  # only one of the two values can be stored: the other edit vanished
            else:
                counts["other"].append((codes, [a.text[:200] for a in answers]))
    finally:
        for session in (reader, *editors):
            session.close()
    return counts


@pytest.mark.parametrize("record", ["cause", "fmea_row", "action"])
def test_concurrent_edits_with_the_same_version_never_lose_one(server, record):
    path, field = server["records"][record]
    counts = _race(server, path, field, PAIRS)
    print(f"{record}: {counts['pairs']} pairs, {counts['one_won']} one 200 + one 409, {counts['both_saved']} both 200, {counts['lost']} lost")
    assert counts["other"] == []
    assert counts["both_saved"] == 0
    assert counts["one_won"] == PAIRS
    assert counts["lost"] == 0
    # The refused edit is told what is stored now (the winner's value) and what it sent.
    assert counts["conflict_bodies_ok"] == PAIRS


def test_missing_and_malformed_versions(server):
    """Without a version: 409 naming the current one; a non-numeric one: 400 naming the field; nothing is written."""
    api = _client(server["url"], server["tokens"][0])
    for path, field in server["records"].values():
        url = server["url"] + path
        before = api.get(url).json()
        missing = api.patch(url, json={field: "no version"})
        assert missing.status_code == 409
        body = missing.json()
        assert body["current"]["version"] == before["version"] and "version" in body["message"]
        bad = api.patch(url, json={field: "bad version", "version": "three"})
        assert bad.status_code == 400 and "version" in bad.json()["errors"]
        after = api.get(url).json()
        assert after[field] == before[field] and after["version"] == before["version"]
    api.close()
