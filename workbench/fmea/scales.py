"""The 1-10 rating scales shown while rating, in English and Persian, chosen per FMEA (its ``rating_scale``):

- ``manufacturing``: PFMEA, after AIAG-VDA 2019;
- ``service``: for service processes (orders, deliveries, support, billing): severity as the customer's
  harm, occurrence as failures per 1,000 orders or cases, detection as the chance to catch the failure
  before the customer does.

Texts are our own short wording of each level, not the handbook's tables.
"""

SEVERITY = {
    10: ("Safety risk to the worker or the user; fails without warning.", "خطر ایمنی برای کارگر یا مصرف‌کننده؛ بدون هشدار قبلی."),
    9: ("Breaks a regulation, or a safety risk with warning.", "عدم انطباق با مقررات قانونی یا خطر ایمنی همراه با هشدار."),
    8: ("Loss of the main function; whole run scrapped or line stopped a shift.", "از دست رفتن کارکرد اصلی؛ ضایعات کل تولید یا توقف خط بیش از یک شیفت."),
    7: ("Main function degraded; part of the run sorted and scrapped.", "افت کارکرد اصلی؛ بخشی از تولید جداسازی و ضایع می‌شود."),
    6: ("Loss of a secondary function; whole run reworked off line.", "از دست رفتن کارکرد فرعی؛ دوباره‌کاری کل تولید خارج از خط."),
    5: ("Secondary function degraded; part of the run reworked off line.", "افت کارکرد فرعی؛ دوباره‌کاری بخشی از تولید خارج از خط."),
    4: ("Very objectionable look, sound or feel; whole run reworked in station.", "ظاهر، صدا یا لمس بسیار نامطلوب؛ دوباره‌کاری کل تولید در ایستگاه."),
    3: ("Moderately objectionable look, sound or feel; some rework in station.", "ظاهر، صدا یا لمس نسبتاً نامطلوب؛ دوباره‌کاری جزئی در ایستگاه."),
    2: ("Slightly objectionable look, sound or feel; slight inconvenience.", "ظاهر، صدا یا لمس کمی نامطلوب؛ مزاحمت جزئی در فرایند."),
    1: ("No noticeable effect.", "اثر قابل تشخیصی ندارد."),
}

OCCURRENCE = {
    10: ("Extremely high: no prevention control.", "بسیار بسیار زیاد: هیچ کنترل پیشگیرانه‌ای وجود ندارد."),
    9: ("Very high: prevention controls barely work.", "خیلی زیاد: کنترل‌های پیشگیرانه تقریباً اثری ندارند."),
    8: ("Very high: prevention controls work poorly.", "خیلی زیاد: کنترل‌های پیشگیرانه اثر کمی دارند."),
    7: ("High: behavioural controls, somewhat effective.", "زیاد: کنترل‌های رفتاری با اثربخشی محدود."),
    6: ("High: behavioural or technical controls, somewhat effective.", "زیاد: کنترل‌های رفتاری یا فنی با اثربخشی محدود."),
    5: ("Moderate: controls effective in part.", "متوسط: کنترل‌ها تا حدی مؤثرند."),
    4: ("Moderate: controls mostly effective.", "متوسط: کنترل‌ها در بیشتر موارد مؤثرند."),
    3: ("Low: technical controls, effective.", "کم: کنترل‌های فنی مؤثر."),
    2: ("Very low: best-practice technical controls, highly effective.", "خیلی کم: کنترل‌های فنی مطابق بهترین تجربه، بسیار مؤثر."),
    1: ("Extremely low: the cause is prevented by design or error-proofing.", "بسیار بسیار کم: علت با طراحی یا خطاناپذیرسازی حذف شده است."),
}

DETECTION = {
    10: ("No test or inspection method; cannot detect.", "هیچ روش آزمون یا بازرسی وجود ندارد؛ قابل کشف نیست."),
    9: ("Method unlikely to detect; random or sporadic checks.", "روش به احتمال زیاد کشف نمی‌کند؛ بازرسی‌های تصادفی یا گاه‌به‌گاه."),
    8: ("Method not proven; human inspection or unproven gauge.", "روش اثبات‌نشده؛ بازرسی چشمی یا سنجه‌ی تأییدنشده."),
    7: ("Method not proven; machine detection downstream.", "روش اثبات‌نشده؛ کشف ماشینی در مراحل بعدی."),
    6: ("Proven method, human inspection or gauge after the fact.", "روش اثبات‌شده؛ بازرسی انسانی یا سنجه پس از وقوع."),
    5: ("Proven method, machine detection downstream.", "روش اثبات‌شده؛ کشف ماشینی در مراحل بعدی."),
    4: ("Proven machine detection in station; part is stopped.", "کشف ماشینی اثبات‌شده در همان ایستگاه؛ قطعه متوقف می‌شود."),
    3: ("Proven machine detection of the cause; part cannot go on.", "کشف ماشینی اثبات‌شده‌ی علت؛ قطعه ادامه نمی‌یابد."),
    2: ("Error-proofed detection; defect cannot be made unnoticed.", "کشف خطاناپذیر؛ نقص بدون کشف تولید نمی‌شود."),
    1: ("Failure mode cannot physically occur, or is always detected.", "حالت خرابی از نظر فیزیکی رخ نمی‌دهد یا همیشه کشف می‌شود."),
}

