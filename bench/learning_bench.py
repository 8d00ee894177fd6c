"""Learning benchmark: do a few labels make classification worse, do many make it better; is retraining fast enough.

Part 1 (``--part labels``): a user labels K complaints of
``bench/data/labelled_complaints.csv`` (K = 12, 50, 200, 500; random picks,
several seeds), the classifier is retrained on them exactly as the app does
(``learning.train_target``, with the remaining texts as the organisation's
unlabelled complaints), and category and owner accuracy are measured on the
complaints not labelled: rules alone against rules and model combined. Also
the issue's failure: 12 labels all of one class. The texts are never read to
write phrases; the shipped defaults classify (all industries).

Part 2 (``--part scale``): N generated complaints, all texts different
(``bench/import_bench.py``'s generator), imported with the CLI into a scratch
SQLite database; 3,000 of them get confirmed labels from the problem each was
generated from; then ``flask --app wsgi retrain-classifier`` (train, then
classify every unconfirmed complaint to preview the moves) runs in a
subprocess: wall time and peak memory (RSS of the process tree), against a
baseline in the same run: a plain ``sqlite3`` read of every text, normalised
and split into words (the least any relabelling does). Then rule-seeded
self-training (``flask --app wsgi self-train``, ``selftrain.after_import``),
measured the same way twice: over everything (the first model: a stratified
sample of seeds, every silent complaint labelled), and after a further import
of ``--new-rows`` complaints through an import job (``--import-job``: that
import's seeds plus a sample of the older ones; only its complaints relabelled
unless the model changed materially). Goals: under 5 minutes and 1 GB for 1M.

    .venv/bin/python bench/learning_bench.py [--part labels|scale|all] [--rows 1000000] [--new-rows 20000] [--seeds 5] [--skip-retrain]
"""

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

KS = (12, 50, 200, 500)


def _app(scratch: str):
    from workbench import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.sqlite"})


def _accuracy(labels, rows, target: str) -> float:
    answer = (lambda lab: lab.category) if target == "category" else (lambda lab: lab.owner)
    return sum(answer(lab) == row[target] for lab, row in zip(labels, rows, strict=True)) / len(rows)


def part_labels(seeds: int) -> None:
    from classify_bench import read
    from flask_migrate import upgrade

    from workbench.complaint_import import learning
    from workbench.complaint_import.classify import Classifier, Rules
    from workbench.complaint_import.defaults import ensure_defaults
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db

    rows = read(ROOT / "bench" / "data" / "labelled_complaints.csv")
    for row in rows:
        row["norm"] = normalise(row["text"])
    print(f"== part 1: {len(rows)} labelled complaints; a user labels K, accuracy on the other {len(rows)} - K")
    print(f"   a class may be decided by the model from {learning.MIN_CLASS_LABELS} confirmed labels; no model under {learning.MIN_LABELS}")
    with tempfile.TemporaryDirectory() as scratch:
        app = _app(scratch)
        with app.app_context():
            upgrade()
            ensure_defaults()
            db.session.commit()
            rules = Rules.from_db()
            scenarios = [(f"K={k} random", k, False) for k in KS] + [("K=12, all one class (the issue)", 12, True)]
            print(f"{'scenario':<34}{'target':<10}{'rules':>8}{'combined':>10}{'min diff':>10}{'worse in':>10}{'model decides (classes, per seed)':>38}")
            for name, k, one_class in scenarios:
                results = {"category": [], "owner": []}
                decided = {"category": [], "owner": []}
                for seed in range(seeds):
                    rng = random.Random(seed)
                    pool = rows[:]
                    rng.shuffle(pool)
                    if one_class:
                        chosen = [r for r in pool if r["category"] == "responsiveness"][:k]
                    else:
                        chosen = pool[:k]
                    ids = {r["id"] for r in chosen}
                    rest = [r for r in pool if r["id"] not in ids]
                    models = {}
                    for target in ("category", "owner"):
                        if one_class:  # the user filed all twelve under one label, whatever they were
                            labels = [(r["norm"], "responsiveness" if target == "category" else "service") for r in chosen]
                        else:
                            labels = [(r["norm"], r[target]) for r in chosen]
                        model, figures = learning.train_target(target, rules, labels, [r["norm"] for r in rest], seed=seed)
                        decided[target].append(len(figures.get("trusted", [])))
                        if model is not None:
                            models[target] = model
                    texts = [r["norm"] for r in rest]
                    rules_only = Classifier(rules).classify(texts)
                    combined = Classifier(rules, models).classify(texts)
                    for target in ("category", "owner"):
                        results[target].append((_accuracy(rules_only, rest, target), _accuracy(combined, rest, target)))
                for target in ("category", "owner"):
                    pairs = results[target]
                    diffs = [c - r for r, c in pairs]
                    print(
                        f"{name:<34}{target:<10}{100 * statistics.mean(r for r, _c in pairs):7.1f}%{100 * statistics.mean(c for _r, c in pairs):9.1f}%"
                        f"{100 * min(diffs):+9.1f}%{sum(d < 0 for d in diffs):>6}/{len(diffs)}{','.join(map(str, decided[target])):>38}"
                    )
            db.engine.dispose()


