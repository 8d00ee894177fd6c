"""Check the labelled complaint sets and print their counts as Markdown tables.

Also checks the later sets (``heldout/``, ``third/``, ``fourth/``) when present.

Usage: python bench/data/labelled_set.py   (exits 1 naming the file, row and
column of the first problem found).  It reads the CSVs only; it never imports
workbench, so the set stays independent of the rules and the model it judges.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN = HERE / "labelled_complaints.csv"
EDGE = HERE / "labelled_complaints_edge.csv"
# Sets written later, each held out on its own and reported separately by the bench.
LATER = (HERE / "heldout" / "heldout_complaints.csv", HERE / "third" / "third_complaints.csv", HERE / "fourth" / "fourth_complaints.csv")
COLUMNS = ["id", "language", "industry", "text", "category", "owner", "clear"]
LANGUAGES = ("fa", "en")
INDUSTRIES = (
    "retail_ecommerce",
    "food_delivery",
    "appliances_manufacturing",
    "banking_finance",
    "telecom_utilities",
    "public_services",
)
CATEGORIES = ("product_quality", "delivery_speed", "price", "warranty", "responsiveness")
OWNERS = ("sales", "service", "production", "quality")
# The labelling guide: which owners a category may have.
OWNERS_OF = {
    "product_quality": {"production", "quality"},
    "delivery_speed": {"service"},
    "price": {"sales"},
    "warranty": {"service"},
    "responsiveness": {"service"},
}
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def _normalised(text: str) -> str:
    """Lower-case text with punctuation and spacing removed, to catch near copies."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def read(path: Path) -> list[dict[str, str]]:
    """Read one labelled CSV, raising ValueError naming file, row and column."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path.name}: header is {reader.fieldnames}, expected {COLUMNS}")
        return [dict(row) for row in reader]


def _check_row(row: dict[str, str], edge: bool) -> str | None:
    """Return what is wrong with one row, or None."""
    if row["language"] not in LANGUAGES and not edge:
        return "language"
    if row["clear"] not in ("yes", "no"):
        return "clear"
    if edge:
        if row["category"] != "unclassifiable":
            return "category"
        return None if row["owner"] == "unclassifiable" else "owner"
    if row["industry"] not in INDUSTRIES:
        return "industry"
    if row["category"] not in CATEGORIES:
        return "category"
    if row["owner"] not in OWNERS_OF[row["category"]]:
        return "owner"
    if bool(PERSIAN.search(row["text"])) != (row["language"] == "fa"):
        return "text (script does not match language)"
    return None


def check(path: Path, edge: bool = False) -> list[dict[str, str]]:
    """Validate a set: labels from the guide, unique ids and unique texts."""
    rows = read(path)
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        problem = _check_row(row, edge)
        if row["id"] in ids:
            problem = "id (repeated)"
        key = _normalised(row["text"])
        if key and key in texts:
            problem = f"text (same as {texts[key]})"
        if problem:
            raise ValueError(f"{path.name}: row {number}, column {problem}: {row['text'][:60]!r}")
        ids.add(row["id"])
        if key:
            texts[key] = row["id"]
    return rows


def table(rows: list[dict[str, str]]) -> str:
    """Markdown table of counts per language x industry x category."""
    counts = Counter((r["language"], r["industry"], r["category"]) for r in rows)
    lines = [
        "| language | industry | " + " | ".join(CATEGORIES) + " | total | unclear |",
        "|---" * (len(CATEGORIES) + 4) + "|",
    ]
    for language in LANGUAGES:
        for industry in INDUSTRIES:
            cells = [counts[(language, industry, c)] for c in CATEGORIES]
            unclear = sum(1 for r in rows if (r["language"], r["industry"]) == (language, industry) and r["clear"] == "no")
            lines.append(f"| {language} | {industry} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} | {unclear} |")
    return "\n".join(lines)


def summary(rows: list[dict[str, str]]) -> str:
    """Totals per language, category, owner and clarity."""
    parts = []
    for column in ("language", "category", "owner", "clear"):
        counts = Counter(r[column] for r in rows)
        parts.append(f"- {column}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "\n".join(parts)


def main() -> int:
    """Check the main, edge and later sets and print their counts."""
    try:
        rows = check(MAIN)
        edge = check(EDGE, edge=True)
        later = [(path, check(path)) for path in LATER if path.exists()]
    except (OSError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{MAIN.name}: {len(rows)} complaints\n")
    print(summary(rows) + "\n")
    print(table(rows) + "\n")
    print(f"{EDGE.name}: {len(edge)} edge cases")
    for path, later_rows in later:
        print(f"\n{path.name}: {len(later_rows)} complaints\n")
        print(summary(later_rows) + "\n")
        print(table(later_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
