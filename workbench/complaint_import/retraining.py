"""A retraining run: train in the background, preview what would move, then apply or discard.

``start_run`` queues a run; ``run_preview`` (a task) trains every target
(``learning.train_all``), stores the models unused, and classifies every
unconfirmed complaint with rules and new models combined to count how many
would change and from which label to which. ``apply_run`` (a task) puts the
run's models in use and relabels the unconfirmed complaints; confirmed labels
are never touched. ``discard_run`` drops the run's models. Progress is
written through its own connection, so the page sees it while the run works.
"""

from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from workbench.complaint_import.classify import GAP_TARGET, TARGETS, Classifier, Rules, models_in_use
from workbench.complaint_import.learning import train_all
from workbench.complaint_import.models import ClassifierModel, ClassifierRun, Complaint
from workbench.extensions import db
from workbench.models import ProcessOwner, User, utcnow
from workbench.validation import InvalidInput

BUSY = ("queued", "running", "applying")
CHUNK = 5000
NONE_KEY = ""  # "no label" in the move matrix


def active_run() -> ClassifierRun | None:
    return db.session.scalar(select(ClassifierRun).where(ClassifierRun.status.in_(BUSY)).order_by(ClassifierRun.id.desc()).limit(1))


def latest_run() -> ClassifierRun | None:
    return db.session.scalar(select(ClassifierRun).order_by(ClassifierRun.id.desc()).limit(1))


def start_run(user: User | None) -> ClassifierRun:
    """Queue a retraining; refused while another run is queued, working or applying."""
    busy = active_run()
    if busy is not None:
        raise InvalidInput({"run": _("A retraining is already under way (run %(id)d); wait for it to finish.", id=busy.id)})
    run = ClassifierRun(status="queued", created_by_id=user.id if user else None, report={})
    db.session.add(run)
    db.session.flush()
    return run


def _write(run_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ClassifierRun).where(ClassifierRun.id == run_id).values(**values))


def _unconfirmed_chunks():
    """(id, text_norm, product, channel, owner id, category) of unconfirmed complaints, ``CHUNK`` at a time, by id."""
    table = Complaint.__table__
    last_id = 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.text_norm, table.c.product, table.c.channel, table.c.process_owner_id, table.c.category)
            .where(table.c.confirmed.is_(False), table.c.id > last_id)
            .order_by(table.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _count_unconfirmed() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.confirmed.is_(False))) or 0


def _owner_keys() -> dict[int, str]:
    return dict(db.session.execute(select(ProcessOwner.id, ProcessOwner.key)).all())


def run_preview(run_id: int) -> None:
    """Train, store the models unused, count the moves; the run ends ``previewed`` or ``failed`` with a message."""
    run = db.session.get(ClassifierRun, run_id)
    if run is None or run.status != "queued":
        return
    db.session.commit()
    _write(run_id, status="running", phase="training", done=0, total=0, message=None)
    try:
        rules = Rules.from_db()
        models, figures = train_all(rules)
        for target, model in models.items():
            db.session.add(
                ClassifierModel(target=target, n_train=figures[target]["labels"], n_test=figures[target]["labels"],
                                model_accuracy=figures[target]["combined_accuracy"], rules_accuracy=figures[target]["rules_accuracy"],
                                active=False, blob=model.to_bytes(), run_id=run_id)
            )
        db.session.commit()
        total = _count_unconfirmed()
        _write(run_id, phase="previewing", total=total)
        classifier = Classifier(rules, models, models_in_use().get(GAP_TARGET))
        owners = _owner_keys()
        moves = {target: Counter() for target in TARGETS}
        moved = by_model = done = 0
        for rows in _unconfirmed_chunks():
            labels = classifier.classify([r.text_norm or "" for r in rows], [r.product for r in rows], [r.channel for r in rows])
            for row, label in zip(rows, labels, strict=True):
                old = {"category": row.category or NONE_KEY, "owner": owners.get(row.process_owner_id, NONE_KEY)}
                new = {"category": label.category or NONE_KEY, "owner": label.owner or NONE_KEY}
                changed = False
                for target in TARGETS:
                    if old[target] != new[target]:
                        moves[target][(old[target], new[target])] += 1
                        changed = True
                moved += changed
                by_model += label.source == "model"
            done += len(rows)
            _write(run_id, done=done)
        report = {
            "targets": figures,
            "unconfirmed": done,
            "moved": moved,
            "by_model": by_model,
            "moves": {t: [[a, b, n] for (a, b), n in moves[t].most_common()] for t in TARGETS},
        }
        run = db.session.get(ClassifierRun, run_id)
        run.report, run.status, run.phase, run.finished_at = report, "previewed", None, utcnow()
        db.session.commit()
    except Exception as error:  # recorded on the run for the page; the worker log keeps the traceback
        db.session.rollback()
        _write(run_id, status="failed", phase=None, finished_at=utcnow(), message=_("Retraining failed: %(error)s", error=f"{type(error).__name__}: {error}"[:500]))
        raise


