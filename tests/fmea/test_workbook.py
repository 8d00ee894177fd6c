"""Reading FMEA workbooks as people keep them (the pure module: bytes in, rows, problems and left-out rows out)."""

import io

import pytest
import xlwt

from tests.fmea import workbooks
from workbench.fmea.workbook import analyse, ratings


def by_row(result, sheet=None):
    return {(r["sheet"], r["row"]): r for r in result["rows"] if sheet is None or r["sheet"] == sheet}


def sod(row, prefix=""):
    return tuple(row["values"].get(prefix + n) for n in ("severity", "occurrence", "detection"))


def accounted(result, sheet, first, last):
    """Every sheet row from ``first`` to ``last`` is either read or left out with a reason: nothing vanishes."""
    read = {r["row"] for r in result["rows"] if r["sheet"] == sheet}
    left = {r["row"] for r in result["left_out"] if r["sheet"] == sheet}
    assert not read & left
    assert read | left == set(range(first, last + 1))
    assert all(r["reason"] for r in result["left_out"])


def test_aiag4_pfmea_merged_header_action_results_and_footer(app):
    result = analyse(workbooks.aiag4_pfmea(), "hinge.xlsx")
    (sheet,) = result["sheets"]
    assert sheet["kind"] == "fmea" and sheet["header_rows"] == [7, 8] and sheet["data_start"] == 9
    fields = {m["letter"]: m["field"] for m in sheet["mapping"]}
    samples = {m["letter"]: m["samples"] for m in sheet["mapping"]}
    assert samples["A"] == ["Op 10 Stamp hinge leaf", "Op 20 Assemble pin"] and samples["F"] == ["SC", "CC"]  # no signature line
    assert fields == {
        "A": "process_step", "B": "function", "C": "failure_mode", "D": "failure_effect", "E": "severity",
        "F": "special_characteristic", "G": "failure_cause", "H": "prevention_control", "I": "occurrence",
        "J": "detection_control", "K": "detection", "L": "rpn", "M": "prevention_action", "N": "responsible_id",
        "O": "action_taken", "P": "revised_severity", "Q": "revised_occurrence", "R": "revised_detection", "S": "revised_rpn",
    }
    rows = by_row(result)
    assert sorted(r for _s, r in rows) == [9, 10, 11, 12, 14, 15, 16, 17]
    assert sod(rows["PFMEA", 9]) == (7, 4, 5) and sod(rows["PFMEA", 9], "revised_") == (7, 2, 5)
    assert sod(rows["PFMEA", 10]) == (7, 2, 4)  # severity from the merged cell above
    assert rows["PFMEA", 10]["values"]["failure_mode"] == "Hole oversize"
    assert rows["PFMEA", 12]["values"]["process_step"] == "Op 10 Stamp hinge leaf"
    # An unmerged row under a step takes the step, mode, effect and severity above it.
    assert rows["PFMEA", 15]["values"]["failure_mode"] == "Pin missing" and sod(rows["PFMEA", 15]) == (8, 3, 7)
    assert rows["PFMEA", 14]["responsible"] == "B. Chen" and sod(rows["PFMEA", 14], "revised_") == (8, 2, 2)
    # The controls' "Detection" sub-header is the detection control, not the D rating.
    assert rows["PFMEA", 9]["values"]["detection_control"] == "Go/no-go gauge 1/hour"
    bad = rows["PFMEA", 16]
    assert [(e["column"], e["value"], "between 1 and 10" in e["message"]) for e in bad["errors"]] == [("I", "12", True)]
    assert all(not r["errors"] for key, r in rows.items() if key != ("PFMEA", 16))
    mismatch = [p for p in result["problems"] if p["field"] == "rpn"]
    assert [(p["row"], p["value"], p["level"]) for p in mismatch] == [(17, "30", "warning")]
    left = {r["row"]: r["reason"] for r in result["left_out"]}
    assert left[13].startswith("only continues merged") and left[18] == "empty"
    assert left[19].startswith("footer") and left[20].startswith("below the footer")
    accounted(result, "PFMEA", 9, 20)
    assert sheet["title_block"] == {
        "title": "Door hinge assembly", "responsible": "Stamping plant 2", "fmea_number": "1450", "program": "2026 / K-line",
        "key_date": "2026-03-01", "team": "A. Rahimi, B. Chen, C. Okafor", "prepared_by": "D. Silva",
        "start_date": "2025-11-02", "revision_date": "2026-01-15", "customer": "Acme Motors", "part_number": "HX-2231",
    }


