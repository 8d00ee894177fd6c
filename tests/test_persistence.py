"""Optimistic locking is part of the UPDATE: an edit based on a version that changed meanwhile is refused."""

import pytest
from sqlalchemy.orm import Session

from workbench.persistence import check_version
from workbench.teams.models import ImprovementProject
from workbench.validation import Conflict, InvalidInput


def test_the_update_itself_refuses_a_write_that_lost_the_race(app, db, make_project):
    project = make_project(title="Late deliveries")
    mine = db.session.get(ImprovementProject, project.id)
    check_version(mine, {"version": mine.version, "title": "Mine"})  # passes: nobody has written yet
    # Someone else saves between my check and my write, on a connection of their own.
    with Session(db.engine) as other:
        theirs = other.get(ImprovementProject, project.id)
        theirs.title = "Theirs"
        other.commit()
    mine.title = "Mine"
    with pytest.raises(Conflict) as refused:
        db.session.commit()
    db.session.rollback()
    assert refused.value.current["title"] == "Theirs" and refused.value.current["version"] == 2
    assert refused.value.submitted == {"version": 1, "title": "Mine"}
    assert db.session.get(ImprovementProject, project.id).title == "Theirs"


def test_the_version_is_raised_once_per_write_by_the_orm(app, db, make_project):
    project = make_project()
    assert project.version == 1
    project.title = "Renamed"
    db.session.commit()
    assert project.version == 2
    db.session.commit()  # nothing changed: no write, no new version
    assert project.version == 2


def test_missing_stale_and_malformed_versions(app, db, make_project):
    project = make_project()
    check_version(project, {"title": "x"})  # internal callers: the UPDATE still checks the loaded version
    with pytest.raises(Conflict) as missing:
        check_version(project, {"title": "x"}, required=True)
    assert missing.value.missing and missing.value.current["version"] == 1
    with pytest.raises(Conflict) as stale:
        check_version(project, {"version": 0})
    assert not stale.value.missing and stale.value.submitted == {"version": 0}
    for bad in ("three", "1.5", True, [1], 2**40):
        with pytest.raises(InvalidInput) as refused:
            check_version(project, {"version": bad}, required=True)
        assert "version" in refused.value.errors
