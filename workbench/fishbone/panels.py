"""The fishbone's card on the project page (registered in ``PROJECT_PANELS``)."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from workbench.extensions import db
from workbench.fishbone import services
from workbench.fishbone.models import FishboneCause
from workbench.i18n import join_list


def project_panel(project, user) -> dict | None:
    """Causes and verified root causes of the project's fishbone, or an invitation to start one."""
    diagram = services.diagram_of(project)
    if diagram is None:
        summary = _("Not started yet: choose 6M, 8P, 4S or your own categories.")
    else:
        total = db.session.scalar(select(func.count(FishboneCause.id)).where(FishboneCause.diagram_id == diagram.id))
        verified = len(services.verified_root_causes(project.id))
        summary = join_list([ngettext("%(num)d cause", "%(num)d causes", total),
                             ngettext("%(num)d verified root cause", "%(num)d verified root causes", verified)])
    return {"title": _("Fishbone (Ishikawa)"), "url": url_for("fishbone.page", project_id=project.id), "summary": summary}
