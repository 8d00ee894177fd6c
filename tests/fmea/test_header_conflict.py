"""The FMEA header form refuses an edit based on a replaced version and says what is stored and what was sent."""

from workbench.fmea import services
from workbench.fmea.models import FmeaDocument


def test_stale_header_form_is_refused_with_both_values(team_project, login, client, db):
    project, leader, _ = team_project
    login(leader)
    assert client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Noise PFMEA"}).status_code == 302
    document = services.document_of(project)
    read_at = document.version
    document.customer = "Their customer"
    db.session.commit()
    page = client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Noise PFMEA", "customer": "My customer",
                                                                     "version": str(read_at)}, follow_redirects=True).get_data(as_text=True)
    assert "Someone else changed the header first" in page
    assert "customer “\u2068Their customer\u2069”" in page and "customer “\u2068My customer\u2069”" in page  # set apart from the sentence
    db.session.expire_all()
    assert db.session.get(FmeaDocument, document.id).customer == "Their customer"
    missing = client.post(f"/projects/{project.id}/fmea/header", data={"kind": "process", "title": "Noise PFMEA", "customer": "Mine again"}, follow_redirects=True)
    assert "Someone else changed the header first" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FmeaDocument, document.id).customer == "Their customer"
