"""Display names of stages and member roles, translated."""

from flask_babel import lazy_gettext as _l

STAGE_LABELS = {
    "define": _l("Define"),
    "contain": _l("Contain"),
    "analyse": _l("Analyse"),
    "improve": _l("Improve"),
    "verify": _l("Verify"),
    "closed": _l("Closed"),
}
MEMBER_ROLE_LABELS = {
    "customer_affairs": _l("Customer-affairs representative"),
    "process_expert": _l("Process expert"),
}


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


def member_role_label(role: str) -> str:
    return str(MEMBER_ROLE_LABELS.get(role, role))


def init_app(app) -> None:
    app.jinja_env.globals.update(stage_label=stage_label, member_role_label=member_role_label)
