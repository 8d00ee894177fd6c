import re

from workbench.actions import trace


def _cause_and_row(db, project):
    """A real cause on the project's fishbone and a real row in its FMEA (links must be the project's own)."""
    from workbench.fishbone import services as fishbone
    from workbench.fmea import services as fmea

    diagram = fishbone.create_diagram(project, "6m", "en")
    db.session.flush()
    cause = fishbone.add_cause(diagram, None, {"category_id": diagram.categories[0].id, "text": "Worn seal"})
    row = fmea.create_row(project, {"failure_cause": "Worn seal", "cause_id": cause.id})
    db.session.commit()
    return cause.id, row.id


def test_trace_graph_links_complaints_project_causes_fmea_rows_and_actions(app, client, login, setup, add_action, db):
    login(setup["leader"])
    pid = setup["project"].id
    cause_id, row_id = _cause_and_row(db, setup["project"])
    action = add_action(setup["project"], setup["member"], title="<script>alert(1)</script> seal")
    assert client.patch_read(f"/api/v1/actions/{action['id']}", json={"cause_id": cause_id, "fmea_row_id": row_id}).status_code == 200
    add_action(setup["project"], setup["member"], title="Training")
    client.post(f"/api/v1/projects/{pid}/effectiveness", json={"criteria": "x", "actions_on": "2026-01-01", "check_date": "2026-03-01"})
    from datetime import date

    from sqlalchemy import insert

    from workbench.complaint_import.models import Complaint, Theme

    theme = Theme(name="late delivery")
    db.session.add(theme)
    db.session.flush()
    db.session.execute(insert(Complaint), [
        {"source": "crm", "external_id": f"T-{n}", "received_at": date(2026, 1, 10), "text": "late", "theme_id": theme.id}
        for n in range(3)
    ])
    db.session.commit()
    assert client.patch_read(f"/api/v1/projects/{pid}/lifecycle", json={"theme_id": theme.id}).status_code == 200
    assert client.patch_read(f"/api/v1/projects/{pid}/lifecycle", json={"theme_id": 424242}).status_code == 400
    assert client.get(f"/api/v1/projects/{pid}/lifecycle").get_json()["theme_id"] == theme.id
    graph = client.get(f"/api/v1/projects/{pid}/trace").get_json()
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("complaints:linked", f"theme:{theme.id}") in edges and (f"theme:{theme.id}", f"project:{pid}") in edges
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    assert labels["complaints:linked"] == "3 complaints" and labels[f"theme:{theme.id}"] == "Theme: late delivery"
    assert (f"project:{pid}", f"cause:{cause_id}") in edges and (f"cause:{cause_id}", f"fmea_row:{row_id}") in edges
    assert (f"fmea_row:{row_id}", f"action:{action['id']}") in edges
    assert (f"project:{pid}", f"action:{action['id'] + 1}") in edges
    page = client.get(f"/projects/{pid}/trace").get_data(as_text=True)
    assert f'href="/actions/{action["id"]}"' in page  # clickable
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    # Other packages name their nodes through the hook.
    trace.NODE_DESCRIBERS.replace(app, [lambda kind, ref: {"label": "Worn seal", "url": "/fishbone/7"} if kind == "cause" else None])
    page = client.get(f"/projects/{pid}/trace").get_data(as_text=True)
    assert "Worn seal" in page and 'href="/fishbone/7"' in page


def test_trace_of_another_team_is_404(client, login, setup):
    login(setup["outsider"])
    assert client.get(f"/api/v1/projects/{setup['project'].id}/trace").status_code == 404
    assert client.get(f"/projects/{setup['project'].id}/trace").status_code == 404


def test_from_a_complaint_back_to_its_projects(client, login, setup, owners, db, make_project, make_team):
    from datetime import date

    from sqlalchemy import insert

    from workbench.complaint_import.models import Complaint

    db.session.execute(insert(Complaint), [
        {"source": "crm", "external_id": "C-1", "received_at": date(2026, 1, 10), "text": "late again", "product": "W-7",
         "process_owner_id": owners["sales"].id, "category": "delivery_speed"},
        {"source": "crm", "external_id": "C-2", "received_at": date(2026, 1, 10), "text": "broken", "product": "G-5",
         "process_owner_id": owners["quality"].id, "category": "product_quality"},
    ])
    db.session.commit()
    other_team_project = make_project(team=db.session.get(type(setup["team"]), make_team().id), title="Hidden")
    from tests.linking import link_complaints

    link_complaints(db, setup["project"].id, ["C-1"])
    link_complaints(db, other_team_project.id, ["C-1"])
    db.session.commit()
    login(setup["leader"])
    late = client.get("/api/v1/trace/complaints/1").get_json()
    assert [p["title"] for p in late["projects"]] == ["Late deliveries"]  # the other team's project stays hidden
    assert client.get("/api/v1/trace/complaints/2").get_json()["projects"] == []
    page = client.get("/trace/complaints/1").get_data(as_text=True)
    assert "Late deliveries" in page and f"/projects/{setup['project'].id}/trace" in page
    assert client.get("/api/v1/trace/complaints/999").status_code == 404


def test_the_graph_flows_the_way_the_page_reads(client, login, setup, add_action, db):
    """Project → action left to right in English, right to left in Persian; its tooltip is the page's title."""
    login(setup["leader"])
    action = add_action(setup["project"], setup["member"], title="Seal check")
    for lang in ("en", "fa"):
        page = client.get(f"/projects/{setup['project'].id}/trace?lang={lang}").get_data(as_text=True)
        assert "%3" not in page
        xs = {}
        for label, points in re.findall(r'xlink:title="([^"]*)"[^>]*>\s*<(?:polygon|ellipse)[^>]*?(?:points|cx)="([-0-9.]+)', page):
            xs[label] = float(points)
        project_x, action_x = xs["Late deliveries"], xs[action["title"]]
        assert (project_x < action_x) == (lang == "en"), (lang, xs)