def test_three_product_sheets_after_a_rating_key(app):
    result = analyse(workbooks.three_products(), "plant.xlsx")
    kinds = [(s["name"], s["kind"], s["selected"]) for s in result["sheets"]]
    assert kinds == [("Rating key", "rating_key", False), ("Washer W1", "fmea", True), ("Washer W2", "fmea", True), ("Dryer D1", "fmea", True)]
    assert len(result["rows"]) == 66 and not any(r["errors"] for r in result["rows"])
    assert len({(r["sheet"], r["values"]["failure_mode"]) for r in result["rows"]}) == 66
    assert not [p for p in result["problems"] if p["level"] == "error"]
    for i, row in enumerate(r for r in result["rows"] if r["sheet"] == "Dryer D1"):
        assert sod(row) == (3 + i % 7, 1 + i % 9, 2 + i % 8)
        assert row["values"]["failure_cause"] == f"Cause {i}"
    assert result["sheets"][3]["title_block"] == {"title": "Dryer D1"}
    only = analyse(workbooks.three_products(), "plant.xlsx", sheets=["Washer W2"])
    assert {r["sheet"] for r in only["rows"]} == {"Washer W2"} and len(only["rows"]) == 22
    with pytest.raises(ValueError, match="No sheet “Nope”; the sheets are: Rating key, Washer W1"):
        analyse(workbooks.three_products(), "plant.xlsx", sheets=["Nope"])


def test_percent_letter_and_one_to_six_scales_are_converted_and_shown(app):
    result = analyse(workbooks.other_scales(), "scales.xlsx")
    sheets = {s["name"]: s for s in result["sheets"]}
    med, space = sheets["Infusion pump DFMEA"]["scales"], sheets["Reaction wheel"]["scales"]
    assert {k: v["name"] for k, v in med.items()} == {"severity": "percent", "occurrence": "percent", "detection": "percent"}
    assert {k: v["name"] for k, v in space.items()} == {"severity": "1-6", "occurrence": "A/B/C/D/E", "detection": "1-6"}
    assert "rating key" in space["detection"]["why"] and "title" in space["severity"]["why"]
    assert space["occurrence"]["mapping"] == {"A": 10, "B": 8, "C": 6, "D": 3, "E": 1}
    rows = by_row(result)
    assert sod(rows["Infusion pump DFMEA", 2]) == (10, 2, 3)
    assert sod(rows["Infusion pump DFMEA", 3]) == (7, 5, 1)  # 0.45 is 45 %
    bad = rows["Infusion pump DFMEA", 4]
    assert [(e["column"], e["value"]) for e in bad["errors"]] == [("F", "105%")] and "not on the percent scale" in bad["errors"][0]["message"]
    assert sod(rows["Reaction wheel", 2]) == (10, 6, 3)  # 6 of 6 → 10, C → 6, 2 of 6 → 3
    assert sod(rows["Reaction wheel", 6]) == (3, 10, 8)
    # The user may choose another mapping: the letters as typed pairs, severity kept as 1-10.
    chosen = analyse(workbooks.other_scales(), "scales.xlsx", sheets=["Reaction wheel"],
                     scales={"Reaction wheel": {"occurrence": "A:9, B:7, C:5, D:3, E:1", "severity": "1-10"}})
    assert sod(by_row(chosen)["Reaction wheel", 2]) == (6, 5, 3)


def test_small_numbers_on_a_one_to_ten_column_are_flagged_not_silently_taken(app):
    wb = workbooks.Workbook()
    ws = wb.active
    ws.append(["Failure Mode", "Cause", "Severity", "Occurrence", "Detection"])
    for i in range(6):
        ws.append([f"Mode {i}", f"Cause {i}", 1 + i % 5, 2, 3])
    result = analyse(workbooks.save(wb), "small.xlsx")
    notes = [p for p in result["problems"] if p["field"] == "severity"]
    assert notes and notes[0]["level"] == "warning" and "1-5 scale" in notes[0]["message"]
    assert sod(result["rows"][0]) == (1, 2, 3)


def test_data_centre_dfmea_without_ratings_lists_ignored_columns(app):
    result = analyse(workbooks.data_centre_dfmea(), "dc.xlsx")
    (sheet,) = result["sheets"]
    assert sheet["ignored"] == ["H"] and next(m for m in sheet["mapping"] if m["letter"] == "G")["field"] == "prevention_control"
    assert [r["values"]["failure_mode"] for r in result["rows"]] == ["Fan stops", "Valve stuck closed", "Compressor trips"]
    assert all(sod(r) == (None, None, None) and not r["errors"] for r in result["rows"])
    assert result["rows"][1]["values"]["remarks"] == "Spare actuator on site"


def test_persian_titles_and_digits(app):
    result = analyse(workbooks.persian_pfmea(), "fa.xlsx")
    rows = result["rows"]
    assert [r["values"]["failure_mode"] for r in rows] == ["نشتی", "ترک"]
    assert sod(rows[0]) == (8, 4, 2) and rows[1]["values"]["process_step"] == "جوشکاری"
    assert not result["problems"]


