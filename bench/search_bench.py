"""Complaint picker search (/complaints/search.json's query) over 1,000,000 complaints whose texts all differ.

Fills a scratch database, migrated as a user's, with N complaints (default 1,000,000) from
``import_bench``'s generator (Persian and English, order numbers, amounts, dates: every text
different), stored as the import stores them (on SQLite the search index is written the way a
big import writes it), then times, in the same run, each query as the picker sends it with every
keystroke:

- now: ``text_search.search`` (SQLite FTS5; PostgreSQL trigram GIN indexes);
- baseline: the search before the index, ``LIKE '%words%'`` over the number and the normalised
  text, newest first, 20 at most (on PostgreSQL with the trigram indexes dropped inside a
  transaction that is rolled back: the old query would use them).

Queries: rare words (one complaint's order number, one complaint number), a word found nowhere,
common words, and a Persian word typed letter by letter. Prints the median of ``--repeat`` runs of
each, in milliseconds, and the ratio baseline / now. ``DATABASE_URL`` is never used.

    .venv/bin/python bench/search_bench.py [--rows 1000000] [--only sqlite|postgresql] [--pg postgresql://postgres@127.0.0.1:5432]
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import complaint_text  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

PG_DATABASE = "wb_bench_search"
TRIGRAM_INDEXES = ("ix_complaints_text_norm_trgm", "ix_complaints_external_id_trgm")
CHUNK = 50_000


def old_search(query: str) -> list:
    """The search before the index (as it was in complaint_import/services.py): a LIKE over the whole table."""
    from workbench.complaint_import.models import Complaint
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db

    query = " ".join(str(query or "").split())[:100]
    if not query:
        return []
    words = normalise(query)
    stmt = select(Complaint.id, Complaint.external_id, Complaint.text).where(
        (func.lower(Complaint.external_id).contains(query.lower(), autoescape=True))
        | (Complaint.text_norm.contains(words, autoescape=True) if words else False)
    ).order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(20)
    return list(db.session.execute(stmt))


def fill(rows: int) -> tuple[str, str]:
    """Store ``rows`` complaints as an import does; returns a rare order number and a complaint number to search for."""
    from workbench.complaint_import.search_index import BulkIndexing
    from workbench.complaint_import.storing import bulk_insert
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db

    rng = random.Random(7)
    sqlite = db.engine.dialect.name == "sqlite"
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
    columns = ("source", "external_id", "received_at", "text", "text_norm", "content_hash", "confirmed", "created_at", "updated_at", "version")
    indexing = BulkIndexing(rows)
    indexing.pause()
    start, seen, numbers, batch = date(2022, 1, 1), set(), [], []
    for n in range(rows):
        while True:
            words = complaint_text(rng)
            if words not in seen:
                seen.add(words)
                break
        norm = normalise(words)
        if n % 997 == 0:
            numbers += re.findall(r"\b\d{6,7}\b", norm)
        batch.append(("bench", f"C-{n:07d}", start + timedelta(days=n % 1500), words, norm, None, 0 if sqlite else False, stamp, stamp, 1))
        if len(batch) == CHUNK:
            bulk_insert("complaints", columns, batch)
            batch = []
    bulk_insert("complaints", columns, batch)
    indexing.resume()
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    seen.clear()
    # An order number found in exactly one complaint: the rare word a user looks a complaint up by.
    rare = next(number for number in numbers if db.session.scalar(
        select(func.count()).select_from(text("complaints")).where(text("text_norm LIKE :p")), {"p": f"%{number}%"}) == 1)
    return rare, f"C-{rows // 3:07d}"


def timed(function, query: str, repeat: int) -> tuple[float, int]:
    function(query)  # warm: the pages this query reads
    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = len(function(query))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), found


def run(url: str, rows: int, repeat: int) -> None:
    from flask_migrate import upgrade

    from workbench import create_app
    from workbench.complaint_import import text_search
    from workbench.extensions import db

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        rare, number = fill(rows)
        name = db.engine.dialect.name
        print(f"\n{name}: stored {rows:,} complaints (all texts different) with the search index in {time.perf_counter() - started:.1f} s")
        queries = [
            ("rare: one order number", rare),
            ("rare: a complaint number", number),
            ("found nowhere", "zqxv"),
            ("common (Persian): کمپرسور", "کمپرسور"),
            ("common (English): compressor", "compressor"),
            ("common, two words: technician late", "technician late"),
        ]
        queries += [(f"typed: {'تاخیر'[:k]}", "تاخیر"[:k]) for k in range(1, 6)]
        now = [timed(text_search.search, query, repeat) for _label, query in queries]
        if name == "postgresql":  # the old LIKE would use the new trigram indexes: time it without them (rolled back after)
            db.session.execute(text(f"DROP INDEX {', '.join(TRIGRAM_INDEXES)}"))
        before = [timed(old_search, query, repeat) for _label, query in queries]
        db.session.rollback()
        print(f"{'query':<40} {'now ms':>9} {'found':>6} {'LIKE ms':>9} {'found':>6} {'LIKE/now':>9}")
        for (label, _query), (new, found_new), (old, found_old) in zip(queries, now, before, strict=True):
            print(f"{label:<40} {new:9.1f} {found_new:6d} {old:9.1f} {found_old:6d} {old / new:8.1f}x")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server (without database) for the scratch database")
    args = parser.parse_args()
    print(f"Load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows every figure)")
    if args.only != "postgresql":
        folder = Path(tempfile.mkdtemp(prefix="wb-search-bench-"))
        try:
            run(f"sqlite:///{folder / 'search.sqlite'}", args.rows, args.repeat)
        finally:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    if args.only != "sqlite":
        import psycopg

        server = args.pg.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
            try:
                run(f"{server}/{PG_DATABASE}", args.rows, args.repeat)
            finally:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
