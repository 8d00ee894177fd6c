"""Pages asked again with If-None-Match: 304 only while nothing they show changed, and only for their reader."""

import csv
import re

import pytest
from sqlalchemy import event, select

from tests.conftest import TEST_PASSWORD
from workbench.complaint_import.importer import ImportOptions, run_import
from workbench.complaint_import.models import Complaint
from workbench.revalidation import writes_shown_table

PAGES = ("/dashboard", "/complaints", "/complaints/analysis", "/projects/{id}", "/projects/{id}/fmea")


def _client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _again(client, url, response):
    """Ask for ``url`` again as a browser holding ``response`` does (with its ETag)."""
    etag = response.headers.get("ETag")
    assert etag, f"{url} carries no ETag"
    return client.get(url, headers={"If-None-Match": etag})


@pytest.fixture
def org(db, app, make_user, make_team, make_project, owners, tmp_path):
    """A team's project with an FMEA row, a viewer, a quality manager and a dozen imported complaints."""
    members = [make_user(name=f"Member {n}") for n in range(3)]
    project = make_project(team=make_team(members=members), title="Late deliveries")
    path = tmp_path / "complaints.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "date", "text", "channel", "product"])
        for n in range(12):
            writer.writerow([f"C{n}", f"2024-0{1 + n % 3}-1{n % 9}", "Order delivered three weeks late", "web", "Fridge"])
    run_import(str(path), path.name, ImportOptions(source="crm"))
    db.session.commit()
    return {
        "project": project, "member": members[0],
        "viewer": make_user(name="Viewer", role="viewer"),
        "viewer_fa": make_user(name="Viewer two", role="viewer", locale="fa"),
        "manager": make_user(name="Manager", role="quality_manager"),
    }


@pytest.mark.parametrize("page", PAGES)
def test_unchanged_page_is_answered_304_without_its_sql(app, db, org, page):
    url = page.format(id=org["project"].id)
    viewer = _client(app, org["viewer"])
    first = viewer.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    statements = []
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        again = _again(viewer, url, first)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert again.status_code == 304 and again.data == b""
    # Only who is asking (the user's row) and the revisions (without Redis, from their table) are read.
    tables = {re.search(r"FROM (\w+)", s).group(1) for s in statements}
    assert tables <= {"users", "live_revisions"}, statements
    assert len(statements) <= 3, statements


def test_a_change_by_someone_else_is_shown_at_the_next_revalidation(app, db, org):
    project = org["project"]
    viewer, member, manager = _client(app, org["viewer"]), _client(app, org["member"]), _client(app, org["manager"])
    pages = {url: viewer.get(url) for url in (p.format(id=project.id) for p in PAGES)}

    # The project's title (project page, FMEA page), through the API as its team member.
    version = member.get(f"/api/v1/projects/{project.id}").get_json()["version"]
    assert member.patch(f"/api/v1/projects/{project.id}", json={"title": "Late deliveries in the north", "version": version}).status_code == 200
    for url in (f"/projects/{project.id}", f"/projects/{project.id}/fmea"):
        again = _again(viewer, url, pages[url])
        assert again.status_code == 200 and "Late deliveries in the north" in again.get_data(as_text=True)
        pages[url] = again

    # A complaint confirmed in another category (complaint list) by the quality manager's page form.
    complaint = db.session.scalars(select(Complaint).where(Complaint.external_id == "C0")).one()
    assert "<td>Price</td>" not in pages["/complaints"].get_data(as_text=True)
    answer = manager.post(f"/complaints/{complaint.id}/label", data={"category": "price", "version": complaint.version})
    assert answer.status_code == 302
    again = _again(viewer, "/complaints", pages["/complaints"])
    assert again.status_code == 200 and "<td>Price</td>" in again.get_data(as_text=True)

    # More complaints imported (complaint list, Pareto): the import's bulk insert counts as a change.
    path = app.config["UPLOAD_STAGING_FOLDER"] + ".csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["id", "date", "text"], ["N1", "2024-02-01", "Nobody answers the support hotline"]])
    outcome = run_import(path, "more.csv", ImportOptions(source="crm"))
    assert outcome.committed and outcome.new == 1, outcome
    db.session.commit()
    listed = _again(viewer, "/complaints", again)
    assert listed.status_code == 200 and "(13)" in listed.get_data(as_text=True)
    pareto = _again(viewer, "/complaints/analysis", pages["/complaints/analysis"])
    assert pareto.status_code == 200 and pareto.get_data(as_text=True) != pages["/complaints/analysis"].get_data(as_text=True)

    # A new project of the team (dashboard: projects by stage).
    before = pages["/dashboard"]
    assert member.post("/api/v1/projects", json={"title": "Second project", "team_id": project.team_id, "process_owner": "sales"}).status_code == 201
    again = _again(viewer, "/dashboard", before)
    assert again.status_code == 200 and again.headers["ETag"] != before.headers["ETag"]


