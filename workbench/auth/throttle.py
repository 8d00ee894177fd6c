"""Sign-in throttling that holds across processes and restarts.

Failed sign-ins are counted in the database (table ``sign_in_throttle``) or, when ``REDIS_URL``
is set, in Redis: storage every server process shares and that a restart keeps. Two keys are
counted for each attempt:

- the account *from this client address* (``LOGIN_ATTEMPTS`` failures), so an attacker elsewhere
  cannot lock the real user out;
- the client address for any account (``LOGIN_ADDRESS_ATTEMPTS``), against password spraying.

An attempt is counted *before* the password is checked (and given back when it succeeds), so
concurrent requests in several processes cannot slip past the limit. Once a key has used its
attempts it is blocked for ``LOGIN_LOCK_SECONDS``; after that one more attempt is allowed, and
each further failure doubles the wait, up to ``LOGIN_LOCK_MAX_SECONDS``. Keys are SHA-256 hashes:
no address or email is stored in clear.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from workbench.auth.models import SignInThrottle
from workbench.extensions import db


@dataclass(frozen=True)
class Refused:
    """The attempt was not let through; ``retry_after`` in whole seconds."""

    retry_after: int


@dataclass(frozen=True)
class Rule:
    key: str
    attempts: int


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def rules_for(email: str, address: str) -> list[Rule]:
    """The keys counted for a sign-in of ``email`` from ``address`` and their attempt limits."""
    config = current_app.config
    email = (email or "").strip().lower()[:320]
    address = address or "unknown"
    return [
        Rule(_hash("account", email, address), int(config["LOGIN_ATTEMPTS"])),
        Rule(_hash("address", address), int(config["LOGIN_ADDRESS_ATTEMPTS"])),
    ]


def lock_seconds(failures: int, attempts: int) -> float:
    """How long a key that has failed ``failures`` times (limit ``attempts``) waits: doubling, capped."""
    config = current_app.config
    base = float(config["LOGIN_LOCK_SECONDS"])
    cap = float(config["LOGIN_LOCK_MAX_SECONDS"])
    extra = max(0, failures - attempts)
    return min(cap, base * (2 ** min(extra, 30)))


class DatabaseStore:
    """Counts in ``sign_in_throttle`` with single conditional statements (safe with many processes)."""

    def _insert(self):
        name = db.engine.dialect.name
        return (postgresql if name == "postgresql" else sqlite).insert(SignInThrottle)

    def reserve(self, rule: Rule, now: float) -> Refused | None:
        window = float(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
        table = SignInThrottle.__table__
        with db.engine.begin() as conn:
            # Forget failures nobody repeated for a while (never while a block is running).
            conn.execute(
                delete(table).where(
                    table.c.key == rule.key,
                    table.c.last_at < now - window,
                    (table.c.blocked_until.is_(None)) | (table.c.blocked_until <= now),
                )
            )
        for _ in range(2):
            with db.engine.begin() as conn:
                stmt = self._insert().values(key=rule.key, failures=1, allowed=rule.attempts, blocked_until=None, last_at=now)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[table.c.key],
                    set_={
                        "failures": table.c.failures + 1,
                        "last_at": now,
                        # A stale block from an earlier round must not be mistaken for the new one.
                        "blocked_until": None,
                    },
                    where=table.c.failures < table.c.allowed,
                ).returning(table.c.failures, table.c.allowed)
                row = conn.execute(stmt).first()
                if row is not None:
                    failures, allowed = row
                    if failures >= allowed:
                        # The last allowed attempt: block the key before the password is even checked.
                        conn.execute(
                            update(table)
                            .where(table.c.key == rule.key)
                            .values(blocked_until=now + lock_seconds(failures, rule.attempts))
                        )
                    return None
                # Used up: one more attempt once the block has run out (granted to one process only).
                granted = conn.execute(
                    update(table)
                    .where(
                        table.c.key == rule.key,
                        table.c.failures >= table.c.allowed,
                        table.c.blocked_until.is_not(None),
                        table.c.blocked_until <= now,
                    )
                    .values(allowed=table.c.failures + 1)
                ).rowcount
                if not granted:
                    until = conn.execute(select(table.c.blocked_until).where(table.c.key == rule.key)).scalar()
                    wait = (until - now) if until else lock_seconds(rule.attempts, rule.attempts)
                    return Refused(max(1, math.ceil(wait)))
        return Refused(1)

    def give_back(self, rule: Rule, forget: bool) -> None:
        table = SignInThrottle.__table__
        with db.engine.begin() as conn:
            if forget:
                conn.execute(delete(table).where(table.c.key == rule.key))
            else:
                conn.execute(
                    update(table)
                    .where(table.c.key == rule.key, table.c.failures > 0)
                    .values(failures=table.c.failures - 1, blocked_until=None)
                )


# The same rules as ``DatabaseStore.reserve``, atomic inside Redis.
_RESERVE = """
local key, now, attempts, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local base, cap = tonumber(ARGV[4]), tonumber(ARGV[5])
local f = tonumber(redis.call('HGET', key, 'failures') or '0')
local allowed = tonumber(redis.call('HGET', key, 'allowed') or tostring(attempts))
local blocked = tonumber(redis.call('HGET', key, 'blocked_until') or '0')
if f >= allowed then
  if blocked > now then return {0, math.ceil(blocked - now)} end
  allowed = f + 1
