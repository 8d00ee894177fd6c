"""The demo organisation: bilingual users, two teams, projects and 18 months of complaints."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from workbench import dates
from workbench.extensions import db
from workbench.models import User
from workbench.registry import DEMO_STEPS
from workbench.teams import services as teams
from workbench.teams.models import ImprovementProject, ProcessOwner, Team

DEMO_PASSWORD = "demo-password"

DEMO_USERS = (
    ("admin@demo.example", "Admin", "admin", "en"),
    ("qm@demo.example", "مریم احمدی", "quality_manager", "fa"),
    ("viewer@demo.example", "Reza Karimi (CEO)", "viewer", "en"),
    ("sara@demo.example", "سارا رضایی", "member", "fa"),
    ("ali@demo.example", "علی محمدی", "member", "fa"),
    ("john@demo.example", "John Miller", "member", "en"),
    ("neda@demo.example", "ندا حسینی", "member", "fa"),
    ("omid@demo.example", "امید نوری", "member", "fa"),
)

# (owner key, category key, texts): what customers of a home-appliance maker write.
COMPLAINT_TEMPLATES = (
    ("production", "product_quality", (
        "یخچال بعد از دو هفته صدای زیادی می‌دهد",
        "درب ماشین لباسشویی از روز اول درست بسته نمی‌شود",
        "رنگ بدنه اجاق گاز پوسته پوسته شده است",
        "The fridge compressor is very noisy after two weeks",
        "Washing machine door seal leaks water",
    )),
    ("quality", "product_quality", (
        "دستگاه نو بود ولی خراب تحویل داده شد",
        "کنترل کیفیت این محصول ضعیف است، قطعه شکسته بود",
        "The unit arrived broken, obviously not inspected",
        "Missing screws and parts in the box",
    )),
    ("sales", "delivery_speed", (
        "سفارش من سه هفته دیر تحویل شد",
        "تاریخ تحویل چند بار عوض شد و کسی اطلاع نداد",
        "My order was delivered three weeks late",
        "Delivery date changed twice without notice",
    )),
    ("sales", "price", (
        "قیمت نهایی با قیمت اعلام شده فرق داشت",
        "هزینه ارسال در فاکتور اضافه شد",
        "The final invoice was higher than the quoted price",
    )),
    ("service", "warranty", (
        "گارانتی را قبول نکردند با اینکه هنوز اعتبار داشت",
        "تعمیرکار گفت قطعه شامل گارانتی نیست",
        "Warranty claim was rejected although still valid",
    )),
    ("service", "responsiveness", (
        "تلفن پشتیبانی را کسی جواب نمی‌دهد",
        "کارشناس خدمات با من بی‌ادبانه برخورد کرد",
        "تکنسین سر وقت نیامد و خبر هم نداد",
        "Nobody answers the support hotline",
        "The technician was rude and did not show up on time",
    )),
)
CHANNELS = ("phone", "email", "sms", "web", "chat", "in_person")
PRODUCTS = ("Refrigerator R-400", "Washing machine W-7", "Gas stove G-5", "Dishwasher D-12")

def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def load_demo(seed: int = 7, complaints: int = 420) -> dict[str, int]:
    """Create the demo organisation; safe to run twice (existing records are kept)."""
    teams.ensure_default_process_owners()
    for email, name, role, locale in DEMO_USERS:
        if _user(email) is None:
            user = User(email=email, name=name, role=role, locale=locale)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
    db.session.flush()
    owners = {o.key: o for o in db.session.scalars(select(ProcessOwner))}

    if db.session.scalar(select(func.count(Team.id))) == 0:
        delivery = teams.save_team(
            None,
            "تیم تحویل به موقع",
            _user("sara@demo.example").id,
            [
                {"user_id": _user("sara@demo.example").id, "role": "customer_affairs"},
                {"user_id": _user("ali@demo.example").id, "role": "process_expert", "process_owner": "sales"},
                {"user_id": _user("omid@demo.example").id, "role": "process_expert", "process_owner": "production"},
            ],
        )
        quality = teams.save_team(
            None,
            "Fridge noise team",
            _user("john@demo.example").id,
            [
                {"user_id": _user("neda@demo.example").id, "role": "customer_affairs"},
                {"user_id": _user("john@demo.example").id, "role": "process_expert", "process_owner": "production"},
                {"user_id": _user("omid@demo.example").id, "role": "process_expert", "process_owner": "quality"},
            ],
        )
        db.session.flush()
        qm = _user("qm@demo.example")
        teams.save_project(
            None,
            qm,
            {
                "title": "کاهش تأخیر در تحویل سفارش‌ها",
                "problem_statement": "۳۵٪ شکایت‌های فروش در ۶ ماه گذشته درباره تأخیر در تحویل سفارش است.",
                "team_id": delivery.id,
                "process_owner": "sales",
                "started_on": date.today() - timedelta(days=40),
                "target_date": date.today() + timedelta(days=50),
            },
        )
        teams.save_project(
            None,
            qm,
            {
                "title": "Refrigerator R-400 compressor noise",
                "problem_statement": "Noise complaints about the R-400 doubled since the new compressor supplier.",
                "team_id": quality.id,
                "process_owner": "production",
                "started_on": date.today() - timedelta(days=20),
                "target_date": date.today() + timedelta(days=70),
            },
        )
    db.session.flush()

    created = _demo_complaints(owners, seed, complaints)
    projects = {p.title: p for p in db.session.scalars(select(ImprovementProject))}
    summary = {
        "users": db.session.scalar(select(func.count(User.id))),
        "teams": db.session.scalar(select(func.count(Team.id))),
        "projects": len(projects),
        "complaints": created,
    }
    context = {"projects": projects}
    for step in DEMO_STEPS.all():
        summary.update(step(context) or {})
    db.session.commit()
    return summary


def _demo_complaints(owners: dict[str, ProcessOwner], seed: int, count: int) -> int:
    """Write the demo CRM export as a Persian CSV (Jalali dates) and load it through the real import."""
    import csv
    import os
    import tempfile

    from workbench.complaint_import.importer import ImportOptions, run_import
    from workbench.complaint_import.models import Complaint

    if db.session.scalar(select(func.count(Complaint.id))):
        return 0
    rng = random.Random(seed)
    today = date.today()
    start = today - timedelta(days=548)
    weights = (22, 8, 30, 8, 10, 22)
    truth = {}
    handle, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["شناسه شکایت", "تاریخ", "شرح شکایت", "کانال", "محصول", "مشتری"])
        for number in range(1, count + 1):
            owner_key, category, texts = rng.choices(COMPLAINT_TEMPLATES, weights=weights)[0]
            received = dates.jalali_text(start + timedelta(days=rng.randrange(548)))
            external_id = f"C-{number:05d}"
            truth[external_id] = (owner_key, category)
            writer.writerow([external_id, received, rng.choice(texts), rng.choice(CHANNELS), rng.choice(PRODUCTS), f"Customer {rng.randrange(1, 300)}"])
    from workbench.complaint_import import defaults, owner_matrix
    from workbench.complaint_import.models import OwnerAssignment

    defaults.ensure_defaults()
    # This organisation decided that sales answers for delivery dates (it runs its own deliveries).
    cell = db.session.scalar(
        select(OwnerAssignment).where(OwnerAssignment.category == "delivery_speed", OwnerAssignment.product == "", OwnerAssignment.channel == "")
    )
    owner_matrix.save_cell(cell, "delivery_speed", "", "", "sales")
    try:
        outcome = run_import(path, "demo-crm.csv", ImportOptions(source="demo-crm"))
    finally:
        os.unlink(path)
    # A reviewer has confirmed a quarter of the labels, so the classifier has something to learn from.
    reviewed = rng.sample(sorted(truth), count // 4)
    rows = db.session.execute(select(Complaint).where(Complaint.external_id.in_(reviewed), Complaint.source == "demo-crm")).scalars()
    for complaint in rows:
        owner_key, category = truth[complaint.external_id]
        complaint.process_owner_id = owners[owner_key].id
        complaint.category = category
        complaint.confirmed = True
        complaint.label_source = "user"
        complaint.confidence = complaint.owner_confidence = complaint.category_confidence = 1.0
    db.session.flush()
    return outcome.new
