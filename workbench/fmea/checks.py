"""What the table marks on each row: priority flags and consistency problems."""

from collections import defaultdict

from flask_babel import gettext as _

from workbench.i18n import join_list, persian_digits


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def is_high(row: dict, driver: str, threshold: int) -> bool:
    """True when the row needs action first under the organisation's driver."""
    if driver == "rpn":
        return row.get("rpn") is not None and row["rpn"] >= threshold
    return row.get("action_priority") == "H"


def flags(row: dict, driver: str, threshold: int) -> list[str]:
    """``high`` (AP H or RPN over threshold), ``over_threshold`` and ``severe`` (S 9-10, always)."""
    out = []
    if row.get("action_priority") == "H":
        out.append("ap_high")
    if row.get("rpn") is not None and row["rpn"] >= threshold:
        out.append("over_threshold")
    if is_high(row, driver, threshold):
        out.append("high")
    if (row.get("severity") or 0) >= 9:
        out.append("severe")
    return out


def issues(rows: list[dict], driver: str = "ap", threshold: int = 100) -> dict[int, list[dict]]:
    """Consistency problems per row id: ``{id: [{"code", "message"}]}``."""
    found: dict[int, list[dict]] = defaultdict(list)
    # Messages are translated once per call, not once per row.
    high_message = _("High priority without an action or a written reason (remarks).")
    revised_message = _("Revised ratings entered before the action is completed.")
    effect_messages: dict[tuple, str] = {}
    by_effect: dict[str, set] = defaultdict(set)
    for row in rows:
        if _key(row.get("failure_effect")) and row.get("severity") is not None:
            by_effect[_key(row["failure_effect"])].add(row["severity"])
    for row in rows:
        ratings = by_effect.get(_key(row.get("failure_effect")), set())
        if len(ratings) > 1:
            values = tuple(sorted(ratings))
            if values not in effect_messages:
                effect_messages[values] = _(
                    "The same failure effect is rated S %(values)s in this FMEA; one effect carries one severity.",
                    values=join_list(persian_digits(v) for v in values),
                )
            found[row["id"]].append({"code": "effect_severity", "message": effect_messages[values]})
        if is_high(row, driver, threshold) and not (
            (row.get("prevention_action") or "").strip()
            or (row.get("detection_action") or "").strip()
            or (row.get("remarks") or "").strip()
        ):
            found[row["id"]].append({"code": "high_without_action", "message": high_message})
        revised = any(row.get(k) is not None for k in ("revised_severity", "revised_occurrence", "revised_detection"))
        if revised and row.get("action_status") != "completed":
            found[row["id"]].append({"code": "revised_before_completion", "message": revised_message})
    return dict(found)
