"""A demo process FMEA for the refrigerator noise project."""

from sqlalchemy import select

from workbench.extensions import db
from workbench.fmea import services
from workbench.fmea.models import FmeaRow
from workbench.models import User

DEMO_PROJECT = "Refrigerator R-400 compressor noise"

# (step, work element, 4M, function, effect, S, mode, cause, prevention, O, detection control, D, extra)
DEMO_ROWS = (
    ("Compressor mounting", "Assembler", "man", "Fit the compressor on four rubber mounts",
     "Loud humming noise at home", 6, "Mount missing or not seated", "Operator skips a mount under takt pressure",
     "Work instruction with photos", 6, "Visual check at end of line", 7, {}),
    ("Compressor mounting", "Torque wrench", "machine", "Tighten mount bolts to 8 Nm",
     "Loud humming noise at home", 6, "Bolts over-tightened, mounts compressed", "Wrench out of calibration",
     "Yearly calibration", 4, "Audit of 1 unit per shift", 8, {}),
    ("Compressor supply", "Incoming compressor", "material", "Compressor noise below 38 dB(A)",
     "Loud humming noise at home", 6, "Compressor noise above limit", "New supplier's bearing tolerance",
     "Supplier PPAP", 7, "Sample noise test, 5 per lot", 6,
     {"prevention_action": "Joint 8D with supplier; tighten bearing spec", "action_status": "implementation_pending"}),
    ("Refrigerant charge", "Charging station", "machine", "Charge 55 g R600a ± 2 g",
     "Fire risk from flammable refrigerant leak", 10, "Over-charge of refrigerant", "Scale drift in charging station",
     "Daily scale check", 3, "Automatic weight check with interlock", 3,
     {"special_characteristic": "SC", "prevention_action": "Load-cell self-test at every start-up",
      "action_status": "completed", "action_taken": "Self-test installed on station 3", "evidence": "Validation report VR-112",
      "revised_severity": 10, "revised_occurrence": 2, "revised_detection": 3}),
    ("Brazing", "Brazing operator", "man", "Leak-tight joint on suction line",
     "Cooling stops (loss of main function)", 8, "Porous brazed joint", "Flame too short on joint",
     "Operator certification", 5, "Helium leak test 100%", 2, {}),
    ("Final test", "Noise booth", "measurement", "Reject units above 40 dB(A)",
     "Loud humming noise at home", 7, "Noisy unit passes the test", "Booth door left open, background noise",
     "", 5, "Booth door switch", 6,
     {"remarks": "S differs from the other noise rows on purpose: consistency check demo"}),
    ("Packing", "Packing line", "method", "Protect cabinet during transport",
     "Dent on side panel", 4, "Foam corner missing", "Corner pieces run out at the station",
     "Kanban for corner pieces", 3, "Visual check", 7, {}),
    ("Brazing", "Gas supply", "environment", "Stable flame",
     "Cooling stops (loss of main function)", 8, "Weak joint", "Gas pressure drop in the afternoon",
     "", 8, "", 10, {}),
)


def demo_fmea(context: dict) -> dict:
    """Create the demo FMEA once; returns how many rows it made."""
    projects = context.get("projects", {})
    project = projects.get(DEMO_PROJECT)
    if project is None:
        return {}
    document = services.ensure_document(project)
    if db.session.scalar(select(FmeaRow.id).where(FmeaRow.document_id == document.id).limit(1)):
        return {"fmea rows": 0}
    document.company, document.customer, document.program = "Demo Appliances", "Retail customers", "R-400"
    john = db.session.scalar(select(User).where(User.email == "john@demo.example"))
    for step, element, kind, function, effect, s, mode, cause, pc, o, dc, d, extra in DEMO_ROWS:
        data = {
            "process_item": "Refrigerator R-400 assembly",
            "process_step": step,
            "work_element": element,
            "work_element_type": kind,
            "function": function,
            "failure_effect": effect,
            "severity": s,
            "failure_mode": mode,
            "failure_cause": cause,
            "prevention_control": pc,
            "occurrence": o,
            "detection_control": dc,
            "detection": d,
            **extra,
        }
        if "prevention_action" in extra and john is not None:
            data["responsible_id"] = john.id
        services.create_row(project, data)
    return {"fmea rows": len(DEMO_ROWS)}
