"""Themes over every complaint (unclassified ones too), at any volume, in bounded memory.

1. A sample of at most ``SAMPLE`` normalised texts (``text_norm``) is hashed into character
   n-grams (3-5 letters inside words: Persian affixes and half-space variants share most of
   them) and words, weighted by TF-IDF learnt on the sample; beside them, weighted by
   ``CONCEPT_WEIGHT``, the language-independent concepts each text names
   (``theme_concepts``: the same ids for «غذا سرد رسید» and "food arrived cold"); the
   sample is clustered by MiniBatchKMeans.
2. Every complaint is then read in batches of ``BATCH`` (by id), vectorised the same way and
   given its nearest centre; per theme the builder keeps counts (size, last 90 days and the 90
   before), the owner and category mix, and the ``EXAMPLES`` complaints nearest the centre.
3. A theme is named by its most central complaint, and also by the most central complaint of
   each language in it (the page shows the one in the reader's language), with its language
   mix; themes smaller than ``MIN_THEME`` are left out (their complaints stay without a theme).
   Only then are the old themes retired and the new ones stored: the build reads until its last
   step, so the page keeps its themes meanwhile.

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
from sqlalchemy import bindparam, func, select, update

from workbench.complaint_import import themes
from workbench.complaint_import.models import Complaint, Theme
from workbench.complaint_import.theme_concepts import concept_matrix, language
from workbench.extensions import db
from workbench.models import ProcessOwner

SAMPLE = 60_000
BATCH = 20_000
MIN_THEME = 3
EXAMPLES = 3
WINDOW = timedelta(days=90)
N_FEATURES = 2**14
# The concept block's length beside the text block's (both unit length before the row is normalised
# again): two texts naming the same concepts in different scripts then have cosine w²/(1+w²) = 0.5,
# far above what unrelated texts of one language share in n-grams, while near-duplicates of one
# language (cosine near 1 on both blocks) stay nearest each other. 0 gives the text features alone.
CONCEPT_WEIGHT = 1.0


def cluster_count(n: int) -> int:
    """How many themes to look for among ``n`` complaints: about one per 30, between 2 and 40."""
    return max(2, min(40, n // 30))


def _vectorisers():
    from sklearn.feature_extraction.text import HashingVectorizer

    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_FEATURES, alternate_sign=False, norm=None)
    words = HashingVectorizer(analyzer="word", token_pattern=r"(?u)\b\w\w+\b", n_features=N_FEATURES, alternate_sign=False, norm=None)
    return chars, words


def _hash(texts: list[str], vectorisers):
    import scipy.sparse as sp

    chars, words = vectorisers
    return sp.hstack([chars.transform(texts), words.transform(texts)], format="csr")


def _features(texts: list[str], vectorisers, tfidf, concept_weight: float):
    """Unit rows: TF-IDF of the hashed text features, and beside them the text's concepts scaled by ``concept_weight``."""
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    # copy=False: each matrix here is new, so normalising in place spares a copy of the sample's matrix
    text_part = normalize(tfidf.transform(_hash(texts, vectorisers)), copy=False)
    if not concept_weight:
        return text_part
    return normalize(sp.hstack([text_part, concept_weight * concept_matrix(texts)], format="csr"), copy=False)


