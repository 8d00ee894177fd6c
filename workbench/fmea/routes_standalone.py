"""Pages: every FMEA the user may see, and a new standalone FMEA for a process owner."""

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from workbench.access import role_required
from workbench.extensions import db
from workbench.fmea import bp, places
from workbench.fmea.forms import StandaloneForm
from workbench.formtools import choices, commit_or_report, form_status
from workbench.models import ProcessOwner
from workbench.roles import MANAGERS


@bp.route("/fmea")
@login_required
def fmea_list():
    lang = str(get_locale())
    items = places.visible(current_user)
    for item in items:
        item["owner_name"] = places.owner_name(item["process_owner"], lang)
    return render_template("fmea/list.html", items=items)


@bp.route("/fmea/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_standalone():
    lang = str(get_locale())
    owners = db.session.scalars(
        select(ProcessOwner).where(ProcessOwner.active.is_(True)).order_by(ProcessOwner.sort_order, ProcessOwner.id)
    )
    form = StandaloneForm()
    form.process_owner.choices = choices([(o.id, places.owner_name(o, lang)) for o in owners])
    saved = None
    if form.validate_on_submit():
        with commit_or_report(form) as saved:
            document = places.create_standalone(
                current_user, {"process_owner": form.process_owner.data, "kind": form.kind.data, "title": form.title.data}
            )
        if saved:
            flash(_("FMEA created."), "info")
            return redirect(url_for("fmea.table", document_id=document.id))
    return render_template("fmea/new.html", form=form), form_status(saved)
