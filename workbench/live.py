"""Live updates and renderings cached by revision.

Each project (and each standalone FMEA) has a *revision*: a number that changes on every committed
write to its data. It lives where every app process sees it: Redis when ``REDIS_URL`` is set, else
the ``live_revisions`` table. Models say which revisions a change of theirs touches with a
``live_scopes()`` method (for example ``("project:7",)``); the session listener below collects them
at each flush and bumps them once the transaction commits (Redis) or inside it (database), so a
page never learns of a change before it can read it.

Pages poll ``GET /live/<token>`` with ``If-None-Match``: the answer is a 304 (or the new revision)
from the revision alone, without loading the user or the project. The token, made when the page
was rendered for a user who could see it, is signed with the app's secret and names the scope and
(a hash of) the session it was made for, so it works only with that session's cookie. A token may
also name a *kind* of page (``watch_url(scope, "fishbone", ...)``): its capability registers with
``answer_with`` what such a page needs, and a changed answer carries it, so a change costs the page
one request (the poll), not a poll and then a reload of each part.

``cached_rendering`` keeps renderings (SVG, PNG, ...) of the revision they were made at, one per
scope and variant (the latest made): in Redis with ``REDIS_URL``, else as files in
``instance/render-cache``. A changed answer that is the same for
every reader at a revision (a ``SharedAnswer``) is kept there too, whole and in each compressed
form: the readers of one meeting get the same bytes, made once.
"""

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, has_app_context, jsonify, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workbench import static_files
from workbench.extensions import db
from workbench.models import LiveRevision

bp = Blueprint("live", __name__)
EXTENSION = "workbench.live"
_PENDING = "workbench.live.pending"
_ANSWERS = "workbench.live.answers"  # app.extensions: kind -> what a changed answer to such a watch carries
RENDER_TTL = 24 * 3600


def project_scope(project_id: int) -> str:
    """The revision scope of everything hung on one improvement project."""
    return f"project:{project_id}"


def _initial() -> int:
    # A first revision no earlier store could have reached (microseconds since 1970): after Redis
    # or the database is emptied, a revision never repeats, so nothing cached under it is stale.
    return time.time_ns() // 1000


class RedisRevisions:
    """Revisions in Redis (``REDIS_URL``): shared by every process and machine."""

    _BUMP = """
    for _, key in ipairs(KEYS) do
      if redis.call('EXISTS', key) == 1 then redis.call('INCR', key) else redis.call('SET', key, ARGV[1]) end
    end
    return 1"""
    _CURRENT = """
    local value = redis.call('GET', KEYS[1])
    if not value then redis.call('SET', KEYS[1], ARGV[1], 'NX'); value = redis.call('GET', KEYS[1]) end
    return value"""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, health_check_interval=30)
        self.prefix = prefix
        self._bump = self.client.register_script(self._BUMP)
        self._current = self.client.register_script(self._CURRENT)

    def current(self, scope: str) -> int:
        return int(self._current(keys=[self.prefix + "rev:" + scope], args=[_initial()]))

    def bump(self, scopes: Iterable[str], connection=None) -> None:
        self._bump(keys=[self.prefix + "rev:" + s for s in sorted(scopes)], args=[_initial()])

    def cache_get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + "render:" + key)

    def cache_put(self, key: str, data: bytes) -> None:
        self.client.set(self.prefix + "render:" + key, data, ex=RENDER_TTL)


class DatabaseRevisions:
    """Revisions in the ``live_revisions`` table (no Redis): bumped inside the writing transaction."""

    bumps_in_transaction = True

    SWEEP_EVERY = 600  # seconds between two looks for renderings older than RENDER_TTL

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self._swept = 0.0

    def current(self, scope: str) -> int:
        value = db.session.scalar(select(LiveRevision.revision).where(LiveRevision.scope == scope))
        if value is None:
            with db.engine.begin() as connection:
                connection.execute(_upsert(connection, [scope], increment=False))
            value = db.session.scalar(select(LiveRevision.revision).where(LiveRevision.scope == scope))
        return int(value)

    def bump(self, scopes: Iterable[str], connection=None) -> None:
        connection.execute(_upsert(connection, sorted(scopes), increment=True))

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest() + ".bin")

    def cache_get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def cache_put(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # another process reads the whole file or none
        self._forget_old()

    def _forget_old(self) -> None:
        # Renderings of superseded revisions are never asked for again: keep the folder small. Not at
        # every write: the folder holds a day of a meeting's renderings, thousands of files to look at.
        now = time.time()
        if now - self._swept < self.SWEEP_EVERY:
            return
        self._swept = now
        limit = now - RENDER_TTL
        for old in self.folder.glob("*.bin"):
            try:
                if old.stat().st_mtime < limit:
                    old.unlink()
            except OSError:
                pass


def _upsert(connection, scopes: list[str], increment: bool):
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(LiveRevision).values([{"scope": s, "revision": _initial()} for s in scopes])
    if increment:
        return statement.on_conflict_do_update(index_elements=["scope"], set_={"revision": LiveRevision.revision + 1})
    return statement.on_conflict_do_nothing(index_elements=["scope"])


def store():
    """The revision store of the current app."""
    return current_app.extensions[EXTENSION]


def current(scope: str) -> int:
    """The revision of ``scope`` now."""
    return store().current(scope)


# -- bumping: every flushed change of a model with live_scopes() ---------------------------------


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush_context) -> None:
    if not has_app_context() or EXTENSION not in current_app.extensions:
        return
    scopes: set[str] = set()
    for objects, updated in ((session.new, False), (session.dirty, True), (session.deleted, False)):
        for obj in objects:
            scopes_of = getattr(obj, "live_scopes", None)
            if scopes_of is None or (updated and not session.is_modified(obj, include_collections=False)):
                continue
            scopes.update(s for s in scopes_of() if s)
    if scopes:
        _mark(session, scopes)


