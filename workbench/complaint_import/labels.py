"""Display names for owners, categories, channels and job states (translated)."""

from flask_babel import lazy_gettext as _l

from workbench.complaint_import.services import categories
from workbench.i18n import is_persian
from workbench.process_owners import list_process_owners

CHANNEL_LABELS = {
    "phone": _l("Phone"),
    "email": _l("Email"),
    "sms": _l("SMS"),
    "web": _l("Web form"),
    "chat": _l("Chat"),
    "in_person": _l("In-person desk"),
}
STATUS_LABELS = {
    "queued": _l("Waiting for a worker"),
    "running": _l("Running"),
    "previewed": _l("Checked: review and confirm"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}
PHASE_LABELS = {"checking": _l("Checking every row"), "importing": _l("Importing"), "writing": _l("Writing to the database")}
SOURCE_LABELS = {
    "rules": _l("keyword rules"),
    "model": _l("learned model"),
    "selftrain": _l("self-trained from the rules"),
    "user": _l("confirmed by a person"),
}
REASON_LABELS = {
    "empty": _l("empty text"),
    "no_words": _l("only digits, emoji or punctuation"),
    "other_language": _l("neither Persian nor English"),
    "no_match": _l("no phrase matched"),
    "conflict": _l("categories tied"),
}
RUN_STATUS_LABELS = {
    "queued": _l("Waiting for a worker"),
    "running": _l("Training"),
    "previewed": _l("Ready: review what would change, then apply or discard"),
    "applying": _l("Applying"),
    "applied": _l("Applied"),
    "discarded": _l("Discarded"),
    "failed": _l("Failed"),
}
RUN_PHASE_LABELS = {
    "training": _l("Training and cross-validating on confirmed labels"),
    "previewing": _l("Counting what would change"),
    "applying": _l("Relabelling unconfirmed complaints"),
}
TARGET_LABELS = {"owner": _l("Process owner"), "category": _l("Expectation category")}
DIMENSION_LABELS = {
    "process_owner": _l("Process owner"),
    "category": _l("Expectation category"),
    "theme": _l("Theme"),
    "product": _l("Product"),
    "channel": _l("Channel"),
}


def channel_label(key: str | None) -> str:
    if not key:
        return ""
    return str(CHANNEL_LABELS.get(key, key))


LANGUAGE_LABELS = {"fa": _l("Persian"), "en": _l("English"), "": _l("No letters")}


def name_maps() -> dict[str, dict[str, str]]:
    """Key → display name for owners, categories and complaint languages, in the page language."""
    persian = is_persian()
    return {
        "owner": {o.key: (o.name_fa if persian else o.name_en) for o in list_process_owners(include_inactive=True)},
        "category": {c.key: (c.name_fa if persian else c.name_en) for c in categories(include_inactive=True)},
        "language": {k: str(v) for k, v in LANGUAGE_LABELS.items()},
    }


def init_app(app) -> None:
    """Template helpers for job states, phases, label targets, label sources and unclassified reasons."""
    app.jinja_env.globals.update(
        job_status=lambda s: str(STATUS_LABELS.get(s, s)),
        job_phase=lambda s: str(PHASE_LABELS.get(s, s)),
        target_label=lambda s: str(TARGET_LABELS.get(s, s)),
        run_status=lambda s: str(RUN_STATUS_LABELS.get(s, s)),
        run_phase=lambda s: str(RUN_PHASE_LABELS.get(s, s or "")),
        label_source=lambda s: str(SOURCE_LABELS.get(s, s or "")),
        unclassified_reason=lambda s: str(REASON_LABELS.get(s, s or "")),
        unclassified_reasons=REASON_LABELS,
    )
