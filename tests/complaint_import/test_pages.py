"""The web pages: upload with preview and confirm, roles, labelling, charts, downloads, themes to projects."""

import csv
import io
import re

import openpyxl
from sqlalchemy import select

from workbench.complaint_import.models import Complaint, ImportJob, ImportPreset

UPLOAD = (
    "Complaint ID,Date_received,Description,Channel,Product\n"
    "U-1,2024-03-01,The fridge is very noisy,Phone,Fridge\n"
    "U-2,2024-03-02,Order delivered late,Web,Stove\n"
    "U-3,2024-02-31,Impossible date here,Web,Stove\n"
    'U-4,2024-03-04,"=HYPERLINK(""http://x"")",Web,Stove\n'
)


def _upload(client, content, name="export.csv", source="crm", **extra):
    data = {"file": (io.BytesIO(content.encode() if isinstance(content, str) else content), name), "source": source, "preset": "", **extra}
    return client.post("/complaints/imports", data=data, content_type="multipart/form-data")


def test_upload_preview_then_import_good_rows(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    response = _upload(client, UPLOAD)
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "Good rows: 2; bad rows: 2." in page
    assert "The fridge is very noisy" in page  # first rows as stored
    assert "impossible date" in page and "formula" in page
    assert db.session.scalar(select(Complaint.id)) is None  # nothing stored yet
    job = db.session.scalar(select(ImportJob))
    bad = client.get(f"/complaints/imports/{job.id}/errors.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(bad)))
    assert rows[0] == ["row", "column", "value", "reason"]
    assert rows[1][:3] == ["4", "Date_received", "2024-02-31"]
    assert rows[2][1] == "Description" and rows[2][2].startswith("'=HYPERLINK")  # escaped for spreadsheets
    response = client.post(f"/complaints/imports/{job.id}/confirm", data={"save_preset": "1", "preset_name": "weekly"})
    assert response.status_code == 302
    page = client.get(job_url).get_data(as_text=True)
    assert "2 new, 0 updated, 0 unchanged, 2 rejected." in page
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Complaint.external_id))) == ["U-1", "U-2"]
    preset = db.session.scalar(select(ImportPreset))
    assert preset.name == "weekly" and preset.mapping["text"] == "Description"


def test_import_nothing_discards(client, login, make_user, owners, db):
    login(make_user(role="admin"))
    _upload(client, UPLOAD)
    job = db.session.scalar(select(ImportJob))
    client.post(f"/complaints/imports/{job.id}/cancel")
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "cancelled"
    assert client.post(f"/complaints/imports/{job.id}/confirm").status_code == 409
    assert db.session.scalar(select(Complaint.id)) is None


