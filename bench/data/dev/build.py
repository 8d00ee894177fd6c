"""Build ``dev_complaints.csv`` from ``source.txt`` (same format as ``../heldout/source_fa.txt``).

A small development set for error analysis (``bench/classify_errors.py``); not a measure.

    python bench/data/dev/build.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "heldout"))

from build import build  # noqa: E402

if __name__ == "__main__":
    print(f"{build([HERE / 'source.txt'], HERE / 'dev_complaints.csv', 'D')} rows written")
