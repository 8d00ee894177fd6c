"""Theme building benchmark: themes over N complaints whose texts are all different.

Fills a scratch SQLite database with N complaints (default 1,000,000) from the import bench's
generator (Persian and English, order numbers, amounts, products, dates; a third without owner
or category, as unclassified ones are), then, each in a child process so its peak memory is its
own:

- baseline: read every normalised text and hash it into character n-grams once (the least any
  text method must do);
- ``themes.rebuild()``: the background task the import queues.

Prints seconds, the ratio to the baseline and peak RSS (goal: under 5 minutes and under 1 GB).

    .venv/bin/python bench/themes_bench.py [--rows 1000000] [--keep]
"""

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from workbench import create_app
from workbench.extensions import db
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///" + {db!r}, "SECRET_KEY": "bench", "TESTING": False}})
with app.app_context():
    start = time.perf_counter()
    if {what!r} == "baseline":
        from sqlalchemy import select
        from workbench.complaint_import.models import Complaint
        from workbench.complaint_import.theme_builder import BATCH, _vectorisers
        chars, _ = _vectorisers()
        last, n = 0, 0
        while True:
            rows = db.session.execute(select(Complaint.id, Complaint.text_norm).where(Complaint.id > last).order_by(Complaint.id).limit(BATCH)).all()
            if not rows:
                break
            last = rows[-1].id
            chars.transform([r.text_norm for r in rows])
            n += len(rows)
        result = n
    else:
        from workbench.complaint_import import themes
        result = themes.rebuild()
        db.session.commit()
    seconds = time.perf_counter() - start
print(result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def fill(db_path: Path, rows: int) -> None:
    """Create the schema and insert ``rows`` complaints with all-different texts."""
    from import_bench import complaint_text
    from sqlalchemy import insert

    from workbench import create_app
    from workbench.complaint_import.models import Complaint
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db
    from workbench.models import ProcessOwner

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "bench", "TESTING": False})
    rng = random.Random(42)
    with app.app_context():
        db.create_all()
        for key in ("production", "quality", "sales", "service"):
            db.session.add(ProcessOwner(key=key, name_en=key, name_fa=key))
        db.session.commit()
        owners = [None, None, 1, 2, 3, 4]
        categories = [None, "product_quality", "delivery_speed", "price", "responsiveness"]
        today, seen = date.today(), set()
        for start in range(0, rows, 20000):
            batch = []
            for n in range(start, min(rows, start + 20000)):
                text = complaint_text(rng)
                while text in seen:
                    text = complaint_text(rng)
                seen.add(text)
                batch.append({"source": "bench", "external_id": str(n), "received_at": today - timedelta(days=rng.randrange(730)),
                              "text": text, "text_norm": normalise(text), "process_owner_id": rng.choice(owners),
                              "category": rng.choice(categories)})
            db.session.execute(insert(Complaint), batch)
            db.session.commit()
        del seen


def measure(db_path: Path, what: str) -> tuple[str, float, float]:
    code = CHILD.format(root=str(ROOT), db=str(db_path), what=what)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return out[-3], float(out[-2]), float(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="themes-bench-"))
    db_path = folder / "bench.sqlite"
    started = time.perf_counter()
    fill(db_path, args.rows)
    print(f"{args.rows:,} complaints with all-different texts written in {time.perf_counter() - started:.0f} s")
    texts, base_s, base_mb = measure(db_path, "baseline")
    count, build_s, build_mb = measure(db_path, "themes")
    print(f"baseline (read + hash every text once): {base_s:7.1f} s  peak {base_mb:6.0f} MB")
    print(f"themes.rebuild():                       {build_s:7.1f} s  peak {build_mb:6.0f} MB  -> {count} themes")
    print(f"ratio to baseline: {build_s / base_s:.1f}x; goals: under 300 s ({'met' if build_s < 300 else 'NOT met'}), "
          f"under 1024 MB ({'met' if build_mb < 1024 else 'NOT met'})")
    print(f"bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (filling)")
    if not args.keep:
        shutil.rmtree(folder)
    else:
        print("kept", db_path)


if __name__ == "__main__":
    main()
