"""Error analysis on a development set: every complaint the shipped defaults get wrong, with the phrases found.

For ``bench/data/dev/dev_complaints.csv`` (or another file given), never for the
held-out sets: reading their errors would tune the rules to them.

    /work/main/.venv/bin/python bench/classify_errors.py [bench/data/dev/dev_complaints.csv]
"""

import sys
from pathlib import Path

from classify_bench import ROOT, classify_all, read

DEV = ROOT / "bench" / "data" / "dev" / "dev_complaints.csv"


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV
    if "heldout" in path.parts or path.name == "labelled_complaints.csv":
        print("Refused: error analysis only on a development set, never on a held-out set.")
        return 2
    rows = read(path)
    labels, _s, _b = classify_all([r["text"] for r in rows])
    wrong = 0
    for row, label in zip(rows, labels, strict=True):
        if label.category == row["category"] and label.owner == row["owner"]:
            continue
        wrong += 1
        print(f"{row['id']} {row['language']} {row['industry'][:8]:<8} want {row['category']}/{row['owner']} got {label.category}/{label.owner} ({label.reason or label.confidence}): {row['text']}")
    print(f"{wrong} of {len(rows)} wrong (category or owner)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