def set_applying(run: ClassifierRun) -> None:
    """Only a previewed run can be applied; it is marked ``applying`` before the task runs."""
    if run.status != "previewed":
        raise InvalidInput({"run": _("Only a previewed retraining can be applied (this one is “%(status)s”).", status=run.status)})
    busy = active_run()
    if busy is not None:
        raise InvalidInput({"run": _("A retraining is already under way (run %(id)d); wait for it to finish.", id=busy.id)})
    run.status, run.phase = "applying", "applying"
    db.session.flush()


def apply_run(run_id: int) -> int:
    """Put the run's models in use (the rules alone where it has none) and relabel unconfirmed complaints; returns how many."""
    run = db.session.get(ClassifierRun, run_id)
    if run is None or run.status != "applying":
        return 0
    sqlite = db.engine.dialect.name == "sqlite"
    try:
        # the self-trained gap model (GAP_TARGET) is not the run's: it stays as it is
        db.session.execute(update(ClassifierModel).where(ClassifierModel.active.is_(True), ClassifierModel.target.in_(TARGETS)).values(active=False))
        db.session.execute(update(ClassifierModel).where(ClassifierModel.run_id == run_id).values(active=True))
        classifier = Classifier.load()
        owner_ids = {v: k for k, v in _owner_keys().items()}
        table = Complaint.__table__
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.confirmed.is_(False))
            .values(version=table.c.version + 1, process_owner_id=bindparam("b_owner"), category=bindparam("b_category"), owner_confidence=bindparam("b_oc"),
                    category_confidence=bindparam("b_cc"), confidence=bindparam("b_c"), label_source=bindparam("b_src"),
                    unclassified_reason=bindparam("b_reason"))
        )
        total = _count_unconfirmed()
        if not sqlite:
            _write(run_id, total=total, done=0)
        done = 0
        for rows in _unconfirmed_chunks():
            labels = classifier.classify([r.text_norm or "" for r in rows], [r.product for r in rows], [r.channel for r in rows])
            params = [
                {"b_id": r.id, "b_owner": owner_ids.get(lab.owner), "b_category": lab.category, "b_oc": lab.owner_confidence,
                 "b_cc": lab.category_confidence, "b_c": lab.confidence, "b_src": lab.source, "b_reason": lab.reason}
                for r, lab in zip(rows, labels, strict=True)
            ]
            db.session.execute(stmt, params, execution_options={"synchronize_session": False})
            done += len(rows)
            if not sqlite:  # SQLite has one writer: our own transaction holds it until the commit
                _write(run_id, done=done)
        run = db.session.get(ClassifierRun, run_id)
        run.status, run.phase, run.done, run.total, run.finished_at = "applied", None, done, total, utcnow()
        db.session.commit()  # the new labels and the models in use land together
        return done
    except Exception as error:
        db.session.rollback()
        _write(run_id, status="failed", phase=None, finished_at=utcnow(), message=_("Applying failed, nothing changed: %(error)s", error=f"{type(error).__name__}: {error}"[:500]))
        raise


def discard_run(run: ClassifierRun) -> None:
    """Forget a previewed run: its models go, the classifier in use stays as it was."""
    if run.status != "previewed":
        raise InvalidInput({"run": _("Only a previewed retraining can be discarded (this one is “%(status)s”).", status=run.status)})
    db.session.execute(ClassifierModel.__table__.delete().where(ClassifierModel.run_id == run.id))
    run.status, run.finished_at = "discarded", utcnow()
    db.session.flush()


def move_matrix(moves: list) -> dict:
    """``[[from, to, n], ...]`` as rows and columns of a table: keys (no label last) and ``cells[from][to]``."""
    keys = sorted({a for a, _b, _n in moves} | {b for _a, b, _n in moves}, key=lambda k: (k == NONE_KEY, k))
    cells: dict[str, dict[str, int]] = {k: {} for k in keys}
    for a, b, n in moves:
        cells[a][b] = n
    return {"keys": keys, "cells": cells, "total": sum(n for _a, _b, n in moves)}
