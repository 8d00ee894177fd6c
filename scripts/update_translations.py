"""Extract each catalogue's strings and merge them into its Persian .po file.

The core catalogue (workbench/translations) covers the core, auth, admin, api,
main and teams; every other package with a ``translations`` folder covers its
own Python files and ``templates/<package>/``. New strings arrive untranslated:
``tests/test_i18n.py`` fails until they have a Persian text.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = str(Path(sys.executable).with_name("pybabel"))
CORE_PACKAGES = ("auth", "admin", "api", "main", "teams", "uploads")
CORE_TEMPLATES = ("base.html", "_form.html", "auth", "main", "teams", "admin", "errors", "audit")
MAPPING = ROOT / "scripts" / "babel-mapping.cfg"


def sources(catalogue: Path) -> list[str]:
    package = catalogue.parent
    if package.name == "workbench":
        files = [str(p) for p in package.glob("*.py")] + [str(package / name) for name in CORE_PACKAGES]
        return files + [str(ROOT / "templates" / name) for name in CORE_TEMPLATES]
    return [str(package), str(ROOT / "templates" / package.name)]


def main() -> None:
    for catalogue in sorted((ROOT / "workbench").rglob("translations")):
        pot = catalogue / "messages.pot"
        existing = [s for s in sources(catalogue) if Path(s).exists()]
        subprocess.run([PYBABEL, "extract", "-F", str(MAPPING), "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), *existing], check=True, capture_output=True)
        subprocess.run([PYBABEL, "update", "-i", str(pot), "-d", str(catalogue), "-l", "fa", "--no-fuzzy-matching", "--ignore-obsolete"], capture_output=True, check=True)
        pot.unlink()
        print("updated", catalogue.relative_to(ROOT))


if __name__ == "__main__":
    main()
