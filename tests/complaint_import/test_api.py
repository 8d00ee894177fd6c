"""The complaints API: list, label, Pareto and retraining; who may do what."""

from sqlalchemy import select

from workbench.complaint_import.models import Complaint

KEYS = {"id", "external_id", "source", "received_at", "text", "channel", "product", "process_owner", "category", "confidence"}


def _by_ext(db, ext):
    db.session.expire_all()
    return db.session.scalar(select(Complaint).where(Complaint.external_id == ext))


def test_list_items_use_stable_keys(client, login, make_user, sample):
    login(make_user(role="viewer"))
    body = client.get("/api/v1/complaints?per_page=500").get_json()
    assert body["per_page"] == 500 and body["total"] == 10
    item = next(i for i in body["items"] if i["external_id"] == "S3")
    assert KEYS <= set(item)
    assert item["received_at"] == "2024-02-02" and item["source"] == "crm"
    assert item["process_owner"] == "service" and item["category"] == "delivery_speed"
    assert 0 < item["confidence"] <= 1
    assert item["channel"] == "web"


def test_list_filters(client, login, make_user, sample, import_rows):
    import_rows([("O1", "2024-01-01", "late delivery")], source="other")
    login(make_user())
    late = client.get("/api/v1/complaints?owner=service&category=delivery_speed&source=crm").get_json()
    assert sorted(i["external_id"] for i in late["items"]) == ["S3", "S4", "S5", "S9"]
    assert client.get("/api/v1/complaints?source=other").get_json()["total"] == 1
    paged = client.get("/api/v1/complaints?per_page=3&page=2").get_json()
    assert len(paged["items"]) == 3 and paged["total"] == 11
    bad = client.get("/api/v1/complaints?owner=nobody")
    assert bad.status_code == 400 and "owner" in bad.get_json()["errors"]


def test_patch_records_confirmed_label(client, login, make_user, sample, db):
    complaint = _by_ext(db, "S10")
    assert complaint.process_owner_id is None  # no rule matched
    login(make_user(role="member"))
    response = client.patch_read(f"/api/v1/complaints/{complaint.id}", json={"process_owner": "quality", "category": "product_quality"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["process_owner"] == "quality" and body["category"] == "product_quality"
    assert body["confirmed"] is True and body["confidence"] == 1.0 and body["label_source"] == "user"
    history = client.get(f"/api/v1/audit/complaints/{complaint.id}")
    assert history.status_code == 403  # members do not read the audit trail
    stale = client.patch(f"/api/v1/complaints/{complaint.id}", json={"category": "price", "version": 1})
    assert stale.status_code == 409


def test_patch_rejects_unknown_keys_and_viewers(client, login, make_user, sample, db):
    complaint = _by_ext(db, "S1")
    login(make_user(role="member"))
    bad = client.patch_read(f"/api/v1/complaints/{complaint.id}", json={"process_owner": "kitchen", "category": "taste"})
    assert bad.status_code == 400
    assert set(bad.get_json()["errors"]) == {"process_owner", "category"}
    assert _by_ext(db, "S1").confirmed is False
    client.post("/logout")
    login(make_user(role="viewer"))
    assert client.patch(f"/api/v1/complaints/{complaint.id}", json={"category": "price"}).status_code == 403


def test_bulk_relabel(client, login, make_user, sample, db):
    ids = [_by_ext(db, e).id for e in ("S1", "S2")]
    login(make_user(role="quality_manager"))
    response = client.post("/api/v1/complaints/labels", json={"ids": ids, "process_owner": "quality"})
    assert response.get_json() == {"updated": 2}
    for ext in ("S1", "S2"):
        complaint = _by_ext(db, ext)
        assert complaint.confirmed and complaint.process_owner.key == "quality" and complaint.category == "product_quality"


def test_pareto_sorted_with_cumulative_percent(client, login, make_user, sample):
    login(make_user(role="viewer"))
    bars = client.get("/api/v1/complaints/pareto?by=process_owner").get_json()
    assert bars[0] == {"key": "service", "count": 6, "cumulative_pct": 60.0}
    assert [b["count"] for b in bars] == sorted((b["count"] for b in bars), reverse=True)
    assert bars[-1]["cumulative_pct"] == 100.0
    assert {b["key"] for b in bars} == {"sales", "production", "service", "unclassified"}
    march = client.get("/api/v1/complaints/pareto?by=channel&from=2024-03-01&to=2024-03-31").get_json()
    assert sum(b["count"] for b in march) == 5
    assert march[0] == {"key": "web", "count": 2, "cumulative_pct": 40.0}
    products = client.get("/api/v1/complaints/pareto?by=product").get_json()
    assert products[0]["key"] == "Fridge" and products[0]["count"] == 6
    assert client.get("/api/v1/complaints/pareto?by=colour").status_code == 400
    assert client.get("/api/v1/complaints/pareto?from=yesterday").status_code == 400


def test_trend_by_month(client, login, make_user, sample):
    login(make_user())
    body = client.get("/api/v1/complaints/trend?by=category").get_json()
    assert body["months"] == ["2024-01", "2024-02", "2024-03"]
    assert body["series"]["delivery_speed"] == [0, 3, 1]
