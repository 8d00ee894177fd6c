"""``flask --app wsgi import-complaints / import-surveys / retrain-classifier / complaint-industries``."""

import os

import click
from flask import current_app

from workbench import dates, queue
from workbench.audit import acting_as
from workbench.complaint_import import defaults, selftrain
from workbench.complaint_import.importer import ImportOptions, run_import
from workbench.complaint_import.models import ClassifierRun
from workbench.complaint_import.retraining import apply_run, run_preview, set_applying, start_run
from workbench.complaint_import.surveys import SurveyOptions, import_surveys
from workbench.complaint_import.themes import rebuild
from workbench.extensions import db
from workbench.uploads import tasks as upload_tasks  # noqa: F401  (its tasks run here too)
from workbench.uploads.staging import clean_abandoned
from workbench.validation import InvalidInput


def _parse_maps(pairs: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"“{pair}” is not FIELD=COLUMN", param_hint="--map")
        field, column = pair.split("=", 1)
        result[field.strip()] = column.strip()
    return result


def _layout(encoding, delimiter, header_row, extra_header_rows) -> dict:
    layout = {}
    if encoding:
        layout["encoding"] = encoding
    if delimiter:
        layout["delimiter"] = "\t" if delimiter in ("tab", "\\t") else delimiter
    if header_row is not None:
        layout["header_row"] = header_row - 1
    if extra_header_rows is not None:
        layout["extra_header_rows"] = extra_header_rows
    return layout


def _reading_options(func):
    for option in reversed(
        (
            click.option("--source", required=True, help="Name of the system the file comes from."),
            click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Say which column holds a field."),
            click.option("--dry-run", is_flag=True, help="Check and report; store nothing."),
            click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even when some rows are bad."),
            click.option("--date-order", type=click.Choice(dates.ORDERS), default=None),
            click.option("--encoding", default=None, help="utf-8, utf-8-sig, utf-16 or cp1256 (detected by default)."),
            click.option("--delimiter", default=None, help="',', ';', 'tab' or '|' (detected by default)."),
            click.option("--header-row", type=int, default=None, help="Row number (1-based) of the column names."),
            click.option("--extra-header-rows", type=int, default=None, help="Rows after the header that are not data."),
        )
    ):
        func = option(func)
    return func


def _report(outcome, dry_run: bool) -> None:
    click.echo(f"Detected: encoding {outcome.layout.get('encoding')}, delimiter {outcome.layout.get('delimiter')!r}, "
               f"header row {outcome.layout.get('header_row', 0) + 1}, extra header rows {outcome.layout.get('extra_header_rows')}, "
               f"date order {outcome.date_order}")
    click.echo("Columns: " + ", ".join(f"{k}={v}" for k, v in outcome.mapping.items()))
    for error in outcome.errors:
        click.echo(str(error), err=True)
    if outcome.bad > len(outcome.errors):
        click.echo(f"... and {outcome.bad - len(outcome.errors)} more bad rows", err=True)
    s = outcome.summary()
    verb = "Would import" if dry_run or not outcome.committed else "Imported"
    click.echo(f"{verb}: {s['new']} new, {s['updated']} updated, {s['unchanged']} unchanged, {s['rejected']} rejected.")


@click.command("import-complaints")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_reading_options
def import_complaints_command(file, source, maps, dry_run, skip_bad_rows, date_order, encoding, delimiter, header_row, extra_header_rows):
    """Import a complaint export (CSV or XLSX). Refuses files with bad rows unless --skip-bad-rows."""
    options = ImportOptions(
        source=source,
        mapping=_parse_maps(maps),
        layout=_layout(encoding, delimiter, header_row, extra_header_rows),
        date_order=date_order,
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
    )
    with acting_as("cli"):
        try:
            outcome = run_import(file, os.path.basename(file), options)
            if outcome.committed:
                db.session.commit()
            else:
                db.session.rollback()
        except InvalidInput as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        except BaseException:
            db.session.rollback()
            raise
    _report(outcome, dry_run)
    if outcome.bad and not skip_bad_rows and not dry_run:
        raise click.ClickException(f"{outcome.bad} bad rows: nothing was imported. Fix them or use --skip-bad-rows.")




@click.command("retrain-classifier")
@click.option("--apply", "apply_now", is_flag=True, help="Apply the retraining after the preview (relabel unconfirmed complaints).")
def retrain_classifier_command(apply_now: bool):
    """Retrain on confirmed labels, print held-out accuracies and what would change; --apply to use it."""
    with acting_as("cli"):
        try:
            run = start_run(None)
        except InvalidInput as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()
        run_id = run.id
        run_preview(run_id)
        run = db.session.get(ClassifierRun, run_id)
        report = run.report
        for target in ("category", "owner"):
            f = report["targets"][target]
            if not f["trained"]:
                click.echo(f"{target}: not trained ({f['labels']} confirmed labels; too few)")
                continue
            decides = ", ".join(f["trusted"]) or "nothing (the rules stay)"
            click.echo(
                f"{target}: {f['labels']} confirmed labels; held-out accuracy rules {f['rules_accuracy']:.1%}, "
                f"combined {f['combined_accuracy']:.1%}; the model decides: {decides}"
            )
        click.echo(f"Would relabel {report['moved']} of {report['unconfirmed']} unconfirmed complaints ({report['by_model']} by the model).")
        for target in ("category", "owner"):
            for old, new, count in report["moves"][target][:10]:
                click.echo(f"  {target}: {old or 'Unclassified'} -> {new or 'Unclassified'}: {count}")
        if apply_now:
            set_applying(run)
            db.session.commit()
            click.echo(f"Applied: relabelled {apply_run(run_id)} unconfirmed complaints.")
        else:
            click.echo(f"Preview only (run {run_id}); apply it on the page or run again with --apply.")


