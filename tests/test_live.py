"""Live updates: a revision per project that every write bumps, the 304 poll, and renderings cached by revision.

Each test runs with the revisions in the database (no Redis) and, when Redis answers, in Redis.
"""

import json
import re
import uuid

import pytest
from sqlalchemy import event

from workbench import live
from workbench.models import User

REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    """Run the test against either store; the Redis one under a prefix of its own."""
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        prefix = f"wbtest-{uuid.uuid4().hex}:"
        app.extensions[live.EXTENSION] = live.RedisRevisions(REDIS_URL, prefix)
        yield request.param
        client = app.extensions[live.EXTENSION].client
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    else:
        yield request.param


@pytest.fixture
def meeting(db, make_project):
    """A project with a 6M fishbone, and its leader."""
    from workbench.fishbone import services

    project = make_project()
    diagram = services.create_diagram(project, "6m", "en")
    db.session.commit()
    return project, db.session.get(User, project.leader_id), diagram


def _watch_url(client, project_id):
    page = client.get(f"/projects/{project_id}/fishbone").get_data(as_text=True)
    return re.search(r'data-live="([^"]+)"', page).group(1)


def _add_cause(client, project, diagram, text="Driver shortage"):
    return client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": text, "category_id": diagram.categories[0].id})


def test_poll_answers_304_until_someone_changes_the_project(store, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert _add_cause(client, project, diagram).status_code == 201
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert changed.get_json()["revision"] != first.get_json()["revision"]


def test_the_diagram_tells_which_revision_it_shows(store, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    _add_cause(client, project, diagram)
    shown = client.get(f"/api/v1/projects/{project.id}/fishbone").headers["X-Live-Revision"]
    # The page polls with what it shows: nothing new since.
    assert client.get(url, headers={"If-None-Match": f'"{shown}"'}).status_code == 304


@pytest.mark.parametrize("encoding", [None, "br", "gzip"])
def test_poll_reads_neither_the_user_nor_the_project(store, app, db, client, login, meeting, encoding):
    project, leader, _diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    # A browser that takes compressed answers gets, and sends back, the compressed answer's ETag ("7:br").
    headers = {"Accept-Encoding": encoding} if encoding else {}
    etag = client.get(url, headers=headers).headers["ETag"]
    if encoding:
        assert etag.endswith(f':{encoding}"')
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    touched = " ".join(statements).lower()
    assert "users" not in touched and "projects" not in touched and "fishbone" not in touched
    if store == "redis":
        assert statements == []


def test_a_change_reaches_the_fishbone_page_in_the_poll_itself(store, app, client, login, meeting, monkeypatch):
    from workbench.fishbone import render

    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    shown = client.get(url)
    assert shown.status_code == 200 and shown.get_json()["diagram"]["categories"][0]["causes"] == []
    _add_cause(client, project, diagram, text="Forklift <broken>")
    drawn = []
    real = render.draw
    monkeypatch.setattr(render, "draw", lambda *a, **k: drawn.append(1) or real(*a, **k))
    changed = client.get(url, headers={"If-None-Match": shown.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != shown.headers["ETag"]
    body = changed.get_json()
    assert [c["text"] for c in body["diagram"]["categories"][0]["causes"]] == ["Forklift <broken>"]
    assert "Forklift &lt;broken&gt;" in body["svg"] and "<broken>" not in body["svg"]
    # The page shows the drawing fishbone.svg serves, drawn once for both.
    assert client.get(f"/projects/{project.id}/fishbone.svg?dir=ltr").get_data(as_text=True) == body["svg"]
    assert len(drawn) == 1
    assert client.get(url, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_a_persian_page_is_answered_with_its_right_to_left_drawing(store, db, client, login, meeting):
    project, leader, diagram = meeting
    leader.locale = "fa"
    db.session.commit()
    login(leader)
    url = _watch_url(client, project.id)
    _add_cause(client, project, diagram, text="انبار")
    svg = client.get(url).get_json()["svg"]
    assert svg == client.get(f"/projects/{project.id}/fishbone.svg?dir=rtl").get_data(as_text=True)
    assert svg != client.get(f"/projects/{project.id}/fishbone.svg?dir=ltr").get_data(as_text=True)


def test_a_member_who_left_the_team_gets_no_diagram_from_an_old_page(store, app, db, client, login, meeting):
    from workbench.teams.models import TeamMembership

    project, leader, diagram = meeting
    membership = db.session.scalar(db.select(TeamMembership).where(TeamMembership.team_id == project.team_id,
                                                                   TeamMembership.user_id != leader.id))
    colleague = app.test_client()
    other = db.session.get(User, membership.user_id)
    assert colleague.post("/login", data={"email": other.email, "password": "correct horse battery"}).status_code == 302
    url = _watch_url(colleague, project.id)
    etag = colleague.get(url).headers["ETag"]
    db.session.delete(membership)
    db.session.commit()
    login(leader)
    _add_cause(client, project, diagram, text="Secret supplier")
    refused = colleague.get(url, headers={"If-None-Match": etag})
    assert refused.status_code == 404 and "Secret supplier" not in refused.get_data(as_text=True)


def test_a_closed_account_gets_no_diagram_from_an_open_page(store, db, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    _add_cause(client, project, diagram, text="Secret supplier")
    leader.active = False
    db.session.commit()
    refused = client.get(url)
    assert refused.status_code == 401 and "Secret supplier" not in refused.get_data(as_text=True)


def test_a_change_elsewhere_leaves_the_revision_alone(store, db, client, login, meeting, make_project):
    project, leader, _diagram = meeting
    other = make_project(title="Other")
    login(leader)
    url = _watch_url(client, project.id)
    etag = client.get(url).headers["ETag"]
    from workbench.fishbone import services

    services.create_diagram(other, "6m", "en")
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_refused_write_changes_nothing(store, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    etag = client.get(url).headers["ETag"]
    refused = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "", "category_id": diagram.categories[0].id})
    assert refused.status_code == 400
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_fmea_rows_and_corrective_actions_bump_the_project(store, db, client, login, meeting):
    project, leader, _diagram = meeting
    login(leader)
    page = client.get(f"/projects/{project.id}/fmea").get_data(as_text=True)
    url = re.search(r'"live":\{"url":"([^"]+)"', page).group(1)
    etag = client.get(url).headers["ETag"]
    row = client.post(f"/api/v1/projects/{project.id}/fmea/rows", json={"failure_mode": "Late truck", "severity": 7})
    assert row.status_code == 201, row.get_data(as_text=True)
    after_row = client.get(url, headers={"If-None-Match": etag})
    assert after_row.status_code == 200
    action = client.post(f"/api/v1/projects/{project.id}/actions", json={"title": "Second carrier", "owner_id": leader.id,
                                                                        "due_date": "2030-01-31"})
    assert action.status_code == 201, action.get_data(as_text=True)
    assert client.get(url, headers={"If-None-Match": after_row.headers["ETag"]}).status_code == 200


def test_the_watch_works_only_with_the_session_it_was_made_for(store, app, client, login, meeting, make_user):
    project, leader, _diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    assert client.get(url).status_code == 200
    stranger = app.test_client()
    outsider = make_user()
    assert stranger.post("/login", data={"email": outsider.email, "password": "correct horse battery"}).status_code == 302
    refused = stranger.get(url)
    assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"  # as every other team's page
    assert client.get(url[:-3] + "xyz").status_code == 404  # tampered
    client.post("/logout")
    assert client.get(url).status_code == 401


def test_outsiders_get_no_watch_url(client, login, meeting, make_user):
    project, _leader, _diagram = meeting
    login(make_user())
    assert client.get(f"/projects/{project.id}/fishbone").status_code == 404


def test_svg_is_drawn_once_per_revision_and_answers_304(store, app, client, login, meeting, monkeypatch):
    from workbench.fishbone import render

    project, leader, diagram = meeting
    login(leader)
    drawn = []
    real = render.draw
    monkeypatch.setattr(render, "draw", lambda *a, **k: drawn.append(1) or real(*a, **k))
    url = f"/projects/{project.id}/fishbone.svg?dir=ltr"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "image/svg+xml"
    assert "no-store" not in first.headers["Cache-Control"] and first.headers["ETag"]
    again = client.get(url)
    assert again.get_data() == first.get_data() and len(drawn) == 1
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    _add_cause(client, project, diagram, text="Forklift broken")
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Forklift broken" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != first.headers["ETag"] and len(drawn) == 2
    # Another language draws its own legend.
    client.get(url + "&lang=fa")
    assert len(drawn) == 3


def test_svg_of_a_project_one_may_not_see_is_not_served_from_the_cache(store, client, login, meeting, make_user):
    project, leader, _diagram = meeting
    login(leader)
    url = f"/projects/{project.id}/fishbone.svg"
    etag = client.get(url).headers["ETag"]
    client.post("/logout")
    login(make_user())
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404
    assert client.get(url).status_code == 404


def test_compressed_svg_revalidates_without_drawing_or_compressing_again(store, client, login, meeting, monkeypatch):
    from workbench.fishbone import render

    project, leader, _diagram = meeting
    login(leader)
    url = f"/projects/{project.id}/fishbone.svg"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["ETag"].endswith(':gzip"')
    monkeypatch.setattr(render, "draw", lambda *a, **k: pytest.fail("drawn again"))
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_the_diagram_built_once_per_revision_still_shows_each_reader_their_own_votes(store, app, db, client, login, meeting,
                                                                                    monkeypatch):
    from workbench.fishbone import tree
    from workbench.teams.models import TeamMembership

    project, leader, diagram = meeting
    other_id = db.session.scalar(db.select(TeamMembership.user_id).where(TeamMembership.team_id == project.team_id,
                                                                        TeamMembership.user_id != leader.id))
    other = db.session.get(User, other_id)
    login(leader)
    cause = _add_cause(client, project, diagram).get_json()
    client.post(f"/api/v1/projects/{project.id}/fishbone/vote-sessions", json={"votes_per_member": 3})
    client.post(f"/api/v1/causes/{cause['id']}/votes")
    built = []
    real = tree.diagram_json
    monkeypatch.setattr(tree, "diagram_json", lambda *a, **k: built.append(1) or real(*a, **k))
    mine = client.get(f"/api/v1/projects/{project.id}/fishbone").get_json()
    assert mine["voting"]["mine"] == {str(cause["id"]): 1} and mine["voting"]["left"] == 2
    colleague = app.test_client()
    assert colleague.post("/login", data={"email": other.email, "password": "correct horse battery"}).status_code == 302
    theirs = colleague.get(f"/api/v1/projects/{project.id}/fishbone").get_json()
    assert theirs["voting"]["mine"] == {} and theirs["voting"]["left"] == 3
    assert theirs["categories"][0]["causes"][0]["votes"] == 1
    assert len(built) == 1  # the second reader got the tree built for the first
    colleague.post(f"/api/v1/causes/{cause['id']}/votes")
    assert client.get(f"/api/v1/projects/{project.id}/fishbone").get_json()["categories"][0]["causes"][0]["votes"] == 2
    assert len(built) == 2


def _colleague(app, db, project, leader):
    """A signed-in client of another member of the project's team."""
    from workbench.teams.models import TeamMembership

    other_id = db.session.scalar(db.select(TeamMembership.user_id).where(TeamMembership.team_id == project.team_id,
                                                                        TeamMembership.user_id != leader.id))
    colleague = app.test_client()
    other = db.session.get(User, other_id)
    assert colleague.post("/login", data={"email": other.email, "password": "correct horse battery"}).status_code == 302
    return colleague, other


def _decoded(response) -> bytes:
    from flask_compress.flask_compress import _uncompress_data

    encoding = response.headers.get("Content-Encoding")
    return _uncompress_data(response.get_data(), encoding) if encoding else response.get_data()


@pytest.mark.parametrize("encoding", [None, "zstd", "br", "gzip"])
def test_a_second_reader_of_a_change_gets_the_same_bytes_without_building_anything(store, app, db, client, login, meeting,
                                                                                   monkeypatch, encoding):
    from workbench import static_files
    from workbench.fishbone import render, tree

    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    colleague, _other = _colleague(app, db, project, leader)
    their_url = _watch_url(colleague, project.id)
    headers = {"Accept-Encoding": encoding} if encoding else {}
    before = client.get(url, headers=headers).headers["ETag"]
    _add_cause(client, project, diagram, text="Forklift <broken>")
    made = {"diagram": 0, "drawing": 0, "compressed": 0}
    for module, name, counter in ((tree, "diagram_json", "diagram"), (render, "draw", "drawing"),
                                  (static_files, "compressed", "compressed")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _counter=counter, **k: made.__setitem__(_counter, made[_counter] + 1)
                            or _real(*a, **k))
    first = client.get(url, headers={**headers, "If-None-Match": before})
    second = colleague.get(their_url, headers={**headers, "If-None-Match": before})
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert made == {"diagram": 1, "drawing": 1, "compressed": 1 if encoding else 0}
    assert first.headers.get("Content-Encoding") == second.headers.get("Content-Encoding") == encoding
    assert first.headers["ETag"] == second.headers["ETag"] == (f'"{first.headers["ETag"].strip(chr(34)).split(":")[0]}:{encoding}"'
                                                               if encoding else first.headers["ETag"])
    body = json.loads(_decoded(second))
    assert [c["text"] for c in body["diagram"]["categories"][0]["causes"]] == ["Forklift <broken>"]
    assert "Forklift &lt;broken&gt;" in body["svg"]
    # The page polls on with the ETag it was given: nothing new, nothing made.
    assert colleague.get(their_url, headers={**headers, "If-None-Match": second.headers["ETag"]}).status_code == 304
    assert made == {"diagram": 1, "drawing": 1, "compressed": 1 if encoding else 0}


def test_every_encoding_of_a_change_decodes_to_the_same_answer(store, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    for n in range(8):  # enough for an answer worth compressing
        _add_cause(client, project, diagram, text=f"انبار {n} <x> & \"y\"")
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    expected = plain.get_json()
    assert len(expected["diagram"]["categories"][0]["causes"]) == 8
    for encoding in ("zstd", "br", "gzip", "gzip, deflate, br", "br;q=0.5, gzip"):
        answer = client.get(url, headers={"Accept-Encoding": encoding})
        chosen = answer.headers["Content-Encoding"]
        assert chosen == {"gzip, deflate, br": "br", "br;q=0.5, gzip": "gzip"}.get(encoding, encoding)
        assert "Accept-Encoding" in answer.headers["Vary"] and answer.headers["ETag"].endswith(f':{chosen}"')
        assert json.loads(_decoded(answer)) == expected


def test_a_reader_who_left_the_team_gets_nothing_from_an_answer_others_were_given(store, app, db, client, login, meeting):
    from workbench.teams.models import TeamMembership

    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    colleague, other = _colleague(app, db, project, leader)
    their_url = _watch_url(colleague, project.id)
    etag = colleague.get(their_url).headers["ETag"]
    db.session.execute(db.delete(TeamMembership).where(TeamMembership.team_id == project.team_id,
                                                       TeamMembership.user_id == other.id))
    db.session.commit()
    _add_cause(client, project, diagram, text="Secret supplier")
    for encoding in (None, "br"):
        headers = {"Accept-Encoding": encoding} if encoding else {}
        shown = client.get(url, headers={**headers, "If-None-Match": etag})  # the answer of this revision is made
        assert shown.status_code == 200 and b"Secret supplier" in _decoded(shown)
        refused = colleague.get(their_url, headers={**headers, "If-None-Match": etag})
        assert refused.status_code == 404 and b"Secret supplier" not in _decoded(refused)


def test_in_a_voting_round_each_reader_of_a_change_sees_their_own_dots(store, app, db, client, login, meeting):
    project, leader, diagram = meeting
    login(leader)
    url = _watch_url(client, project.id)
    colleague, _other = _colleague(app, db, project, leader)
    their_url = _watch_url(colleague, project.id)
    cause = _add_cause(client, project, diagram).get_json()
    client.post(f"/api/v1/projects/{project.id}/fishbone/vote-sessions", json={"votes_per_member": 3})
    client.post(f"/api/v1/causes/{cause['id']}/votes")
    for encoding in (None, "br"):
        headers = {"Accept-Encoding": encoding} if encoding else {}
        mine = json.loads(_decoded(client.get(url, headers=headers)))["diagram"]
        theirs = json.loads(_decoded(colleague.get(their_url, headers=headers)))["diagram"]
        assert mine["voting"]["mine"] == {str(cause["id"]): 1} and mine["voting"]["left"] == 2
        assert theirs["voting"]["mine"] == {} and theirs["voting"]["left"] == 3
        assert mine["categories"][0]["causes"][0]["votes"] == theirs["categories"][0]["causes"][0]["votes"] == 1


def test_the_render_cache_folder_forgets_old_renderings_but_not_at_every_write(tmp_path, monkeypatch):
    import os
    import time
    from pathlib import Path

    revisions = live.DatabaseRevisions(str(tmp_path / "render-cache"))
    revisions.cache_put("project:1:7:svg", b"<svg>old</svg>")  # the first write looks at the folder
    day_old = time.time() - live.RENDER_TTL - 60
    os.utime(revisions._path("project:1:7:svg"), (day_old, day_old))
    looked = []
    real_glob = Path.glob
    monkeypatch.setattr(Path, "glob", lambda self, pattern: looked.append(pattern) or real_glob(self, pattern))
    for n in range(20):  # a busy meeting: a drawing and an answer at every change
        revisions.cache_put(f"project:1:{8 + n}:svg", b"<svg>new</svg>")
    assert looked == [] and revisions.cache_get("project:1:7:svg") == b"<svg>old</svg>"
    later = time.time() + live.DatabaseRevisions.SWEEP_EVERY + 1
    monkeypatch.setattr(live.time, "time", lambda: later)
    revisions.cache_put("project:1:28:svg", b"<svg>newest</svg>")
    assert looked == ["*.bin"]
    assert revisions.cache_get("project:1:7:svg") is None
    assert revisions.cache_get("project:1:27:svg") == b"<svg>new</svg>" and revisions.cache_get("project:1:28:svg") == b"<svg>newest</svg>"


def test_a_rendering_cache_keeps_one_slot_per_scope_and_variant_however_many_revisions(app, tmp_path, monkeypatch):
    """A meeting makes a revision every few seconds: the cache holds the latest drawing of each scope and
    variant, not one per revision (a day of those filled Redis)."""
    revisions = live.DatabaseRevisions(str(tmp_path / "render-cache"))
    with app.app_context():
        monkeypatch.setitem(app.extensions, live.EXTENSION, revisions)
        made = []
        for revision in range(100, 160):
            data, _etag = live.cached_rendering("project:9", "svg-rtl", lambda r=revision: made.append(r) or f"<svg>{r}</svg>".encode(), revision=revision)
            assert data == f"<svg>{revision}</svg>".encode()
            again, _etag = live.cached_rendering("project:9", "svg-rtl", lambda: made.append("again") or b"x", revision=revision)
            assert again == data  # the second reader of a revision gets the bytes made once
        live.cached_rendering("project:9", "svg-ltr", lambda: b"<svg>ltr</svg>", revision=159)
        assert made == list(range(100, 160))
        assert len(list((tmp_path / "render-cache").glob("*.bin"))) == 2  # one slot per variant
        # A straggler asking for a superseded revision gets that revision's drawing, made again.
        old, _etag = live.cached_rendering("project:9", "svg-rtl", lambda: b"<svg>100 again</svg>", revision=100)
        assert old == b"<svg>100 again</svg>"
