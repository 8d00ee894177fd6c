"""The 8D report of a project as PDF: a one-page A4 summary of D0-D8, and the full appendix when asked."""

import re
from typing import Any, Protocol

from flask import render_template
from markupsafe import Markup

from workbench.actions import effectiveness, exports, lifecycle, pdf_figures, services
from workbench.actions.models import ACTION_TYPES
from workbench.registry import HookPoint
from workbench.teams import stages, theme_link


class ReportFishbone(Protocol):
    """An SVG drawing of the project's fishbone for the 8D report, or None."""

    def __call__(self, project: Any) -> str | None: ...


class ReportRootCauses(Protocol):
    """The verified root causes with their evidence: ``[{"text", "category", "notes", "verified_at", "verified_by", "evidence"}]``."""

    def __call__(self, project: Any) -> list[dict]: ...


class ReportFmea(Protocol):
    """The FMEA rows before and after their actions and the baselines: ``{"rows": [...], "revisions": [...]}`` or None."""

    def __call__(self, project: Any) -> dict | None: ...


# What the 8D report shows from the fishbone and the FMEA (``links.py`` adds them in ``init_app``).
REPORT_FISHBONE: HookPoint[ReportFishbone] = HookPoint("actions.report_fishbone")
REPORT_ROOT_CAUSES: HookPoint[ReportRootCauses] = HookPoint("actions.report_root_causes")
REPORT_FMEA: HookPoint[ReportFmea] = HookPoint("actions.report_fmea")

# The summary is one A4 page whatever the project holds: so many items per list, so many characters per text.
SUMMARY_ITEMS = 3
SUMMARY_CHARS = 260
# Printable width of A4 portrait with 12 mm margins, and the most height the summary's fishbone may take.
PAGE_WIDTH_MM = 186
SUMMARY_FISHBONE_MM = 72


def shorten(text: str | None, limit: int = SUMMARY_CHARS) -> str:
    """``text`` on one line cut at a word before ``limit`` characters, with an ellipsis when cut."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,.;:،") + "…"


def _fit(svg: str | None, width_mm: float, max_height_mm: float | None = None) -> Markup | None:
    """The drawing as a figure at most ``width_mm`` wide and ``max_height_mm`` high (text shaped by WeasyPrint)."""
    if not svg:
        return None
    sizes = [float(v) for v in re.findall(r"[0-9.]+", (re.search(r'viewBox="([^"]*)"', svg) or [None, "0 0 4 3"])[1])]
    vw, vh = (sizes[2], sizes[3]) if len(sizes) == 4 and sizes[2] and sizes[3] else (4, 3)
    if max_height_mm:
        width_mm = min(width_mm, max_height_mm * vw / vh)
    return pdf_figures.figure(svg, width_mm)


def report_context(project, appendix: bool = False) -> dict:
    """Everything the 8D report shows, D0 to D8; the fishbone, root causes and FMEA come from the other packages' hooks."""
    checks = effectiveness.checks_of(project.id)
    latest = checks[-1] if checks else None
    fishbone = next((svg for svg in (hook(project) for hook in REPORT_FISHBONE.all()) if svg), None)
    causes = next((found for found in (hook(project) for hook in REPORT_ROOT_CAUSES.all()) if found), [])
    fmea = next((found for found in (hook(project) for hook in REPORT_FMEA.all()) if found), None)
    actions = services.actions_of(project.id)
    by_type = {kind: [a for a in actions if a.type == kind] for kind in ACTION_TYPES}
    # No complaint linked in either window: the result says "not enough data"; empty bars would say nothing.
    chart = (effectiveness.chart_svg(latest, width=520, height=200)
             if latest and latest.measured_at and (latest.before_count or latest.after_count) else None)
    history = stages.stage_history(project.id)
    return {
        "project": project,
        "appendix": appendix,
        "charter": lifecycle.charter_of(project.id),
        "theme": theme_link.theme_of(project),
        "linked_complaints": theme_link.linked_count(project.id),
        "actions": actions,
        "by_type": by_type,
        "is_overdue": services.is_overdue,
        "check": latest,
        "result": effectiveness.result_of(latest) if latest and latest.measured_at else None,
        "summary_chart": _fit(chart, 56),
        "chart": _fit(chart, 120),
        "summary_fishbone": _fit(fishbone, PAGE_WIDTH_MM, SUMMARY_FISHBONE_MM),
        "fishbone": _fit(fishbone, PAGE_WIDTH_MM, 150),
        "causes": causes,
        "fmea": fmea,
        "history": history,
        "sign_offs": lifecycle.sign_offs(project.id),
        "meanings": lifecycle.SIGNATURE_MEANINGS,
        "shorten": shorten,
        "items": SUMMARY_ITEMS,
    }


def report_pdf(project, appendix: bool = False) -> bytes:
    """The 8D report: one A4 page, then the appendix on the following pages when ``appendix``."""
    return exports.render_pdf(render_template("actions/report_pdf.html", **report_context(project, appendix)))
