"""Recurring themes: within each process owner, similar complaints grouped by TF-IDF and k-means."""

from datetime import date, timedelta

from sqlalchemy import case, delete, func, select, update

from workbench.complaint_import.models import Complaint, Theme
from workbench.extensions import db
from workbench.models import ProcessOwner

STOP_WORDS = sorted(
    {
        "the", "a", "an", "and", "or", "to", "of", "in", "on", "is", "was", "my", "i", "it", "not", "for", "with",
        "after", "very", "but", "no", "at", "by", "be", "are", "has", "had", "have", "this", "that", "from", "me",
        "و", "در", "به", "از", "که", "را", "با", "این", "است", "شد", "می", "ها", "بود", "هم", "یک", "تا", "بر",
        "برای", "من", "ولی", "اما", "هیچ", "کسی", "بعد", "روز", "چند", "بار", "شده", "نمی", "دهد", "داد", "کرد",
    }
)
MAX_PER_OWNER = 20000
MIN_THEME = 3
WINDOW = timedelta(days=90)


def _cluster(texts: list[str]):
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.7, stop_words=STOP_WORDS, token_pattern=r"(?u)\b\w\w+\b")
    matrix = vectorizer.fit_transform(texts)
    k = max(2, min(8, len(texts) // 30))
    model = KMeans(n_clusters=k, n_init=4, random_state=0).fit(matrix)
    return vectorizer.get_feature_names_out(), model


def _name(centre, terms, limit: int = 3) -> list[str]:
    picked: list[str] = []
    for index in centre.argsort()[::-1]:
        term = str(terms[index])
        if centre[index] <= 0 or len(picked) >= limit:
            break
        if any(term in p or p in term for p in picked):
            continue
        picked.append(term)
    return picked


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


def retire_themes() -> None:
    """Take every theme off the themes page; delete those nothing points to (a project's theme stays)."""
    db.session.execute(update(Complaint).where(Complaint.theme_id.is_not(None)).values(theme_id=None, version=Complaint.version + 1), execution_options={"synchronize_session": False})
    db.session.execute(update(Theme).where(Theme.active.is_(True)).values(active=False, version=Theme.version + 1), execution_options={"synchronize_session": False})
    kept = _referenced_theme_ids()
    stmt = delete(Theme).where(Theme.active.is_(False))
    if kept:
        stmt = stmt.where(Theme.id.not_in(kept))
    db.session.execute(stmt, execution_options={"synchronize_session": False})


def rebuild() -> int:
    """Replace the themes; returns how many themes exist now."""
    retire_themes()
    for owner_id in db.session.scalars(select(ProcessOwner.id)):
        rows = db.session.execute(
            select(Complaint.id, Complaint.text_norm, Complaint.received_at)
            .where(Complaint.process_owner_id == owner_id, Complaint.theme_id.is_(None))
            .order_by(Complaint.received_at.desc())
            .limit(MAX_PER_OWNER)
        ).all()
        if len(rows) < 10:
            continue
        try:
            terms, model = _cluster([r.text_norm or "" for r in rows])
        except ValueError:  # too few distinct words to build a vocabulary
            continue
        latest = rows[0].received_at
        for cluster in range(model.n_clusters):
            members = [r for r, label in zip(rows, model.labels_, strict=True) if label == cluster]
            words = _name(model.cluster_centers_[cluster], terms)
            if len(members) < MIN_THEME or not words:
                continue
            theme = Theme(
                process_owner_id=owner_id,
                name=" · ".join(words),
                terms=words,
                size=len(members),
                recent=sum(1 for r in members if r.received_at > latest - WINDOW),
                previous=sum(1 for r in members if latest - 2 * WINDOW < r.received_at <= latest - WINDOW),
            )
            db.session.add(theme)
            db.session.flush()
            ids = [r.id for r in members]
            for start in range(0, len(ids), 900):
                db.session.execute(
                    update(Complaint).where(Complaint.id.in_(ids[start : start + 900])).values(theme_id=theme.id, version=Complaint.version + 1),
                    execution_options={"synchronize_session": False},
                )
    return db.session.scalar(select(func.count(Theme.id)).where(Theme.active.is_(True)))


def get_theme(theme_id: int) -> Theme | None:
    return db.session.get(Theme, theme_id)


def complaint_ids(theme_id: int):
    """A select of the ids of the theme's complaints."""
    return select(Complaint.id).where(Complaint.theme_id == theme_id)


def current_themes() -> list[Theme]:
    """The themes of the latest build, biggest first."""
    return list(db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.size.desc(), Theme.id)))


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
    return list(db.session.scalars(select(Complaint.text).where(Complaint.theme_id == theme.id).order_by(Complaint.received_at.desc()).limit(limit)))
