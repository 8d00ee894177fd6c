from workbench.fishbone import services


def _tree(client, project_id):
    response = client.get(f"/api/v1/projects/{project_id}/fishbone")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _version(client, cause) -> int:
    """The cause's version as a client reads it before an edit."""
    return client.get(f"/api/v1/causes/{cause['id']}").get_json()["version"]


def test_start_from_template_and_read_effect_categories_and_tree(client, login, team_project):
    project, leader = team_project
    login(leader)
    assert client.get(f"/api/v1/projects/{project.id}/fishbone").status_code == 404
    response = client.post(f"/api/v1/projects/{project.id}/fishbone", json={"template": "6m", "language": "en"})
    assert response.status_code == 201
    body = _tree(client, project.id)
    assert body["effect"] == "Orders arrive late"
    assert [c["name"] for c in body["categories"]] == ["People", "Machine", "Method", "Material", "Measurement", "Environment"]
    assert all(isinstance(c["id"], int) for c in body["categories"])


def test_persian_template_names(client, login, team_project):
    project, leader = team_project
    login(leader)
    client.post(f"/api/v1/projects/{project.id}/fishbone", json={"template": "4s", "language": "fa"})
    assert [c["name"] for c in _tree(client, project.id)["categories"]] == ["محیط پیرامون", "تأمین‌کنندگان", "سیستم‌ها", "مهارت‌ها"]


