"""The team form's people picker: the search answers as the form may offer people, and never too many."""

from workbench.teams import people


def _names(response):
    assert response.status_code == 200
    return [item["text"] for item in response.get_json()["results"]]


def test_member_finds_only_people_of_their_own_teams(client, login, make_user, make_team):
    mate, stranger = make_user(name="Parisa Mate"), make_user(name="Parisa Stranger")
    me = make_user(name="Me")
    make_team(members=[mate, me])
    make_team(members=[stranger, make_user()])
    login(me)
    assert _names(client.get("/teams/people.json?q=parisa")) == ["Parisa Mate"]


def test_leader_of_the_team_finds_everyone_active_by_name_only(client, login, make_user, make_team, db):
    leader = make_user(name="Leader")
    team = make_team(members=[leader, make_user()])
    make_user(name="سارا احمدی", email="sara@example.org")
    gone = make_user(name="سارا رفته")
    gone.active = False
    db.session.commit()
    login(leader)
    found = _names(client.get(f"/teams/people.json?q=سارا&team={team.id}"))
    assert found == ["سارا احمدی"]  # no email for a leader; the inactive person is not offered
    assert _names(client.get("/teams/people.json?q=sara@example")) == []  # emails are not searchable for them


def test_quality_manager_sees_emails_and_at_most_twenty_matches(client, login, make_user):
    for n in range(25):
        make_user(name=f"Reza {n:02d}")
    login(make_user(role="quality_manager"))
    found = _names(client.get("/teams/people.json?q=reza"))
    assert len(found) == people.SEARCH_LIMIT == 20
    assert found[0].startswith("Reza 00 (") and "@" in found[0]
    assert _names(client.get("/teams/people.json?q=")) == []
    assert _names(client.get("/teams/people.json?q=" + "%25_")) == []  # wildcards are searched for, not used


def test_another_teams_form_search_is_not_found(client, login, make_user, make_team):
    other = make_team()
    login(make_user())
    assert client.get(f"/teams/people.json?q=a&team={other.id}").status_code == 404
    assert client.get("/teams/people.json?q=a").status_code == 200


def test_team_form_renders_chosen_people_and_the_search_address(client, login, make_user, make_team, db):
    team = make_team()
    login(make_user(role="quality_manager"))
    page = client.get(f"/teams/{team.id}/edit").get_data(as_text=True)
    assert f'data-picker-url="/teams/people.json?team={team.id}"' in page
    assert page.count("data-picker") >= 7  # the leader and six member rows
