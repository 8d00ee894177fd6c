"""The review queue in teaching order: the least certain complaints, spread over groups of similar ones.

The ``POOL`` least confident unconfirmed complaints (after the list filters)
are grouped by k-means on the learned model's TF-IDF features (``textmodel``);
the queue then takes the least certain complaint of each group in turn, so the
first page covers many different problems instead of one problem many times.
Each group can be labelled at once. Past the pool, the queue goes on by
confidence alone.
"""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select

from workbench.complaint_import import services
from workbench.complaint_import.models import Complaint
from workbench.complaint_import.textmodel import Vocabulary, tokens
from workbench.extensions import db

POOL = 1000
MAX_GROUPS = 12
PER_PAGE = 30


@dataclass
class Group:
    number: int
    size: int
    terms: list[str]
    example: str
    ids: list[int] = field(default_factory=list)


@dataclass
class ReviewPage:
    """What the page needs of a pagination, plus the groups and each complaint's group number."""

    items: list[Complaint]
    page: int
    total: int
    groups: list[Group]
    group_of: dict[int, int]
    pool: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _uncertain_first(args: dict):
    return services.review_queue(args)


def _groups(rows) -> tuple[list[int], list[Group]]:
    """Teaching order of ``rows`` (id, text_norm, confidence) and their groups."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    features = [tokens(r.text_norm or "") for r in rows]
    vocabulary = Vocabulary.fit(features)
    distinct = len({tuple(sorted(set(f))) for f in features})
    k = min(MAX_GROUPS, max(1, len(rows) // 8), distinct)
    if k < 2 or not len(vocabulary.terms):
        return [r.id for r in rows], []
    matrix = vocabulary.matrix(features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(n_clusters=k, n_init=2, random_state=0).fit(matrix)
    assigned = model.labels_
    distances = model.transform(matrix)
    members: dict[int, list[int]] = {}
    for i, cluster in enumerate(assigned.tolist()):
        members.setdefault(cluster, []).append(i)
    uncertainty = [1.0 - (r.confidence or 0.0) for r in rows]
    # The group holding the least certain complaint first, so the queue still opens with it; then by size.
    clusters = sorted(members, key=lambda c: (-max(uncertainty[i] for i in members[c]), -len(members[c]), c))
    groups = []
    queues = []
    words = np.array([" " not in str(t) for t in vocabulary.terms])
    for number, cluster in enumerate(clusters, start=1):
        indices = sorted(members[cluster], key=lambda i: (-uncertainty[i], rows[i].id))
        queues.append(indices)
        centre = model.cluster_centers_[cluster] * words
        terms = [str(vocabulary.terms[j]) for j in np.argsort(-centre)[:4] if centre[j] > 0]
        central = min(members[cluster], key=lambda i: distances[i, cluster])
        groups.append(Group(number, len(indices), terms, rows[central].text_norm or "", [rows[i].id for i in indices]))
    order = []
    for position in range(max(len(q) for q in queues)):
        order.extend(rows[q[position]].id for q in queues if position < len(q))
    return order, groups


def review_page(args: dict, page: int) -> ReviewPage:
    """One page of the queue in teaching order, with the groups of the pool."""
    page = max(1, page)
    stmt = _uncertain_first(args)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pool_rows = db.session.execute(
        stmt.with_only_columns(Complaint.id, Complaint.text_norm, Complaint.confidence).limit(POOL)
    ).all()
    order, groups = _groups(pool_rows) if len(pool_rows) > 1 else ([r.id for r in pool_rows], [])
    group_of = {cid: g.number for g in groups for cid in g.ids}
    start = (page - 1) * PER_PAGE
    if start < len(order):
        ids = order[start:start + PER_PAGE]
        found = {c.id: c for c in db.session.scalars(select(Complaint).where(Complaint.id.in_(ids)))}
        items = [found[i] for i in ids if i in found]
    else:
        items = list(db.session.scalars(stmt.offset(start).limit(PER_PAGE)))
    return ReviewPage(items, page, total, groups, group_of, len(pool_rows))
