"""The 1-10 rating scales shown while rating (PFMEA, after AIAG-VDA 2019), in English and Persian.

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

SCALES = {"severity": SEVERITY, "occurrence": OCCURRENCE, "detection": DETECTION}


def scales_for(locale: str) -> dict:
    """Every scale as ``{name: [{"value", "text", "other"}]}``: the page language first, then the other."""
    first = 1 if locale == "fa" else 0
    return {
        name: [{"value": v, "text": texts[first], "other": texts[1 - first]} for v, texts in sorted(scale.items(), reverse=True)]
        for name, scale in SCALES.items()
    }
