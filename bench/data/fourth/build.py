"""Build ``fourth_complaints.csv`` from the hand-written ``source_fa.txt`` and ``source_en.txt``.

Runs ``../heldout/build.py fourth F``: same source format (``code|clear|text`` lines under
``== language industry`` headers, ``^`` for a half-space, a leading ``@`` for Arabic ي/ك),
ids ``F0001``..., rows shuffled with the same fixed seed.

    python bench/data/fourth/build.py
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.argv[1:] = ["fourth", "F"]
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "heldout" / "build.py"), run_name="__main__")
