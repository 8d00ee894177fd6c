"""Theme building benchmark: themes over N complaints whose texts are all different.

Fills a scratch SQLite database with N complaints (default 1,000,000) from the import bench's
generator (Persian and English, order numbers, amounts, products, dates; a third without owner
or category, as unclassified ones are), then, each in a child process so its peak memory is its
own:

- baseline: read every normalised text and hash it into character n-grams once (the least any
  text method must do);
- the same build with text features only (no concepts), to show what the concepts cost;
- ``themes.rebuild()``: the background task the import queues.

Prints seconds (wall and CPU, with the load average), the ratio to the baseline and peak RSS (goal: under 5 minutes and under 1 GB).

First, on the paired set ``bench/data/paired/paired_complaints.csv`` (Persian and English
complaints about the same 15 problems in five industries, each text also sent with an order
number or a greeting, as real exports repeat a problem), themes are built without and with
the language-independent concepts (``theme_builder.CONCEPT_WEIGHT``) and it prints:

- cross-language co-theme rate: of the Persian–English pairs of complaints about the same
  problem, the share that land in one theme;
- same-language co-theme rate: the same for pairs of one language;
- purity: the share of complaints whose theme's most frequent problem is their own;
- unrelated merge rate: of the pairs of complaints about different problems, the share that
  land in one theme.

Then the same before/after on the labelled classification set ``bench/data/labelled_complaints.csv``
(written by someone else, not in pairs): the themes' purity by category and the share of
complaints in a theme of both languages.

    .venv/bin/python bench/themes_bench.py [--rows 1000000] [--keep]   (--rows 0: the paired set only)
"""

import argparse
import csv
import os
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
        from workbench.complaint_import.theme_builder import BATCH
        from workbench.complaint_import.theme_hashing import hashed_features
        last, n = 0, 0
        while True:
            rows = db.session.execute(select(Complaint.id, Complaint.text_norm).where(Complaint.id > last).order_by(Complaint.id).limit(BATCH)).all()
            if not rows:
                break
            last = rows[-1].id
            hashed_features([r.text_norm or '' for r in rows])
            n += len(rows)
        result = n
    elif {what!r} == "text_only":
        from workbench.complaint_import import theme_builder
        result = theme_builder.build(concept_weight=0)
        db.session.commit()
    else:
        from workbench.complaint_import import themes
        result = themes.rebuild()
        db.session.commit()
    seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child would report at least the
# filling parent's peak; VmHWM is this process's own address space.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(result, usage.ru_utime + usage.ru_stime, seconds, peak / 1024)
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


PAIRED = ROOT / "bench" / "data" / "paired" / "paired_complaints.csv"
LABELLED = ROOT / "bench" / "data" / "labelled_complaints.csv"
DECORATIONS = {  # the same complaint as it comes again and again in an export
    "en": ("{t}", "Order {n}: {t}", "Hi, {t}", "{t} (ref {n})"),
    "fa": ("{t}", "سفارش {n}: {t}", "سلام {t}", "{t} (کد پیگیری {n})"),
}


def paired_rows() -> list[dict]:
    """The paired set, each text in its four decorations: dicts of problem, language, text."""
    with open(PAIRED, encoding="utf-8", newline="") as handle:
        base = list(csv.DictReader(handle))
    return [{"problem": r["problem"], "language": r["language"], "text": d.format(t=r["text"], n=7100 + 13 * i + j)}
            for i, r in enumerate(base) for j, d in enumerate(DECORATIONS[r["language"]])]


def paired_scores(rows: list[dict], theme_of: list) -> dict[str, float]:
    """Co-theme rates across and within languages, purity and unrelated merge rate of a theming of ``rows``."""
    from collections import Counter

    same_cross, same_within, unrelated = [0, 0], [0, 0], [0, 0]
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            b = rows[j]
            together = theme_of[i] is not None and theme_of[i] == theme_of[j]
            bucket = unrelated if a["problem"] != b["problem"] else same_cross if a["language"] != b["language"] else same_within
            bucket[0] += together
            bucket[1] += 1
    members: dict = {}
    for row, theme in zip(rows, theme_of, strict=True):
        members.setdefault(theme, Counter())[row["problem"]] += 1
    pure = sum(c.most_common(1)[0][1] for t, c in members.items() if t is not None)
    return {"cross": same_cross[0] / same_cross[1], "within": same_within[0] / same_within[1],
            "purity": pure / len(rows), "unrelated": unrelated[0] / unrelated[1]}


def themes_of(rows: list[dict], weight: float) -> tuple[list, int]:
    """Each row's theme (None: none) after a build over ``rows`` on a scratch database with concept weight ``weight``,
    and how many themes there are."""
    from sqlalchemy import insert, select

    from workbench import create_app
    from workbench.complaint_import import theme_builder
    from workbench.complaint_import.models import Complaint
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/paired.sqlite", "SECRET_KEY": "bench", "TESTING": False})
        with app.app_context():
            db.create_all()
            db.session.execute(insert(Complaint), [
                {"source": "paired", "external_id": str(i), "received_at": date.today(), "text": r["text"], "text_norm": normalise(r["text"])}
                for i, r in enumerate(rows)])
            count = theme_builder.build(concept_weight=weight)
            themes = dict(db.session.execute(select(Complaint.external_id, Complaint.theme_id)).all())
            db.session.rollback()
    return [themes[str(i)] for i in range(len(rows))], count


