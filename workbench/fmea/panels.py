"""The FMEA's card on the project page and on the home page (added by ``workbench.fmea.init_app``)."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from workbench.extensions import db
from workbench.fmea import services
from workbench.fmea.models import FmeaDocument, FmeaRow
from workbench.teams.access import team_scope
from workbench.teams.models import ImprovementProject


def project_panel(project, user) -> dict:
    """The FMEA card on the project page."""
    document = services.document_of(project)
    if document is None:
        return {"title": _("FMEA"), "url": url_for("fmea.table", project_id=project.id), "summary": _("Not started yet.")}
    counts = dict(
        db.session.execute(
            select(FmeaRow.action_priority, db.func.count()).where(FmeaRow.document_id == document.id).group_by(FmeaRow.action_priority)
        ).all()
    )
    total = sum(counts.values())
    return {
        "title": _("FMEA"),
        "url": url_for("fmea.table", project_id=project.id),
        "summary": ngettext("%(num)s row · AP H %(h)s · M %(m)s · L %(l)s", "%(num)s rows · AP H %(h)s · M %(m)s · L %(l)s", total, h=counts.get("H", 0), m=counts.get("M", 0), l=counts.get("L", 0)),
    }



def home_card(user) -> dict | None:
    """Home page: high-priority FMEA rows without an action or a reason, in the projects the user sees."""
    stmt = (
        select(db.func.count(FmeaRow.id))
        .join(FmeaDocument, FmeaDocument.id == FmeaRow.document_id)
        .join(ImprovementProject, ImprovementProject.id == FmeaDocument.project_id)
        .where(FmeaRow.action_priority == "H", FmeaRow.prevention_action == "", FmeaRow.detection_action == "", FmeaRow.remarks == "")
    )
    count = db.session.scalar(team_scope(stmt, ImprovementProject.team_id, user))
    if not count:
        return None
    return {"title": _("FMEA"), "text": _("%(n)s high-priority FMEA rows have no action or written reason yet.", n=count)}
