"""Rule-seeded self-training after an import: a model learned from the rules' confident labels gives a category
only to complaints the rules left Unclassified, is stored as plain arrays, and can be switched off and on."""

import io
from collections import Counter

import numpy as np
from sqlalchemy import select

from workbench.complaint_import import selftrain
from workbench.complaint_import.defaults import ensure_defaults
from workbench.complaint_import.models import ClassifierModel, Complaint
from workbench.complaint_import.services import set_labels

# Each category has its own word no rule knows ("wombat"...), written beside a phrase the rules do know.
SEEDED = {
    "delivery_speed": ("my parcel arrived late again, wombat route {i}", "it was about wombat route {i} for me"),
    "price": ("you overcharged me for the box, zebra plan {i}", "it was about zebra plan {i} for me"),
    "responsiveness": ("the agent was rude to me, koala desk {i}", "it was about koala desk {i} for me"),
}


def _world(db, import_rows, per_class=60):
    ensure_defaults()
    db.session.commit()
    rows = []
    for key, (seeded, _silent) in SEEDED.items():
        rows += [(f"{key}-{i}", "2024-01-01", seeded.format(i=i)) for i in range(per_class)]
    for key, (_seeded, silent) in SEEDED.items():
        rows += [(f"silent-{key}-{i}", "2024-01-02", silent.format(i=900 + i)) for i in range(3)]
    rows.append(("other", "2024-01-03", "hello there"))
    import_rows(rows)


def _labels(db):
    db.session.expire_all()
    return {c.external_id: (c.category, c.label_source, c.unclassified_reason) for c in db.session.scalars(select(Complaint))}


def test_fills_only_what_the_rules_left_silent_and_keeps_people_and_rules(db, import_rows, make_user):
    _world(db, import_rows)
    confirmed = db.session.scalar(select(Complaint).where(Complaint.external_id == "silent-price-0"))
    set_labels([confirmed], "service", "warranty", make_user(role="quality_manager"))
    db.session.commit()
    before = _labels(db)
    assert before["silent-delivery_speed-1"] == (None, "rules", "no_match")

    figures = selftrain.after_import()
    db.session.commit()

    assert figures["agreement"] >= selftrain.MIN_AGREEMENT
    after = _labels(db)
    for key in SEEDED:
        for i in range(3):
            name = f"silent-{key}-{i}"
            if name != "silent-price-0":
                assert after[name][:2] == (key, "selftrain"), name
    assert after["silent-price-0"] == before["silent-price-0"]  # a person's label stays
    assert after["other"][0] is None or after["other"][1] == "selftrain"
    changed = {k for k in after if after[k] != before[k]}
    assert all(k.startswith("silent-") or k == "other" for k in changed)  # rule labels never change
    owner = db.session.scalar(select(Complaint).where(Complaint.external_id == "silent-delivery_speed-1")).process_owner
    assert owner.key == "service"  # from the owner matrix, as for a rule category

    record = db.session.scalar(select(ClassifierModel).where(ClassifierModel.target == "selftrain"))
    assert record.active and record.n_train == 180
    with np.load(io.BytesIO(record.blob), allow_pickle=False) as arrays:  # plain arrays, no pickle
        assert "coef" in arrays


def test_switching_off_returns_its_labels_to_the_rules_and_on_again(db, import_rows, client, login, make_user):
    _world(db, import_rows)
    selftrain.after_import()
    db.session.commit()
    login(make_user(role="quality_manager"))
    page = client.get("/complaints/rules").get_data(as_text=True)
    assert "Self-training from the rules" in page and "Switch off" in page

    response = client.post("/complaints/rules/self-training", data={"on": "0"}, follow_redirects=True)
    assert "went back to the rules" in response.get_data(as_text=True)
    after = _labels(db)
    assert after["silent-responsiveness-0"] == (None, "rules", "no_match")
    assert not any(source == "selftrain" for _c, source, _r in after.values())

    response = client.post("/complaints/rules/self-training", data={"on": "1"}, follow_redirects=True)
    assert "Self-training switched on" in response.get_data(as_text=True)
    assert _labels(db)["silent-responsiveness-0"][:2] == ("responsiveness", "selftrain")


def test_too_few_confident_rule_labels_make_no_model_and_change_nothing(db, import_rows):
    _world(db, import_rows, per_class=10)
    before = _labels(db)
    figures = selftrain.after_import()
    db.session.commit()
    assert figures["reason"] == "too_few_seeds"
    assert db.session.scalar(select(ClassifierModel).where(ClassifierModel.target == "selftrain")) is None
    assert _labels(db) == before


def test_a_member_cannot_switch_it(db, import_rows, client, login, make_user):
    _world(db, import_rows)
    selftrain.after_import()
    db.session.commit()
    before = _labels(db)
    login(make_user(role="member"))
    assert client.post("/complaints/rules/self-training", data={"on": "0"}).status_code == 403
    assert _labels(db) == before


