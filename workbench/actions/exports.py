"""Exports: the dashboard as XLSX and PDF, and HTML to PDF (the 8D report is ``report.py``)."""

import io

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import pgettext

from workbench.actions import pdf_figures
from workbench.spreadsheets import neutralised
from workbench.teams.labels import stage_label
from workbench.teams.models import STAGES

cell = neutralised  # a spreadsheet-safe value (workbench.spreadsheets)
# The dashboard charts the PDF shows, in this order.
CHART_KEYS = ("by_stage", "overdue", "on_time", "complaints")


def owner_name(row: dict, lang: str) -> str:
    name = row["owner_name_fa"] if lang == "fa" else row["owner_name_en"]
    return name or _("No process owner")


def dashboard_xlsx(data: dict, lang: str) -> bytes:
    """The dashboard's tables in a workbook: by owner, by stage, overdue actions."""
    from openpyxl import Workbook  # openpyxl takes half a second to load: only when a workbook is made
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("By process owner")[:31]
    if lang == "fa":
        sheet.sheet_view.rightToLeft = True
    headers = [_("Process owner"), _("Projects"), *[stage_label(s) for s in STAGES], _("Closed in period"), _("Actions"),
               pgettext("status", "Open"), _("Overdue"), _("On-time rate"), _("Complaints before"), _("Complaints after")]
    sheet.append([cell(h) for h in headers])
    for row in [*data["owners"], {**data["totals"], "owner_name_fa": _("Total"), "owner_name_en": _("Total")}]:
        a = row["actions"]
        sheet.append([cell(owner_name(row, lang)), row["projects_total"], *[row["projects"][s] for s in STAGES],
                      row["closed_in_period"], a["total"], a["open"], a["overdue"], a["on_time_pct"],
                      row["complaints"]["before"], row["complaints"]["after"]])
    for c in sheet[1]:
        c.font = Font(bold=True)
    overdue = book.create_sheet(_("Overdue actions")[:31])
    overdue.append([cell(h) for h in (_("Action"), _("Project"), _("Owner"), _("Due date"), _("Days overdue"))])
    for item in data["overdue_actions"]:
        overdue.append([cell(item["title"]), cell(item["project"]), cell(item["owner"]), item["due_date"], item["days_overdue"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_pdf(html: str) -> bytes:
    """HTML to PDF with WeasyPrint (Pango shapes Persian with the vendored Vazirmatn font)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=current_app.static_folder + "/").write_pdf()


def dashboard_pdf(data: dict, lang: str, charts: dict | None = None) -> bytes:
    """The dashboard on A4 landscape: its charts (two a row, text shaped by WeasyPrint), then its tables."""
    figures = [(key, pdf_figures.figure(svg, 128)) for key, svg in (charts or {}).items()
               if key in CHART_KEYS and svg]
    html = render_template("actions/dashboard_pdf.html", data=data, stages=STAGES, owner_name=owner_name, pdf_lang=lang,
                           figures=figures)
    return render_pdf(html)
