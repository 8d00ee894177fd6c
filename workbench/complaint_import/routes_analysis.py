"""Pages: Pareto charts, monthly trends, downloads, and themes that become projects."""


import json

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from workbench import dates
from workbench.access import role_required
from workbench.complaint_import import analysis, bp, exports, hooks, services, tasks, themes
from workbench.complaint_import.charts import pareto_svg, trend_svg
from workbench.complaint_import.labels import DIMENSION_LABELS, channel_label, name_maps
from workbench.complaint_import.routes import _filters
from workbench.extensions import db
from workbench.i18n import date_input, is_persian, page_language, persian_digits
from workbench.revalidation import computed_once, revalidated
from workbench.roles import MANAGERS
from workbench.validation import InvalidInput


def _args():
    by = request.args.get("by", "process_owner")
    if by not in analysis.DIMENSIONS:
        raise InvalidInput({"by": _("by must be one of %(values)s.", values=", ".join(analysis.DIMENSIONS))})
    start = dates.field_date(request.args.get("from"), "from")
    end = dates.field_date(request.args.get("to"), "to")
    return by, start, end


def _names(by: str) -> dict[str, str]:
    names = analysis.labels(by)
    if by == "channel":
        names.update({k: channel_label(k) for k in ("phone", "email", "sms", "web", "chat", "in_person")})
    return names


def _title(by: str, start, end) -> str:
    if not start and not end:
        return _("Complaints by %(dimension)s", dimension=str(DIMENSION_LABELS[by]))
    period = f"{date_input(start) if start else '…'} – {date_input(end) if end else '…'}"  # the page's calendar and digits
    return _("Complaints by %(dimension)s, %(period)s", dimension=str(DIMENSION_LABELS[by]), period=period)


@bp.route("/complaints/analysis")
@login_required
@revalidated()
def analysis_page():
    by, start, end = _args()

    def produce():
        bars = analysis.pareto(by, start, end)
        names = _names(by)
        trend = analysis.monthly(by, start, end)
        links = {b["key"]: url_for("complaints.complaint_list", **analysis.drill_down(by, b["key"], start, end)) for b in bars}
        return {
            "bars": bars, "names": names,
            "pareto_chart": pareto_svg(bars, names, _title(by, start, end), _("cumulative %"), links, rtl=is_persian(), digits=persian_digits),
            "trend_chart": trend_svg(trend["months"], trend["series"], names, _("Complaints per month"),
                                     rtl=is_persian(), jalali=is_persian(), digits=persian_digits),
        }

    # The same for every reader (complaints are not kept per team): once per data revision, question and language.
    shown = computed_once(json.dumps(["pareto", page_language().code, by, str(start), str(end)]), produce)
    bars = shown["bars"]
    return render_template(
        "complaint_import/analysis.html",
        by=by,
        start=start,
        end=end,
        bars=bars,
        names=shown["names"],
        dimensions=DIMENSION_LABELS,
        pareto_chart=Markup(shown["pareto_chart"]),
        trend_chart=Markup(shown["trend_chart"]),
        vital_few=[b for b in bars if b["cumulative_pct"] <= 80] or bars[:1],
        drill_down=analysis.drill_down,
    )


def _download(content, mimetype: str, filename: str) -> Response:
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/complaints/analysis/pareto.<fmt>")
@login_required
def pareto_download(fmt: str):
    by, start, end = _args()
    bars = analysis.pareto(by, start, end)
    names = _names(by)
    if fmt == "svg":
        return _download(pareto_svg(bars, names, _title(by, start, end), _("cumulative %")), "image/svg+xml", f"pareto-{by}.svg")
    header = [_("Key"), _("Name"), _("Complaints"), _("Cumulative %")]
    rows = [[b["key"], names.get(b["key"], b["key"]), b["count"], b["cumulative_pct"]] for b in bars]
    return _table(fmt, header, rows, f"pareto-{by}")


@bp.route("/complaints/analysis/trend.<fmt>")
@login_required
def trend_download(fmt: str):
    by, start, end = _args()
    trend = analysis.monthly(by, start, end, top=20)
    names = _names(by)
    if fmt == "svg":
        return _download(trend_svg(trend["months"], trend["series"], names, _("Complaints per month")), "image/svg+xml", f"trend-{by}.svg")
    header = [_("Month")] + [names.get(k, k) for k in trend["series"]]
    rows = [[m] + [trend["series"][k][i] for k in trend["series"]] for i, m in enumerate(trend["months"])]
    return _table(fmt, header, rows, f"trend-{by}")


def _table(fmt: str, header, rows, stem: str) -> Response:
    if fmt == "csv":
        return _download(exports.to_csv(header, rows), "text/csv", f"{stem}.csv")
    if fmt == "xlsx":
        return _download(
            exports.to_xlsx(header, rows, stem, right_to_left=is_persian()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    abort(404)


@bp.route("/complaints/export.<fmt>")
@login_required
def complaints_download(fmt: str):
    """The filtered complaint list as CSV or XLSX (text cells escaped)."""
    keys = services.owner_keys()
    stmt = services.complaint_list(_filters()).limit(100000)
    header = ["id", "external_id", "source", "received_at", "text", "channel", "customer", "product", "process_owner", "category", "confidence"]
    rows = [
        [c.id, c.external_id, c.source, c.received_at.isoformat(), c.text, c.channel, c.customer, c.product, keys.get(c.process_owner_id), c.category, c.confidence]
        for c in db.session.scalars(stmt)
    ]
    return _table(fmt, header, rows, "complaints")


@bp.route("/complaints/themes")
@login_required
def theme_list():
    grouped = [
        (owner, [(t, themes.examples(t), hooks.theme_actions(t, current_user)) for t in items])
        for owner, items in themes.themes_by_owner()
    ]
    return render_template(
        "complaint_import/themes.html", grouped=grouped, manager=services.can_manage(current_user), build=themes.build_state(), names=name_maps(),
    )


@bp.get("/complaints/themes/search.json")
@login_required
def theme_search():
    """Current themes for a picker (the project charter's theme): as everyone signed in sees the themes page, 20 at most."""
    found = themes.search_themes(request.args.get("q", ""))
    return {"results": [{"value": str(t.id), "text": themes.label(t)} for t in found]}


@bp.get("/complaints/themes/progress")
@login_required
def theme_progress():
    state = themes.build_state() or {"status": None}
    return jsonify(status=state.get("status"), done=state.get("done") or 0, total=state.get("total") or 0, percent=state.get("percent"))


@bp.post("/complaints/themes/rebuild")
@role_required(*MANAGERS)
def theme_rebuild():
    themes.mark_queued()
    tasks.build_themes()
    flash(_("Themes are being rebuilt in the background; this page shows how far it got."), "info")
    return redirect(url_for("complaints.theme_list"))
