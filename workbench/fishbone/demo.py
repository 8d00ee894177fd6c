"""A filled fishbone on each demo project (Persian on the Persian one, English on the English one)."""

from sqlalchemy import select

from workbench.extensions import db
from workbench.fishbone import evidence, services, voting
from workbench.models import User

FA_PROJECT = "کاهش تأخیر در تحویل سفارش‌ها"
EN_PROJECT = "Refrigerator R-400 compressor noise"

# category index -> [(cause, [sub-causes])]
FA_CAUSES = {
    0: [("کمبود راننده در روزهای پرکار", ["شیفت‌بندی ثابت و بدون برنامه برای اوج سفارش"]),
        ("آموزش ناکافی کارکنان انبار", [])],
    1: [("خرابی مکرر لیفتراک انبار", ["تعمیرات پیشگیرانه انجام نمی‌شود"])],
    2: [("ثبت دستی سفارش‌ها و خطای ورود اطلاعات", ["فرم کاغذی بین فروش و انبار دست‌به‌دست می‌شود"]),
        ("زمان‌بندی تحویل بدون هماهنگی با موجودی", [])],
    3: [("تأخیر تأمین‌کننده در ارسال قطعات", [])],
    4: [("زمان واقعی تحویل اندازه‌گیری نمی‌شود", [])],
    5: [("ترافیک و محدودیت طرح ترافیک تهران", [])],
}
EN_CAUSES = {
    0: [("Assemblers not trained on the new compressor mounts", ["Work instruction still shows the old supplier's part"])],
    1: [("Torque tool out of calibration", ["Calibration interval extended to 12 months"])],
    2: [("Rubber grommets fitted in the wrong order", [])],
    3: [("New supplier's compressor has higher vibration", ["Supplier changed the motor winding", "No incoming vibration test"]),
        ("Softer grommet material", [])],
    4: [("End-of-line noise test uses a fixed dB limit", [])],
    5: [("Test booth not isolated from line noise", [])],
}


def _fill(project, user, locale: str, causes: dict, whys: list[str], verified: tuple[int, int], evidence_text: str) -> int:
    if services.diagram_of(project) is not None:
        return 0
    diagram = services.create_diagram(project, "6m", locale)
    created = []
    for index, entries in causes.items():
        category = diagram.categories[index]
        for text, subs in entries:
            cause = services.add_cause(diagram, user, {"text": text, "category_id": category.id})
            created.append(cause)
            for sub in subs:
                services.add_cause(diagram, user, {"text": sub, "parent_id": cause.id})
    services.add_whys(created[0], user, whys)
    target = created[verified[0]]
    services.update_cause(target, user, {"status": "suspected"})
    evidence.verify(target, user, {"evidence": evidence_text})
    services.update_cause(created[verified[1]], user, {"status": "suspected"})
    voting.open_session(diagram, user, 3)
    for cause in (target, target, created[verified[1]]):
        voting.vote(cause, user)
    return 1


def demo_fishbones(context: dict) -> dict[str, int]:
    """DEMO_STEPS entry: one filled fishbone per demo project."""
    projects = context.get("projects", {})
    made = 0
    fa, en = projects.get(FA_PROJECT), projects.get(EN_PROJECT)
    if fa is not None:
        sara = db.session.scalar(select(User).where(User.email == "sara@demo.example"))
        made += _fill(
            fa, sara, "fa", FA_CAUSES,
            ["چرا؟ چون در روزهای اوج سفارش راننده کم است", "چرا؟ چون برنامه شیفت بر اساس پیش‌بینی فروش نیست", "چرا؟ چون پیش‌بینی فروش با واحد توزیع به اشتراک گذاشته نمی‌شود"],
            (4, 2), "در ۴۰ سفارش دیرکرد نمونه‌برداری‌شده، ۲۸ مورد خطای ورود اطلاعات داشتند.",
        )
    if en is not None:
        john = db.session.scalar(select(User).where(User.email == "john@demo.example"))
        made += _fill(
            en, john, "en", EN_CAUSES,
            ["Why? Mount drawings were not updated", "Why? Change request closed without a drawing review"],
            (3, 2), "Vibration test: 38 of 40 new-supplier compressors above 2.5 mm/s, 2 of 40 old ones.",
        )
    return {"fishbones": made}
