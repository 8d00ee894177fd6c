"""Realistic FMEA workbooks built for the import tests, in the layouts people publish them in."""

from openpyxl import Workbook

from workbench.fmea.sample_workbooks import aiag4_layout, save  # noqa: F401  (``save`` is used by the tests too)


def aiag4_pfmea(ws=None) -> bytes | None:
    """AIAG 4th-edition PFMEA: title block, 2-row merged header with a controls group and an action-results block,
    vertical S e v letters, merged structure cells, a continuation row, an unmerged fill-down row, a bad cell, a wrong
    sheet RPN, an empty row and a signature footer."""
    wb = None
    if ws is None:
        wb = Workbook()
        ws = wb.active
        ws.title = "PFMEA"
    aiag4_layout(ws)
    data = {
        9: ["Op 10 Stamp hinge leaf", "Hole dia 8.0 ±0.1", "Hole oversize", "Loose hinge, door sag", 7, "SC", "Worn punch",
            "Punch life 50k hits", 4, "Go/no-go gauge 1/hour", 5, 140, "Punch change at 40k hits", "A. Rahimi 2026-02-01",
            "Stroke counter installed 2026-01-20", 7, 2, 5, 70],
        10: [None, None, None, None, None, None, "Wrong punch fitted", "Punch keyed to die", 2, "First-off check", 4, 56],
        11: [None, None, "Hole undersize", "Pin does not fit", 6, None, "Punch chipped", "Punch inspection weekly", 3,
             "Go/no-go gauge 1/hour", 3, 54],
        12: [None, "Flatness 0.2", "Leaf bent", "Door misaligned", 5, None, "Handling drop", "Trays with dividers", 3,
             "Visual check", 6, 90],
        14: ["Op 20 Assemble pin", "Pin present", "Pin missing", "Door falls off", 8, "CC", "Operator skips pin",
             "Work instruction", 5, "Visual check", 7, 280, "Pin sensor", "B. Chen", "Sensor fitted", 8, 2, 2, 32],
        15: [None, None, None, None, None, None, "Feeder empty", "Feeder level alarm", 3, "Visual check", 7, 168],
        16: [None, None, None, None, None, None, "Pin wrong grade", "Supplier certificate", 12, "Hardness test", 4, 384],
        17: [None, None, None, None, None, None, "Pin bent in transit", "Packaging spec", 2, "Pin sensor", 2, 30],
    }
    for r, values in data.items():
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
    ws.merge_cells("A9:A12")
    ws.merge_cells("B9:B11")
    ws.merge_cells("C9:C10")
    ws.merge_cells("D9:D10")
    ws.merge_cells("E9:E10")
    ws.merge_cells("D12:D13")  # the effect cell runs one row longer: row 13 only continues it
    ws.merge_cells("G12:G13")
    ws["A19"] = "Prepared by: D. Silva"
    ws["F19"] = "Approved by: QA Manager"
    ws["A20"] = "Signature: ____________"
    return save(wb) if wb is not None else None


PRODUCT_HEADER = ["Process Step", "Potential Failure Mode", "Potential Effect(s) of Failure", "SEV", "Potential Cause(s)",
                  "OCC", "Current Controls", "DET", "RPN"]


def three_products() -> bytes:
    """A rating key on sheet 1, then three product PFMEAs of 22 rows each (66 rows), one-row headers."""
    wb = Workbook()
    key = wb.active
    key.title = "Rating key"
    key.append(["PFMEA ranking criteria"])
    key.append(["Severity", "Criteria"])
    for rank in range(10, 0, -1):
        key.append([rank, f"Effect level {rank}"])
    for product in ("Washer W1", "Washer W2", "Dryer D1"):
        ws = wb.create_sheet(product)
        ws.append([f"Product: {product}"])
        ws.append([])
        ws.append(PRODUCT_HEADER)
        for i in range(22):
            s, o, d = 3 + i % 7, 1 + i % 9, 2 + i % 8
            ws.append([f"Step {i // 4 + 1}", f"{product} mode {i}", f"Effect {i}", s, f"Cause {i}", o, f"Control {i}", d, s * o * d])
    return save(wb)


