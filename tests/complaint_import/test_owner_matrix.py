"""The owner is the organisation's decision: the owner matrix, its exceptions, and owners on a fresh database."""

from sqlalchemy import select

from workbench.complaint_import.models import Complaint, OwnerAssignment
from workbench.models import ProcessOwner


def _complaint(db, ext):
    db.session.expire_all()
    return db.session.scalar(select(Complaint).where(Complaint.external_id == ext))


def _cell(db, category, product="", channel=""):
    return db.session.scalar(
        select(OwnerAssignment).where(OwnerAssignment.category == category, OwnerAssignment.product == product, OwnerAssignment.channel == channel)
    )


def test_defaults_follow_the_usual_reading(db, import_rows):
    import_rows(
        [
            ("P1", "2024-01-01", "The price went up again, too expensive"),
            ("D1", "2024-01-01", "My parcel is two weeks late"),
            ("W1", "2024-01-01", "They refused the warranty repair"),
            ("R1", "2024-01-01", "The agent on the phone was rude"),
            ("Q1", "2024-01-01", "The fridge makes a loud noise and leaks"),
            ("X1", "2024-01-01", "The blender arrived broken in the box"),
            ("X2", "2024-01-01", "شیر پاستوریزه تاریخ گذشته بود و بوی بد میداد"),
        ]
    )
    owners = {ext: _complaint(db, ext).process_owner.key for ext in ("P1", "D1", "W1", "R1", "Q1", "X1", "X2")}
    assert owners == {"P1": "sales", "D1": "service", "W1": "service", "R1": "service", "Q1": "production", "X1": "quality", "X2": "quality"}
    assert _complaint(db, "X1").category == "product_quality"  # the exception decides the owner, not the category


def test_a_common_word_does_not_decide_the_owner(db, import_rows):
    # «سفارش» (order) is in almost every food-delivery complaint; it must not make them all sales.
    import_rows([("F1", "2024-01-01", "سفارشم یک ساعت دیر رسید"), ("F2", "2024-01-01", "سفارشم سرد و بی مزه بود")])
    assert _complaint(db, "F1").process_owner.key == "service"
    assert _complaint(db, "F2").process_owner.key == "production"


def test_editing_a_cell_moves_new_imports_and_keeps_confirmed_labels(db, import_rows, client, login, make_user):
    import_rows([("A1", "2024-01-01", "Delivery is three weeks late"), ("A2", "2024-01-01", "Still waiting, the parcel is late")])
    first = _complaint(db, "A1")
    login(make_user(role="member"))
    client.post(f"/complaints/{first.id}/label", data={"version": str(first.version), "process_owner": "service", "category": "delivery_speed"})
    client.post("/logout")
    login(make_user(role="quality_manager"))
    cell = _cell(db, "delivery_speed")
    response = client.post(f"/complaints/setup/owners/{cell.id}", data={"process_owner": "sales", "version": cell.version}, follow_redirects=True)
    assert "Owner matrix saved" in response.get_data(as_text=True)
    import_rows([("A3", "2024-02-01", "My order is late again")])
    assert _complaint(db, "A3").process_owner.key == "sales"
    assert _complaint(db, "A1").process_owner.key == "service" and _complaint(db, "A1").confirmed
    page = client.get("/complaints/setup").get_data(as_text=True)
    assert "Owner matrix" in page


def test_a_product_cell_wins_over_the_category_cell(db, import_rows, client, login, make_user):
    import_rows([("B0", "2024-01-01", "x")])  # sets up the defaults
    login(make_user(role="admin"))
    client.post("/complaints/setup/owners", data={"category": "product_quality", "product": "Gift card", "channel": "", "process_owner": "sales"})
    assert _cell(db, "product_quality", "gift card").process_owner.key == "sales"
    import_rows([("B1", "2024-01-01", "The card is defective", "web", "Gift Card"), ("B2", "2024-01-01", "The lamp is defective", "web", "Lamp")])
    assert _complaint(db, "B1").process_owner.key == "sales"
    assert _complaint(db, "B2").process_owner.key == "production"


def test_bad_cells_are_refused_and_nothing_is_written(db, import_rows, client, login, make_user):
    import_rows([("C0", "2024-01-01", "x")])
    before = db.session.scalar(select(OwnerAssignment.id).order_by(OwnerAssignment.id.desc()).limit(1))
    login(make_user(role="admin"))
    for data in (
        {"category": "nonsense", "process_owner": "sales"},
        {"category": "price", "process_owner": "kitchen"},
        {"category": "price", "process_owner": "service"},  # the general price cell exists already
        {"category": "price", "product": "x" * 201, "process_owner": "service"},
    ):
        page = client.post("/complaints/setup/owners", data=data, follow_redirects=True).get_data(as_text=True)
        assert any(m in page for m in ("Unknown category", "Unknown process owner", "already has an owner", "At most 200"))
    db.session.expire_all()
    assert db.session.scalar(select(OwnerAssignment.id).order_by(OwnerAssignment.id.desc()).limit(1)) == before
    assert _cell(db, "price").process_owner.key == "sales"


def test_only_managers_change_the_matrix(db, import_rows, client, login, make_user):
    import_rows([("E0", "2024-01-01", "x")])
    cell = _cell(db, "price")
    login(make_user(role="viewer"))
    assert client.get("/complaints/setup").status_code == 200
    assert client.post(f"/complaints/setup/owners/{cell.id}", data={"process_owner": "service"}).status_code == 403
    assert _cell(db, "price").process_owner.key == "sales"


def test_the_four_owners_exist_after_the_first_upgrade(tmp_path):
    from flask_migrate import upgrade

    from workbench import create_app
    from workbench.extensions import db
    from workbench.process_owners import process_owner_by_key

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    with app.app_context():
        upgrade()
        keys = set(db.session.scalars(select(ProcessOwner.key)))
        assert process_owner_by_key("service").name_en == "Service"  # what a new project for "service" looks up
        db.engine.dispose()
    assert keys == {"production", "quality", "sales", "service"}
