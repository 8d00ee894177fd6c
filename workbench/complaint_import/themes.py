"""Recurring themes: within each process owner, similar complaints grouped by TF-IDF and k-means."""

from datetime import timedelta
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from workbench.complaint_import.models import Complaint, Theme
from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.registry import HookPoint

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


class ProjectChoices(Protocol):
    """The projects (objects with ``id`` and ``title``) ``user`` may hang a theme on; added by the teams."""

    def __call__(self, user: Any) -> list: ...


PROJECT_CHOICES: HookPoint[ProjectChoices] = HookPoint("complaint_import.theme_project_choices")


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


def rebuild() -> int:
    """Replace the themes not yet turned into projects; returns how many themes exist now."""
    free = select(Theme.id).where(Theme.project_id.is_(None))
    db.session.execute(update(Complaint).where(Complaint.theme_id.in_(free)).values(theme_id=None, version=Complaint.version + 1), execution_options={"synchronize_session": False})
    db.session.execute(delete(Theme).where(Theme.project_id.is_(None)), execution_options={"synchronize_session": False})
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
    return db.session.scalar(select(func.count(Theme.id)))


def themes_by_owner() -> list[tuple[ProcessOwner | None, list[Theme]]]:
    grouped: dict = {}
    for theme in db.session.scalars(select(Theme).order_by(Theme.size.desc())):
        grouped.setdefault(theme.process_owner_id, []).append(theme)
    owners = {o.id: o for o in db.session.scalars(select(ProcessOwner))}
    return [(owners.get(owner_id), items) for owner_id, items in grouped.items()]


def examples(theme: Theme, limit: int = 3) -> list[str]:
    return list(db.session.scalars(select(Complaint.text).where(Complaint.theme_id == theme.id).order_by(Complaint.received_at.desc()).limit(limit)))


def problem_statement(theme: Theme, owner_name: str) -> str:
    """A starting problem statement: size, trend and examples in the customers' words."""
    lines = [
        _("%(size)d complaints (%(owner)s) about: %(theme)s.", size=theme.size, owner=owner_name, theme=theme.name),
        _("Last 90 days: %(recent)d; the 90 days before: %(previous)d.", recent=theme.recent, previous=theme.previous),
    ]
    lines += [f"- {text[:160]}" for text in examples(theme)]
    return "\n".join(lines)


def link_to_project(theme: Theme, project_id: int) -> int:
    """Hang the theme and its complaints on the project; returns the number of complaints linked."""
    theme.project_id = project_id
    result = db.session.execute(
        update(Complaint).where(Complaint.theme_id == theme.id).values(project_id=project_id, version=Complaint.version + 1), execution_options={"synchronize_session": False}
    )
    db.session.flush()
    return result.rowcount
