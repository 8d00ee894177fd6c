"""The FMEA grid's responsible-person picker: the page carries a few people, the search finds the rest
as the FMEA may name them, for those who may edit it, and never too many."""

import json

from sqlalchemy import select

from workbench.fmea import people, services
from workbench.fmea.models import FmeaDocument
from workbench.models import User


def _found(response) -> list[str]:
    assert response.status_code == 200
    return [item["text"] for item in response.get_json()["results"]]


def _page_people(client, url) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    data = json.loads(page.split('id="fmea-data"')[1].split(">", 1)[1].split("</script>")[0])
    return [name for _id, name in data["people"]]


def test_project_fmea_finds_the_team_and_managers_only(client, login, make_user, make_team, make_project, db):
    leader, mate = make_user(name="Leila"), make_user(name="Parisa Mate")
    make_user(name="Parisa Stranger")
    make_user(name="Parisa Manager", role="quality_manager")
    gone = make_user(name="Parisa Gone", role="quality_manager")
    gone.active = False
    project = make_project(team=make_team(members=[leader, mate]))
    db.session.commit()
    url = f"/projects/{project.id}/fmea/people.json"
    login(leader)
    assert _found(client.get(url + "?q=PARISA")) == ["Parisa Manager", "Parisa Mate"]
    assert _found(client.get(url + "?q=")) == [] and _found(client.get(url + "?q=%25_")) == []
    client.post("/logout")
    login(make_user(name="Outsider"))  # not on the team: the FMEA is not theirs to edit
    assert client.get(url + "?q=parisa").status_code in (403, 404)
    client.post("/logout")
    login(make_user(role="viewer"))
    assert client.get(url + "?q=parisa").status_code in (403, 404)


def test_standalone_fmea_finds_anyone_active_twenty_at_most_and_the_page_carries_few(client, login, make_user, owners, db):
    manager = make_user(role="quality_manager", name="Mina Manager")
    for n in range(people.INLINE_PEOPLE + 10):
        make_user(name=f"Reza {n:02d}")
    document = FmeaDocument(project_id=None, process_owner_id=owners["production"].id, kind="process", title="Line 2")
    db.session.add(document)
    db.session.commit()
    login(manager)
    found = _found(client.get(f"/fmea/{document.id}/people.json?q=reza"))
    assert len(found) == people.SEARCH_LIMIT == 20 and found[0] == "Reza 00"
    names = _page_people(client, f"/fmea/{document.id}")
    assert len(names) == people.INLINE_PEOPLE and "Reza 59" not in names
    # A person a row names is always on the page, however far down the list.
    last = db.session.scalar(select(User).where(User.name == "Reza 59"))
    services.add_row(document, None, {"failure_mode": "Gasket not seated", "responsible_id": last.id})
    db.session.commit()
    assert "Reza 59" in _page_people(client, f"/fmea/{document.id}")