# Part 2: what each generated problem is about (the bench's own ground truth for its generator's texts).
PROBLEM_CATEGORY = (
    ("noisy", "product_quality"), ("صدای زیادی", "product_quality"), ("درب ماشین", "product_quality"), ("door seal", "product_quality"),
    ("stopped working", "product_quality"), ("از کار افتاد", "product_quality"), ("پوسته شد", "product_quality"), ("rust", "product_quality"),
    ("آب‌ریزی", "product_quality"), ("arrived broken", "product_quality"), ("شکسته", "product_quality"),
    ("late", "delivery_speed"), ("تاخیر", "delivery_speed"), ("delivery date", "delivery_speed"), ("missing from the box", "delivery_speed"),
    ("ناقص", "delivery_speed"), ("invoice", "price"), ("فاکتور", "price"), ("charged twice", "price"), ("هزینه ارسال", "price"), ("refund", "price"),
    ("warranty", "warranty"), ("گارانتی", "warranty"), ("hotline", "responsiveness"), ("پشتیبانی", "responsiveness"),
    ("technician", "responsiveness"), ("کارشناس", "responsiveness"), ("rude", "responsiveness"), ("برخورد", "responsiveness"),
    ("پیامک", "responsiveness"),
)
OWNER = {"product_quality": "production", "delivery_speed": "service", "price": "sales", "warranty": "service", "responsiveness": "service"}


def _truth(text: str) -> str | None:
    for fragment, category in PROBLEM_CATEGORY:
        if fragment in text:
            return category
    return None


def part_scale(rows: int, new_rows: int, skip_retrain: bool = False) -> None:
    from import_bench import generate

    from workbench.complaint_import.matching import split_words
    from workbench.complaint_import.textnorm import normalise

    print(f"\n== part 2: retraining over {rows:,} complaints, all texts different")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "complaints.csv"
        generate(path, rows)
        database = Path(scratch) / "scale.sqlite"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench", "HUEY_IMMEDIATE": "1"}
        env.pop("HUEY_REDIS_URL", None)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([*flask, "import-complaints", str(path), "--source", "bench", "--skip-bad-rows"], cwd=ROOT, env=env, check=True, capture_output=True)
        print(f"   imported in {time.perf_counter() - started:.0f} s (not part of the measure)")

        connection = sqlite3.connect(database)
        owners = dict(connection.execute("SELECT key, id FROM process_owners"))
        rng = random.Random(7)
        ids = [i for (i,) in connection.execute("SELECT id FROM complaints")]
        labelled = 0
        for complaint_id in rng.sample(ids, min(len(ids), 6000)):
            text = connection.execute("SELECT text FROM complaints WHERE id = ?", (complaint_id,)).fetchone()[0]
            category = _truth(text)
            if category is None or labelled >= 3000:
                continue
            connection.execute(
                "UPDATE complaints SET category = ?, process_owner_id = ?, confirmed = 1, label_source = 'user' WHERE id = ?",
                (category, owners[OWNER[category]], complaint_id),
            )
            labelled += 1
        connection.commit()
        print(f"   {labelled} complaints confirmed (category of the problem each was generated from)")

        started = time.perf_counter()
        words = 0
        for (text,) in connection.execute("SELECT text_norm FROM complaints WHERE confirmed = 0"):
            words += len(split_words(normalise(text)))
        baseline = time.perf_counter() - started
        connection.close()

        print(f"   baseline (plain sqlite3 read, normalise, split of every unconfirmed text): {baseline:.0f} s")
        if not skip_retrain:
            _measured("retraining with preview", [*flask, "retrain-classifier"], env, baseline)

        silent = _silent(database)
        _measured(f"self-training over everything ({silent:,} complaints the rules left silent)", [*flask, "self-train"], env, baseline)
        new_path = Path(scratch) / "new.csv"
        generate(new_path, new_rows, seed=43)
        job = subprocess.run([sys.executable, "-c", IMPORT_JOB.format(root=str(ROOT), path=str(new_path))], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout.split()[-1]
        print(f"\n   imported {new_rows:,} more complaints as import job {job} ({_silent(database):,} silent complaints now)")
        _measured(f"self-training after that import of {new_rows:,}", [*flask, "self-train", "--import-job", job], env, baseline)


# A further import through an import job (what the app's worker runs), so self-training knows which complaints are new.
IMPORT_JOB = """
import sys
sys.path.insert(0, {root!r})
from workbench import create_app
from workbench.complaint_import.importer import ImportOptions, run_import
from workbench.complaint_import.models import ImportJob
from workbench.extensions import db
app = create_app()
with app.app_context():
    job = ImportJob(kind="complaints", source_name="bench-new", filename="new.csv", stored_path={path!r}, status="running")
    db.session.add(job)
    db.session.flush()
    run_import({path!r}, "new.csv", ImportOptions(source="bench-new", job_id=job.id, skip_bad_rows=True))
    job.status = "done"
    db.session.commit()
    print(job.id)
"""


def _silent(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM complaints WHERE confirmed = 0 AND unclassified_reason IN ('no_match', 'conflict')").fetchone()[0]


def _measured(name: str, command: list[str], env: dict, baseline: float) -> None:
    """Run ``command`` in a subprocess; print its output, wall time, peak memory (RSS of its process tree) and ratio to ``baseline``."""
    from import_bench import PeakMemory

    load = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(process.pid)
    output, _ = process.communicate()
    peak = memory.stop()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if process.returncode != 0:
        print(output)
        raise SystemExit(f"{command[-1]} failed")
    print(f"\n   {name}:")
    print("   " + "\n   ".join(line for line in output.splitlines() if line.strip()))
    print(f"   -> {seconds:.0f} s ({cpu:.0f} s of CPU; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), "
          f"peak memory {peak:.0f} MB (goals: under 300 s, under 1024 MB); ratio to the baseline {seconds / baseline:.1f}x")


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished subprocesses: what a shared machine's load does not inflate."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("labels", "scale", "all"), default="all")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--new-rows", type=int, default=20_000, help="complaints of the further import self-training follows")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--skip-retrain", action="store_true", help="part scale: measure self-training only")
    args = parser.parse_args()
    if args.part in ("labels", "all"):
        part_labels(args.seeds)
    if args.part in ("scale", "all"):
        part_scale(args.rows, args.new_rows, args.skip_retrain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
