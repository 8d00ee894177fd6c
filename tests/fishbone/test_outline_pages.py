from workbench.fishbone import outline, services


def _fill(db, fishbone):
    project, leader, diagram = fishbone
    a = services.add_cause(diagram, leader, {"text": "Driver shortage", "category_id": diagram.categories[0].id})
    services.add_cause(diagram, leader, {"text": "Fixed shifts", "parent_id": a.id})
    b = services.add_cause(diagram, leader, {"text": "کمبود راننده", "category_id": diagram.categories[2].id})
    services.update_cause(b, leader, {"status": "suspected"})
    db.session.commit()
    return project, leader, diagram


def test_text_and_mermaid_outlines_import_back_into_a_new_diagram(db, client, login, fishbone, make_project):
    project, leader, diagram = _fill(db, fishbone)
    login(leader)
    listing = client.get(f"/projects/{project.id}/fishbone.txt").get_data(as_text=True)
    assert listing.splitlines()[:4] == ["Orders arrive late", "People", "  - Driver shortage", "    - Fixed shifts"]
    mermaid = client.get(f"/projects/{project.id}/fishbone.txt?style=mermaid").get_data(as_text=True)
    assert mermaid.splitlines()[:5] == ["ishikawa", "  Orders arrive late", "    People", "      Driver shortage", "        Fixed shifts"]
    for text in (listing, mermaid):
        from workbench.teams.models import Team

        other = make_project(team=db.session.get(Team, project.team_id), title="Copy")
        response = client.post(f"/projects/{other.id}/fishbone/import", data={"outline": text})
        assert response.status_code == 302
        copy = services.diagram_of(other)
        assert copy is not None
        style = "mermaid" if text.startswith("ishikawa") else "list"
        assert outline.export(copy, style) == text


def test_outline_errors_name_the_line_and_store_nothing(db, client, login, team_project):
    project, leader = team_project
    login(leader)
    response = client.post(f"/projects/{project.id}/fishbone/import", data={"outline": "Effect\n  - orphan cause\nPeople\n"}, follow_redirects=True)
    assert "Line 2" in response.get_data(as_text=True)
    assert services.diagram_of(project) is None


def test_page_start_categories_and_panel(db, client, login, team_project):
    project, leader = team_project
    login(leader)
    page = client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    assert "Start a new fishbone" in page
    client.post(f"/projects/{project.id}/fishbone/start", data={"template": "8p", "language": "en", "effect": "Late"})
    diagram = services.diagram_of(project)
    assert len(diagram.categories) == 8
    client.post(f"/projects/{project.id}/fishbone/categories", data={"name": "Weather"})
    db.session.expire_all()
    last = diagram.categories[-1]
    assert client.post(f"/fishbone/categories/{last.id}/up", data={"version": last.version}).status_code == 302
    db.session.expire_all()
    first, second = diagram.categories[:2]
    assert client.post(f"/fishbone/categories/{first.id}/rename", data={"name": "Goods", "version": first.version}).status_code == 302
    assert client.post(f"/fishbone/categories/{second.id}/remove", data={"version": second.version}).status_code == 302
    db.session.expire_all()
    names = [c.name for c in services.diagram_of(project).categories]
    assert names[0] == "Goods" and names[-2] == "Weather" and "Price" not in names and len(names) == 8
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Fishbone (Ishikawa)" in html and f"/projects/{project.id}/fishbone" in html


def test_print_view_and_downloads(db, client, login, fishbone):
    project, leader, diagram = _fill(db, fishbone)
    login(leader)
    html = client.get(f"/projects/{project.id}/fishbone/print?paper=a3").get_data(as_text=True)
    assert "size: A3 landscape" in html and "<svg" in html and "Driver shortage" in html
    response = client.get(f"/projects/{project.id}/fishbone.svg?download=1")
    assert "attachment" in response.headers["Content-Disposition"]


def test_persian_page_is_rtl(db, client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    html = client.get(f"/projects/{project.id}/fishbone?lang=fa").get_data(as_text=True)
    assert 'dir="rtl"' in html and 'data-dir="rtl"' in html
    assert "حالت جلسه" in html  # "Meeting mode" from the fishbone's Persian catalogue


def test_effect_form_conflict_shows_both_texts(db, client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    stale = diagram.version
    services.update_diagram(diagram, {"effect": "Orders arrive a week late"})
    db.session.commit()
    response = client.post(f"/projects/{project.id}/fishbone/effect", data={"effect": "Orders are lost", "version": stale}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Orders arrive a week late" in html and "Orders are lost" in html
    db.session.expire_all()
    assert services.diagram_of(project).effect == "Orders arrive a week late"


def test_cli_export_and_import(db, runner, fishbone, make_project, tmp_path):
    project, leader, diagram = _fill(db, fishbone)
    pdf, text = tmp_path / "f.pdf", tmp_path / "f.mmd"
    result = runner.invoke(args=["fishbone", "export", str(project.id), "--format", "pdf", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    assert runner.invoke(args=["fishbone", "export", str(project.id), "--format", "mermaid", "--out", str(text)]).exit_code == 0
    other = make_project(title="Imported")
    result = runner.invoke(args=["fishbone", "import", str(other.id), str(text)])
    assert result.exit_code == 0, result.output
    assert outline.export(services.diagram_of(other), "mermaid") == text.read_text()
    bad = tmp_path / "bad.txt"
    bad.write_text("Effect\n  - orphan\n")
    result = runner.invoke(args=["fishbone", "import", str(make_project(title="Bad").id), str(bad)])
    assert result.exit_code != 0 and "Line 2" in result.output


def test_api_outline_round_trip(db, client, login, fishbone, make_project):
    from workbench.teams.models import Team

    project, leader, diagram = _fill(db, fishbone)
    login(leader)
    text = client.get(f"/api/v1/projects/{project.id}/fishbone/outline?style=mermaid").get_json()["outline"]
    other = make_project(team=db.session.get(Team, project.team_id), title="Copy")
    response = client.post(f"/api/v1/projects/{other.id}/fishbone/import", json={"outline": text})
    assert response.status_code == 201
    assert [c["name"] for c in response.get_json()["categories"]][:3] == ["People", "Machine", "Method"]
    again = client.post(f"/api/v1/projects/{other.id}/fishbone/import", json={"outline": text})
    assert again.status_code == 400 and "already has a fishbone" in again.get_json()["message"]
    bad = client.post(f"/api/v1/projects/{make_project(team=db.session.get(Team, project.team_id), title='B').id}/fishbone/import",
                      json={"outline": "ishikawa\n  Effect\n    People\n      ok\n  - wrong"})
    assert bad.status_code == 400 and "Line 5" in bad.get_json()["message"]