def _import_job(db, tmp_path, rows, name="later.csv"):
    """Import ``rows`` as the app's worker does, through an import job; its id."""
    import csv

    from workbench.complaint_import.importer import ImportOptions, run_import
    from workbench.complaint_import.models import ImportJob

    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "date", "text"])
        writer.writerows(rows)
    job = ImportJob(kind="complaints", source_name="crm", filename=name, stored_path=str(path), status="running")
    db.session.add(job)
    db.session.flush()
    run_import(str(path), name, ImportOptions(source="crm", job_id=job.id, skip_bad_rows=True))
    db.session.commit()
    return job.id


def _later(key, i):
    return (f"later-{key}-{i}", "2024-02-01", SEEDED[key][1].format(i=700 + i))


def _versions(db):
    db.session.expire_all()
    return {c.external_id: c.version for c in db.session.scalars(select(Complaint))}


def test_after_a_further_import_only_its_complaints_are_relabelled_and_a_confirmed_one_stays(db, import_rows, make_user, tmp_path):
    _world(db, import_rows)
    selftrain.after_import()
    db.session.commit()
    versions = _versions(db)
    rows = [_later(key, i) for key in SEEDED for i in range(3)]
    rows += [(f"more-{key}-{i}", "2024-02-01", seeded.format(i=500 + i)) for key, (seeded, _s) in SEEDED.items() for i in range(20)]
    job_id = _import_job(db, tmp_path, rows)
    confirmed = db.session.scalar(select(Complaint).where(Complaint.external_id == "later-price-0"))
    set_labels([confirmed], "service", "warranty", make_user(role="quality_manager"))
    db.session.commit()

    figures = selftrain.after_import(job_id)
    db.session.commit()

    assert figures["relabelled"] == "import" and figures["changed_share"] <= selftrain.MATERIAL_CHANGE
    after = _labels(db)
    for key in SEEDED:
        for i in range(3):
            if (key, i) != ("price", 0):
                assert after[f"later-{key}-{i}"][:2] == (key, "selftrain")
    assert after["later-price-0"][:2] == ("warranty", "user")  # a person's label stays
    now = _versions(db)
    assert {k: now[k] for k in versions} == versions  # nothing imported before was written again


def test_a_model_that_changed_materially_relabels_the_older_complaints_too(db, import_rows, tmp_path, monkeypatch):
    _world(db, import_rows)
    selftrain.after_import()
    db.session.commit()
    older = db.session.scalar(select(Complaint).where(Complaint.external_id == "silent-price-1"))
    older.category, older.label_source, older.unclassified_reason = None, "rules", "no_match"  # as if the old model had said nothing
    db.session.commit()
    job_id = _import_job(db, tmp_path, [_later("delivery_speed", 0)])
    monkeypatch.setattr(selftrain, "MATERIAL_CHANGE", -1.0)  # any difference on the probe counts

    figures = selftrain.after_import(job_id)
    db.session.commit()

    assert figures["relabelled"] == "all"
    after = _labels(db)
    assert after["silent-price-1"][:2] == ("price", "selftrain") and after["later-delivery_speed-0"][:2] == ("delivery_speed", "selftrain")


def test_when_a_new_model_fails_its_check_the_previous_one_labels_the_import(db, import_rows, tmp_path, monkeypatch):
    _world(db, import_rows)
    selftrain.after_import()
    db.session.commit()
    job_id = _import_job(db, tmp_path, [_later("responsiveness", 0)])
    monkeypatch.setattr(selftrain, "MIN_AGREEMENT", 1.01)  # no model can pass

    figures = selftrain.after_import(job_id)
    db.session.commit()

    assert figures["reason"] == "disagrees_with_rules" and figures["kept_previous"]
    assert selftrain.latest().active
    assert _labels(db)["later-responsiveness-0"][:2] == ("responsiveness", "selftrain")


def test_seeds_are_bounded_the_import_first_then_an_even_share_per_category(db, import_rows, tmp_path, monkeypatch):
    _world(db, import_rows)
    job_id = _import_job(db, tmp_path, [(f"new-{i}", "2024-02-01", SEEDED["price"][0].format(i=f"new{i}")) for i in range(40)])
    monkeypatch.setattr(selftrain, "MAX_SEEDS", 90)
    monkeypatch.setattr(selftrain, "NEW_SEEDS", 30)

    pairs = selftrain.training_pairs(job_id)

    new_texts = {t for t, _k in pairs if "plan new" in t}  # the import's texts
    assert len(pairs) <= 90 and 0 < len(new_texts) <= 30
    older = Counter(k for t, k in pairs if t not in new_texts)
    assert set(older) == set(SEEDED) and max(older.values()) - min(older.values()) <= 3
    assert selftrain.quotas({"a": 5, "b": 100, "c": 100}, 60) == {"a": 5, "b": 27, "c": 28}
