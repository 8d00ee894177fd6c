"""Pages: bring an FMEA workbook in. Upload → sheets → mapping → scales → preview → import the good rows or none.

The request only stages the file and records the user's choices; the queue reads the workbook
(``tasks.analyse_upload``) and the page waits for its result.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from workbench import uploads
from workbench.auth.forms import EmptyForm
from workbench.extensions import db
from workbench.fmea import bp, importing, places, presets, tasks
from workbench.fmea.forms import ImportForm
from workbench.fmea.workbook import field_choices, kind_label, ratings
from workbench.fmea.workbook.vocabulary import MAPPABLE, RATINGS
from workbench.formtools import commit_or_report
from workbench.i18n import isolate
from workbench.teams.stages import ensure_editable
from workbench.validation import InvalidInput


def staged_upload(token: str, place) -> uploads.Staged:
    """The user's own staged workbook for this FMEA, or 404."""
    staged = uploads.find(token, current_user.id)
    if staged is None or staged.kind != uploads.WORKBOOK.name or any(staged.context.get(key) != value for key, value in place.args.items()):
        abort(404)
    return staged


def queue(staged: uploads.Staged, choices: dict) -> None:
    importing.wait_for(staged, choices)
    tasks.analyse_upload(staged.token, choices)  # read by the worker, never in this request


