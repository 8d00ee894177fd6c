"""``flask --app wsgi import-fmea FILE --project ID``: bring an FMEA workbook in from a script, with a dry run."""

import os
from pathlib import Path

import click

from workbench import uploads
from workbench.audit import acting_as
from workbench.extensions import db
from workbench.fmea import importing, services
from workbench.fmea.workbook import kind_label
from workbench.fmea.workbook.vocabulary import MAPPABLE
from workbench.teams.models import ImprovementProject
from workbench.validation import Frozen, InvalidInput


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    found = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(f"“{item}” is not FIELD=VALUE.", param_hint=option)
        found[name.strip()] = value.strip()
    return found


def _read_file(path: str) -> bytes:
    """The file's bytes after the upload pipeline's checks (type, size, content, zip limits)."""
    name = Path(path).name
    kind = uploads.WORKBOOK
    if Path(name).suffix.lower() not in kind.extensions:
        raise click.ClickException(f"“{name}”: {kind.hint()}")
    if os.path.getsize(path) > kind.size_limit():
        raise click.ClickException(f"“{name}” is larger than the limit of {uploads.size_text(kind.size_limit())}.")
    try:
        uploads.check_content(kind, path, name)
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    return Path(path).read_bytes()


def _echo_sheets(result: dict) -> None:
    click.echo("Sheets found:")
    for sheet in result["sheets"]:
        header = f", header rows {sheet['header_rows'][0]}-{sheet['header_rows'][1]}" if sheet["header_rows"] else ""
        chosen = "chosen" if sheet["selected"] else "not chosen"
        click.echo(f"  {sheet['index'] + 1}. {sheet['name']}: {kind_label(sheet['kind'])}, {sheet['rows']} rows{header} ({chosen})")
    for sheet in result["sheets"]:
        if not sheet["selected"] or sheet["kind"] != "fmea":
            continue
        click.echo(f"Mapping of “{sheet['name']}”:")
        for column in sheet["mapping"]:
            target = column["field"] if column["field"] in MAPPABLE else "(ignored)"
            how = f" ({column['how']})" if column["field"] else ""
            click.echo(f"  {column['letter']:>3}  {' '.join(column['title'].split())[:60] or '(no title)'} -> {target}{how}")
        for base, scale in sheet["scales"].items():
            if scale["name"] != "1-10":
                pairs = ", ".join(f"{k}->{v}" for k, v in scale["mapping"].items())
                click.echo(f"  {base} on the {scale['name']} scale ({scale.get('why') or 'detected'}), converted: {pairs}")
        if sheet["title_block"]:
            click.echo("  Title block: " + "; ".join(f"{k}: {v}" for k, v in sheet["title_block"].items()))


def _echo_problems(result: dict) -> None:
    for p in result["problems"]:
        where = ", ".join(x for x in (f"sheet “{p['sheet']}”" if p["sheet"] else "", f"row {p['row']}" if p["row"] != "" else "",
                                       f"column {p['column']}" if p["column"] else "", p["label"]) if x)
        value = f" value “{p['value']}”" if p["value"] else ""
        click.echo(f"  [{p['level']}] {where}:{value} {p['message']}")


def register(app) -> None:
    @app.cli.command("import-fmea")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--project", "project_id", type=int, required=True, help="The improvement project whose FMEA receives the rows.")
    @click.option("--sheet", "sheets", multiple=True, help="A sheet to import (repeat for several; default: every FMEA-looking sheet).")
    @click.option("--map", "maps", multiple=True, help="FIELD=COLUMN (letter or title), e.g. --map failure_mode=C.")
    @click.option("--scale", "scales", multiple=True, help="RATING=SCALE, e.g. --scale severity=1-6 or --scale occurrence=1-10 (keep).")
    @click.option("--dry-run", is_flag=True, help="Read, map and check; import nothing.")
    @click.option("--skip-bad-rows", is_flag=True, help="Import the good rows and skip the bad ones (default: all or nothing).")
    def import_fmea(file, project_id, sheets, maps, scales, dry_run, skip_bad_rows):
        """Import the FMEA rows of FILE (.xlsx, .xls or .csv) into project ID's FMEA."""
        project = db.session.get(ImprovementProject, project_id)
        if project is None:
            raise click.ClickException(f"No project with id {project_id}.")
        data = _read_file(file)
        choices = {"sheets": list(sheets), "field_columns": _pairs(maps, "--map"), "scales": {"*": _pairs(scales, "--scale")}}
        try:
            result = importing.read(data, Path(file).name, choices)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        importing.check_against(result, project)
        _echo_sheets(result)
        figures = importing.counts(result)
        click.echo(f"Rows: {figures['good']} good, {figures['bad']} bad, {figures['left_out']} left out.")
        if result["problems"]:
            click.echo("Problems:")
            _echo_problems(result)
        if result["left_out"]:
            click.echo("Left out:")
            for row in result["left_out"]:
                click.echo(f"  sheet “{row['sheet']}”, row {row['row']}: {row['reason']}")
        if dry_run:
            click.echo("Dry run: nothing imported.")
            return
        with acting_as("cli"):
            try:
                outcome = importing.store(services.ensure_document(project), project, result, skip_bad_rows=skip_bad_rows)
                db.session.commit()
            except InvalidInput as error:
                db.session.rollback()
                raise click.ClickException("; ".join(error.errors.values())) from None
            except Frozen as error:
                db.session.rollback()
                raise click.ClickException(error.message) from None
        skipped = [s for s in outcome["skipped"] if s["reasons"] and s["reasons"] != ["empty"]]
        click.echo(f"Imported {outcome['imported']} rows into project {project_id}'s FMEA; skipped {len(outcome['skipped'])} rows.")
        for row in skipped:
            click.echo(f"  skipped sheet “{row['sheet']}”, row {row['row']}: {'; '.join(row['reasons'])}")
