"""Themes over every complaint (unclassified ones too), at any volume, in bounded memory.

1. A sample of at most ``SAMPLE`` normalised texts (``text_norm``) is hashed into character
   n-grams (3-5 letters inside words: Persian affixes and half-space variants share most of
   them) and words (``theme_hashing``: as arrays, once), weighted by TF-IDF learnt on the
   sample; beside them, weighted by ``CONCEPT_WEIGHT``, the language-independent concepts each
   text names (``theme_concepts``: the same ids for «غذا سرد رسید» and "food arrived cold"); the
   sample is clustered by MiniBatchKMeans.
2. Every complaint is then read in batches of ``BATCH`` (by id), vectorised the same way and
   given its nearest centre; per theme the builder counts (``Tally``, with ``bincount`` and sorts
   per batch) size, last 90 days and the 90 before (told apart by SQL), the owner, category and
   language mix, the ``EXAMPLES`` complaints nearest the centre and the most central of each language.
3. A theme is named by its most central complaint (``theme_names``: without its greeting or
   reference number, one sentence), and also by the most central complaint of each language in it (the page shows the one in the reader's language), with its language
   mix; themes smaller than ``MIN_THEME`` are left out (their complaints stay without a theme).
   Only then are the new themes stored, the complaints given them (``theme_store``) and the old
   ones retired: the build reads until its last step, so the page keeps its themes meanwhile.

Memory is the sample's matrix, the k centres and two arrays of one number per complaint (id,
theme), whatever the volume. Character n-grams do not translate; the concepts do, but only
those ``vocabulary/concepts.yaml`` names: two complaints of different languages that name no
listed concept share a theme only by what they share in characters (numbers, codes, loan words).
Texts that name no concept get exactly the vectors they had without concepts, so same-language
near-duplicates cluster as before.
"""

import heapq
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from sqlalchemy import case, func, select

from workbench.complaint_import import hooks, themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.complaint_import.theme_concepts import concept_matrix, language
from workbench.complaint_import.theme_hashing import HashedBatch
from workbench.complaint_import.theme_names import readable_name
from workbench.complaint_import.theme_store import store_assignment
from workbench.extensions import db
from workbench.models import ProcessOwner

SAMPLE = 60_000
BATCH = 20_000
HASH_BATCH = 5_000  # texts hashed at once: bounds the arrays of code points and windows
MIN_THEME = 3
EXAMPLES = 3
WINDOW = timedelta(days=90)
LANGUAGES = ("", "fa", "en")
# The concept block's length beside the text block's (both unit length before the row is normalised
# again): two texts naming the same concepts in different scripts then have cosine w²/(1+w²) = 0.5,
# far above what unrelated texts of one language share in n-grams, while near-duplicates of one
# language (cosine near 1 on both blocks) stay nearest each other. 0 gives the text features alone.
CONCEPT_WEIGHT = 1.0