def build(progress: Callable[[int, int], None] | None = None, today: date | None = None, concept_weight: float | None = None) -> int:
    """Rebuild the themes over every complaint; returns how many themes there are now.

    ``progress(done, total)`` is called after each batch; ``concept_weight`` (default ``CONCEPT_WEIGHT``)
    is for the bench's before/after.
    """
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfTransformer

    concept_weight = CONCEPT_WEIGHT if concept_weight is None else concept_weight
    today = today or date.today()
    recent_from, previous_from = today - WINDOW + timedelta(days=1), today - 2 * WINDOW + timedelta(days=1)
    total = db.session.scalar(select(func.count(Complaint.id)))
    if total < MIN_THEME * 2:
        themes.retire_themes()
        return 0
    vectorisers = _vectorisers()
    step = max(1, total // SAMPLE)
    sample = [t or "" for t in db.session.scalars(
        select(Complaint.text_norm).where(Complaint.id % step == 0).order_by(Complaint.id).limit(SAMPLE))]
    if len(sample) < MIN_THEME * 2:
        sample = [t or "" for t in db.session.scalars(select(Complaint.text_norm).order_by(Complaint.id).limit(SAMPLE))]
    tfidf = TfidfTransformer(sublinear_tf=True).fit(_hash(sample, vectorisers))
    k = min(cluster_count(total), len(sample))
    model = MiniBatchKMeans(n_clusters=k, batch_size=4096, n_init=2, max_iter=30, random_state=0)
    model.fit(_features(sample, vectorisers, tfidf, concept_weight))
    del sample
    centres = model.cluster_centers_.astype(np.float32)
    centre_norms = (centres**2).sum(axis=1)

    ids = np.empty(total + BATCH, dtype=np.int64)
    labels = np.empty(total + BATCH, dtype=np.int16)
    sizes = np.zeros(k, dtype=np.int64)
    recent = np.zeros(k, dtype=np.int64)
    previous = np.zeros(k, dtype=np.int64)
    owners = [Counter() for _ in range(k)]
    categories = [Counter() for _ in range(k)]
    nearest: list[list[tuple[float, int]]] = [[] for _ in range(k)]  # max-heap of (-distance, id)
    languages = [Counter() for _ in range(k)]
    central: list[dict[str, tuple[float, int]]] = [{} for _ in range(k)]  # language -> (distance, id) nearest the centre
    done, last_id = 0, 0
    while True:
        rows = db.session.execute(
            select(Complaint.id, Complaint.text_norm, Complaint.received_at, Complaint.process_owner_id, Complaint.category)
            .where(Complaint.id > last_id).order_by(Complaint.id).limit(BATCH)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        matrix = _features([r.text_norm or "" for r in rows], vectorisers, tfidf, concept_weight).astype(np.float32)
        scores = np.asarray(matrix @ centres.T)
        distances = centre_norms[None, :] - 2 * scores  # |x - c|² - 1 for unit x
        batch_labels = distances.argmin(axis=1)
        best = distances[np.arange(len(rows)), batch_labels]
        n = len(rows)
        ids[done : done + n] = [r.id for r in rows]
        labels[done : done + n] = batch_labels
        for row, label, distance in zip(rows, batch_labels.tolist(), best.tolist(), strict=True):
            sizes[label] += 1
            if row.received_at >= recent_from:
                if row.received_at <= today:
                    recent[label] += 1
            elif row.received_at >= previous_from:
                previous[label] += 1
            owners[label][row.process_owner_id] += 1
            categories[label][row.category or ""] += 1
            lang = language(row.text_norm)
            languages[label][lang] += 1
            if lang and (lang not in central[label] or central[label][lang][0] > distance):
                central[label][lang] = (distance, row.id)
            heap = nearest[label]
            if len(heap) < EXAMPLES:
                heapq.heappush(heap, (-distance, row.id))
            elif -heap[0][0] > distance:
                heapq.heapreplace(heap, (-distance, row.id))
        done += n
        if progress:
            progress(done, total)
    mixes = [{"owners": owners[c], "categories": categories[c], "languages": languages[c], "central": central[c]} for c in range(k)]
    return _store(k, ids[:done], labels[:done], sizes, recent, previous, mixes, nearest)


def _one_line(text: str | None) -> str:
    """A complaint as a theme's name: one line, at most 198 characters."""
    text = " ".join((text or "").split())
    return (text[:197] + "…") if len(text) > 198 else text


def _both_languages(examples: list[int], by_language: dict[str, int], texts: dict[int, str], languages, size: int) -> list[int]:
    """The typical complaints, the last one swapped for the most central complaint of a language that is at least a
    tenth of the theme but has none among them, so a reader of either language sees the theme holds both."""
    examples = list(examples)
    for lang, cid in sorted(by_language.items(), key=lambda item: -languages[item[0]]):
        shown = {language((texts.get(e) or "").lower()) for e in examples}
        if len(examples) > 1 and lang not in shown and languages[lang] * 10 >= size:
            examples[-1] = cid
    return examples


def _store(k, ids, labels, sizes, recent, previous, mixes, nearest) -> int:
    # The first write of the build: until here the old themes stay on the page (and, on SQLite, the
    # build held no write lock, so its progress could be committed on the side).
    themes.retire_themes()
    keys = dict(db.session.execute(select(ProcessOwner.id, ProcessOwner.key)).all())
    theme_ids: dict[int, int] = {}
    for cluster in range(k):
        if sizes[cluster] < MIN_THEME:
            continue
        mix = mixes[cluster]
        examples = [cid for _, cid in sorted(nearest[cluster], key=lambda e: -e[0])]
        by_language = {lang: cid for lang, (_, cid) in mix["central"].items()}
        texts = dict(db.session.execute(select(Complaint.id, Complaint.text).where(Complaint.id.in_([*examples, *by_language.values()]))).all())
        examples = _both_languages(examples, by_language, texts, mix["languages"], int(sizes[cluster]))
        owner_id = mix["owners"].most_common(1)[0][0]
        theme = Theme(
            process_owner_id=owner_id,
            name=_one_line(texts.get(examples[0])) or "—",
            terms=[],
            size=int(sizes[cluster]),
            recent=int(recent[cluster]),
            previous=int(previous[cluster]),
            active=True,
            mix={
                "owners": {keys.get(o, ""): n for o, n in mix["owners"].most_common()},
                "categories": dict(mix["categories"].most_common()),
                "languages": dict(mix["languages"].most_common()),  # "" for a text with no letters
                # the most central complaint in each language: the name a reader of that language sees
                "names": {lang: _one_line(texts.get(cid)) for lang, cid in sorted(by_language.items()) if texts.get(cid)},
            },
            example_ids=examples,
        )
        db.session.add(theme)
        db.session.flush()
        theme_ids[cluster] = theme.id
    if theme_ids:
        table = Complaint.__table__
        statement = update(table).where(table.c.id == bindparam("cid")).values(theme_id=bindparam("tid"), version=table.c.version + 1)
        connection = db.session.connection()
        for start in range(0, len(ids), BATCH):
            chunk = [{"cid": int(i), "tid": theme_ids[int(label)]} for i, label in zip(ids[start : start + BATCH], labels[start : start + BATCH], strict=True) if int(label) in theme_ids]
            if chunk:
                connection.execute(statement, chunk)
    return len(theme_ids)
