"""Take the README's screenshots from a fresh demo database (Playwright + Debian chromium).

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png
    SHOTS=name.png:/path:fa .venv/bin/python scripts/screenshots.py   # and further ones
"""

import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"

# (file name, path, language, what to do first: None, ("click", selector) or ("press", key)); paths may use
# {project_fa} / {project_en}.
SHOTS = [
    ("home-fa.png", "/", "fa", None),
    ("project-fa.png", "/projects/{project_fa}", "fa", None),
    ("fishbone-fa.png", "/projects/{project_fa}/fishbone?meeting=1", "fa", ("press", "Alt+x")),  # the whole diagram
    ("fmea-en.png", "/projects/{project_en}/fmea", "en", None),
    ("fmea-fa.png", "/projects/{project_en}/fmea", "fa", ("click", "#fmea-table td[data-field=severity]")),  # its rating scale
    ("dashboard-fa.png", "/dashboard", "fa", None),
    ("dashboard-en.png", "/dashboard", "en", None),
    ("complaints-pareto-fa.png", "/complaints/analysis", "fa", None),
    ("complaints-review-en.png", "/complaints/review", "en", None),
]


def main() -> None:
    from flask_migrate import upgrade

    from workbench import create_app
    from workbench.audit import acting_as
    from workbench.demo import DEMO_PASSWORD, load_demo

    db_file = Path(tempfile.mkdtemp()) / "shots.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}", "SECRET_KEY": "screenshots", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        from workbench.extensions import db

        db.session.remove()  # the migration's connection holds a transaction; the demo import tunes a fresh one
        db.engine.dispose()
        with acting_as("demo"):
            load_demo()
        from sqlalchemy import select

        from workbench.teams.models import ImprovementProject

        projects = list(db.session.scalars(select(ImprovementProject).order_by(ImprovementProject.id)))
    ids = {"project_fa": projects[0].id, "project_en": projects[-1].id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(parents=True, exist_ok=True)
    extra = [s for s in os.environ.get("SHOTS", "").split(",") if s]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1366, "height": 860})
        page.goto(base + "/login")
        page.fill("input[name=email]", "qm@demo.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        for name, path, lang, first in SHOTS + [(*s.split(":"), None) for s in extra]:
            page.goto(base + path.format(**ids) + ("&" if "?" in path else "?") + f"lang={lang}")
            page.wait_for_load_state("networkidle")
            if first and first[0] == "click":
                page.locator(first[1]).first.click()
            elif first:
                page.keyboard.press(first[1])
            page.wait_for_timeout(300)
            page.screenshot(path=str(OUT / name), full_page=False)
            print("wrote", OUT / name)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