SERVICE_SEVERITY = {
    10: ("Harms the customer's safety or health, without warning.", "آسیب به ایمنی یا سلامت مشتری، بدون هشدار."),
    9: ("Breaks a law or contract, or puts the customer's safety at risk with warning.", "نقض قانون یا قرارداد، یا خطر ایمنی مشتری همراه با هشدار."),
    8: ("The service is not delivered at all; the customer loses money or must go elsewhere.", "خدمت اصلاً ارائه نمی‌شود؛ مشتری زیان مالی می‌بیند یا ناچار به جای دیگر می‌رود."),
    7: ("The main service is badly degraded; a formal complaint or a refund is likely.", "خدمت اصلی به‌شدت افت می‌کند؛ شکایت رسمی یا بازپرداخت محتمل است."),
    6: ("The service is delivered late or wrong and must be done again.", "خدمت با تأخیر یا نادرست ارائه می‌شود و باید دوباره انجام شود."),
    5: ("A secondary part of the service fails; the customer has to call or come back.", "بخش فرعی خدمت انجام نمی‌شود؛ مشتری ناچار است دوباره تماس بگیرد یا مراجعه کند."),
    4: ("Clear inconvenience: waiting, repeated questions, unclear answers.", "ناراحتی آشکار: انتظار، پرسش‌های تکراری، پاسخ‌های مبهم."),
    3: ("Minor inconvenience most customers notice.", "ناراحتی جزئی که بیشتر مشتریان متوجه می‌شوند."),
    2: ("Minor inconvenience only attentive customers notice.", "ناراحتی جزئی که فقط مشتریان دقیق متوجه می‌شوند."),
    1: ("No effect the customer notices.", "اثری که مشتری متوجه شود ندارد."),
}

SERVICE_OCCURRENCE = {
    10: ("100 or more per 1,000 orders or cases.", "۱۰۰ مورد یا بیشتر در هر ۱۰۰۰ سفارش یا پرونده."),
    9: ("50 per 1,000.", "۵۰ مورد در هر ۱۰۰۰."),
    8: ("20 per 1,000.", "۲۰ مورد در هر ۱۰۰۰."),
    7: ("10 per 1,000.", "۱۰ مورد در هر ۱۰۰۰."),
    6: ("5 per 1,000.", "۵ مورد در هر ۱۰۰۰."),
    5: ("2 per 1,000.", "۲ مورد در هر ۱۰۰۰."),
    4: ("1 per 1,000.", "۱ مورد در هر ۱۰۰۰."),
    3: ("1 per 10,000.", "۱ مورد در هر ۱۰٬۰۰۰."),
    2: ("1 per 100,000 or fewer.", "۱ مورد در هر ۱۰۰٬۰۰۰ یا کمتر."),
    1: ("Prevented by the process design (checklists that block, system rules); does not happen.", "با طراحی فرایند (چک‌لیست بازدارنده، قاعده‌ی سیستمی) پیشگیری شده؛ رخ نمی‌دهد."),
}

SERVICE_DETECTION = {
    10: ("Nobody checks: only the customer finds it.", "هیچ بررسی‌ای نیست: فقط مشتری آن را می‌یابد."),
    9: ("Occasional spot checks; almost always reaches the customer.", "بازبینی‌های گاه‌به‌گاه؛ تقریباً همیشه به مشتری می‌رسد."),
    8: ("A person reviews afterwards, unaided; usually reaches the customer.", "بازبینی انسانی پس از انجام، بدون ابزار؛ معمولاً به مشتری می‌رسد."),
    7: ("A person reviews with a checklist afterwards; often reaches the customer.", "بازبینی انسانی با چک‌لیست پس از انجام؛ اغلب به مشتری می‌رسد."),
    6: ("A second person checks every case before it goes out.", "نفر دوم هر مورد را پیش از ارسال بررسی می‌کند."),
    5: ("The system flags likely errors for a person to check.", "سیستم خطاهای محتمل را برای بررسی انسانی علامت می‌زند."),
    4: ("The system checks every case and holds it until fixed.", "سیستم هر مورد را بررسی و تا رفع خطا نگه می‌دارد."),
    3: ("Checked automatically where the error is made; it cannot go on.", "در همان نقطه‌ی وقوع خودکار بررسی می‌شود؛ ادامه نمی‌یابد."),
    2: ("Error-proofed: the wrong step cannot be completed.", "خطاناپذیر: گام نادرست قابل انجام نیست."),
    1: ("The failure cannot happen, or is always caught before the customer.", "خرابی رخ نمی‌دهد یا همیشه پیش از رسیدن به مشتری کشف می‌شود."),
}

SCALES = {"severity": SEVERITY, "occurrence": OCCURRENCE, "detection": DETECTION}
SERVICE_SCALES = {"severity": SERVICE_SEVERITY, "occurrence": SERVICE_OCCURRENCE, "detection": SERVICE_DETECTION}
SCALE_SETS = {"manufacturing": SCALES, "service": SERVICE_SCALES}


def scales_for(locale: str, rating_scale: str = "manufacturing") -> dict:
    """Every scale of ``rating_scale`` as ``{name: [{"value", "text", "other"}]}``: the page language first, then the other."""
    first = 1 if locale == "fa" else 0
    return {
        name: [{"value": v, "text": texts[first], "other": texts[1 - first]} for v, texts in sorted(scale.items(), reverse=True)]
        for name, scale in SCALE_SETS.get(rating_scale, SCALES).items()
    }