@bp.route("/projects/<int:project_id>/fmea/import", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import", methods=["GET", "POST"])
@login_required
def import_file(project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    ensure_editable(place.project)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            staged = uploads.receive(form.file.data, uploads.WORKBOOK, current_user, context=place.args)
        except InvalidInput as error:
            form.file.errors.extend(error.errors.values())
        else:
            queue(staged, {})
            return redirect(url_for("fmea.import_preview", **place.args, token=staged.token))
    return render_template("fmea/import.html", place=place, form=form), 400 if request.method == "POST" else 200


def _choices_from_form(form, analysis: dict, previous: dict) -> dict:
    """The sheets, mapping and scales the user set on the page, as ``importing.read`` takes them."""
    by_index = {str(s["index"]): s for s in analysis["sheets"]}
    chosen = [by_index[i]["name"] for i in form.getlist("sheet") if i in by_index]
    overrides: dict[str, dict] = {}
    scales: dict[str, dict] = {}
    for key, value in form.items():
        kind, _sep, rest = key.partition(":")
        index, _sep, name = rest.partition(":")
        sheet = by_index.get(index)
        if sheet is None or sheet["name"] not in chosen:
            continue
        if kind == "map":
            if value and value not in MAPPABLE:
                raise InvalidInput({key: _("Unknown field “%(field)s”.", field=value)})
            overrides.setdefault(sheet["name"], {})[name] = value
        elif kind == "scale" and name in RATINGS and value:
            if value == "custom":
                value = form.get(f"custom:{index}:{name}", "").strip()
                try:
                    ratings.parse_custom(value)
                except ValueError as error:
                    raise InvalidInput({key: _("Sheet “%(sheet)s”: %(message)s", sheet=sheet["name"], message=str(error))}) from None
            elif value not in ratings.choices():
                raise InvalidInput({key: _("Unknown scale “%(scale)s”.", scale=value)})
            scales.setdefault(sheet["name"], {})[name] = value
    combine = form.get("combine") if form.get("combine") in importing.COMBINE else previous.get("combine", "one")
    return {"sheets": chosen, "overrides": overrides, "scales": scales, "combine": combine}


@bp.post("/projects/<int:project_id>/fmea/import/<token>/choices")
@bp.post("/fmea/<int:document_id>/import/<token>/choices")
@login_required
def import_choices(token: str, project_id: int | None = None, document_id: int | None = None):
    """Read the workbook again under the sheets, mapping and scales chosen on the page; apply or save a preset."""
    place = places.resolve(current_user, project_id, document_id, write=True)
    staged = staged_upload(token, place)
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = uploads.load_result(staged) or {}
    back = redirect(url_for("fmea.import_preview", **place.args, token=token))
    if request.form.get("action") == "reset" or outcome.get("status") == "failed":
        queue(staged, {})
        return back
    if outcome.get("status") != "done":
        abort(409)
    analysis, previous = outcome["analysis"], outcome.get("choices") or {}
    action = request.form.get("action", "check")
    try:
        if action == "save_preset":
            preset = presets.save(request.form.get("preset_name", ""), analysis, current_user.id)
            db.session.commit()
            flash(_("Mapping saved as “%(name)s”.", name=isolate(preset.name)), "info")
            return back
        if action == "apply_preset":
            preset = presets.get(request.form.get("preset"))
            if preset is None:
                raise InvalidInput({"preset": _("Choose a saved mapping.")})
            choices = {**previous, **presets.apply(preset, analysis), "field_columns": {}}
            flash(_("Mapping “%(name)s” applied: check the columns below.", name=isolate(preset.name)), "info")
        else:
            choices = {**previous, **_choices_from_form(request.form, analysis, previous), "field_columns": {}}
    except InvalidInput as error:
        db.session.rollback()
        flash("; ".join(error.errors.values()), "error")
        return back
    queue(staged, choices)
    return back


def _nothing_imported(error: InvalidInput) -> None:
    flash(_("Nothing was imported: %(message)s", message="; ".join(error.errors.values())), "error")


def needs_confirmation(analysis: dict) -> list[tuple[str, str]]:
    """The rating columns converted from another scale: the user confirms them before anything is imported."""
    return [(s["name"], base) for s in analysis["sheets"] if s["selected"] for base, scale in s.get("scales", {}).items() if scale["name"] != "1-10"]


@bp.route("/projects/<int:project_id>/fmea/import/<token>", methods=["GET", "POST"])
@bp.route("/fmea/<int:document_id>/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(token: str, project_id: int | None = None, document_id: int | None = None):
    place = places.resolve(current_user, project_id, document_id, write=True)
    staged = staged_upload(token, place)
    outcome = uploads.load_result(staged)
    if outcome is None or outcome["status"] == "pending":  # the page reloads itself until the worker has read the file
        if request.method == "POST":
            abort(409)
        return render_template("fmea/import_preview.html", place=place, pending=True, filename=staged.filename, form=EmptyForm())
    if outcome["status"] == "failed":
        if request.method == "POST":
            abort(409)
        return render_template("fmea/import_preview.html", place=place, pending=False, failed=outcome["message"], filename=staged.filename,
                               token=token, form=EmptyForm())
    analysis, choices = outcome["analysis"], outcome.get("choices") or {}
    importing.check_against(analysis, place.project)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        back = redirect(url_for("fmea.import_preview", **place.args, token=token))
        if needs_confirmation(analysis) and not request.form.get("confirm_scales"):
            flash(_("Nothing was imported: confirm the rating conversions first (or choose 1-10 to keep the values as written)."), "error")
            return back
        with commit_or_report(on_invalid=_nothing_imported) as saved:
            outcome = importing.store(
                places.ensure(place), place.project, analysis, skip_bad_rows=request.form.get("rows") == "good",
                combine=choices.get("combine", "one"), fill_header=request.form.get("header", "fill") == "fill",
            )
        if not saved:
            return back
        uploads.discard(staged)
        flash(ngettext("%(num)s row imported; left out or skipped: %(skipped)s.", "%(num)s rows imported; left out or skipped: %(skipped)s.", outcome["imported"], skipped=len(outcome["skipped"])), "info")
        return redirect(url_for("fmea.table", **place.args))
    return render_template(
        "fmea/import_preview.html", place=place, pending=False, failed=None, filename=staged.filename, token=token, form=EmptyForm(),
        analysis=analysis, choices=choices, counts=importing.counts(analysis), header=importing.header_values(analysis),
        blocking=importing.blocking(analysis), confirm=needs_confirmation(analysis), fields=field_choices(), field_labels=dict(field_choices()), kind_label=kind_label,
        scale_choices=ratings.choices(), presets=presets.presets(), kept=int(uploads.setting("IMPORT_KEPT_ERRORS")),
        header_labels=_header_labels(),
    )


def _header_labels() -> dict:
    return {
        "title": _("Subject"), "company": _("Company"), "location": _("Site"), "customer": _("Customer"), "program": _("Model / programme"),
        "responsible": _("Process responsibility"), "start_date": _("Start date"), "part_number": _("Part number"), "team": _("Team"),
        "revision": _("Revision"), "revision_date": _("Revision date"), "key_date": _("Key date"), "fmea_number": _("FMEA number"),
        "prepared_by": _("Prepared by"), "confidentiality": _("Confidentiality level"),
    }