def _scale(value: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in value.split("-", 1))
    except ValueError:
        raise click.BadParameter(f"“{value}” is not LOW-HIGH, e.g. 1-5") from None
    return low, high


@click.command("import-surveys")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", required=True, help="Name of the survey tool or survey.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="external_id, received_at, product, csat, nps, ces or text.")
@click.option("--driver", "drivers", multiple=True, metavar="EXPECTATION=COLUMN", help="A column rating one expectation, e.g. price=Q4.")
@click.option("--csat-scale", default="1-5", show_default=True)
@click.option("--csat-good", type=int, default=4, show_default=True, help="Ratings at or above this count as satisfied.")
@click.option("--date-order", type=click.Choice(dates.ORDERS), default=None)
@click.option("--dry-run", is_flag=True)
@click.option("--skip-bad-rows", is_flag=True)
def import_surveys_command(file, source, maps, drivers, csat_scale, csat_good, date_order, dry_run, skip_bad_rows):
    """Import survey responses; unhappy respondents' free text becomes classified complaints."""
    options = SurveyOptions(
        source=source, mapping=_parse_maps(maps), drivers=_parse_maps(drivers), csat_scale=_scale(csat_scale),
        csat_good=csat_good, date_order=date_order, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
    )
    with acting_as("cli"):
        try:
            outcome = import_surveys(file, os.path.basename(file), options)
            if outcome.committed:
                db.session.commit()
            else:
                db.session.rollback()
        except InvalidInput as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        except BaseException:
            db.session.rollback()
            raise
    click.echo("Columns: " + ", ".join(f"{k}={v}" for k, v in outcome.mapping.items()))
    if outcome.drivers:
        click.echo("Expectations rated: " + ", ".join(f"{k}={v}" for k, v in outcome.drivers.items()))
    for error in outcome.errors:
        click.echo(str(error), err=True)
    verb = "Imported" if outcome.committed else "Would import"
    click.echo(f"{verb}: {outcome.new} new responses, {outcome.unchanged} unchanged, {outcome.bad} rejected; {outcome.complaints} complaints from unhappy respondents.")
    if outcome.bad and not skip_bad_rows and not dry_run:
        raise click.ClickException(f"{outcome.bad} bad rows: nothing was imported. Fix them or use --skip-bad-rows.")


@click.command("build-themes")
def build_themes_command():
    """Group each process owner's complaints into recurring themes."""
    with acting_as("cli"):
        count = rebuild()
        db.session.commit()
    click.echo(f"{count} themes.")


@click.command("self-train")
@click.option("--import-job", "job_id", type=int, help="Self-train after this import job: its complaints and a sample of the older ones.")
def self_train_command(job_id):
    """Self-train from the rules' confident labels and label what they left Unclassified (all of it without --import-job)."""
    with acting_as("cli"):
        figures = selftrain.after_import(job_id)
        db.session.commit()
    if "threshold" not in figures:
        kept = " (the previous model stays in use)" if figures.get("kept_previous") else ""
        click.echo(f"No new model: {figures.get('reason')} ({figures['seeds']} seeds){kept}; {figures.get('labelled', 0)} complaints labelled.")
        return
    click.echo(f"Model: {figures['seeds']} seeds, {figures['agreement']:.1%} agreement with the rules on held-out seeds at {figures['threshold']}; "
               f"relabelled {figures.get('relabelled', 'nothing: switched off')}"
               f"{', changed on ' + format(figures['changed_share'], '.1%') + ' of the probe' if 'changed_share' in figures else ''}; "
               f"{figures.get('labelled', 0)} complaints labelled.")


@click.command("complaint-industries")
@click.argument("industries", nargs=-1)
def complaint_industries_command(industries):
    """Show the industries whose phrases classify complaints; with arguments, use those (e.g. banking retail, or all)."""
    with acting_as("cli"):
        defaults.ensure_defaults()
    if industries:
        keys = defaults.INDUSTRIES if tuple(industries) == ("all",) else [k for arg in industries for k in arg.split(",")]
        try:
            with acting_as("cli"):
                result = defaults.choose_industries(keys)
        except InvalidInput as error:
            db.session.rollback()
            raise click.UsageError(str(error)) from None
        db.session.commit()
        click.echo(f"{result['added']} phrases added, {result['switched_off']} switched off.")
    else:
        db.session.commit()
    chosen = set(defaults.chosen_industries())
    for data in defaults.industries():
        click.echo(f"[{'x' if data['key'] in chosen else ' '}] {data['key']:<11} {data['name_en']}")


@click.command("import-worker")
@click.option("--workers", type=int, default=1, show_default=True)
def import_worker_command(workers):
    """Run the huey worker that checks and imports uploaded files."""
    clean_abandoned()
    queue.run_worker(current_app._get_current_object(), workers)


def register(app) -> None:
    app.cli.add_command(import_complaints_command)
    app.cli.add_command(retrain_classifier_command)
    app.cli.add_command(import_surveys_command)
    app.cli.add_command(build_themes_command)
    app.cli.add_command(self_train_command)
    app.cli.add_command(import_worker_command)
    app.cli.add_command(complaint_industries_command)
