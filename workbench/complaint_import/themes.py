"""Recurring themes: what the pages read, retiring the old ones when a build stores its own (``theme_builder``),
and the progress of a build in the background (``build_state``).

The progress lives in ``workbench.progress`` under ``JOB`` (Redis or the ``job_progress`` table), so every
app server behind a proxy and the worker see the same: ``{"status": queued|running|done|failed, "done",
"total", "themes", "updated"}``.
"""

from datetime import date, timedelta

from flask_babel import get_locale, ngettext
from sqlalchemy import case, delete, func, select, update

from workbench import progress
from workbench.complaint_import.models import Complaint, Theme
from workbench.complaint_import.theme_builder import build
from workbench.extensions import db
from workbench.models import ProcessOwner

MIN_THEME = 3
SEARCH_LIMIT = 20  # themes one picker search answers with
MAX_QUERY = 100
WINDOW = timedelta(days=90)


def _referenced_theme_ids() -> set[int]:
    """Themes something downstream still points to (any foreign key to ``themes.id`` but the complaints')."""
    ids: set[int] = set()
    for table in db.metadata.tables.values():
        if table.name == "complaints":
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "themes":
                ids.update(v for v in db.session.scalars(select(fk.parent).where(fk.parent.is_not(None)).distinct()))
    return ids


def retire_themes(theme_ids: list[int] | None = None) -> None:
    """Take the themes ``theme_ids`` (default: every current one) off the themes page: their complaints lose them,
    and those nothing points to are deleted (a project's theme stays)."""
    complaints = update(Complaint).where(Complaint.theme_id.is_not(None) if theme_ids is None else Complaint.theme_id.in_(theme_ids))
    retired = update(Theme).where(Theme.active.is_(True) if theme_ids is None else Theme.id.in_(theme_ids))
    if theme_ids is not None and not theme_ids:
        return
    db.session.execute(complaints.values(theme_id=None, version=Complaint.version + 1), execution_options={"synchronize_session": False})
    db.session.execute(retired.values(active=False, version=Theme.version + 1), execution_options={"synchronize_session": False})
    kept = _referenced_theme_ids()
    stmt = delete(Theme).where(Theme.active.is_(False))
    if kept:
        stmt = stmt.where(Theme.id.not_in(kept))
    db.session.execute(stmt, execution_options={"synchronize_session": False})


JOB = "themes"  # the theme build's name in the progress store (``workbench.progress``)


def build_state() -> dict | None:
    """The latest theme build's progress (None when there was none): ``status`` (queued, running, done, failed),
    ``done`` and ``total`` complaints, ``percent``, and ``themes`` once done."""
    return progress.read(JOB)


def mark_queued() -> None:
    """Say on the themes page that a build is waiting for the worker (called before the task is queued)."""
    progress.write(JOB, "queued", done=0, total=0)


def rebuild(report_progress=None) -> int:
    """Rebuild the themes over every complaint (``theme_builder``), reporting progress; returns how many there are.

    The old themes stay on the page until the new ones are stored, in the caller's transaction."""
    progress.write(JOB, "running", done=0, total=0)

    def report(done: int, total: int) -> None:
        progress.write(JOB, "running", done=done, total=total)
        if report_progress:
            report_progress(done, total)

    try:
        count = build(report)
    except Exception:
        progress.write(JOB, "failed", done=0, total=0)
        raise
    progress.write(JOB, "done", themes=count)
    return count


def get_theme(theme_id: int) -> Theme | None:
    return db.session.get(Theme, theme_id)


def complaint_ids(theme_id: int):
    """A select of the ids of the theme's complaints."""
    return select(Complaint.id).where(Complaint.theme_id == theme_id)


def current_themes(limit: int | None = None) -> list[Theme]:
    """The themes of the latest build, biggest first (the ``limit`` biggest when given)."""
    return list(db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.size.desc(), Theme.id).limit(limit)))


def label(theme: Theme) -> str:
    """How a picker names a theme in the page's language: "name (n complaints)"."""
    return ngettext("%(name)s (%(num)d complaint)", "%(name)s (%(num)d complaints)", theme.size, name=theme.name_in(str(get_locale())))


def search_themes(query: str, limit: int = SEARCH_LIMIT) -> list[Theme]:
    """Current themes whose name (or its name in the page's language) contains ``query``, case aside, biggest
    first, ``limit`` at most, for a picker. The names in other languages live in ``mix``, so the current
    themes (one build's, a few thousand at most) are read and matched here."""
    query = " ".join(str(query or "").split())[:MAX_QUERY].lower()
    if not query:
        return []
    language, found = str(get_locale()), []
    for theme in db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.size.desc(), Theme.id)):
        if query in theme.name.lower() or query in theme.name_in(language).lower():
            found.append(theme)
            if len(found) == limit:
                break
    return found


def window_counts(theme_id: int, today: date | None = None) -> tuple[int, int]:
    """Complaints of the theme received in the last 90 days (today included) and in the 90 days before."""
    today = today or date.today()
    recent_from, previous_from = today - WINDOW + timedelta(days=1), today - 2 * WINDOW + timedelta(days=1)
    recent, previous = db.session.execute(
        select(
            func.count(case((Complaint.received_at >= recent_from, 1))),
            func.count(case((Complaint.received_at < recent_from, 1))),
        ).where(Complaint.theme_id == theme_id, Complaint.received_at >= previous_from, Complaint.received_at <= today)
    ).one()
    return int(recent), int(previous)


def themes_by_owner() -> list[tuple[ProcessOwner | None, list[Theme]]]:
    grouped: dict = {}
    for theme in current_themes():
        grouped.setdefault(theme.process_owner_id, []).append(theme)
    owners = {o.id: o for o in db.session.scalars(select(ProcessOwner))}
    return [(owners.get(owner_id), items) for owner_id, items in grouped.items()]


def examples(theme: Theme, limit: int = 3) -> list[str]:
    """The theme's most typical complaints (nearest its centre), else its newest."""
    if theme.example_ids:
        texts = dict(db.session.execute(select(Complaint.id, Complaint.text).where(Complaint.id.in_(theme.example_ids[:limit]))).all())
        return [texts[i] for i in theme.example_ids[:limit] if i in texts]
    return list(db.session.scalars(select(Complaint.text).where(Complaint.theme_id == theme.id).order_by(Complaint.received_at.desc()).limit(limit)))
