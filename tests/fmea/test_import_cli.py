"""``flask import-fmea``: sheets found, mapping, rows imported and skipped with reasons; dry run; all or nothing."""

from tests.fmea import workbooks
from workbench.fmea import services


def _write(tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def stored(project):
    return services.row_dicts(services.document_of(project))


def test_dry_run_prints_sheets_mapping_and_problems_and_writes_nothing(runner, team_project, tmp_path):
    project, _leader, _ = team_project
    path = _write(tmp_path, workbooks.aiag4_pfmea(), "hinge.xlsx")
    result = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. PFMEA: FMEA table, 20 rows, header rows 7-8 (chosen)" in out
    assert "C  Potential Failure Mode -> failure_mode (exact)" in out and "E  S e v -> severity (exact)" in out
    assert "P  Action Results / Sev -> revised_severity" in out
    assert "Rows: 7 good, 1 bad, 4 left out." in out
    assert "[error] sheet “PFMEA”, row 16, column I, Occurrence (O): value “12”" in out
    assert "[warning] sheet “PFMEA”, row 17, column L, RPN: value “30” The sheet's RPN is 30; S × O × D gives 32" in out
    assert "sheet “PFMEA”, row 19: footer (signatures, approvals)" in out
    assert "Title block: title: Door hinge assembly" in out
    assert "Dry run: nothing imported." in out
    assert services.document_of(project) is None or stored(project) == []


def test_bad_rows_refuse_everything_unless_skipped(runner, team_project, tmp_path, db):
    project, _leader, _ = team_project
    path = _write(tmp_path, workbooks.aiag4_pfmea(), "hinge.xlsx")
    refused = runner.invoke(args=["import-fmea", path, "--project", str(project.id)])
    assert refused.exit_code == 1 and "1 rows have problems: nothing was imported" in refused.output
    assert services.document_of(project) is None or stored(project) == []
    done = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--skip-bad-rows"])
    assert done.exit_code == 0, done.output
    assert "Imported 7 rows into project" in done.output
    assert "skipped sheet “PFMEA”, row 16: Occurrence (O) must be between 1 and 10" in done.output
    rows = stored(project)
    assert [(r["failure_cause"], r["severity"], r["occurrence"], r["detection"]) for r in rows][:2] == [
        ("Worn punch", 7, 4, 5), ("Wrong punch fitted", 7, 2, 4)]
    assert rows[0]["revised_occurrence"] == 2 and rows[0]["rpn"] == 140
    # "A. Rahimi 2026-02-01" is no user: kept in the remarks, not lost.
    assert "Responsible: A. Rahimi 2026-02-01" in rows[0]["remarks"]
    document = services.document_of(project)
    assert document.title == "Door hinge assembly" and document.customer == "Acme Motors" and str(document.start_date) == "2025-11-02"


def test_sheets_map_and_scale_options(runner, team_project, tmp_path):
    project, _leader, _ = team_project
    path = _write(tmp_path, workbooks.other_scales(), "scales.xlsx")
    result = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--sheet", "Reaction wheel",
                                 "--scale", "occurrence=A:9,B:7,C:5,D:3,E:1", "--map", "remarks=Detection method"])
    assert result.exit_code == 0, result.output
    assert "severity on the 1-6 scale (the title says 1-6), converted: 1->1, 2->3, 3->5, 4->6, 5->8, 6->10" in result.output
    assert "Infusion pump DFMEA: FMEA table" in result.output and "(not chosen)" in result.output
    rows = stored(project)
    assert [(r["failure_mode"], r["severity"], r["occurrence"], r["remarks"]) for r in rows][:2] == [
        ("Bearing seizure", 10, 5, "Vibration test"), ("Encoder drift", 5, 7, "Telemetry trend")]
    bad = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--sheet", "Nope"])
    assert bad.exit_code == 1 and "No sheet “Nope”; the sheets are: Infusion pump DFMEA" in bad.output
    bad = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--map", "colour=B"])
    assert bad.exit_code == 1 and "Unknown field “colour”" in bad.output
    bad = runner.invoke(args=["import-fmea", path, "--project", str(project.id), "--map", "colour"])
    assert bad.exit_code == 2 and "is not FIELD=VALUE" in bad.output


