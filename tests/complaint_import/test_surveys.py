"""Survey import: CSAT, NPS, CES per month/owner/product, complaints from unhappy respondents, key drivers."""

import random

from sqlalchemy import func, select

from workbench.complaint_import.models import Complaint, SurveyResponse

SURVEY = (
    "Respondent ID,Start Date,Product,Overall satisfaction,Likelihood to recommend,Effort,Comments\n"
    ",,,Response,Response,Response,Open-Ended Response\n"
    "1,2024-01-10,Fridge,5,10,2,\n"
    "2,2024-01-12,Fridge,4,9,3,Great\n"
    "3,2024-01-20,Stove,2,3,6,My order was delivered three weeks late\n"
    "4,2024-02-02,Stove,1,0,7,Nobody answers the support hotline\n"
    "5,2024-02-05,Fridge,3,7,4,\n"
)


def test_import_surveys_scores_and_complaints(write_file, runner, owners, db, client, login, make_user):
    result = runner.invoke(args=["import-surveys", str(write_file("sm.csv", SURVEY)), "--source", "surveymonkey"])
    assert result.exit_code == 0, result.output
    assert "5 new responses" in result.output and "2 complaints from unhappy respondents" in result.output
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 5
    complaints = list(db.session.scalars(select(Complaint).where(Complaint.channel == "survey").order_by(Complaint.external_id)))
    assert [c.external_id for c in complaints] == ["survey:3", "survey:4"]
    assert complaints[0].category == "delivery_speed" and complaints[1].process_owner.key == "service"
    login(make_user(role="viewer"))
    months = {r["key"]: r for r in client.get("/api/v1/surveys/scores?group=month").get_json()}
    # January: CSAT 2 of 3 satisfied; NPS promoters 2, detractors 1 of 3; CES mean 11/3.
    assert months["2024-01"]["csat"] == 66.7 and months["2024-01"]["nps"] == 33.3 and months["2024-01"]["ces"] == 3.67
    assert months["2024-02"]["csat"] == 0.0 and months["2024-02"]["nps"] == -50.0
    products = {r["key"]: r for r in client.get("/api/v1/surveys/scores?group=product").get_json()}
    assert products["Fridge"]["answers"] == 3 and products["Stove"]["nps"] == -100.0
    owners_scores = {r["key"]: r for r in client.get("/api/v1/surveys/scores?group=process_owner").get_json()}
    assert owners_scores["service"]["answers"] == 2  # late delivery and no answer: both service by default
    page = client.get("/complaints/surveys").get_data(as_text=True)
    assert "66.7" in page
    again = runner.invoke(args=["import-surveys", str(write_file("sm.csv", SURVEY)), "--source", "surveymonkey"])
    assert "0 new responses, 5 unchanged" in again.output


def test_survey_bad_ratings_named_by_row_and_column(write_file, runner, owners, db):
    content = "id,date,csat,nps\n1,2024-01-01,6,5\n2,2024-01-02,4,11\n3,2024-01-03,x,8\n"
    result = runner.invoke(args=["import-surveys", str(write_file("bad.csv", content)), "--source", "s"])
    assert result.exit_code != 0
    assert "row 2, column “csat” (value “6”): must be between 1 and 5" in result.output
    assert "row 3, column “nps” (value “11”): must be between 0 and 10" in result.output
    assert "row 4, column “csat” (value “x”): not a number" in result.output
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 0


def test_key_drivers_rank_the_expectation_that_moves_satisfaction(write_file, runner, owners, client, login, make_user):
    rng = random.Random(3)
    lines = ["id,date,Overall satisfaction,Quality,Price,Speed"]
    for i in range(200):
        quality, price, speed = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
        overall = max(1, min(5, round(0.8 * quality + 0.1 * price + 0.3 + rng.uniform(-0.5, 0.5))))
        lines.append(f"{i},2024-03-{1 + i % 28:02d},{overall},{quality},{price},{speed}")
    result = runner.invoke(args=["import-surveys", str(write_file("kd.csv", "\n".join(lines) + "\n")), "--source", "kd"])
    assert result.exit_code == 0, result.output
    assert "product_quality=Quality" in result.output
    login(make_user())
    body = client.get("/api/v1/surveys/drivers?outcome=csat").get_json()
    ranked = [d["key"] for d in body["drivers"]]
    assert ranked[0] == "product_quality"
    quality = body["drivers"][0]
    assert quality["answers"] == 200 and quality["beta"] > 0.7 and quality["correlation"] > 0.7
    speed = next(d for d in body["drivers"] if d["key"] == "delivery_speed")
    assert abs(speed["beta"]) < 0.15


def test_survey_upload_from_the_web(client, login, make_user, owners, db):
    import io

    login(make_user(role="quality_manager"))
    response = client.post(
        "/complaints/imports/survey",
        data={"file": (io.BytesIO(SURVEY.encode()), "sm.csv"), "source": "web-survey", "next": "surveys"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/complaints/surveys")
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 5
    page = client.get("/complaints/surveys").get_data(as_text=True)
    assert "5 survey responses imported" in page and "66.7" in page
    bad = client.post(
        "/complaints/imports/survey",
        data={"file": (io.BytesIO(b"id,date,csat\n1,2024-01-01,9\n"), "bad.csv"), "source": "web-survey"},
        content_type="multipart/form-data",
    )
    assert "must be between 1 and 5" in client.get(bad.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 5