def test_causes_nest_to_any_depth(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    people = diagram.categories[0].id
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    parent = None
    for level in range(5):
        response = client.post(url, json={"text": f"level {level}", "category_id": people, "parent_id": parent})
        assert response.status_code == 201, response.get_json()
        parent = response.get_json()["id"]
    node = _tree(client, project.id)["categories"][0]["causes"][0]
    depth = 0
    while node["children"]:
        node = node["children"][0]
        depth += 1
    assert depth == 4 and node["text"] == "level 4"


def test_add_after_sibling_keeps_order(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    cat = diagram.categories[2].id
    a = client.post(url, json={"text": "A", "category_id": cat}).get_json()["id"]
    client.post(url, json={"text": "C", "category_id": cat})
    client.post(url, json={"text": "B", "category_id": cat, "after_id": a})
    assert [c["text"] for c in _tree(client, project.id)["categories"][2]["causes"]] == ["A", "B", "C"]


def test_bad_input_names_the_field(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    response = client.post(url, json={"text": "x", "category_id": 99999})
    assert response.status_code == 400 and "category_id" in response.get_json()["errors"]
    response = client.post(url, json={"text": "  ", "category_id": diagram.categories[0].id})
    assert response.status_code == 400 and "text" in response.get_json()["errors"]


def test_stale_version_answers_409_with_both_texts(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Driver shortage", "category_id": diagram.categories[0].id}).get_json()
    first = client.patch(f"/api/v1/causes/{cause['id']}", json={"text": "Too few drivers", "version": cause["version"]})
    assert first.status_code == 200
    second = client.patch(f"/api/v1/causes/{cause['id']}", json={"text": "Drivers quit", "version": cause["version"]})
    assert second.status_code == 409
    body = second.get_json()
    assert body["current"]["text"] == "Too few drivers"
    assert body["submitted"]["text"] == "Drivers quit"
    assert _tree(client, project.id)["categories"][0]["causes"][0]["text"] == "Too few drivers"


def test_move_nest_unnest_and_no_cycles(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    cat = diagram.categories[0].id
    a = client.post(url, json={"text": "A", "category_id": cat}).get_json()
    b = client.post(url, json={"text": "B", "category_id": cat}).get_json()
    nested = client.patch(f"/api/v1/causes/{b['id']}", json={"parent_id": a["id"], "version": b["version"]})
    assert nested.status_code == 200
    assert _tree(client, project.id)["categories"][0]["causes"][0]["children"][0]["text"] == "B"
    cycle = client.patch_read(f"/api/v1/causes/{a['id']}", json={"parent_id": b["id"]})
    assert cycle.status_code == 400 and "parent_id" in cycle.get_json()["errors"]
    out = client.patch_read(f"/api/v1/causes/{b['id']}", json={"parent_id": None, "position": 0})
    assert out.status_code == 200
    assert [c["text"] for c in _tree(client, project.id)["categories"][0]["causes"]] == ["B", "A"]
    other = diagram.categories[3].id
    client.patch_read(f"/api/v1/causes/{a['id']}", json={"category_id": other})
    assert [c["text"] for c in _tree(client, project.id)["categories"][3]["causes"]] == ["A"]


def test_delete_takes_sub_causes(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    a = client.post(url, json={"text": "A", "category_id": diagram.categories[0].id}).get_json()
    client.post(url, json={"text": "A1", "category_id": diagram.categories[0].id, "parent_id": a["id"]})
    assert client.delete(f"/api/v1/causes/{a['id']}").status_code == 200
    assert _tree(client, project.id)["categories"][0]["causes"] == []


def test_custom_categories_any_number_rename_reorder_remove(client, login, team_project):
    project, leader = team_project
    login(leader)
    client.post(f"/api/v1/projects/{project.id}/fishbone", json={"template": "custom"})
    ids = [client.post(f"/api/v1/projects/{project.id}/fishbone/categories", json={"name": f"Bone {n}"}).get_json()["id"] for n in range(9)]
    assert len(_tree(client, project.id)["categories"]) == 9
    assert client.patch(f"/api/v1/fishbone/categories/{ids[8]}", json={"name": "Suppliers", "position": 0, "version": 1}).status_code == 200
    assert client.delete(f"/api/v1/fishbone/categories/{ids[0]}").status_code == 200
    names = [c["name"] for c in _tree(client, project.id)["categories"]]
    assert names[0] == "Suppliers" and "Bone 0" not in names and len(names) == 8


def test_changes_endpoint_reports_new_revisions(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    rev = client.get(f"/api/v1/projects/{project.id}/fishbone/changes").get_json()["revision"]
    assert client.get(f"/api/v1/projects/{project.id}/fishbone/changes?since={rev}").get_json()["changed"] is False
    client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "New", "category_id": diagram.categories[0].id})
    after = client.get(f"/api/v1/projects/{project.id}/fishbone/changes?since={rev}").get_json()
    assert after["changed"] is True and after["revision"] > rev


def test_other_team_gets_404_and_viewer_gets_403(app, db, client, login, make_user, fishbone):
    project, leader, diagram = fishbone
    outsider = make_user()
    login(outsider)
    assert client.get(f"/api/v1/projects/{project.id}/fishbone").status_code == 404
    assert client.get(f"/projects/{project.id}/fishbone.svg").status_code == 404
    assert client.get(f"/projects/{project.id}/fishbone").status_code == 404
    viewer_client = app.test_client()
    viewer = make_user(role="viewer")
    viewer_client.post("/login", data={"email": viewer.email, "password": "correct horse battery"})
    assert viewer_client.get(f"/api/v1/projects/{project.id}/fishbone").status_code == 200
    response = viewer_client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "x", "category_id": diagram.categories[0].id})
    assert response.status_code == 403
    cause = services.add_cause(diagram, leader, {"text": "Mine", "category_id": diagram.categories[0].id})
    db.session.commit()
    assert viewer_client.patch(f"/api/v1/causes/{cause.id}", json={"text": "Viewer edit"}).status_code == 403
    assert viewer_client.get(f"/projects/{project.id}/fishbone.pdf").status_code == 200
    for method, url in (("PATCH", f"/api/v1/causes/{cause.id}"), ("DELETE", f"/api/v1/causes/{cause.id}"),
                        ("POST", f"/api/v1/causes/{cause.id}/votes"), ("GET", f"/api/v1/causes/{cause.id}"),
                        ("PATCH", f"/api/v1/fishbone/categories/{diagram.categories[0].id}"),
                        ("GET", f"/projects/{project.id}/fishbone.txt"), ("GET", f"/projects/{project.id}/fishbone/print")):
        assert client.open(url, method=method, json={"text": "outsider"} if method != "GET" else None).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(type(cause), cause.id).text == "Mine"


def test_evidence_files_follow_the_team_rule(app, db, client, login, make_user, fishbone, tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    from workbench.fishbone import evidence

    project, leader, diagram = fishbone
    app.config["FISHBONE_UPLOAD_FOLDER"] = str(tmp_path)
    cause = services.add_cause(diagram, leader, {"text": "A", "category_id": diagram.categories[0].id})
    item = evidence.add_evidence(cause, leader, {"kind": "file"}, FileStorage(io.BytesIO(b"secret"), "m.csv"))
    db.session.commit()
    login(make_user())
    assert client.get(f"/fishbone/evidence/{item.id}/file").status_code == 404
    assert client.delete(f"/api/v1/fishbone/evidence/{item.id}").status_code == 404


def test_dot_voting_caps_votes_per_member_per_round(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "A", "category_id": diagram.categories[0].id}).get_json()
    assert client.post(f"/api/v1/causes/{cause['id']}/votes").status_code == 400  # no round open
    assert client.post(f"/api/v1/projects/{project.id}/fishbone/vote-sessions", json={"votes_per_member": 2}).status_code == 201
    assert client.post(f"/api/v1/causes/{cause['id']}/votes").get_json()["left"] == 1
    assert client.post(f"/api/v1/causes/{cause['id']}/votes").get_json()["left"] == 0
    third = client.post(f"/api/v1/causes/{cause['id']}/votes")
    assert third.status_code == 400 and "2" in third.get_json()["message"]
    body = _tree(client, project.id)
    assert body["categories"][0]["causes"][0]["votes"] == 2 and body["voting"]["left"] == 0
    assert client.delete(f"/api/v1/causes/{cause['id']}/votes").get_json()["left"] == 1
    client.post(f"/api/v1/projects/{project.id}/fishbone/vote-sessions", json={"votes_per_member": 5})
    body = _tree(client, project.id)
    assert body["voting"]["left"] == 5 and body["categories"][0]["causes"][0]["votes"] == 0


def test_verified_needs_evidence_and_is_listed_for_the_fmea(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Manual order entry", "category_id": diagram.categories[2].id}).get_json()
    assert client.patch_read(f"/api/v1/causes/{cause['id']}", json={"status": "verified"}).status_code == 400
    assert client.post(f"/api/v1/causes/{cause['id']}/verify", json={"version": _version(client, cause)}).status_code == 400
    assert client.patch_read(f"/api/v1/causes/{cause['id']}", json={"status": "suspected"}).get_json()["status"] == "suspected"
    response = client.post(f"/api/v1/causes/{cause['id']}/verify", json={"evidence": "28 of 40 late orders had entry errors", "version": _version(client, cause)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "verified"
    assert [e["text"] for e in body["evidence"] if e["verifies"]] == ["28 of 40 late orders had entry errors"]
    assert services.verified_root_causes(project.id) == [{"id": cause["id"], "text": "Manual order entry", "category": "Method"}]


def test_five_whys_chain(client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Late", "category_id": diagram.categories[0].id}).get_json()
    response = client.post(f"/api/v1/causes/{cause['id']}/whys", json={"whys": ["w1", "w2", "w3", "w4", "w5"]})
    assert response.status_code == 201
    node = _tree(client, project.id)["categories"][0]["causes"][0]
    chain = []
    while node["children"]:
        node = node["children"][0]
        chain.append((node["text"], node["is_why"]))
    assert chain == [(f"w{n}", True) for n in range(1, 6)]


def test_evidence_link_complaint_and_file_with_size_limit(app, client, login, fishbone, tmp_path):
    import io

    project, leader, diagram = fishbone
    login(leader)
    app.config["EVIDENCE_LIMIT_MB"] = 0.001
    app.config["FISHBONE_UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "A", "category_id": diagram.categories[0].id}).get_json()
    url = f"/api/v1/causes/{cause['id']}/evidence"
    assert client.post(url, json={"kind": "link", "url": "javascript:alert(1)"}).status_code == 400
    assert client.post(url, json={"kind": "link", "url": "https://intranet.example/report"}).status_code == 201
    assert client.post(url, json={"kind": "complaint", "complaint_id": "#412"}).get_json()["complaint_id"] == 412
    too_big = client.post(url, data={"kind": "file", "file": (io.BytesIO(b"x" * 2000), "big.csv")}, content_type="multipart/form-data")
    assert too_big.status_code == 400 and "big.csv" in too_big.get_json()["errors"]["file"]
    stored = client.post(url, data={"kind": "file", "file": (io.BytesIO(b"measured,42\n"), "../../etc/measure.csv")}, content_type="multipart/form-data")
    assert stored.status_code == 201
    item = stored.get_json()
    assert item["file_name"] == "measure.csv"
    assert [f.read_bytes() for f in (tmp_path / "uploads").iterdir()] == [b"measured,42\n"]
    download = client.get(f"/fishbone/evidence/{item['id']}/file")
    assert download.data == b"measured,42\n" and "attachment" in download.headers["Content-Disposition"]
    download.close()
    detail = client.get(f"/api/v1/causes/{cause['id']}").get_json()
    assert {e["kind"] for e in detail["evidence"]} == {"link", "complaint", "file"}
    assert client.delete(f"/api/v1/fishbone/evidence/{item['id']}").status_code == 200
    assert list((tmp_path / "uploads").iterdir()) == []
    assert client.get(f"/fishbone/evidence/{item['id']}/file").status_code == 404


def test_root_cause_sink_button_and_send(app, client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Manual entry", "category_id": diagram.categories[2].id}).get_json()
    client.post(f"/api/v1/causes/{cause['id']}/verify", json={"evidence": "sampled", "version": _version(client, cause)})
    services.ROOT_CAUSE_SINKS.replace(app, [])  # as if no FMEA were installed
    assert "fb-send-fmea" not in client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    assert client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes").status_code == 404
    received = []
    services.ROOT_CAUSE_SINKS.replace(app, [lambda p, causes, user: received.extend(causes) or len(causes)])
    assert "fb-send-fmea" in client.get(f"/projects/{project.id}/fishbone").get_data(as_text=True)
    response = client.post(f"/api/v1/projects/{project.id}/fishbone/send-root-causes")
    assert response.get_json() == {"sent": 1}
    assert received == [{"id": cause["id"], "text": "Manual entry", "category": "Method"}]


def test_cause_link_sources_show_the_other_side(app, client, login, fishbone):
    project, leader, diagram = fishbone
    login(leader)
    cause = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "A", "category_id": diagram.categories[0].id}).get_json()
    assert client.get(f"/api/v1/causes/{cause['id']}").get_json()["links"] == []
    services.CAUSE_LINK_SOURCES.replace(app, [lambda pid, ids: {i: [{"label": "FMEA row 7", "url": "/fmea/7"}] for i in ids}])
    assert client.get(f"/api/v1/causes/{cause['id']}").get_json()["links"] == [{"label": "FMEA row 7", "url": "/fmea/7"}]


# What adding a cause may ask the database, with the revisions in Redis as ``make serve`` runs (the
# statements on ``live_revisions`` are the no-Redis store's): the signed-in user, the project and the
# user's teams (access), the diagram, the category, the last position on the bone, the cause, its
# audit rows, and the diagram's revision (an UPDATE that returns the new value). Nothing is read
# again after the commit.
ADD_CAUSE_STATEMENTS = 9


def test_adding_a_cause_asks_the_database_no_more_than_it_must(app, db, client, login, fishbone):
    from sqlalchemy import event

    project, leader, diagram = fishbone
    login(leader)
    url = f"/api/v1/projects/{project.id}/fishbone/causes"
    bone = diagram.categories[1].id
    assert client.post(url, json={"text": "Driver shortage", "category_id": bone}).status_code == 201
    statements = []
    listener = lambda _conn, _cursor, statement, *_rest: statements.append(" ".join(statement.split()))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        added = client.post(url, json={"text": "Forklift broken", "category_id": bone})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert added.status_code == 201
    counted = [s for s in statements if "live_revisions" not in s]
    assert len(counted) <= ADD_CAUSE_STATEMENTS, "\n".join(counted)
    # The answer is what the team then sees: the new cause after the first, and the diagram's revision now.
    answer = added.get_json()
    assert answer["text"] == "Forklift broken" and answer["category_id"] == bone and answer["version"] == 1
    assert answer["revision"] == client.get(f"/api/v1/projects/{project.id}/fishbone/changes").get_json()["revision"]
    shown = _tree(client, project.id)["categories"][1]["causes"]
    assert [(c["id"], c["text"]) for c in shown] == [(shown[0]["id"], "Driver shortage"), (answer["id"], "Forklift broken")]
    assert answer["position"] == 1


def test_a_cause_added_to_a_closed_project_is_refused_and_not_written(app, db, client, login, fishbone):
    from workbench.fishbone.models import FishboneCause

    project, leader, diagram = fishbone
    project.stage = "closed"
    db.session.commit()
    login(leader)
    refused = client.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Late", "category_id": diagram.categories[0].id})
    assert refused.status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(FishboneCause)) == 0