def test_a_fishbone_cause_changes_the_project_page(app, db, org):
    project = org["project"]
    viewer, member = _client(app, org["viewer"]), _client(app, org["member"])
    assert member.post(f"/projects/{project.id}/fishbone/start", data={"template": "6m", "language": "en"}).status_code == 302
    first = viewer.get(f"/projects/{project.id}")
    categories = member.get(f"/api/v1/projects/{project.id}/fishbone").get_json()["categories"]
    added = member.post(f"/api/v1/projects/{project.id}/fishbone/causes", json={"text": "Driver shortage", "category_id": categories[0]["id"]})
    assert added.status_code == 201
    again = _again(viewer, f"/projects/{project.id}", first)
    assert again.status_code == 200 and again.get_data(as_text=True) != first.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_another_reader_or_language_never_gets_a_304(app, org, page):
    url = page.format(id=org["project"].id)
    viewer = _client(app, org["viewer"])
    mine = viewer.get(url)
    other = _again(_client(app, org["viewer_fa"]), url, mine)
    assert other.status_code == 200 and 'lang="fa"' in other.get_data(as_text=True)
    assert other.headers["ETag"] != mine.headers["ETag"]
    # The same reader in the other language (chosen on another page) is answered the Persian page.
    assert viewer.get("/?lang=fa").status_code == 200
    switched = _again(viewer, url, mine)
    assert switched.status_code == 200 and 'lang="fa"' in switched.get_data(as_text=True)
    # A new sign-in of the same reader (a new session and CSRF token in the page's forms) is answered in full.
    assert _again(_client(app, org["viewer"]), url, switched).status_code == 200


def test_a_page_showing_a_message_is_never_answered_from_the_cache(app, db, org):
    project = org["project"]
    member = _client(app, org["member"])
    url = f"/projects/{project.id}"
    plain = member.get(url)
    # The edit form flashes "Saved." on the project page it redirects to.
    form = member.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    saved = member.post(f"/projects/{project.id}/edit", data={
        "title": project.title, "problem_statement": "Orders arrive late", "team_id": project.team_id,
        "process_owner": "sales", "version": version})
    assert saved.status_code == 302
    with_message = member.get(url, headers={"If-None-Match": plain.headers["ETag"]})
    assert with_message.status_code == 200 and "Saved." in with_message.get_data(as_text=True)
    assert "ETag" not in with_message.headers
    after = member.get(url)
    assert after.status_code == 200 and "Saved." not in after.get_data(as_text=True) and after.headers["ETag"]


def test_only_writes_to_shown_tables_move_the_data_revision():
    assert writes_shown_table("INSERT INTO complaints (id, text) VALUES (%(id)s, %(text)s)")
    assert writes_shown_table('UPDATE "projects" SET title=? WHERE projects.id = ? AND projects.version = ?')
    assert writes_shown_table("DELETE FROM team_memberships WHERE team_memberships.id = ?")
    assert writes_shown_table("WITH picked AS (SELECT id FROM themes) UPDATE complaints SET theme_id = NULL")
    assert writes_shown_table("INSERT INTO project_complaints (project_id, complaint_id) SELECT 1, id FROM complaints")
    assert not writes_shown_table("INSERT INTO audit_log (at, actor) VALUES (?, ?)")
    assert not writes_shown_table("UPDATE fishbone_causes SET text=? WHERE fishbone_causes.id = ?")
    assert not writes_shown_table("SELECT complaints.id FROM complaints FOR UPDATE")
    assert not writes_shown_table("SELECT id FROM projects WHERE title = 'UPDATE complaints'")