def paired(weight: float) -> dict[str, float]:
    """The paired set's scores and theme count with concept weight ``weight``."""
    rows = paired_rows()
    theme_of, count = themes_of(rows, weight)
    return {**paired_scores(rows, theme_of), "themes": count}


def labelled(weight: float) -> dict[str, float]:
    """On the labelled classification set (not written with the concepts in mind, no pairs): how pure the themes
    are by category, and the share of complaints in a theme of both languages (at least a fifth of each)."""
    from collections import Counter

    with open(LABELLED, encoding="utf-8", newline="") as handle:
        rows = [{"problem": r["category"], "language": r["language"], "text": r["text"]} for r in csv.DictReader(handle)]
    theme_of, count = themes_of(rows, weight)
    members: dict = {}
    for row, theme in zip(rows, theme_of, strict=True):
        if theme is not None:
            members.setdefault(theme, []).append(row)
    themed = sum(len(m) for m in members.values())
    pure = sum(Counter(r["problem"] for r in m).most_common(1)[0][1] for m in members.values())
    mixed = sum(len(m) for m in members.values() if min(Counter(r["language"] for r in m).get(lang, 0) for lang in ("fa", "en")) >= len(m) / 5)
    return {"purity": pure / themed, "mixed": mixed / len(rows), "themes": count}


def measure(db_path: Path, what: str) -> tuple[str, float, float, float, str]:
    """(result, CPU seconds, wall seconds, peak MB, load averages at the start and the end) of one child."""
    load = os.getloadavg()[0]
    code = CHILD.format(root=str(ROOT), db=str(db_path), what=what)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return out[-4], float(out[-3]), float(out[-2]), float(out[-1]), f"load {load:.1f} -> {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    from workbench.complaint_import.theme_builder import CONCEPT_WEIGHT

    rows = paired_rows()
    print(f"paired set: {len(rows)} complaints ({len(rows) // 4} texts in 4 decorations), "
          f"{len({r['problem'] for r in rows})} problems, Persian and English")
    print(f"{'':28} {'cross-language':>14} {'same-language':>13} {'purity':>7} {'unrelated merged':>16} {'themes':>6}")
    for label, weight in (("text features only (before)", 0.0), (f"with concepts, weight {CONCEPT_WEIGHT:g}", CONCEPT_WEIGHT)):
        s = paired(weight)
        print(f"{label:28} {s['cross']:14.0%} {s['within']:13.0%} {s['purity']:7.0%} {s['unrelated']:16.1%} {s['themes']:6d}")
    print("labelled set (bench/data/labelled_complaints.csv, 1,108 complaints, categories not problems):")
    print(f"{'':28} {'category purity':>15} {'in two-language themes':>22} {'themes':>6}")
    for label, weight in (("text features only (before)", 0.0), (f"with concepts, weight {CONCEPT_WEIGHT:g}", CONCEPT_WEIGHT)):
        s = labelled(weight)
        print(f"{label:28} {s['purity']:15.0%} {s['mixed']:22.0%} {s['themes']:6d}")
    if not args.rows:
        return
    folder = Path(tempfile.mkdtemp(prefix="themes-bench-"))
    db_path = folder / "bench.sqlite"
    started = time.perf_counter()
    fill(db_path, args.rows)
    print(f"{args.rows:,} complaints with all-different texts written in {time.perf_counter() - started:.0f} s")
    texts, base_cpu, base_s, base_mb, base_load = measure(db_path, "baseline")
    _, plain_cpu, plain_s, plain_mb, plain_load = measure(db_path, "text_only")
    count, build_cpu, build_s, build_mb, build_load = measure(db_path, "themes")
    print(f"baseline (read + hash every text once): {base_s:7.1f} s ({base_cpu:6.1f} s CPU)  peak {base_mb:6.0f} MB  {base_load}")
    print(f"build with text features only:          {plain_s:7.1f} s ({plain_cpu:6.1f} s CPU)  peak {plain_mb:6.0f} MB  {plain_load}")
    print(f"themes.rebuild():                       {build_s:7.1f} s ({build_cpu:6.1f} s CPU)  peak {build_mb:6.0f} MB  -> {count} themes  {build_load}")
    print(f"CPU ratio to baseline: {build_cpu / base_cpu:.1f}x (wall time on a shared machine follows its load)")
    print(f"concepts cost {build_s / plain_s:.2f}x the text-only build; ratio to baseline: {build_s / base_s:.1f}x; goals: under 300 s ({'met' if build_s < 300 else 'NOT met'}), "
          f"under 1024 MB ({'met' if build_mb < 1024 else 'NOT met'})")
    print(f"bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (filling)")
    if not args.keep:
        shutil.rmtree(folder)
    else:
        print("kept", db_path)


if __name__ == "__main__":
    main()
