"""What the complaints capability adds to other pages: the home card (added by
``workbench.complaint_import.init_app``)."""

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _

from workbench.complaint_import import analysis, services
from workbench.i18n import persian_digits


def home_card(user) -> dict | None:
    """Home card: the process owners with most complaints in the last 90 days."""
    since = date.today() - timedelta(days=90)
    counts = services.counts_by_owner(since)[:3]
    if not counts:
        return None
    names = analysis.labels("process_owner")
    text = " · ".join(f"{names.get(k or analysis.UNCLASSIFIED, k)}: {persian_digits(n)}" for k, n in counts)
    return {"title": _("Top process owners, last 90 days"), "text": text, "url": url_for("complaints.analysis_page", **{"from": since.isoformat()}), "link_text": _("Pareto")}