def _mark(session: Session, scopes: set[str]) -> None:
    revisions = store()
    if getattr(revisions, "bumps_in_transaction", False):
        revisions.bump(scopes, session.connection())
    else:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    scopes = session.info.pop(_PENDING, None)
    if scopes and has_app_context() and EXTENSION in current_app.extensions:
        try:
            store().bump(scopes)
        except Exception:  # the write is committed; a poll that misses it catches up at the next change
            current_app.logger.exception("could not bump live revisions %s", sorted(scopes))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def bump(scopes: Iterable[str]) -> None:
    """Mark ``scopes`` changed by a write made without ORM objects (a bulk UPDATE), with the transaction."""
    _mark(db.session, set(scopes))


# -- the poll endpoint ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="workbench.live")


def _session_hash() -> str:
    # Flask-Login keeps the user's session token under _user_id: bind the watch to this session.
    return hashlib.sha256(str(session.get("_user_id", "")).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SharedAnswer:
    """What ``produce`` returns when a changed answer is the same for every reader at one revision.

    ``shared()`` makes what the answer carries for everyone (None when readers get different
    answers at this revision, say their own votes); it runs once per revision and ``variant``, and
    the whole JSON body, with each compressed form asked for, is kept in the render cache.
    ``personal()`` makes this reader's answer when ``shared()`` gave None.
    """

    variant: str
    shared: Callable[[], dict | None]
    personal: Callable[[], dict]


def answer_with(app: Flask, kind: str, produce: Callable[[str, int, dict], "dict | SharedAnswer"]) -> None:
    """Let a changed answer to a watch of ``kind`` carry ``produce(scope, revision, options)``.

    ``produce`` runs in the request, with the signed-in user: it checks again that the user may see
    what it answers (the token only proves they could when the page was made), then returns what the
    answer carries, or a ``SharedAnswer``. ``revision`` was read before it runs: what it reads is at
    least that new.
    """
    app.extensions.setdefault(_ANSWERS, {})[kind] = produce


def watch_url(scope: str, kind: str | None = None, **options) -> str:
    """The address a page polls for changes of ``scope``; call only after checking the user may see it.

    With ``kind`` (registered with ``answer_with``), a changed answer carries what that page shows,
    made with ``options`` (for example the page's writing direction).
    """
    payload = [scope, _session_hash()] + ([kind, options] if kind else [])
    return url_for("live.changes", token=_serializer().dumps(payload))


@bp.get("/live/<token>")
def changes(token: str):
    """304 when the revision is the one the page has (If-None-Match), else the revision and what the page shows."""
    try:
        scope, bound, *kind = _serializer().loads(token, max_age=int(current_app.config["PERMANENT_SESSION_LIFETIME"]))
    except (BadSignature, ValueError, TypeError):
        bound, scope, kind = None, None, []
    if not session.get("_user_id"):
        return jsonify(error="unauthorized", message=_("This page is out of date or you signed out: reload it.")), 401
    if scope is None or bound != _session_hash():
        # Another session's (or a forged) token names nothing this user may watch.
        return jsonify(error="not_found", message=_("This page is out of date or you signed out: reload it.")), 404
    revision = current(scope)
    etag = f'"{revision}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache, private"}
    # not_modified: a compressed answer's ETag comes back as "7:br", and must not build the answer only for
    # flask-compress to turn it into a 304 afterwards.
    if not_modified(etag):
        return "", 304, headers
    produce = current_app.extensions.get(_ANSWERS, {}).get(kind[0]) if kind else None
    if produce is not None and not current_user.is_authenticated:  # an account closed since the page was made
        return jsonify(error="unauthorized", message=_("This page is out of date or you signed out: reload it.")), 401
    extra = produce(scope, revision, kind[1]) if produce else {}
    if isinstance(extra, SharedAnswer):
        shared = _shared_response(scope, revision, extra, headers)
        if shared is not None:
            return shared
        extra = extra.personal()
    return jsonify(revision=revision, **extra), 200, headers


def _shared_response(scope: str, revision: int, answer: SharedAnswer, headers: dict) -> Response | None:
    """The answer every reader gets at ``revision``, from the render cache (made once); None: it is personal."""
    revisions = store()
    slot = f"{scope}:answer:{answer.variant}"
    encoding = static_files.accepted_encoding()
    body = _cache_get(revisions, f"{slot}:{encoding}", revision) if encoding else None
    if body is None:
        plain = _cache_get(revisions, slot, revision)
        if plain is None:
            carried = answer.shared()
            # b"" files "readers get different answers at this revision" for the next reader too.
            plain = b"" if carried is None else json.dumps(
                {"revision": revision, **carried}, ensure_ascii=False, separators=(",", ":")).encode()
            _cache_put(revisions, slot, revision, plain)
        if not plain:
            return None
        encoding = static_files.accepted_encoding(len(plain))
        if encoding is None:
            return Response(plain, 200, headers, mimetype="application/json")
        body = static_files.compressed(plain, encoding)
        _cache_put(revisions, f"{slot}:{encoding}", revision, body)
    # As flask-compress marks what it compresses (it leaves an answer with a Content-Encoding alone).
    tagged = {**headers, "ETag": f'"{revision}:{encoding}"', "Content-Encoding": encoding, "Vary": "Accept-Encoding"}
    return Response(body, 200, tagged, mimetype="application/json")


# -- renderings cached by revision ---------------------------------------------------------------


def cached_rendering(scope: str, variant: str, produce: Callable[[], bytes], revision: int | None = None) -> tuple[bytes, str]:
    """The rendering ``variant`` of ``scope`` at its current revision, produced once per revision.

    Returns the bytes and their ETag. The revision is read before ``produce`` runs (or given, read
    by the caller before any data), so a rendering is never filed under a revision older than the
    data it shows.
    """
    if revision is None:
        revision = current(scope)
    etag = _etag(scope, revision, variant)
    slot = f"{scope}:{variant}"
    revisions = store()
    data = _cache_get(revisions, slot, revision)
    if data is None:
        data = produce()
        _cache_put(revisions, slot, revision, data)
    return data, etag


# One slot per scope and variant holds the rendering of one revision, the latest one made: a superseded
# revision is not asked for again (but by a straggler, which makes it again), so the cache stays as big as
# the number of scopes and variants, not as the number of revisions (a meeting makes one every few seconds).


def _cache_get(revisions, slot: str, revision: int) -> bytes | None:
    value = revisions.cache_get(slot)
    if value is None:
        return None
    head, _newline, data = value.partition(b"\n")
    return data if head == str(revision).encode() else None


def _cache_put(revisions, slot: str, revision: int, data: bytes) -> None:
    revisions.cache_put(slot, str(revision).encode() + b"\n" + data)


def etag_for(scope: str, variant: str, revision: int | None = None) -> str:
    """The ETag ``cached_rendering`` gives ``variant`` of ``scope`` now (to answer 304 before rendering)."""
    return _etag(scope, current(scope) if revision is None else revision, variant)


def not_modified(etag: str) -> bool:
    """Whether the request's If-None-Match already names ``etag`` (quoted, as sent in the ETag header)."""
    bare = etag.strip('"')
    # A compressed answer's ETag carries the encoding (flask-compress: "tag:gzip"): the same drawing.
    return any(tag == bare or tag.startswith(bare + ":") for tag in request.if_none_match.as_set())


def _etag(scope: str, revision: int, variant: str) -> str:
    return '"' + hashlib.sha256(f"{scope}|{revision}|{variant}".encode()).hexdigest()[:24] + '"'


def init_app(app: Flask) -> None:
    """Choose the store (Redis with REDIS_URL, else the database) and add the poll endpoint."""
    if app.config.get("REDIS_URL"):
        app.extensions[EXTENSION] = RedisRevisions(app.config["REDIS_URL"], app.config.get("REDIS_KEY_PREFIX", "workbench:"))
    else:
        folder = app.config.get("RENDER_CACHE_FOLDER") or os.path.join(app.instance_path, "render-cache")
        app.extensions[EXTENSION] = DatabaseRevisions(folder)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(live_url=watch_url, project_scope=project_scope)


def scopes_of(model, ident) -> tuple[str, ...]:
    """The scopes of the record ``model`` ``ident`` (a parent, for models that hang on one)."""
    parent = db.session.get(model, ident) if ident is not None else None
    return tuple(parent.live_scopes()) if parent is not None else ()