def test_frozen_project_and_foreign_files_refuse(runner, team_project, tmp_path, db):
    project, _leader, _ = team_project
    path = _write(tmp_path, workbooks.three_products(), "plant.xlsx")
    project.stage = "closed"
    db.session.commit()
    result = runner.invoke(args=["import-fmea", path, "--project", str(project.id)])
    assert result.exit_code == 1 and "read-only" in result.output
    assert services.document_of(project) is None
    text = _write(tmp_path, b"hello", "notes.txt")
    result = runner.invoke(args=["import-fmea", text, "--project", str(project.id)])
    assert result.exit_code == 1 and "Send an Excel workbook (.xlsx, .xls) or a CSV file." in result.output
    fake = _write(tmp_path, b"not a workbook at all", "fake.xls")
    result = runner.invoke(args=["import-fmea", fake, "--project", str(project.id)])
    assert result.exit_code == 1 and "is not a real XLS file" in result.output


def test_our_own_export_imports_back_unchanged_in_both_languages(runner, team_project, db, login, client, make_project, tmp_path):
    from tests.fmea.test_excel import comparable, make_rows

    project, leader, _ = team_project
    make_rows(project, leader, db)
    services.save_header(services.document_of(project), {"customer": "Retail customers", "company": "Sarma Co.", "start_date": "2026-01-10"})
    db.session.commit()
    login(leader)
    before = comparable(stored(project))
    for lang in ("en", "fa"):
        leader.locale = lang
        db.session.commit()
        data = client.get(f"/projects/{project.id}/fmea.xlsx").data
        target = make_project(team=project.team, title=f"Copy {lang}")
        result = runner.invoke(args=["import-fmea", _write(tmp_path, data, f"fmea-{lang}.xlsx"), "--project", str(target.id)])
        assert result.exit_code == 0, result.output
        assert "Imported 3 rows" in result.output and "Rows: 3 good, 0 bad, 0 left out." in result.output
        # Everything but the link to the first project's fishbone cause, which stays with that project (said as a warning).
        assert "Fishbone cause" in result.output and "is not on this project's fishbone" in result.output
        assert comparable(stored(target)) == [{**row, "cause_id": None} for row in before]
        copy = services.document_of(target)
        assert (copy.title, copy.customer, copy.company, str(copy.start_date)) == ("Compressor noise", "Retail customers", "Sarma Co.", "2026-01-10")


def test_sheets_in_one_fmea_stay_apart_and_side_values_never_cost_a_row(runner, team_project, tmp_path):
    project, _leader, _ = team_project
    result = runner.invoke(args=["import-fmea", _write(tmp_path, workbooks.three_products(), "plant.xlsx"), "--project", str(project.id)])
    assert result.exit_code == 0, result.output
    rows = stored(project)
    assert len(rows) == 66 and [r["process_item"] for r in rows[::22]] == ["Washer W1", "Washer W2", "Dryer D1"]

    wb = workbooks.Workbook()
    ws = wb.active
    ws.append(["Failure Mode", "Cause", "S", "O", "D", "Target Date", "Status", "Remarks"])
    ws.append(["Leak", "Short flame", 8, 4, 2, "Q3 2026", "Waiting for budget", "Seen twice"])
    ws.append(["Crack", "Gas pressure", 6, 3, 7, "2026-09-30", "open", ""])
    result = runner.invoke(args=["import-fmea", _write(tmp_path, workbooks.save(wb), "dates.xlsx"), "--project", str(project.id)])
    assert result.exit_code == 0, result.output
    assert "Rows: 2 good, 0 bad, 0 left out." in result.output
    assert "[warning] sheet “Sheet”, row 2, column F, Target date: value “Q3 2026”" in result.output and "Kept in the remarks." in result.output
    leak, crack = stored(project)[-2:]
    assert (leak["severity"], leak["target_date"], leak["action_status"]) == (8, None, "open")
    assert leak["remarks"] == "Seen twice\nTarget date: Q3 2026\nStatus: Waiting for budget"
    assert str(crack["target_date"]) == "2026-09-30" and crack["remarks"] == ""