def test_fix_mapping_and_check_again(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    _upload(client, "ref,when,notes\nA,2024-01-01,late delivery\n")
    job = db.session.scalar(select(ImportJob))
    page = client.get(f"/complaints/imports/{job.id}").get_data(as_text=True)
    assert "Required column" in page
    assert 'name="map_text"' in page and '<option value="notes"' in page  # the mapping can be fixed on the page
    client.post(f"/complaints/imports/{job.id}/recheck", data={"map_external_id": "ref", "map_received_at": "when", "map_text": "notes"})
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.status == "previewed" and job.good_rows == 1
    assert job.preview[0]["external_id"] == "A" and job.preview[0]["category"] == "delivery_speed"


def test_oversize_upload_is_413_with_the_limit(app, client, login, make_user, owners):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    login(make_user(role="quality_manager"))
    # A hand-made multipart body: the test client would spool a big form to a temporary file it never closes.
    content = ("id,date,text\n" + "1,2024-01-01,x\n" * 120000).encode()
    body = (
        b'--B\r\nContent-Disposition: form-data; name="source"\r\n\r\ncrm\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n' + content + b"\r\n--B--\r\n"
    )
    response = client.post("/complaints/imports", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413
    assert "1 MB" in response.get_data(as_text=True)


def test_only_managers_import(client, login, make_user, owners):
    login(make_user(role="member"))
    assert client.get("/complaints/imports").status_code == 403
    assert _upload(client, UPLOAD).status_code == 403
    assert client.post("/complaints/imports/survey", data={"source": "s"}).status_code == 403


def test_binary_upload_fails_with_message(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    response = _upload(client, b"\x00\x01\x02binary\x00" * 50, name="data.csv")
    assert response.status_code == 400
    assert "“data.csv” is not a text (CSV) file" in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportJob)) is None


def test_cancel_during_import_stores_nothing(app, db, owners, make_user, tmp_path, monkeypatch):
    from workbench.complaint_import import importer, jobs

    monkeypatch.setattr(importer, "CHUNK", 10)
    user = make_user(role="quality_manager")
    path = tmp_path / "big.csv"
    path.write_text("id,date,text\n" + "".join(f"B{i},2024-01-01,late delivery {i}\n" for i in range(100)))
    job = ImportJob(source_name="crm", filename="big.csv", stored_path=str(path), size_bytes=path.stat().st_size, status="queued", created_by_id=user.id)
    db.session.add(job)
    db.session.commit()
    calls = {"n": 0}

    def cancel_after_three(job_id):
        calls["n"] += 1
        return calls["n"] >= 3

    monkeypatch.setattr(jobs, "_cancel_requested", cancel_after_three)
    jobs.run_job(job.id, commit=True)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.status == "cancelled" and "nothing was imported" in job.message
    assert db.session.scalar(select(Complaint.id)) is None


def test_progress_is_reported_from_the_database(client, login, make_user, owners, db):
    login(make_user(role="quality_manager"))
    _upload(client, UPLOAD)
    job = db.session.scalar(select(ImportJob))
    body = client.get(f"/complaints/imports/{job.id}/progress").get_json()
    assert body["status"] == "previewed" and body["percent"] == 100.0 and body["rows_done"] == 4
    assert body["rows_per_second"] > 0


def test_review_queue_lowest_confidence_first_and_one_click_confirm(client, login, make_user, sample, db):
    login(make_user(role="member"))
    page = client.get("/complaints/review").get_data(as_text=True).split("data-tick-all", 1)[1]  # the queue, after the groups
    assert page.index("Something odd happened") < page.index("The fridge is very noisy")
    odd = db.session.scalar(select(Complaint).where(Complaint.external_id == "S10"))
    response = client.post(f"/complaints/{odd.id}/label", data={"version": str(odd.version), "process_owner": "quality", "category": "product_quality", "next": "/complaints/review"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/complaints/review")
    db.session.expire_all()
    odd = db.session.get(Complaint, odd.id)
    assert odd.confirmed and odd.process_owner.key == "quality"
    assert "Something odd happened" not in client.get("/complaints/review").get_data(as_text=True).split("data-tick-all", 1)[1]


def test_bulk_relabel_from_the_page(client, login, make_user, sample, db):
    login(make_user(role="member"))
    ids = [c.id for c in db.session.scalars(select(Complaint).where(Complaint.external_id.in_(["S1", "S2"])))]
    client.post("/complaints/labels", data={"ids": [str(i) for i in ids], "category": "warranty"})
    db.session.expire_all()
    assert {c.category for c in db.session.scalars(select(Complaint).where(Complaint.id.in_(ids)))} == {"warranty"}


def test_viewer_reads_but_does_not_label(client, login, make_user, sample, db):
    login(make_user(role="viewer"))
    assert client.get("/complaints").status_code == 200
    assert client.get("/complaints/analysis").status_code == 200
    page = client.get("/complaints/review").get_data(as_text=True)
    assert "Confirm</button>" not in page
    odd = db.session.scalar(select(Complaint).where(Complaint.external_id == "S10"))
    assert client.post(f"/complaints/{odd.id}/label", data={"category": "price"}).status_code == 403
    assert client.post("/complaints/rules", data={"target": "owner", "key": "sales", "phrase": "x"}).status_code == 403


def test_rules_editing_changes_classification(client, login, make_user, sample, db, import_rows):
    login(make_user(role="quality_manager"))
    page = client.get("/complaints/rules").get_data(as_text=True)
    assert "گارانتی" in page and "warranty" in page
    response = client.post("/complaints/rules", data={"target": "owner", "key": "production", "phrase": "odd", "weight": "2", "active": "y"})
    assert response.status_code == 302
    import_rows([("S11", "2024-03-13", "Something odd again")])
    assert db.session.scalar(select(Complaint).where(Complaint.external_id == "S11")).process_owner.key == "production"
    bad = client.post("/complaints/rules", data={"target": "owner", "key": "production", "phrase": "odd", "weight": "2"})
    assert bad.status_code == 400 and "already exists" in bad.get_data(as_text=True)


def test_rule_weights_read_in_persian_digits_for_those_who_cannot_edit_them(client, login, make_user, sample):
    login(make_user(role="quality_manager"))
    client.post("/complaints/rules", data={"target": "owner", "key": "production", "phrase": "odd", "weight": "2.5", "active": "y"})
    client.post("/logout")
    login(make_user(role="member", locale="fa"))
    page = client.get("/complaints/rules?target=owner").get_data(as_text=True)
    weights = re.findall(r'<td dir="auto">odd <span class="muted">\(افزوده‌ی خودتان\)</span></td><td>([^<]*)</td>', page)  # marked as theirs
    assert weights == ["۲٫۵"]  # a member reads the weight; not 2.5
    shipped = client.get("/complaints/rules").get_data(as_text=True)
    assert "<td>۳</td>" in shipped and not re.findall(r"<td>[0-9]+\.[0-9]</td>", shipped)  # «۳», not 3.0, on the shipped rules


def test_pareto_page_chart_and_downloads(client, login, make_user, sample, import_rows):
    import_rows([("X1", "2024-03-20", "late delivery", "web", "<script>alert(1)</script>"), ("X2", "2024-03-21", "late", "web", "-Fridge+1")])
    login(make_user(role="viewer"))
    page = client.get("/complaints/analysis?by=process_owner").get_data(as_text=True)
    assert "<svg" in page and "marker-80" in page and 'class="cumulative"' in page
    svg = client.get("/complaints/analysis/pareto.svg?by=product").get_data(as_text=True)
    assert "<script>alert" not in svg and "&lt;script&gt;" in svg
    assert svg.index("Fridge") < svg.index("Stove")  # bars sorted, most first
    text = client.get("/complaints/analysis/pareto.csv?by=product").get_data(as_text=True)
    assert "'-Fridge+1" in text
    data = client.get("/complaints/analysis/pareto.xlsx?by=product").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'-Fridge+1" in values
    trend = client.get("/complaints/analysis/trend.csv?by=category").get_data(as_text=True)
    assert "2024-03" in trend


def test_persian_pages_are_rtl(client, login, make_user, sample):
    login(make_user(role="member", locale="fa"))
    page = client.get("/complaints/analysis").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "فروش" in page  # owner names in Persian


def test_home_card_top_owners(client, login, make_user, import_rows):
    from datetime import date, timedelta

    recent = (date.today() - timedelta(days=3)).isoformat()
    import_rows([("H1", recent, "order delivered late"), ("H2", recent, "late delivery again"), ("H3", recent, "noisy fridge")])
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert "Top process owners, last 90 days" in page and "Service: 2" in page


def test_import_worker_writes_row_reasons_in_the_uploaders_language(app, make_user, owners, db, tmp_path):
    """The worker has no page: the reasons it stores are in the language the file was uploaded in."""
    from workbench.complaint_import import jobs

    user = make_user(role="quality_manager")
    path = tmp_path / "bad.csv"
    path.write_text("id,date,text\n1,2024-01-02,late\n2,2024-13-40,late\n", encoding="utf-8")
    job = ImportJob(source_name="crm", filename="bad.csv", stored_path=str(path), size_bytes=path.stat().st_size,
                    status="queued", created_by_id=user.id, options={"locale": "fa"})
    db.session.add(job)
    db.session.commit()
    jobs.run_job(job.id, commit=False)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.bad_rows == 1
    assert job.errors[0]["reason"].startswith("تاریخ ناممکن"), job.errors[0]["reason"]


def _bar_centres(svg: str) -> list[float]:
    import re

    return [float(x) + float(w) / 2 for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#1f5fbf" class="bar"', svg)]


def test_pareto_reads_right_to_left_with_persian_digits_on_persian_pages(client, login, make_user, sample):
    """On a Persian page the biggest bar stands on the right and numbers are Persian; English stays left to right."""
    user = make_user(role="member", locale="fa")
    login(user)
    persian = client.get("/complaints/analysis?by=process_owner").get_data(as_text=True)
    bars = _bar_centres(persian)
    assert len(bars) >= 2 and bars == sorted(bars, reverse=True)  # most first, from the right
    assert "۸۰٪" in persian and ">80%<" not in persian and "۸۰%" not in persian  # the chart's percent sign is Persian too
    english = client.get("/complaints/analysis?by=process_owner&lang=en").get_data(as_text=True)
    bars = _bar_centres(english)
    assert len(bars) >= 2 and bars == sorted(bars)
    assert ">80%<" in english


def test_complaint_search_for_pickers_finds_by_number_or_words_and_stops_at_twenty(client, login, make_user, db):
    from workbench.complaint_import import text_search
    from workbench.complaint_import.textnorm import normalise
    from workbench.models import utcnow

    for n in range(25):
        text = f"یخچال دیر رسید {n}"
        db.session.add(Complaint(source="crm", external_id=f"K-{n}", received_at=utcnow().date(), text=text,
                                 text_norm=normalise(text), content_hash=f"s{n}"))
    db.session.add(Complaint(source="crm", external_id="Z-9", received_at=utcnow().date(), text="Rude driver",
                             text_norm=normalise("Rude driver"), content_hash="z9"))
    db.session.commit()
    assert client.get("/complaints/search.json?q=rude").status_code in (302, 401)  # signed-in people only
    login(make_user())
    found = client.get("/complaints/search.json?q=یخچال").get_json()["results"]
    assert len(found) == text_search.SEARCH_LIMIT == 20
    rude = client.get("/complaints/search.json?q=RUDE").get_json()["results"]
    assert [r["text"] for r in rude] == ["Z-9 · Rude driver"]
    assert client.get("/complaints/search.json?q=z-9").get_json()["results"][0]["text"].startswith("Z-9")
    assert client.get("/complaints/search.json?q=%25").get_json()["results"] == []


def test_pareto_and_rules_pages_write_percentages_in_the_page_language(client, login, make_user, sample):
    """The cumulative share «۶۰٫۰٪» … «۱۰۰٫۰٪» on the Persian Pareto page (60.0% … 100.0% in English);
    the self-training threshold «۸۵٪» in the rules page's Persian sentence."""
    login(make_user(role="quality_manager", locale="fa"))
    page = client.get("/complaints/analysis?by=process_owner").get_data(as_text=True)
    table = page[page.index('class="pareto-table"'):]
    assert "۶۰٫۰٪" in table and "۱۰۰٫۰٪" in table and "60.0" not in table and "100.0" not in table
    assert "۸۵٪" in client.get("/complaints/rules").get_data(as_text=True)
    page = client.get("/complaints/analysis?by=process_owner&lang=en").get_data(as_text=True)
    table = page[page.index('class="pareto-table"'):]
    assert "60.0%" in table and "100.0%" in table and "٪" not in table
    assert "at least 85% of rule-labelled" in client.get("/complaints/rules").get_data(as_text=True)
