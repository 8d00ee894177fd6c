"""Build ``third_complaints.csv`` from the hand-written ``source_fa.txt`` and ``source_en.txt``.

Same source format as ``../heldout/`` (``code|clear|text`` lines under ``== language industry``
headers, ``^`` for a half-space, a leading ``@`` for Arabic ي/ك); rows shuffled with a fixed seed.

    python bench/data/third/build.py
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("heldout_build", HERE.parent / "heldout" / "build.py")
heldout_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(heldout_build)


def main() -> int:
    rows = heldout_build.build([HERE / "source_fa.txt", HERE / "source_en.txt"], HERE / "third_complaints.csv", "T")
    print(f"{rows} rows written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
