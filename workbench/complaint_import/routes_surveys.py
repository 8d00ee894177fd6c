"""Pages: survey scores by month, owner and product, and key drivers."""

from flask import render_template, request
from flask_login import login_required

from workbench import dates
from workbench.complaint_import import bp, survey_scores
from workbench.complaint_import.labels import name_maps


@bp.route("/complaints/surveys")
@login_required
def survey_page():
    start = dates.field_date(request.args.get("from"), "from")
    end = dates.field_date(request.args.get("to"), "to")
    return render_template(
        "complaint_import/surveys.html",
        start=start,
        end=end,
        by_month=survey_scores.scores("month", start, end),
        by_owner=survey_scores.scores("process_owner", start, end),
        by_product=survey_scores.scores("product", start, end),
        drivers={outcome: survey_scores.key_drivers(outcome) for outcome in ("csat", "nps")},
        names=name_maps(),
    )
