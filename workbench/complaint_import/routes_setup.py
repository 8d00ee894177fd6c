"""Pages: classification set-up, the industries whose phrases are used and the owner matrix."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from workbench.access import role_required
from workbench.complaint_import import bp, defaults, owner_matrix, services
from workbench.complaint_import.labels import name_maps
from workbench.complaint_import.models import ClassificationRule, OwnerAssignment
from workbench.extensions import db
from workbench.formtools import commit_or_report, refused_edit
from workbench.i18n import is_persian
from workbench.persistence import check_version
from workbench.roles import MANAGERS


@bp.route("/complaints/setup")
@login_required
def setup():
    defaults.ensure_defaults()
    db.session.commit()
    counts = dict(
        db.session.execute(
            select(ClassificationRule.industry, func.count()).where(ClassificationRule.active.is_(True)).group_by(ClassificationRule.industry)
        ).all()
    )
    persian = is_persian()
    industries = [
        {"key": i["key"], "name": i["name_fa"] if persian else i["name_en"], "phrases": counts.get(i["key"], 0)} for i in defaults.industries()
    ]
    return render_template(
        "complaint_import/setup.html",
        industries=industries,
        chosen=set(defaults.chosen_industries()),
        changes=defaults.shipped_changes(),
        common_phrases=counts.get(defaults.COMMON, 0),
        own_phrases=counts.get(None, 0),
        cells=owner_matrix.cells(),
        names=name_maps(),
        manager=services.can_manage(current_user),
    )


@bp.post("/complaints/setup/industries")
@role_required(*MANAGERS)
def setup_industries():
    with commit_or_report() as saved:
        result = defaults.choose_industries(request.form.getlist("industry"))
    if saved:
        flash(_("Industries saved: phrases added %(added)d, switched off %(off)d.", added=result["added"], off=result["switched_off"]), "info")
    return redirect(url_for("complaints.setup"))


@bp.post("/complaints/setup/owners")
@bp.post("/complaints/setup/owners/<int:cell_id>")
@role_required(*MANAGERS)
def setup_owner(cell_id: int | None = None):
    cell = db.get_or_404(OwnerAssignment, cell_id) if cell_id else None
    form = request.form
    delete = cell is not None and bool(form.get("delete"))
    with commit_or_report(on_conflict=lambda error: refused_edit(error, form.get("process_owner"))) as saved:
        if cell is not None:
            check_version(cell, {"version": form.get("version"), "process_owner": form.get("process_owner")}, required=True)
        if delete:
            db.session.delete(cell)
        else:
            owner_matrix.save_cell(
                cell,
                form.get("category", cell.category if cell else ""),
                form.get("product", cell.product if cell else ""),
                form.get("channel", cell.channel if cell else ""),
                form.get("process_owner", ""),
            )
    if saved and delete:
        flash(_("Owner matrix cell deleted."), "info")
    elif saved:
        flash(_("Owner matrix saved; new imports follow it, confirmed labels stay as they are."), "info")
    return redirect(url_for("complaints.setup"))
