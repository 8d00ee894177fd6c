"""What the complaints capability adds to other pages: the project panel and the home card
(added by ``workbench.complaint_import.init_app``)."""

from datetime import date, timedelta

from flask import session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from workbench.extensions import db


def project_panel(project, user) -> dict | None:
    """Project page panel: the complaints behind the project (linking a theme just started from)."""
    from workbench.complaint_import import themes
    from workbench.complaint_import.models import Complaint, Theme

    pending = session.get("theme_for_project") if session else None
    if pending and pending.get("title") == project.title and user.role != "viewer":
        theme = db.session.get(Theme, pending.get("theme_id"))
        session.pop("theme_for_project", None)
        if theme is not None and theme.project_id is None:
            themes.link_to_project(theme, project.id)
            db.session.commit()
    count = db.session.scalar(select(func.count(Complaint.id)).where(Complaint.project_id == project.id))
    if not count:
        return None
    return {
        "title": _("Complaints"),
        "url": url_for("complaints.complaint_list", project=project.id),
        "summary": _("%(count)d linked complaints", count=count),
    }


def home_card(user) -> dict | None:
    """Home card: the process owners with most complaints in the last 90 days."""
    from workbench.complaint_import import analysis, services

    since = date.today() - timedelta(days=90)
    counts = services.counts_by_owner(since)[:3]
    if not counts:
        return None
    names = analysis.labels("process_owner")
    from workbench.i18n import persian_digits

    text = " · ".join(f"{names.get(k or analysis.UNCLASSIFIED, k)}: {persian_digits(n)}" for k, n in counts)
    return {"title": _("Top process owners, last 90 days"), "text": text, "url": url_for("complaints.analysis_page", **{"from": since.isoformat()}), "link_text": _("Pareto")}

