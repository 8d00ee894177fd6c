"""Steps every import shares (complaints and surveys): read, choose the date order, find duplicates, classify, report progress.

An import runs read -> check -> normalise -> classify -> store, chunk by
chunk, inside the caller's transaction; the caller commits only a finished
import, so a failure or a cancel part-way leaves the database as it was.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from workbench import dates
from workbench.complaint_import import reading
from workbench.complaint_import.classify import Classifier
from workbench.complaint_import.rows import RowError
from workbench.extensions import db
from workbench.models import ProcessOwner
from workbench.validation import InvalidInput

DATE_SAMPLE = 5000


class ImportCancelled(Exception):
    """The user cancelled the import; nothing was stored."""


def clean_source(source: str) -> str:
    """The name of the system a file comes from, or InvalidInput."""
    source = (source or "").strip()
    if not source:
        raise InvalidInput({"source": _("Name the source of the file (e.g. crm, call-centre).")})
    if len(source) > 80:
        raise InvalidInput({"source": _("The source name is longer than 80 characters.")})
    return source


def data_rows(path: str, layout: reading.Layout, counter: list | None = None) -> Iterator[tuple[int, list]]:
    """The read step: ``(row number, cells)`` for every data row (1-based, as a spreadsheet numbers them), header rows and blank rows left out."""
    skip = layout.header_row + 1 + layout.extra_header_rows
    for number, cells in enumerate(reading.rows(path, layout, counter), start=1):
        if number > skip and any(cells):
            yield number, cells


def choose_date_order(path: str, layout: reading.Layout, column: int, chosen: str | None) -> str | None:
    """The column's date order: the user's choice, or decided from the first rows; None when no cell is text."""
    if chosen:
        if chosen not in dates.ORDERS:
            raise InvalidInput({"date_order": _("Date order must be one of iso, dmy, mdy, jalali.")})
        return chosen
    sample = []
    for _number, cells in data_rows(path, layout):
        if column < len(cells) and not isinstance(cells[column], date):
            sample.append(str(cells[column]))
        if len(sample) >= DATE_SAMPLE:
            break
    if not sample:
        return None
    order, problem = dates.decide_order(sample)
    if order is None:
        raise InvalidInput({"received_at": _("Column “%(column)s”: %(problem)s (use --date-order dmy or mdy).", column=layout.headers[column], problem=problem)})
    return order


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Python's cycle collector off while a file is imported, on again after.

    An import makes millions of small lists, dicts and tuples and none of
    them forms a cycle; the collector would rescan them (and everything the
    import holds: the IDs seen, the word caches) every few hundred objects,
    a third of the classify step's time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def in_chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of at most ``size`` items, in order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SeenIds:
    """Duplicate check within one file: the first row of each ID and what it said (its content hash)."""

    def __init__(self, id_header: str):
        self.id_header = id_header
        self.first: dict[str, tuple[str, int]] = {}

    def check(self, number: int, external_id: str, chash: str) -> tuple[bool, RowError | None]:
        """``(repeat, error)``: a repeat of an identical earlier row is skipped; a different row with the same ID is an error."""
        earlier = self.first.get(external_id)
        if earlier is None:
            self.first[external_id] = (chash, number)
            return False, None
        if earlier[0] == chash:
            return True, None
        return True, RowError(number, self.id_header, external_id, _("the same ID is already used by row %(row)d", row=earlier[1]))


class Labels(NamedTuple):
    """The classify step's answer for one text, in the columns a complaint stores."""

    process_owner_id: int | None
    category: str | None
    confidence: float
    owner_confidence: float
    category_confidence: float
    label_source: str
    unclassified_reason: str | None


class ClassifyStep:
    """The classify step: labels for normalised texts, through ``Classifier.classify`` (the one call site of the import)."""

    def __init__(self):
        self.classifier = Classifier.load()
        self.owner_ids = dict(db.session.execute(select(ProcessOwner.key, ProcessOwner.id)).all())

    def __call__(self, texts_norm: list[str], products: list | None = None, channels: list | None = None) -> list[Labels]:
        """One label per text, in order; products and channels pick the owner where the owner matrix says so."""
        columns = self.classifier.classify_columns(texts_norm, products, channels)
        owner_ids = list(map(self.owner_ids.get, columns.owner))
        return list(map(
            Labels, owner_ids, columns.category, columns.confidence, columns.owner_confidence, columns.category_confidence, columns.sources(), columns.reason,
        ))


class Progress:
    """Reports progress and checks for a cancel between chunks; a cancel raises ``ImportCancelled``."""

    def __init__(self, report: Callable[[int, int, str], None] | None, cancelled: Callable[[], bool] | None):
        self.report = report
        self.cancelled = cancelled

    def __call__(self, rows: int, bytes_done: int, phase: str = "reading") -> None:
        if self.report:
            self.report(rows, bytes_done, phase)
        if self.cancelled and self.cancelled():
            raise ImportCancelled()
