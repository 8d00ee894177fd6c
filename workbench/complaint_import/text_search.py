"""Complaint search for pickers, served by an index instead of a scan of the whole table.

The query is normalised like the stored text and cut into words (letters and digits; the
half-space is a space after ``normalise``). A complaint matches when every word is found in its
number or text:

- PostgreSQL: anywhere in them (``LIKE '%word%'``), served by the trigram GIN indexes of
  migration 0018; the planner reads the newest complaints first when a word is common.
- SQLite: at the beginning of one of their words, through the FTS5 table ``complaints_fts``
  (words of one or two letters: anywhere, checked on what the longer words found).
  The newest-first order needs each match's date: when the index finds more than ``CANDIDATES``
  matches the words are common, and the newest complaints are read in date order, checked with
  ``LIKE`` (anywhere, as on PostgreSQL), which finds 20 soon because the words are common.
"""

import re

from sqlalchemy import and_, func, or_, select, text

from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textnorm import normalise
from workbench.extensions import db

SEARCH_LIMIT = 20  # matches one picker search answers with
MAX_QUERY = 100
MAX_WORDS = 8
CANDIDATES = 1000  # index matches sorted by date on SQLite; more means the words are common
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


def _sqlite_filter(words: list[str]):
    indexed = [word for word in words if len(word) >= MIN_INDEXED]
    if not indexed:
        return _like_all(words)
    found = db.session.scalars(
        text("SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH :q LIMIT :n"), {"q": fts_query(indexed), "n": CANDIDATES + 1}
    ).all()
    if len(found) <= CANDIDATES:
        return and_(Complaint.id.in_(found), _like_all([word for word in words if len(word) < MIN_INDEXED]))
    return _like_all(words)


def search(query: str) -> list[tuple[int, str]]:
    """Complaints whose number or text holds every word of ``query``, newest first, for a picker: ``(id, "number · text")``."""
    words = words_of(query)
    if not words:
        return []
    condition = _sqlite_filter(words) if db.engine.dialect.name == "sqlite" else _like_all(words)
    stmt = (
        select(Complaint.id, Complaint.external_id, Complaint.text)
        .where(condition)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(SEARCH_LIMIT)
    )
    return [(cid, f"{external_id} · {' '.join(text.split())[:90]}") for cid, external_id, text in db.session.execute(stmt)]