end
f = f + 1
redis.call('HSET', key, 'failures', f, 'allowed', allowed, 'blocked_until', 0)
local lock = 0
if f >= allowed then
  local extra = f - attempts
  if extra < 0 then extra = 0 end
  if extra > 30 then extra = 30 end
  lock = math.min(cap, base * 2 ^ extra)
  redis.call('HSET', key, 'blocked_until', now + lock)
end
redis.call('EXPIRE', key, math.ceil(window + lock))
return {1, 0}
"""

_GIVE_BACK = """
local f = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if f > 0 then redis.call('HSET', KEYS[1], 'failures', f - 1, 'blocked_until', 0) end
return f
"""


class RedisStore:
    """Counts in Redis hashes ``workbench:signin:<key>`` with Lua scripts (atomic)."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self._reserve = self.client.register_script(_RESERVE)
        self._give_back = self.client.register_script(_GIVE_BACK)

    @staticmethod
    def _name(rule: Rule) -> str:
        return "workbench:signin:" + rule.key

    def reserve(self, rule: Rule, now: float) -> Refused | None:
        config = current_app.config
        let_through, wait = self._reserve(
            keys=[self._name(rule)],
            args=[now, rule.attempts, config["LOGIN_FAILURE_WINDOW_SECONDS"], config["LOGIN_LOCK_SECONDS"], config["LOGIN_LOCK_MAX_SECONDS"]],
        )
        return None if int(let_through) else Refused(max(1, int(wait)))

    def give_back(self, rule: Rule, forget: bool) -> None:
        if forget:
            self.client.delete(self._name(rule))
        else:
            self._give_back(keys=[self._name(rule)])


def store():
    """The app's counter store: Redis when ``REDIS_URL`` is set, else the database."""
    app = current_app._get_current_object()
    found = app.extensions.get("workbench.sign_in_store")
    if found is None:
        url = app.config.get("REDIS_URL")
        found = RedisStore(url) if url else DatabaseStore()
        app.extensions["workbench.sign_in_store"] = found
    return found


def begin_attempt(email: str, address: str) -> tuple[list[Rule], Refused | None]:
    """Count a sign-in attempt against every rule; a ``Refused`` means: answer 429, check nothing."""
    now = time.time()
    rules = rules_for(email, address)
    counted = []
    for rule in rules:
        refused = store().reserve(rule, now)
        if refused is not None:
            # Nothing was checked: the rules already counted for this attempt get it back.
            for done in counted:
                store().give_back(done, forget=False)
            return rules, refused
        counted.append(rule)
    return rules, None


def succeeded(rules: list[Rule]) -> None:
    """A correct password: the account's failures from this address are forgotten, the address gets its attempt back."""
    account, *others = rules
    store().give_back(account, forget=True)
    for rule in others:
        store().give_back(rule, forget=False)
