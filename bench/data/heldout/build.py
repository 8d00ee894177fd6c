"""Build ``heldout_complaints.csv`` from the hand-written ``source_fa.txt`` and ``source_en.txt``.

Each source line is ``code|clear|text`` under a ``== language industry`` header.
Codes: pqp product_quality/production, pqq product_quality/quality,
ds delivery_speed/service, pr price/sales, wa warranty/service,
re responsiveness/service; clear is y or n. In the text, ``^`` stands for a
half-space (ZWNJ) and a leading ``@`` means the line was typed with Arabic
ي/ك. Rows are shuffled with a fixed seed, so the file is reproducible.

    python bench/data/heldout/build.py
    python bench/data/heldout/build.py fourth F   (bench/data/fourth/fourth_complaints.csv)
"""

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = {
    "pqp": ("product_quality", "production"),
    "pqq": ("product_quality", "quality"),
    "ds": ("delivery_speed", "service"),
    "pr": ("price", "sales"),
    "wa": ("warranty", "service"),
    "re": ("responsiveness", "service"),
}


def rows_of(path: Path) -> list[dict]:
    out, language, industry = [], None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=="):
            language, industry = line[2:].split()
            continue
        code, clear, text = line.split("|", 2)
        if code not in CODES or clear not in ("y", "n") or not text.strip():
            sys.exit(f"{path.name}:{number}: bad line {line!r}")
        text = text.strip().replace("^", "\u200c")
        if text.startswith("@"):
            text = text[1:].replace("ی", "ي").replace("ک", "ك")
        category, owner = CODES[code]
        out.append({"language": language, "industry": industry, "text": text, "category": category, "owner": owner, "clear": "yes" if clear == "y" else "no"})
    return out


def build(sources: list[Path], out: Path, prefix: str) -> int:
    """Write the shuffled CSV of ``sources`` to ``out`` with ids ``prefix0001``...; the number of rows."""
    rows = [row for source in sources for row in rows_of(source)]
    texts = [r["text"] for r in rows]
    repeated = {t for t in texts if texts.count(t) > 1}
    if repeated:
        sys.exit(f"repeated texts: {sorted(repeated)[:3]}")
    random.Random(20261202).shuffle(rows)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "language", "industry", "text", "category", "owner", "clear"])
        writer.writeheader()
        for i, row in enumerate(rows, 1):
            writer.writerow({"id": f"{prefix}{i:04d}", **row})
    return len(rows)


def main(argv: list[str]) -> int:
    """Build this folder's set, or with ``FOLDER PREFIX`` the sibling folder's ``FOLDER_complaints.csv``."""
    folder, prefix = (argv[0], argv[1]) if len(argv) == 2 else ("heldout", "H")
    where = HERE.parent / folder
    print(f"{build([where / 'source_fa.txt', where / 'source_en.txt'], where / f'{folder}_complaints.csv', prefix)} rows written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
