"""Reports of one FMEA: Pareto of RPN, AP counts before and after actions, S × O risk matrix."""

from collections import Counter


def pareto(rows: list[dict], limit: int = 25) -> dict:
    """The rated rows by RPN, highest first, with cumulative share of the total RPN."""
    rated = sorted((r for r in rows if r.get("rpn")), key=lambda r: (-r["rpn"], r["position"]))
    total = sum(r["rpn"] for r in rated) or 1
    bars, running = [], 0
    for r in rated[:limit]:
        running += r["rpn"]
        bars.append({"row": r, "rpn": r["rpn"], "cumulative": round(100 * running / total, 1)})
    return {"bars": bars, "total": sum(r["rpn"] for r in rated), "rated": len(rated), "max": rated[0]["rpn"] if rated else 0}


def ap_before_after(rows: list[dict]) -> dict:
    """Counts of H/M/L before actions and after (the revised AP where the row was re-rated)."""
    before = Counter(r["action_priority"] for r in rows if r.get("action_priority"))
    after = Counter((r.get("revised_action_priority") or r.get("action_priority")) for r in rows if r.get("action_priority"))
    return {k: {"before": before.get(k, 0), "after": after.get(k, 0)} for k in ("H", "M", "L")}


def risk_matrix(rows: list[dict], revised: bool = False) -> dict:
    """Row counts per severity (rows 10→1) and occurrence (columns 1→10)."""
    s_key, o_key = ("revised_severity", "revised_occurrence") if revised else ("severity", "occurrence")
    counts = Counter((r[s_key], r[o_key]) for r in rows if r.get(s_key) and r.get(o_key))
    return {"counts": counts, "max": max(counts.values(), default=0)}
