"""The 8D report as leadership reads it: D0-D8 on one A4 page, the appendix when asked, Persian in logical order."""

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from workbench.actions.models import CorrectiveAction
from workbench.models import User
from workbench.teams.models import ImprovementProject

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")

FA_PROJECT = "کاهش تأخیر در تحویل سفارش‌ها"
EN_PROJECT = "Refrigerator R-400 compressor noise"
# Bidi controls pdftotext adds around runs, and the zero-width non-joiner it drops.
INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def demo(app, db, runner, tmp_path, login):
    app.config["FISHBONE_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    login(db.session.scalar(select(User).where(User.email == "qm@demo.example")), "demo-password")
    return {title: db.session.scalar(select(ImprovementProject).where(ImprovementProject.title == title))
            for title in (FA_PROJECT, EN_PROJECT)}


def pdf_text(client, project, lang, appendix=False) -> tuple[str, int]:
    """The report's extracted text (bidi controls removed) and its number of pages."""
    response = client.get(f"/projects/{project.id}/report.pdf?lang={lang}" + ("&appendix=1" if appendix else ""))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", INVISIBLE.sub("", text)), int(re.search(r"Pages:\s+(\d+)", info).group(1))


def plain(text: str) -> str:
    return INVISIBLE.sub("", text)


def test_english_summary_is_one_page_with_d0_to_d8_and_the_evidence(client, demo):
    text, pages = pdf_text(client, demo[EN_PROJECT], "en")
    assert pages == 1
    for heading in ("D0 Preparation and emergency response", "D1 Team", "D2 Problem", "D3 Containment",
                    "D4 Root causes and their evidence", "D5 Chosen corrective actions",
                    "D6 Implementation and verification", "D7 Prevention", "D8 Recognition and closure"):
        assert heading in text
    # The verified root cause with its evidence, its FMEA change, the actions and the fishbone's own labels.
    assert "New supplier's compressor has higher vibration" in text
    assert "38 of 40 new-supplier compressors" in text
    assert "Quarantine R-400 units" in text and "Incoming inspection of compressor noise" in text
    assert "Assemblers not trained on the" in text  # a fishbone label, printed as text
    assert "Not signed yet." in text


def test_appendix_follows_the_summary_when_asked(client, demo):
    text, pages = pdf_text(client, demo[EN_PROJECT], "en", appendix=True)
    assert pages > 1 and "Appendix: Refrigerator R-400 compressor noise" in text
    assert "Define → Contain" in text  # the stage history


def test_persian_report_reads_in_logical_order_inside_the_figures_too(client, demo):
    text, pages = pdf_text(client, demo[FA_PROJECT], "fa")
    assert pages == 1
    # pdftotext moves the space between "D0" and the Persian words: each part is checked on its own.
    for step, heading in (("D0", "آمادگی و واکنش اضطراری"), ("D4", "علت‌های ریشه‌ای و شواهد آن‌ها"), ("D8", "قدردانی و بستن")):
        assert step in text and plain(heading) in text
    assert "پیش از اقدام" in text  # the effectiveness chart's caption, not «مادقا زا شیپ»
    assert "مادقا زا شیپ" not in text
    assert plain("کمبود راننده در روزهای پرکار") in text  # a fishbone label
    assert plain("زمان‌بندی تحویل بدون هماهنگی با موجودی") in text  # the verified root cause
    # Its evidence (poppler gives the lam-alef ligature back as «ال» and moves spaces around
    # numbers, so the words checked have neither).
    assert plain("سفارش دیرکرد نمونه‌برداری‌شده") in text


def test_signatures_show_name_time_and_meaning(client, demo, db):
    from workbench.actions.models import SignOff

    project = demo[EN_PROJECT]
    qm = db.session.scalar(select(User).where(User.email == "qm@demo.example"))
    db.session.add(SignOff(project_id=project.id, user_id=qm.id, signer_name=qm.name, meaning="approved_closure",
                           content_hash="ab" * 32))
    db.session.commit()
    text, _pages = pdf_text(client, project, "en")
    assert qm.name in text and "I approve closing this project" in text and ", 20" in text  # the year of the time
    text, _pages = pdf_text(client, project, "en", appendix=True)
    assert "ab" * 32 in text.replace(" ", "")


def test_user_text_is_printed_literally_and_a_full_project_stays_on_one_page(client, demo, db):
    project = demo[EN_PROJECT]
    project.title = "<script>alert(1)</script> & Sons"
    project.problem_statement = "Noise " * 3300
    for n in range(12):
        db.session.add(CorrectiveAction(project_id=project.id, title=f"Action {n} " + "x" * 180, type="corrective",
                                        owner_id=project.leader_id, due_date=project.started_on))
    db.session.commit()
    text, pages = pdf_text(client, project, "en")
    assert "<script>alert(1)</script> & Sons" in text
    assert pages == 1 and "D8 Recognition and closure" in text
    assert "more (see the appendix)" in text


def test_dashboard_pdf_prints_its_charts_with_persian_in_order(client, demo):
    response = client.get("/dashboard.pdf?lang=fa")
    assert response.status_code == 200
    text = plain(subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode())
    # The chart's caption (poppler puts the combining hamza of «پایهٔ» before its letter: checked around it).
    assert "اقدامات معوق بر" in text and "روزهای گذشته از سررسید" in text
    assert "بیش از" in text and "روز" in text  # the overdue chart's bar labels, shaped and in order
    assert "زا شیب" not in text


def test_a_check_with_nothing_linked_prints_not_enough_data_without_empty_bars(client, demo, db):
    from sqlalchemy import delete

    from workbench.actions import effectiveness
    from workbench.actions.models import EffectivenessCheck
    from workbench.teams.models import ProjectComplaint

    project = demo[EN_PROJECT]
    db.session.execute(delete(ProjectComplaint).where(ProjectComplaint.project_id == project.id))
    check = db.session.scalar(select(EffectivenessCheck).where(EffectivenessCheck.project_id == project.id))
    effectiveness.measure(check)
    db.session.commit()
    assert (check.before_count, check.after_count) == (0, 0)
    for appendix in (False, True):
        text, _pages = pdf_text(client, project, "en", appendix=appendix)
        assert "not enough data" in text.lower()
        assert "Before (0)" not in text  # the chart's caption: no chart of empty bars
        assert "None" not in text.replace("None recorded", "")  # and no "None" where it was
