"""The demo organisation's 18 months of complaints, loaded through the real import (a demo step added
by ``workbench.complaint_import.init_app``)."""

import csv
import os
import random
import tempfile
from datetime import date, timedelta

from sqlalchemy import func, select

from workbench import dates
from workbench.complaint_import import defaults, owner_matrix, selftrain, themes
from workbench.complaint_import.importer import ImportOptions, run_import
from workbench.complaint_import.models import Complaint, OwnerAssignment
from workbench.extensions import db
from workbench.models import ProcessOwner

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


def demo_complaints(context: dict) -> dict[str, int]:
    """Write the demo CRM export as a Persian CSV (Jalali dates) and load it through the real import.

    Reads ``context["seed"]`` and ``context["complaints"]`` (how many); adds nothing when complaints exist.
    """
    if db.session.scalar(select(func.count(Complaint.id))):
        return {"complaints": 0}
    seed, count = context.get("seed", 7), context.get("complaints", 420)
    owners = {o.key: o for o in db.session.scalars(select(ProcessOwner))}
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
    # What the worker does after a real import: self-training from the rules, then themes, so a new user sees them.
    selftrain.after_import()
    themes.rebuild()
    return {"complaints": outcome.new}
