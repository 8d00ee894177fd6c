"""Shipped defaults: expectation categories and keyword/phrase rules in Persian and English."""

from sqlalchemy import select

from workbench.extensions import db

DEFAULT_CATEGORIES = (
    ("product_quality", "Product quality", "کیفیت محصول"),
    ("delivery_speed", "Delivery speed", "سرعت تحویل"),
    ("price", "Price", "قیمت"),
    ("warranty", "Warranty", "گارانتی"),
    ("responsiveness", "Responsiveness / staff behaviour", "پاسخگویی و رفتار کارکنان"),
)

# (target, key, phrases). Phrases match at word starts in the normalised text; longer phrases weigh more.
DEFAULT_RULES = (
    ("owner", "production", (
        "noise", "noisy", "leak", "door", "seal", "compressor", "paint", "rust", "motor", "stopped working",
        "defect", "overheat", "صدا", "نشت", "درب", "در ماشین", "رنگ", "کمپرسور", "موتور", "زنگ زد", "پوسته",
        "از کار افتاد", "ایراد فنی", "داغ می", "درست بسته نمی",
    )),
    ("owner", "quality", (
        "inspect", "arrived broken", "damaged on arrival", "missing part", "missing screw", "scratch", "dent",
        "quality control", "not inspected", "خراب تحویل", "شکسته", "کنترل کیفیت", "قطعه کم", "ناقص", "خط و خش",
        "ضربه دیده", "بازرسی", "کیفیت این محصول",
    )),
    ("owner", "sales", (
        "deliver", "late", "order", "invoice", "price", "quote", "shipping", "discount", "payment", "refund",
        "سفارش", "تحویل", "دیر", "تاخیر", "فاکتور", "قیمت", "هزینه ارسال", "پرداخت", "تخفیف", "فروشنده",
        "ارسال",
    )),
    ("owner", "service", (
        "warranty", "guarantee", "support", "hotline", "technician", "repair", "rude", "call back", "nobody answers",
        "no answer", "گارانتی", "ضمانت", "پشتیبانی", "تلفن", "جواب نمی", "تعمیرکار", "تکنسین", "کارشناس",
        "برخورد", "بی ادب", "تعمیر", "خدمات",
    )),
    ("category", "product_quality", (
        "noise", "noisy", "leak", "broken", "defect", "damaged", "missing", "paint", "rust", "scratch",
        "stopped working", "quality", "not inspected", "صدا", "نشت", "خراب", "شکسته", "ایراد", "کیفیت",
        "رنگ", "ناقص", "از کار افتاد", "درست بسته نمی", "قطعه",
    )),
    ("category", "delivery_speed", (
        "late", "delay", "delivered", "delivery date", "weeks late", "waiting", "shipping time", "not delivered",
        "دیر", "تاخیر", "تحویل", "منتظر", "ارسال نشد", "تاریخ تحویل",
    )),
    ("category", "price", (
        "price", "expensive", "invoice", "cost", "charge", "fee", "overcharged", "refund", "قیمت", "گران",
        "فاکتور", "هزینه", "مبلغ", "پول",
    )),
    ("category", "warranty", ("warranty", "guarantee", "گارانتی", "ضمانت", "وارانتی", "شامل گارانتی")),
    ("category", "responsiveness", (
        "rude", "answer", "hotline", "support", "call", "did not show", "respond", "staff", "behaviour",
        "behavior", "on time", "جواب", "پاسخ", "پشتیبانی", "تلفن", "برخورد", "بی ادب", "سر وقت نیامد",
        "اطلاع نداد", "کارشناس",
    )),
)


def ensure_defaults() -> None:
    """Create the default categories and rules where none exist yet (never overwrites edits)."""
    from workbench.complaint_import.models import ClassificationRule, ExpectationCategory
    from workbench.complaint_import.textnorm import normalise
    from workbench.teams.services import ensure_default_process_owners

    ensure_default_process_owners()
    existing = set(db.session.scalars(select(ExpectationCategory.key)))
    for order, (key, en, fa) in enumerate(DEFAULT_CATEGORIES):
        if key not in existing:
            db.session.add(ExpectationCategory(key=key, name_en=en, name_fa=fa, sort_order=order))
    if db.session.scalar(select(ClassificationRule.id).limit(1)) is None:
        for target, key, phrases in DEFAULT_RULES:
            for phrase in dict.fromkeys(normalise(p) for p in phrases):
                weight = 2.0 if " " in phrase else 1.0
                db.session.add(ClassificationRule(target=target, key=key, phrase=phrase, weight=weight))
    db.session.flush()
