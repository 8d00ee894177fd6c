"""Pages: classification rules, expectation categories and the classifier's accuracy."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from workbench.access import role_required
from workbench.complaint_import import bp, learning, retraining, selftrain, services, tasks
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.forms import CategoryForm, RuleForm
from workbench.complaint_import.labels import name_maps
from workbench.complaint_import.models import ClassificationRule, ExpectationCategory, RuleSuggestion
from workbench.complaint_import.suggestions import open_suggestions
from workbench.complaint_import.textnorm import normalise
from workbench.errors import conflict_message
from workbench.extensions import db
from workbench.formtools import choices, commit_or_report, form_status
from workbench.i18n import isolate
from workbench.persistence import check_version
from workbench.roles import MANAGERS
from workbench.validation import Conflict


def _key_choices():
    names = name_maps()
    return choices([(k, f"{v} ({k})") for k, v in names["owner"].items()] + [(k, f"{v} ({k})") for k, v in names["category"].items()])


@bp.route("/complaints/rules", methods=["GET", "POST"])
@login_required
def rules():
    ensure_defaults()
    db.session.commit()
    form = RuleForm()
    form.key.choices = _key_choices()
    category_form = CategoryForm(prefix="cat")
    manager = services.can_manage(current_user)
    saved = None
    if request.method == "POST":
        if not manager:
            return render_template("errors/error.html", code=403, message=_("You do not have access to this page.")), 403
        if form.validate_on_submit():
            with commit_or_report(form, fallback="phrase") as saved:
                services.save_rule(None, form.target.data, form.key.data, form.phrase.data, form.weight.data or 1.0, form.active.data)
            if saved:
                flash(_("Rule added."), "info")
                return redirect(url_for("complaints.rules"))
    target = request.args.get("target") or None
    key = (request.args.get("key") or "")[:40] or None
    search = normalise((request.args.get("q") or "")[:200])
    stmt = select(ClassificationRule).order_by(ClassificationRule.target, ClassificationRule.key, ClassificationRule.phrase)
    if target:
        stmt = stmt.where(ClassificationRule.target == target)
    if key:
        stmt = stmt.where(ClassificationRule.key == key)
    if search:
        stmt = stmt.where(ClassificationRule.phrase.contains(search, autoescape=True))
    page = db.paginate(stmt, per_page=100, error_out=False, max_per_page=100)
    return render_template(
        "complaint_import/rules.html",
        form=form,
        category_form=category_form,
        rules=page.items,
        page=page,
        filters={k: v for k, v in (("target", target), ("key", key), ("q", search)) if v},
        categories=services.categories(include_inactive=True),
        models=learning.latest_models(),
        self_model=selftrain.latest(),
        self_labelled=selftrain.labelled_count(),
        run=retraining.latest_run(),
        suggestions=open_suggestions() if manager else [],
        names=name_maps(),
        manager=manager,
        target=target,
    ), form_status(saved)


@bp.post("/complaints/rules/<int:rule_id>")
@role_required(*MANAGERS)
def rule_update(rule_id: int):
    rule = db.get_or_404(ClassificationRule, rule_id)
    delete = bool(request.form.get("delete"))
    shipped = rule.industry is not None  # read before the commit: a person's own rule is gone after it

    def phrase_conflict(error: Conflict) -> None:
        # The list shows the rule as stored now; the refused phrase is named in the message.
        flash(conflict_message(error) + " " + _("Your phrase: “%(phrase)s”.", phrase=isolate(request.form.get("phrase", ""))), "error")

    with commit_or_report(on_conflict=phrase_conflict) as saved:
        check_version(rule, {"version": request.form.get("version"), "phrase": request.form.get("phrase")}, required=True)
        if delete:
            services.remove_rule(rule)
        else:
            services.save_rule(rule, rule.target, rule.key, request.form.get("phrase", rule.phrase), request.form.get("weight", rule.weight), bool(request.form.get("active")))
    if saved:
        if delete and shipped:
            flash(_("Shipped phrase switched off: updating the shipped phrases will not bring it back."), "info")
        else:
            flash(_("Rule deleted.") if delete else _("Saved."), "info")
    return redirect(url_for("complaints.rules"))


@bp.post("/complaints/categories")
@role_required(*MANAGERS)
def category_add():
    form = CategoryForm(prefix="cat")
    if form.validate_on_submit():
        key = form.key.data.strip().lower().replace(" ", "_")
        if db.session.scalar(select(ExpectationCategory.id).where(ExpectationCategory.key == key)):
            flash(_("A category with key “%(key)s” exists.", key=isolate(key)), "error")
        else:
            db.session.add(ExpectationCategory(key=key, name_en=form.name_en.data.strip(), name_fa=form.name_fa.data.strip(), sort_order=99))
            db.session.commit()
            flash(_("Category added."), "info")
    else:
        flash(_("Fill in the key and both names."), "error")
    return redirect(url_for("complaints.rules"))


@bp.post("/complaints/rules/suggest")
@role_required(*MANAGERS)
def rules_suggest():
    tasks.suggest_rules()
    flash(_("Looking for phrases in your complaints; suggestions appear on this page."), "info")
    return redirect(url_for("complaints.rules") + "#suggestions")


@bp.post("/complaints/rules/suggestions/<int:suggestion_id>")
@role_required(*MANAGERS)
def rule_suggestion(suggestion_id: int):
    suggestion = db.get_or_404(RuleSuggestion, suggestion_id)
    back = redirect(url_for("complaints.rules") + "#suggestions")
    if suggestion.status != "open":
        flash(_("This suggestion was already handled."), "error")
        return back
    if request.form.get("dismiss"):
        suggestion.status = "dismissed"
        db.session.commit()
        flash(_("“%(phrase)s” dismissed; it will not be suggested again.", phrase=isolate(suggestion.phrase)), "info")
        return back
    category = request.form.get("category") or suggestion.key or ""
    with commit_or_report() as saved:
        services.save_rule(None, "category", category, suggestion.phrase, 1.0, True)
        suggestion.status, suggestion.key = "accepted", category
    if not saved:
        return back
    flash(ngettext("“%(phrase)s” now marks the category “%(category)s”; about %(num)d Unclassified complaint contains it. New imports use it; retrain and apply to relabel the complaints already here.",
                   "“%(phrase)s” now marks the category “%(category)s”; about %(num)d Unclassified complaints contain it. New imports use it; retrain and apply to relabel the complaints already here.",
                   suggestion.coverage, phrase=isolate(suggestion.phrase), category=isolate(name_maps()["category"].get(category, category))), "info")
    return back


@bp.post("/complaints/rules/self-training")
@role_required(*MANAGERS)
def self_training_switch():
    on = request.form.get("on") == "1"
    if selftrain.latest() is None:
        flash(_("There is no self-trained model to switch."), "error")
        return redirect(url_for("complaints.rules") + "#self-training")
    changed = selftrain.switch(on)
    db.session.commit()
    if on:
        flash(ngettext("Self-training switched on: %(num)s Unclassified complaint got a category.", "Self-training switched on: %(num)s Unclassified complaints got a category.", changed), "info")
    else:
        flash(ngettext("Self-training switched off: %(num)s complaint went back to the rules' answer.", "Self-training switched off: %(num)s complaints went back to the rules' answer.", changed), "info")
    return redirect(url_for("complaints.rules") + "#self-training")