def other_scales() -> bytes:
    """A medical DFMEA with 0-100 % ratings and a space-hardware FMEA with a 1-6 severity and letter occurrence."""
    wb = Workbook()
    med = wb.active
    med.title = "Infusion pump DFMEA"
    med.append(["Item / Function", "Potential Failure Mode", "Potential Effect(s) of Failure", "Severity (0-100 %)",
                "Potential Cause(s)", "Occurrence (%)", "Current Design Controls Detection", "Detection (%)"])
    med.append(["Pump drive", "Over-infusion", "Overdose", "95%", "Motor runaway", "12%", "Flow sensor", "30%"])
    med.append(["Pump drive", "Under-infusion", "Therapy delayed", "70%", "Tube kinked", 0.45, "Occlusion alarm", "5%"])
    med.append(["Battery", "Sudden shutdown", "Therapy stops", "60%", "Cell ageing", "105%", "Battery test", "20%"])
    space = wb.create_sheet("Reaction wheel")
    space.append(["Failure Mode", "Failure Effect", "Severity (1-6)", "Cause", "Likelihood", "Detection method", "Detectability"])
    space.append(["Bearing seizure", "Loss of attitude control", 6, "Lubricant loss", "C", "Vibration test", 2])
    space.append(["Encoder drift", "Pointing error", 3, "Radiation", "B", "Telemetry trend", 4])
    space.append(["Motor winding open", "Wheel stops", 5, "Thermal cycling", "E", "Resistance check", 1])
    space.append(["Connector loose", "Intermittent torque", 4, "Vibration", "D", "Continuity test", 3])
    space.append(["Housing leak", "Lubricant loss", 2, "Weld porosity", "A", "Leak test", 5])
    key = wb.create_sheet("Ranking criteria")
    key.append(["Detectability", "Meaning"])
    for rank in range(1, 7):
        key.append([rank, f"Detection level {rank}"])
    return save(wb)


def data_centre_dfmea() -> bytes:
    """A data-centre design FMEA without ratings, with a column the vocabulary does not know."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cooling DFMEA"
    ws.append(["System", "Component", "Function", "Failure Mode", "Failure Effect", "Failure Cause", "Mitigation", "Owner team", "Remarks"])
    ws.append(["CRAH unit 3", "Fan array", "Move 40 m3/s of air", "Fan stops", "Hot aisle above 35 C", "Bearing wear", "N+1 fans", "Facilities", ""])
    ws.append(["CRAH unit 3", "Chilled-water valve", "Modulate flow", "Valve stuck closed", "No cooling on row C", "Actuator failure", "Manual bypass", "Facilities", "Spare actuator on site"])
    ws.append(["UPS room", "Split AC", "Keep room below 25 C", "Compressor trips", "Battery ageing", "Refrigerant leak", "Redundant unit", "Facilities", ""])
    return save(wb)


def persian_pfmea() -> bytes:
    """A PFMEA typed in Persian: Persian titles, Persian digits, a merged step cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = "تحلیل خرابی"
    ws.append(["مرحله فرایند", "حالت خرابی", "اثر خرابی", "شدت", "علت خرابی", "وقوع", "کنترل‌های تشخیص", "تشخیص", "عدد اولویت ریسک"])
    ws.append(["جوشکاری", "نشتی", "خرابی کمپرسور", "۸", "شعله کوتاه", "۴", "آزمون نشتی", "۲", "۶۴"])
    ws.append([None, "ترک", "صدای زیاد", 6, "فشار گاز", 3, "بازرسی چشمی", 7, 126])
    ws.merge_cells("A2:A3")
    return save(wb)
