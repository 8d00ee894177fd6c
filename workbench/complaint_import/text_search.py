"""Complaint search for pickers, served by an index instead of a scan of the whole table.

The query is normalised like the stored text and cut into words (letters and digits; the
half-space is a space after ``normalise``). A complaint matches when every word is found in its
number or text:

- PostgreSQL: anywhere in them (``LIKE '%word%'``), served by the trigram GIN indexes of
  migration 0018; the planner reads the newest complaints first when a word is common.
- SQLite: at the beginning of one of their words, through the FTS5 table ``complaints_fts``
  (words of one or two letters: anywhere). The newest-first order needs each match's date, so
  the ``NEWEST`` newest complaints are checked first with ``LIKE`` (anywhere, as on PostgreSQL):
  common words are found there, and any other match is older. Otherwise the index finds the
  matches (rare words: a few) and they are sorted by date.
"""

import re

from sqlalchemy import and_, func, or_, select, text

from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db

SEARCH_LIMIT = 20  # matches one picker search answers with
MAX_QUERY = 100
MAX_WORDS = 8
NEWEST = 2000  # SQLite: the newest complaints, read first: common words are found among them
CANDIDATES = 1000  # index matches read at once on SQLite
# Words of one or two letters begin thousands of index terms, so the index would merge them all:
# they are checked with LIKE on what the longer words found (or on the newest complaints).
MIN_INDEXED = 3
_WORD = re.compile(r"[^\W_]+")  # FTS5 unicode61's token characters: letters and digits


def words_of(query: str) -> list[str]:
    """The words searched for: the normalised query's letters and digits, in order, at most ``MAX_WORDS``."""
    return _WORD.findall(normalise(" ".join(str(query or "").split())[:MAX_QUERY]))[:MAX_WORDS]


def fts_query(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word, each as the beginning of a word (words hold no quote)."""
    return " AND ".join(f'"{word}"*' for word in words)


def _like_all(words: list[str]):
    """Every word somewhere in the number or the normalised text."""
    return and_(True, *(
        or_(Complaint.text_norm.contains(word, autoescape=True), func.lower(Complaint.external_id).contains(word, autoescape=True))
        for word in words
    ))


def _newest_first(condition, limit: int = SEARCH_LIMIT):
    return (
        select(Complaint.id, Complaint.external_id, Complaint.text)
        .where(condition)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(limit)
    )


def _sqlite_matches(words: list[str]) -> list:
    # Common words: the newest complaints hold enough of them (and any other match is older).
    newest = select(Complaint.id).order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(NEWEST)
    found = db.session.execute(_newest_first(and_(Complaint.id.in_(newest), _like_all(words)))).all()
    indexed = [word for word in words if len(word) >= MIN_INDEXED]
    if len(found) == SEARCH_LIMIT or not indexed:
        return found if len(found) == SEARCH_LIMIT else db.session.execute(_newest_first(_like_all(words))).all()
    short = _like_all([word for word in words if len(word) < MIN_INDEXED])
    ids = db.session.scalars(
        text("SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH :q LIMIT :n"), {"q": fts_query(indexed), "n": CANDIDATES + 1}
    ).all()
    if len(ids) > CANDIDATES:  # rarer in the newest complaints than in the whole table: every match, sorted by date
        ids = select(text("rowid")).select_from(text("complaints_fts")).where(text("complaints_fts MATCH :q")).params(q=fts_query(indexed))
    return db.session.execute(_newest_first(and_(Complaint.id.in_(ids), short))).all()


def search(query: str) -> list[tuple[int, str]]:
    """Complaints whose number or text holds every word of ``query``, newest first, for a picker: ``(id, "number · text")``."""
    words = words_of(query)
    if not words:
        return []
    found = _sqlite_matches(words) if db.engine.dialect.name == "sqlite" else db.session.execute(_newest_first(_like_all(words))).all()
    return [(cid, f"{external_id} · {' '.join(text.split())[:90]}") for cid, external_id, text in found]
