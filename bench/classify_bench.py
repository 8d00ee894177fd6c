"""Classification benchmark: coverage and accuracy of the shipped defaults on a labelled set.

Reads four labelled sets, reported separately: ``bench/data/labelled_complaints.csv``,
the later held-out set ``bench/data/heldout/heldout_complaints.csv``, the small third set
``bench/data/third/third_complaints.csv`` and the fourth set ``bench/data/fourth/fourth_complaints.csv``
(all with columns id, language, industry, text, category, owner, clear;
neither was used to write the shipped phrases) and, when present,
``bench/data/labelled_complaints_edge.csv`` (category/owner ``unclassifiable``
for texts that should stay Unclassified). Classifies every text with the
shipped defaults (all industries, default owner matrix) on a fresh scratch
SQLite database migrated with ``db upgrade``, and prints:

- coverage (share not Unclassified), category and owner accuracy of the
  classified and of all, per language and per industry, clear complaints and all;
- the edge file's share left Unclassified, with the reasons given;
- speed: microseconds per text, and the ratio to a baseline measured in the
  same run (normalising and splitting each text, nothing else).

The issue's targets: clear Persian complaints >= 80% right category and >= 60%
right owner; English at most 20% unclassified and >= 80% right when classified.

    /work/main/.venv/bin/python bench/classify_bench.py [--data bench/data]
"""

import argparse
import copy
import csv
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRUE = {"1", "true", "yes", "y", "clear", "t"}


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def classify_all(texts: list[str], with_classifier: bool = False):
    """Labels for ``texts`` with the shipped defaults on a fresh database; seconds for classifying and for the
    baseline (and the classifier, when asked)."""
    from flask_migrate import upgrade

    from workbench import create_app
    from workbench.complaint_import.classify import Classifier
    from workbench.complaint_import.defaults import ensure_defaults
    from workbench.complaint_import.matching import split_words
    from workbench.complaint_import.textnorm import normalise
    from workbench.extensions import db

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/bench.sqlite"})
        with app.app_context():
            upgrade()
            ensure_defaults()
            db.session.commit()
            classifier = Classifier.load()
            started = time.perf_counter()
            baseline = [split_words(normalise(t)) for t in texts]
            baseline_seconds = time.perf_counter() - started
            started = time.perf_counter()
            labels = classifier.classify([normalise(t) for t in texts])
            seconds = time.perf_counter() - started
            db.engine.dispose()
    del baseline
    if with_classifier:
        return labels, seconds, baseline_seconds, classifier
    return labels, seconds, baseline_seconds


def self_trained(classifier, texts: list[str], labels: list) -> tuple[list, dict]:
    """What an import of ``texts`` alone would end with: the rules' labels, then the self-trained gap model
    (trained on this import's confident rule labels, judged on held-out ones) where the rules were silent."""
    from workbench.complaint_import.selftrain import seeds, train
    from workbench.complaint_import.textnorm import normalise

    labels = [copy.copy(label) for label in labels]
    texts = [normalise(t) for t in texts]
    model, figures = train(seeds(texts, labels))
    if model is not None:
        figures["labelled"] = classifier.fill_gaps(model, texts, labels)
    return labels, figures


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    —"


def report(rows: list[dict], labels: list) -> None:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        clear = row.get("clear", "").lower() in TRUE
        for scope in (("all", "all"), ("language", row.get("language", "?")), ("industry", row.get("industry", "?"))):
            groups[(*scope, "all")].append(i)
            if clear:
                groups[(*scope, "clear")].append(i)
    print(f"{'group':<28}{'n':>6}  {'coverage':>8}  {'cat/classified':>14}  {'cat/all':>8}  {'owner/classified':>16}  {'owner/all':>9}")
    for (kind, value, subset), members in sorted(groups.items(), key=lambda kv: (kv[0][0] != "all", kv[0][0], kv[0][1], kv[0][2])):
        n = len(members)
        classified = [i for i in members if labels[i].category is not None]
        owned = [i for i in members if labels[i].owner is not None]
        cat_right = sum(labels[i].category == rows[i].get("category") for i in classified)
        owner_right = sum(labels[i].owner == rows[i].get("owner") for i in owned)
        name = f"{kind}={value} ({subset})" if kind != "all" else f"all ({subset})"
        print(
            f"{name:<28}{n:>6}  {_pct(len(classified), n):>8}  {_pct(cat_right, len(classified)):>14}  {_pct(cat_right, n):>8}  "
            f"{_pct(owner_right, len(owned)):>16}  {_pct(owner_right, n):>9}"
        )


