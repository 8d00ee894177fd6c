"""``flask --app wsgi fishbone ...``: export a project's fishbone, or import an outline into a new one."""

from pathlib import Path

import click

from workbench import uploads
from workbench.audit import acting_as
from workbench.extensions import db
from workbench.fishbone import outline, render, services
from workbench.teams.models import ImprovementProject
from workbench.validation import InvalidInput

fishbone_group = click.Group("fishbone", help="Fishbone (Ishikawa) diagrams.")


def _project(project_id: int):
    project = db.session.get(ImprovementProject, project_id)
    if project is None:
        raise click.ClickException(f"No project with id {project_id}.")
    return project


@fishbone_group.command("export")
@click.argument("project_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "txt", "mermaid"]), default="pdf", show_default=True)
@click.option("--paper", type=click.Choice(["a4", "a3"]), default="a4", show_default=True, help="Page size of the PDF.")
@click.option("--rtl/--ltr", default=False, help="Head on the left, for Persian diagrams.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True)
def export_command(project_id, fmt, paper, rtl, out):
    """Write PROJECT_ID's fishbone to a file."""
    diagram = services.diagram_of(_project(project_id))
    if diagram is None:
        raise click.ClickException(f"Project {project_id} has no fishbone yet.")
    if fmt in ("txt", "mermaid"):
        data = outline.export(diagram, "mermaid" if fmt == "mermaid" else "list").encode()
    else:
        data = render.draw(diagram, fmt, rtl=rtl, paper=paper if fmt == "pdf" else None)
    Path(out).write_bytes(data)
    click.echo(f"Wrote {out} ({len(data)} bytes).")


@fishbone_group.command("import")
@click.argument("project_id", type=int)
@click.argument("outline_file", type=click.Path(exists=True, dir_okay=False))
def import_command(project_id, outline_file):
    """Create PROJECT_ID's fishbone from an outline (indented list or Mermaid ishikawa)."""
    project = _project(project_id)
    with acting_as("cli"):
        try:
            text = uploads.read_text(outline_file, Path(outline_file).name)
            diagram = outline.import_outline(project, None, text)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
    click.echo(f"Imported {len(diagram.categories)} categories into project {project_id}.")


def register(app) -> None:
    app.cli.add_command(fishbone_group)
