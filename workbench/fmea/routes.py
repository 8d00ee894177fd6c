"""Pages: the FMEA table of a project, its header block, row history and the priority setting."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2.utils import htmlsafe_json_dumps
from sqlalchemy import select

from workbench import audit, live, revalidation
from workbench.access import role_required
from workbench.extensions import db
from workbench.fmea import bp, checks, fields, people, places, services
from workbench.fmea.forms import HeaderForm, SettingsForm
from workbench.fmea.models import ACTION_STATUSES, DATE_FIELDS, WORK_ELEMENT_TYPES, FmeaDocument, FmeaRow
from workbench.fmea.scales import scales_for
from workbench.formtools import commit_or_report, form_status
from workbench.i18n import isolate
from workbench.models import AuditLog, utcnow
from workbench.persistence import check_version, plain
from workbench.revalidation import revalidated
from workbench.roles import MANAGERS, Role
from workbench.validation import Conflict

# Columns of the page, in the AIAG-VDA order, with their group and editor.
COLUMNS = (
    ("process_item", "structure", "text"),
    ("process_step", "structure", "text"),
    ("work_element", "structure", "text"),
    ("work_element_type", "structure", "type"),
    ("function", "function", "text"),
    ("failure_effect", "failure", "text"),
    ("severity", "failure", "rating"),
    ("failure_mode", "failure", "text"),
    ("failure_cause", "failure", "text"),
    ("prevention_control", "risk", "text"),
    ("occurrence", "risk", "rating"),
    ("detection_control", "risk", "text"),
    ("detection", "risk", "rating"),
    ("rpn", "risk", "computed"),
    ("action_priority", "risk", "computed"),
    ("special_characteristic", "risk", "short"),
    ("filter_code", "risk", "short"),
    ("prevention_action", "optimisation", "text"),
    ("detection_action", "optimisation", "text"),
    ("responsible_id", "optimisation", "person"),
    ("target_date", "optimisation", "date"),
    ("action_status", "optimisation", "status"),
    ("corrective_actions", "optimisation", "actions"),
    ("action_taken", "optimisation", "text"),
    ("evidence", "optimisation", "text"),
    ("completion_date", "optimisation", "date"),
    ("revised_severity", "optimisation", "rating"),
    ("revised_occurrence", "optimisation", "rating"),
    ("revised_detection", "optimisation", "rating"),
    ("revised_rpn", "optimisation", "computed"),
    ("revised_action_priority", "optimisation", "computed"),
    ("remarks", "optimisation", "text"),
)


def page_data(place, document, rows: list[dict]) -> dict:
    """Everything the table script needs, built with a fixed number of queries whatever the row count."""
    project = place.project
    setting = services.settings()
    driver, threshold = setting.priority_driver, setting.rpn_threshold
    kind = document.kind if document else "process"
    found = checks.issues(rows, driver, threshold)
    # Rows travel as lists in ``keys`` order with issues as indexes into ``issue_texts``: a 5,000-row page stays small.
    keys = (*services.ROW_KEYS, "corrective_actions")
    dates = [i for i, k in enumerate(keys) if k in DATE_FIELDS]
    texts: dict[str, int] = {}
    items = []
    for row in rows:
        values = [row.get(k) for k in keys]
        for i in dates:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        problems = found.get(row["id"])
        if problems:
            values.append([[p["code"], texts.setdefault(p["message"], len(texts))] for p in problems])
        items.append(values)
    named = {row["responsible_id"] for row in rows if row.get("responsible_id")}
    return {
        "keys": list(keys),
        "rows": items,
        "issue_texts": list(texts),
        # Corrective actions live in a project's tracker: a standalone FMEA has no such column.
        "columns": [
            {"field": f, "group": g, "editor": e, "label": fields.label(f, kind)}
            for f, g, e in COLUMNS
            if project is not None or e != "actions"
        ],
        "groups": {
            "structure": _("Structure analysis"),
            "function": _("Function analysis"),
            "failure": _("Failure analysis"),
            "risk": _("Risk analysis"),
            "optimisation": _("Optimisation"),
        },
        "scales": scales_for(str(get_locale()), document.rating_scale if document is not None else "manufacturing"),
        "scale_titles": {"severity": _("Severity (S)"), "occurrence": _("Occurrence (O)"), "detection": _("Detection (D)")},
        "types": [[k, str(fields.TYPE_LABELS[k])] for k in WORK_ELEMENT_TYPES],
        "statuses": [[k, str(fields.STATUS_LABELS[k])] for k in ACTION_STATUSES],
        "people": people.page_people(project, named),
        "setting": {"driver": driver, "threshold": threshold},
        "can_write": may_write(place),
        "lang": str(get_locale()),
        "now": utcnow().isoformat(),
        "poll_seconds": 2,
        "api": {
            "rows": url_for("api.fmea_rows", **place.args),
            "row": url_for("api.fmea_row", row_id=0).removesuffix("0"),
            "issues": url_for("api.fmea_issues", **place.args),
            "history": url_for("fmea.row_history", row_id=0).removesuffix("0/history"),
            "people": url_for("fmea.people_search", **place.args),
        },
        "messages": {
            "saved": _("Saved."),
            "conflict": _("Someone else changed this row first. Theirs: “%(current)s”, yours: “%(submitted)s”. The row now shows theirs."),
            "error": _("Not saved: %(message)s"),
            "confirm_delete": _("Delete this row?"),
            "deleted": _("Row deleted."),
            "arrived": _("Rows from the fishbone's verified root causes are highlighted (%(n)s): rate S, O and D."),
            "shown": _("%(shown)s of %(total)s rows shown"),
            "more": _("Show %(n)s more rows"),
            "more_one": _("Show one more row"),
            "history": _("History"),
            "delete": _("Delete"),
            "from_cause": _("From fishbone cause #%(id)s"),
            "severe": _("Severity 9-10: always reviewed"),
            "high": _("High priority"),
            "pick": _("Click a level to rate, or type 1-10."),
            "none": _("—"),
            "create_action": _("Create corrective action"),
            "action_owner": _("Owner"),
            "action_due": _("Due date"),
            "date_example": _("e.g. 2024-08-02") if str(get_locale()) != "fa" else "۱۴۰۳/۰۵/۱۲",
            "cancel": _("Cancel"),
            "action_created": _("Corrective action “%(title)s” created."),
            "no_actions": _("No linked actions"),
            "overdue": _("Overdue"),
            "status_follows": _("This row's status follows its corrective actions; change their status in the action tracker."),
        },
    }


def may_write(place) -> bool:
    """Whether the current user may change this FMEA (drives the page's buttons)."""
    if current_user.role == Role.VIEWER:
        return False
    return place.project is not None or current_user.can_manage


@bp.route("/projects/<int:project_id>/fmea")
@bp.route("/fmea/<int:document_id>")
@login_required
@revalidated(lambda project_id=None, document_id=None: (live.project_scope(project_id) if project_id is not None else f"fmea:{document_id}",))
def table(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id)
    if document_id is not None and place.project is not None:
        return redirect(url_for("fmea.table", project_id=place.project.id))
    document = place.document
    # Read before the rows: the page then holds data at least as new as this revision.
    revision = revalidation.revision(place.live_scope)  # the one its ETag was made of
    rows = services.with_actions(services.row_dicts(document))
    data = page_data(place, document, rows)
    data["live"] = {"url": live.watch_url(place.live_scope), "revision": revision}
    data_json = htmlsafe_json_dumps(data, dumps=json.dumps, ensure_ascii=False, separators=(",", ":"))
    header = HeaderForm(obj=document) if document else HeaderForm(title=place.title)
    return render_template(
        "fmea/table.html", place=place, project=place.project, document=document, data=data, data_json=data_json, header=header,
        row_count=len(rows), can_write=may_write(place), owner_name=places.owner_name(place.process_owner, str(get_locale())),
    )


@bp.route("/projects/<int:project_id>/fmea/people.json")
@bp.route("/fmea/<int:document_id>/people.json")
@login_required
def people_search(project_id: int | None = None, document_id: int | None = None):
    """People who may be made responsible for a row, matching ``q``, for the grid's picker: for those who may edit the FMEA, 20 at most."""
    place = places.resolve(current_user, project_id, document_id, write=True)
    found = people.search(place.project, request.args.get("q", ""))
    return {"results": [{"value": str(user_id), "text": name} for user_id, name in found]}


@bp.route("/projects/<int:project_id>/fmea/header", methods=["POST"])
@bp.route("/fmea/<int:document_id>/header", methods=["POST"])
@login_required
def header(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    form = HeaderForm()
    if not form.validate_on_submit():
        for field, messages in form.errors.items():
            title = getattr(form, field).label.text if hasattr(form, field) else field
            flash(f"{title}: {' '.join(messages)}", "error")
        return redirect(url_for("fmea.table", **place.args))
    existed = place.document is not None
    document = places.ensure(place)
    data = {k: getattr(form, k).data for k in services.HEADER_FIELDS if hasattr(form, k)}
    if data.get("rating_scale") is None:
        data.pop("rating_scale", None)
    data["version"] = form.version.data
    with commit_or_report(on_conflict=_header_conflict) as saved:
        if existed:
            check_version(document, data, required=True)
        services.save_header(document, data)
    if saved:
        flash(_("Saved."), "info")
    return redirect(url_for("fmea.table", **place.args))


def _header_conflict(error: Conflict) -> None:
    """The page is shown again from the database, so the message names what was stored and what was sent."""
    current, sent = ({k: str(plain(v.get(k)) or "") for k in services.HEADER_FIELDS} for v in (error.current or {}, error.submitted or {}))
    differ = [k for k in services.HEADER_FIELDS if current[k] != sent[k]]
    flash(_("Someone else changed the header first; your change was not saved. Check it and try again."), "error")
    if differ:
        flash(_("Stored: %(stored)s. Yours: %(yours)s.", stored="; ".join(f"{k} “{isolate(current[k])}”" for k in differ),
                yours="; ".join(f"{k} “{isolate(sent[k])}”" for k in differ)), "error")


@bp.route("/fmea-rows/<int:row_id>/history")
@login_required
def row_history(row_id: int):
    row = db.session.get(FmeaRow, row_id)
    if row is not None:
        services.row_for(row_id, current_user)
        place = places.for_document(row.document_id, current_user)
    else:
        # A deleted row: its history names its document in the audit trail.
        entries = audit.history("fmea_rows", row_id)
        document_id = next((e.new_value for e in entries if e.field == "document_id"), None)
        document = db.session.get(FmeaDocument, int(document_id)) if document_id else None
        if document is None:
            abort(404)
        place = places.for_document(document.id, current_user)
    entries = audit.history("fmea_rows", row_id)
    return render_template("fmea/history.html", entries=entries, row_id=row_id, place=place, label=fields.label)


@bp.route("/fmea/settings", methods=["GET", "POST"])
@role_required(*MANAGERS)
def settings():
    setting = services.settings()
    form = SettingsForm(obj=setting if request.method == "GET" else None)
    saved = None
    if form.validate_on_submit():
        data = {"priority_driver": form.priority_driver.data, "rpn_threshold": form.rpn_threshold.data, "version": form.version.data}
        with commit_or_report(form) as saved:
            services.save_settings(current_user, data, required=True)
        if saved:
            flash(_("Saved."), "info")
            return redirect(url_for("fmea.settings"))
    return render_template("fmea/settings.html", form=form), form_status(saved)


@bp.route("/projects/<int:project_id>/fmea/history")
@bp.route("/fmea/<int:document_id>/history")
@login_required
def document_history(project_id: int | None = None, document_id: int | None = None):
    """Every recorded change to the rows of this FMEA (deleted rows included), newest first."""
    place = places.resolve(current_user, project_id, document_id)
    document = place.document
    entries = []
    if document is not None:
        ids = select(AuditLog.record_id).where(
            AuditLog.table_name == "fmea_rows", AuditLog.field == "document_id", AuditLog.new_value == str(document.id)
        )
        stmt = (
            select(AuditLog)
            .where(AuditLog.table_name == "fmea_rows", AuditLog.record_id.in_(ids))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .limit(500)
        )
        entries = list(db.session.scalars(stmt))
    return render_template("fmea/document_history.html", place=place, entries=entries, label=fields.label)
