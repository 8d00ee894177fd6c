"""Period filters are typed in the page's calendar: Jalali on Persian pages, ISO everywhere."""

import re
from datetime import date

from sqlalchemy import insert

from workbench.complaint_import.models import Complaint


def _complaints(db, owners):
    rows = [
        {"source": "t", "external_id": f"E{n}", "received_at": day, "text": "late", "process_owner_id": owners["sales"].id,
         "category": "delivery_speed", "created_at": day, "updated_at": day, "version": 1}
        for n, day in enumerate([date(2024, 8, 2), date(2024, 8, 3), date(2024, 12, 30)])
    ]
    db.session.execute(insert(Complaint), rows)
    db.session.commit()


def test_pareto_api_and_page_take_jalali_dates(client, login, make_user, owners, db):
    _complaints(db, owners)
    login(make_user(role="quality_manager", locale="fa"))
    # 1403/05/12 = 2024-08-02 and 1403/05/13 = 2024-08-03: the December complaint is outside.
    jalali = client.get("/api/v1/complaints/pareto?by=process_owner&from=۱۴۰۳/۰۵/۱۲&to=1403/05/13").get_json()
    iso = client.get("/api/v1/complaints/pareto?by=process_owner&from=2024-08-02&to=2024-08-03").get_json()
    assert jalali == iso and jalali[0]["count"] == 2
    page = client.get("/complaints/analysis?from=2024-08-02&to=2024-08-03").get_data(as_text=True)
    assert 'value="۱۴۰۳/۰۵/۱۲"' in page and 'value="۱۴۰۳/۰۵/۱۳"' in page
    titles = re.findall(r"<title>([^<]*)</title>", page)  # the Pareto's title names the period the same way
    assert any("۱۴۰۳/۰۵/۱۲ – ۱۴۰۳/۰۵/۱۳" in t for t in titles) and not any("2024" in t for t in titles)
    bad = client.get("/api/v1/complaints/pareto?by=process_owner&from=1403/13/40")
    assert bad.status_code == 400 and "1403/13/40" in bad.get_json()["errors"]["from"]


def test_dashboard_period_in_jalali(client, login, make_user):
    login(make_user(role="viewer", locale="fa"))
    page = client.get("/dashboard?from=1403/01/01&to=1403/12/29").get_data(as_text=True)
    assert 'value="۱۴۰۳/۰۱/۰۱"' in page and 'value="۱۴۰۳/۱۲/۲۹"' in page
    data = client.get("/api/v1/dashboard?from=1403/01/01&to=1403/12/29").get_json()
    assert data["period"] == {"from": "2024-03-20", "to": "2025-03-19"}
