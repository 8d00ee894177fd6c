import sqlite3

from workbench.models import User
from workbench.teams.models import ImprovementProject, Team


def test_demo_loads_a_bilingual_organisation_once(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "qm@demo.example" in result.output
    roles = set(db.session.scalars(db.select(User.role)))
    assert roles == {"admin", "quality_manager", "member", "viewer"}
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 2
    titles = list(db.session.scalars(db.select(ImprovementProject.title)))
    assert any("تأخیر" in t for t in titles) and any("noise" in t for t in titles)
    from workbench.complaint_import.models import Complaint

    complaints = list(db.session.scalars(db.select(Complaint)))
    assert len(complaints) >= 300
    span = max(c.received_at for c in complaints) - min(c.received_at for c in complaints)
    assert span.days > 500
    assert any("ی" in c.text for c in complaints) and any(c.text.isascii() for c in complaints)
    again = runner.invoke(args=["demo", "--if-empty", "--address", "http://127.0.0.1:8080"])
    assert "already has users" in again.output
    assert "http://127.0.0.1:8080/login" in again.output and ":5000" not in again.output
    assert db.session.scalar(db.select(db.func.count(Team.id))) == 2


def test_demo_users_can_sign_in(runner, client):
    runner.invoke(args=["demo"])
    response = client.post("/login", data={"email": "qm@demo.example", "password": "demo-password"})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'dir="rtl"' in page and "کاهش تأخیر" in page


def test_backup_copies_the_sqlite_database(app, runner, make_team, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # the PostgreSQL path is covered by test_backup_postgres
    make_team(name="Backed up")
    target = tmp_path / "copy.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    names = [row[0] for row in sqlite3.connect(target).execute("select name from teams")]
    assert names == ["Backed up"]


def test_backup_postgres(app, runner, make_team, tmp_path):
    import shutil

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    assert shutil.which("pg_dump"), "pg_dump missing: scripts/setup.sh installs postgresql-client"
    make_team(name="Backed up")
    target = tmp_path / "copy.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 1000
    assert target.read_bytes()[:5] == b"PGDMP"


def test_create_token_command(runner, make_user, client):
    user = make_user()
    raw = runner.invoke(args=["create-token", user.email]).output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).get_json()["id"] == user.id