def test_mapping_overrides_and_field_columns(app):
    data = workbooks.data_centre_dfmea()
    result = analyse(data, "dc.xlsx", overrides={"Cooling DFMEA": {"G": "", "H": "remarks", "I": ""}})
    assert result["rows"][0]["values"]["remarks"] == "Facilities" and "prevention_control" not in result["rows"][0]["values"]
    result = analyse(data, "dc.xlsx", field_columns={"detection_control": "Mitigation"})
    assert result["rows"][0]["values"]["detection_control"] == "N+1 fans"
    with pytest.raises(ValueError, match="no column “Nope”"):
        analyse(data, "dc.xlsx", field_columns={"remarks": "Nope"})
    with pytest.raises(ValueError, match="Unknown field “colour”"):
        analyse(data, "dc.xlsx", field_columns={"colour": "G"})


def test_xls_with_merged_header_is_read(app):
    book = xlwt.Workbook()
    ws = book.add_sheet("PFMEA")
    ws.write_merge(0, 0, 0, 5, "POTENTIAL FAILURE MODE AND EFFECTS ANALYSIS")
    for col, title in enumerate(("Process Step", "Potential Failure Mode", "Sev", "Potential Cause(s)")):
        ws.write_merge(2, 3, col, col, title)
    ws.write_merge(2, 2, 4, 5, "Current Process Controls")
    ws.write(3, 4, "Prevention")
    ws.write(3, 5, "Occ")
    ws.write_merge(4, 5, 0, 0, "Brazing")
    ws.write_merge(4, 5, 1, 1, "Leak")
    ws.write_merge(4, 5, 2, 2, 8)
    ws.write(4, 3, "Short flame")
    ws.write(5, 3, "Low gas pressure")
    ws.write(4, 4, "Flame check")
    ws.write(4, 5, 4)
    ws.write(5, 5, 3)
    out = io.BytesIO()
    book.save(out)
    result = analyse(out.getvalue(), "old.xls")
    assert [(r["values"]["failure_cause"], sod(r)[:2]) for r in result["rows"]] == [("Short flame", (8, 4)), ("Low gas pressure", (8, 3))]
    assert result["sheets"][0]["header_rows"] == [3, 4]


def test_csv_and_unreadable_files(app):
    text = "Failure Mode,Potential Cause(s),SEV,OCC,DET\nLeak,Short flame,8,4,2\n,,,,\nPrepared by:,QA,,,\n"
    result = analyse(text.encode(), "plain.csv")
    assert [sod(r) for r in result["rows"]] == [(8, 4, 2)]
    assert [r["reason"] for r in result["left_out"]] == ["empty", "footer (signatures, approvals)"]
    with pytest.raises(ValueError, match="not an Excel workbook"):
        analyse(b"hello", "broken.xlsx")
    # Excel's other CSV encodings are detected (UTF-16, Windows-1252); binary data is refused with the message.
    utf16 = analyse("Failure Mode,Potential Cause(s),SEV\nLeak,Short flame,8\n".encode("utf-16"), "x.csv")
    assert [(r["values"]["failure_cause"], r["values"]["severity"]) for r in utf16["rows"]] == [("Short flame", 8)]
    latin = analyse("Failure Mode,Cause,SEV\nBruit fort é,Roulement usé,6\n".encode("cp1252"), "fr.csv")
    assert latin["rows"][0]["values"]["failure_mode"] == "Bruit fort é"
    with pytest.raises(ValueError, match="not UTF-8"):
        analyse(bytes(range(256)) * 8, "x.csv")


def test_scale_helpers():
    assert ratings.named("1-5")["mapping"] == {"1": 1, "2": 3, "3": 6, "4": 8, "5": 10}
    assert ratings.convert("35%", ratings.named("percent")) == 4 and ratings.convert(0, ratings.named("percent")) == 1
    assert ratings.convert("high", ratings.named("H/M/L")) == 10
    with pytest.raises(ValueError):
        ratings.convert("Z", ratings.named("A/B/C/D/E"))


def test_our_own_export_reads_back_exactly(team_project, db, login, client):
    from tests.fmea.test_excel import make_rows
    from workbench.fmea import services
    from workbench.fmea.models import ROW_FIELDS

    project, leader, _ = team_project
    make_rows(project, leader, db)
    login(leader)
    for lang in ("en", "fa"):
        leader.locale = lang
        db.session.commit()
        data = client.get(f"/projects/{project.id}/fmea.xlsx").data
        assert ("کارکرد" in str(analyse(data, "fmea.xlsx")["sheets"][0]["mapping"])) == (lang == "fa")
        result = analyse(data, "fmea.xlsx")
        (sheet,) = result["sheets"]
        assert sheet["own_export"] and not sheet["ignored"] and not result["problems"] and not result["left_out"]
        stored = services.row_dicts(services.document_of(project))
        assert len(result["rows"]) == len(stored)
        for read, row in zip(result["rows"], stored, strict=True):
            expected = {k: row[k] for k in ROW_FIELDS if k != "responsible_id"}
            assert {k: read["values"].get(k) for k in expected} == expected
            assert read["responsible"] == (leader.email if row["responsible_id"] else "")
        assert sheet["title_block"]["title"] == "Compressor noise"