def cluster_count(n: int) -> int:
    """How many themes to look for among ``n`` complaints: about one per 30, between 2 and 40."""
    return max(2, min(40, n // 30))


def _idf(counts: list) -> np.ndarray:
    """Inverse document frequency of each column over the sample's count matrices (scikit-learn's smoothed idf)."""
    texts = sum(m.shape[0] for m in counts)
    documents = sum(np.bincount(m.indices, minlength=m.shape[1]) for m in counts)
    return (np.log((1 + texts) / (1 + documents)) + 1).astype(np.float32)


class Features:
    """The two blocks of a batch's features, each row of unit length (or zero): TF-IDF of the hashed n-grams and
    words (``theme_hashing``, sublinear counts), and the concepts the text names (``theme_concepts``); and each
    text's language."""

    def __init__(self, texts: list[str], idf: np.ndarray | None = None, concept_weight: float = CONCEPT_WEIGHT):
        import scipy.sparse as sp

        hashed = [HashedBatch(texts[i : i + HASH_BATCH]) for i in range(0, len(texts), HASH_BATCH)]
        self.counts = sp.vstack([h.matrix() for h in hashed], format="csr") if len(hashed) != 1 else hashed[0].matrix()
        self.languages = [lang for h in hashed for lang in h.languages()]
        del hashed
        self.weight = concept_weight
        self.text = None if idf is None else self._weighted_counts(idf)
        self.concepts = concept_matrix(texts) if concept_weight else None

    def _weighted_counts(self, idf: np.ndarray):
        """The counts as unit rows of TF-IDF, in place: (1 + log count) × idf."""
        from sklearn.preprocessing import normalize

        matrix, self.counts = self.counts, None
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1
        matrix.data *= idf[matrix.indices]
        return normalize(matrix, copy=False)

    def weighted(self, idf: np.ndarray):
        """The sample's rows for the clustering: both blocks side by side, each row normalised again."""
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        self.text = self._weighted_counts(idf)
        if self.concepts is None:
            return self.text
        return normalize(sp.hstack([self.text, self.weight * self.concepts], format="csr"), copy=False)

    def distances(self, centres: np.ndarray, centre_norms: np.ndarray) -> np.ndarray:
        """|x - c|² - 1 of each row x (``weighted``, unit) to each centre, without building the side-by-side rows:
        the text block is unit (or zero) and so is the concept block, so the row's length is known."""
        width = self.text.shape[1]
        scores = np.asarray(self.text @ centres[:, :width].T)
        if self.concepts is None:
            length = np.asarray(self.text.getnnz(axis=1) > 0, np.float32)
        else:
            scores += self.weight * np.asarray(self.concepts @ centres[:, width:].T)
            length = np.sqrt((self.text.getnnz(axis=1) > 0) + self.weight**2 * (self.concepts.getnnz(axis=1) > 0)).astype(np.float32)
        return centre_norms[None, :] - 2 * scores / np.where(length > 0, length, 1)[:, None]


class Tally:
    """Per cluster, what the build keeps of the complaints given to it: size, the two windows, owner, category and
    language mix, the ``EXAMPLES`` complaints nearest the centre and the most central one of each language."""

    def __init__(self, k: int):
        self.k = k
        self.sizes = np.zeros(k, np.int64)
        self.windows = np.zeros((k, 3), np.int64)  # other, last 90 days, the 90 before
        self.owners: dict = {}  # owner id -> code
        self.owner_counts = np.zeros((k, 0), np.int64)
        self.categories: dict = {}
        self.category_counts = np.zeros((k, 0), np.int64)
        self.languages = np.zeros((k, len(LANGUAGES)), np.int64)
        self.central = np.full((k, len(LANGUAGES)), np.inf)  # distance of the most central complaint per language
        self.central_ids = np.zeros((k, len(LANGUAGES)), np.int64)
        self.nearest: list[list[tuple[float, int]]] = [[] for _ in range(k)]  # max-heap of (-distance, id)

    def _counts(self, table: np.ndarray, codes: dict, values, labels: np.ndarray) -> np.ndarray:
        coded = np.fromiter((codes.setdefault(v, len(codes)) for v in values), np.int64, len(labels))
        if table.shape[1] < len(codes):
            table = np.hstack([table, np.zeros((self.k, len(codes) - table.shape[1]), np.int64)])
        return table + np.bincount(labels * len(codes) + coded, minlength=self.k * len(codes)).reshape(self.k, len(codes))

    def add(self, ids: np.ndarray, labels: np.ndarray, best: np.ndarray, windows, owners, categories, languages: list[str]) -> None:
        """Count one batch: its complaints' ids, clusters and distances, window codes, owners, categories, languages."""
        k = self.k
        self.sizes += np.bincount(labels, minlength=k)
        self.windows += np.bincount(labels * 3 + np.asarray(windows, np.int64), minlength=k * 3).reshape(k, 3)
        self.owner_counts = self._counts(self.owner_counts, self.owners, owners, labels)
        self.category_counts = self._counts(self.category_counts, self.categories, (c or "" for c in categories), labels)
        lang = np.fromiter((LANGUAGES.index(x) for x in languages), np.int64, len(labels))
        self.languages += np.bincount(labels * 3 + lang, minlength=k * 3).reshape(k, 3)
        # Per cluster (and per cluster and language) the batch's nearest complaints, ties to the lower id as before.
        order = np.lexsort((ids, best, labels))
        cluster = labels[order]
        rank = np.arange(len(order)) - np.searchsorted(cluster, cluster)
        for position in order[rank < EXAMPLES].tolist():
            heap, item = self.nearest[labels[position]], (-float(best[position]), int(ids[position]))
            if len(heap) < EXAMPLES:
                heapq.heappush(heap, item)
            elif -heap[0][0] > -item[0]:
                heapq.heapreplace(heap, item)
        group = labels * 3 + lang
        order = np.lexsort((ids, best, group))
        first = order[np.concatenate(([True], group[order][1:] != group[order][:-1]))]
        for position in first.tolist():
            c, g = int(labels[position]), int(lang[position])
            if g and best[position] < self.central[c, g]:
                self.central[c, g], self.central_ids[c, g] = best[position], ids[position]

    def mix(self, cluster: int) -> dict:
        """The cluster's owners, categories and languages (Counters) and its most central complaint per language."""
        owners = Counter({o: int(n) for o, n in zip(self.owners, self.owner_counts[cluster].tolist(), strict=False) if n})
        categories = Counter({c: int(n) for c, n in zip(self.categories, self.category_counts[cluster].tolist(), strict=False) if n})
        languages = Counter({lang: int(n) for lang, n in zip(LANGUAGES, self.languages[cluster].tolist(), strict=True) if n})
        central = {lang: (float(self.central[cluster, g]), int(self.central_ids[cluster, g]))
                   for g, lang in enumerate(LANGUAGES) if g and np.isfinite(self.central[cluster, g])}
        return {"owners": owners, "categories": categories, "languages": languages, "central": central}


def _sample(total: int) -> list[str]:
    """At most ``SAMPLE`` normalised texts spread evenly over the ids."""
    step = max(1, total // SAMPLE)
    sample = [t or "" for t in db.session.scalars(
        select(Complaint.text_norm).where(Complaint.id % step == 0).order_by(Complaint.id).limit(SAMPLE))]
    if len(sample) < MIN_THEME * 2:
        sample = [t or "" for t in db.session.scalars(select(Complaint.text_norm).order_by(Complaint.id).limit(SAMPLE))]
    return sample


def _fit(sample: list[str], k: int, concept_weight: float):
    """TF-IDF weights and ``k`` centres learnt on the sample (hashed in batches, once)."""
    import scipy.sparse as sp
    from sklearn.cluster import MiniBatchKMeans

    parts = [Features(sample[i : i + BATCH], concept_weight=concept_weight) for i in range(0, len(sample), BATCH)]
    idf = _idf([p.counts for p in parts])
    blocks = []
    for part in parts:  # each part's counts give way to its rows as they are made
        blocks.append(part.weighted(idf))
        part.text = part.concepts = None
    del parts
    matrix = sp.vstack(blocks, format="csr")
    del blocks
    model = MiniBatchKMeans(n_clusters=k, batch_size=4096, n_init=2, max_iter=30, random_state=0).fit(matrix)
    return idf, model.cluster_centers_.astype(np.float32)


def build(progress: Callable[[int, int], None] | None = None, today: date | None = None, concept_weight: float | None = None) -> int:
    """Rebuild the themes over every complaint; returns how many themes there are now.

    ``progress(done, total)`` is called after each batch; ``concept_weight`` (default ``CONCEPT_WEIGHT``)
    is for the bench's before/after.
    """
    concept_weight = CONCEPT_WEIGHT if concept_weight is None else concept_weight
    today = today or date.today()
    recent_from, previous_from = today - WINDOW + timedelta(days=1), today - 2 * WINDOW + timedelta(days=1)
    total = db.session.scalar(select(func.count(Complaint.id)))
    if total < MIN_THEME * 2:
        themes.retire_themes()
        return 0
    sample = _sample(total)
    k = min(cluster_count(total), len(sample))
    idf, centres = _fit(sample, k, concept_weight)
    del sample
    centre_norms = (centres**2).sum(axis=1)
    window = case((Complaint.received_at > today, 0), (Complaint.received_at >= recent_from, 1),
                  (Complaint.received_at >= previous_from, 2), else_=0)

    ids = np.empty(total + BATCH, dtype=np.int64)
    labels = np.empty(total + BATCH, dtype=np.int16)
    tally = Tally(k)
    done, last_id = 0, 0
    while True:
        rows = db.session.execute(
            select(Complaint.id, Complaint.text_norm, window, Complaint.process_owner_id, Complaint.category)
            .where(Complaint.id > last_id).order_by(Complaint.id).limit(BATCH)
        ).all()
        if not rows:
            break
        batch_ids, texts, windows, owners, categories = zip(*rows, strict=True)
        last_id, n = batch_ids[-1], len(rows)
        del rows
        features = Features([t or "" for t in texts], idf, concept_weight)
        distances = features.distances(centres, centre_norms)
        batch_labels = distances.argmin(axis=1)
        best = distances[np.arange(n), batch_labels]
        batch_ids = np.fromiter(batch_ids, np.int64, n)
        ids[done : done + n] = batch_ids
        labels[done : done + n] = batch_labels
        tally.add(batch_ids, batch_labels, best, windows, owners, categories, features.languages)
        done += n
        if progress:
            progress(done, total)
    return _store(tally, ids[:done], labels[:done])


def _both_languages(examples: list[int], by_language: dict[str, int], texts: dict[int, str], languages, size: int) -> list[int]:
    """The typical complaints, the last one swapped for the most central complaint of a language that is at least a
    tenth of the theme but has none among them, so a reader of either language sees the theme holds both."""
    examples = list(examples)
    for lang, cid in sorted(by_language.items(), key=lambda item: -languages[item[0]]):
        shown = {language((texts.get(e) or "").lower()) for e in examples}
        if len(examples) > 1 and lang not in shown and languages[lang] * 10 >= size:
            examples[-1] = cid
    return examples


def _store(tally: Tally, ids: np.ndarray, labels: np.ndarray) -> int:
    # The first write of the build: until here the old themes stay on the page (and, on SQLite, the
    # build held no write lock, so its progress could be committed on the side).
    old = list(db.session.scalars(select(Theme.id).where(Theme.active.is_(True))))
    keys = dict(db.session.execute(select(ProcessOwner.id, ProcessOwner.key)).all())
    theme_ids: dict[int, int] = {}
    for cluster in range(tally.k):
        size = int(tally.sizes[cluster])
        if size < MIN_THEME:
            continue
        mix = tally.mix(cluster)
        examples = [cid for _, cid in sorted(tally.nearest[cluster], key=lambda e: -e[0])]
        by_language = {lang: cid for lang, (_, cid) in mix["central"].items()}
        texts = dict(db.session.execute(select(Complaint.id, Complaint.text).where(Complaint.id.in_([*examples, *by_language.values()]))).all())
        examples = _both_languages(examples, by_language, texts, mix["languages"], size)
        owner_id = mix["owners"].most_common(1)[0][0]
        _other, recent, previous = tally.windows[cluster].tolist()
        theme = Theme(
            process_owner_id=owner_id,
            name=readable_name(texts.get(examples[0])) or "—",
            terms=[],
            size=size,
            recent=recent,
            previous=previous,
            active=True,
            mix={
                "owners": {keys.get(o, ""): n for o, n in mix["owners"].most_common()},
                "categories": dict(mix["categories"].most_common()),
                "languages": dict(mix["languages"].most_common()),  # "" for a text with no letters
                # the most central complaint in each language: the name a reader of that language sees
                "names": {lang: readable_name(texts.get(cid)) for lang, cid in sorted(by_language.items()) if texts.get(cid)},
            },
            example_ids=examples,
        )
        db.session.add(theme)
        db.session.flush()
        theme_ids[cluster] = theme.id
    mapping = np.zeros(tally.k, np.int64)  # 0: no theme (a cluster too small)
    for cluster, theme_id in theme_ids.items():
        mapping[cluster] = theme_id
    store_assignment(ids, mapping[labels.astype(np.int64)])
    hooks.themes_rebuilt()  # projects started from the old themes take in their new complaints
    themes.retire_themes(old)
    return len(theme_ids)