def targets(rows: list[dict], labels: list) -> str:
    """The issue's four figures in one line: clear Persian category and owner right of all, English
    unclassified and right-when-classified."""
    fa = [i for i, r in enumerate(rows) if r.get("language") == "fa" and r.get("clear", "").lower() in TRUE]
    en = [i for i, r in enumerate(rows) if r.get("language") == "en"]
    en_classified = [i for i in en if labels[i].category is not None]
    return (
        f"targets: fa clear category right/all {_pct(sum(labels[i].category == rows[i]['category'] for i in fa), len(fa)).strip()} (>= 80%), "
        f"owner right/all {_pct(sum(labels[i].owner == rows[i]['owner'] for i in fa), len(fa)).strip()} (>= 60%); "
        f"en unclassified {_pct(len(en) - len(en_classified), len(en)).strip()} (<= 20%), "
        f"right when classified {_pct(sum(labels[i].category == rows[i]['category'] for i in en_classified), len(en_classified)).strip()} (>= 80%)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(ROOT / "bench" / "data"))
    args = parser.parse_args()
    data = Path(args.data)
    names = ("labelled_complaints.csv", "heldout/heldout_complaints.csv", "third/third_complaints.csv", "fourth/fourth_complaints.csv")
    files = [data / name for name in names if (data / name).exists()]
    edge_file = data / "labelled_complaints_edge.csv"
    if not files:
        print(f"No labelled set under {data}: nothing to measure.")
        return 0
    sets = [(f, read(f)) for f in files]
    rows = [row for _f, set_rows in sets for row in set_rows]
    edge = read(edge_file) if edge_file.exists() else []
    labels, seconds, baseline_seconds, classifier = classify_all([r.get("text", "") for r in rows + edge], with_classifier=True)
    edge_labels = labels[len(rows):]
    start = 0
    summary = []
    for path, set_rows in sets:
        set_labels = labels[start : start + len(set_rows)]
        start += len(set_rows)
        print(f"== {path.name}: {len(set_rows)} complaints, shipped defaults (all industries, default owner matrix), rules only")
        report(set_rows, set_labels)
        summary.append(f"{path.name}, rules only: {targets(set_rows, set_labels)}")
        trained, figures = self_trained(classifier, [r.get("text", "") for r in set_rows], set_labels)
        print(f"\n== {path.name} imported alone, then rule-seeded self-training: {figures}")
        report(set_rows, trained)
        summary.append(f"{path.name}, rules + self-training: {targets(set_rows, trained)}")
        print()
    if len(sets) > 1:  # one bigger import: every set together, the gap model trained on all of them
        trained_all, figures = self_trained(classifier, [r.get("text", "") for r in rows], labels[: len(rows)])
        print(f"== every set imported together, then rule-seeded self-training: {figures}")
        start = 0
        for path, set_rows in sets:
            summary.append(f"{path.name}, rules + self-training on all sets together: {targets(set_rows, trained_all[start : start + len(set_rows)])}")
            start += len(set_rows)
    print("\n".join(summary))
    if edge:
        left = [label for label in edge_labels if label.category is None]
        print(f"\n== {edge_file.name}: {len(edge)} texts; left Unclassified: {_pct(len(left), len(edge)).strip()}")
        print("   reasons: " + ", ".join(f"{k} {v}" for k, v in Counter(label.reason for label in left).most_common()))
    total = len(rows) + len(edge)
    print(
        f"\nspeed: {1e6 * seconds / total:.1f} µs per text classified; baseline (normalise + split only) "
        f"{1e6 * baseline_seconds / total:.1f} µs; ratio {seconds / baseline_seconds:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
