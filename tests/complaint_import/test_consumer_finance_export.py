"""A US consumer-finance complaints export (its header exactly as downloaded): the narrative is the complaint's text,
and where a consumer left it empty the Issue and Sub-issue they picked say what the complaint is about."""

import csv
import io

from workbench.complaint_import.defaults import DEFAULT_OWNERS

HEADER = [
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative", "Company public response",
    "Company", "State", "ZIP code", "Tags", "Consumer consent provided?", "Submitted via", "Date sent to company",
    "Company response to consumer", "Timely response?", "Consumer disputed?", "Complaint ID",
]
NARRATIVE = (
    "I have disputed the XXXX account on my report three times. It still shows as 90 days late although every payment "
    "was made on time, and my score dropped by {$120.00} points worth of interest."
)
# (Complaint ID, Product, Sub-product, Issue, Sub-issue, narrative, expected category)
ROWS = [
    ("8412301", "Credit reporting or other personal consumer reports", "Credit reporting", "Incorrect information on your report",
     "Information belongs to someone else", "", "product_quality"),
    ("8412302", "Debt collection", "I do not know", "Attempts to collect debt not owed", "Debt is not yours", "", "price"),
    ("8412303", "Mortgage", "Conventional home mortgage", "Trouble during payment process", "", "", "product_quality"),
    ("8412304", "Checking or savings account", "Checking account", "Managing an account", "Deposits and withdrawals", "", "product_quality"),
    ("8412305", "Credit card", "General-purpose credit card or charge card", "Problem with a purchase shown on your statement",
     "Credit card company isn't resolving a dispute about a purchase on your statement", "", "warranty"),
    ("8412306", "Mortgage", "FHA mortgage", "Struggling to pay mortgage", "", "", "warranty"),
    ("8412307", "Debt collection", "Medical debt", "Communication tactics", "Frequent or repeated calls", "", "responsiveness"),
    ("8412308", "Credit card", "Store credit card", "Fees or interest", "Charged too much interest", "", "price"),
    ("8412309", "Credit reporting or other personal consumer reports", "Credit reporting", "Incorrect information on your report",
     "Account status incorrect", NARRATIVE, "product_quality"),
    # A lender charging the account, an exchange rate and advertised rates are what the consumer was charged.
    ("8412310", "Credit card", "General-purpose credit card or charge card", "Problem with a lender or other company charging your account",
     "Transaction was not authorized", "", "price"),
    ("8412311", "Money transfer, virtual currency, or money service", "International money transfer", "Incorrect exchange rate", "", "", "price"),
    ("8412312", "Credit card", "Store credit card", "Advertising and marketing, including promotional offers",
     "Confusing or misleading advertising about the credit card", "", "price"),
]


def _export() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for cid, product, sub_product, issue, sub_issue, narrative, _category in ROWS:
        consent = "Consent provided" if narrative else "Consent not provided"
        writer.writerow([
            f"2024-03-{int(cid[-2:]):02d}", product, sub_product, issue, sub_issue, narrative, "", "EXAMPLE BANK, N.A.", "FL", "331XX",
            "", consent, "Web", f"2024-03-{int(cid[-2:]):02d}", "In progress", "Yes", "N/A", cid,
        ])
    return out.getvalue()


def test_every_row_imports_with_a_category_from_its_issue_or_narrative(write_file, import_cli, stored):
    result = import_cli(write_file("complaints.csv", _export()), source="cfpb")
    assert result.exit_code == 0, result.output
    assert f"{len(ROWS)} new, 0 updated, 0 unchanged, 0 rejected" in result.output
    complaints = {c.external_id: c for c in stored("cfpb")}
    assert sorted(complaints) == [r[0] for r in ROWS]
    for cid, product, _sub, issue, sub_issue, narrative, category in ROWS:
        complaint = complaints[cid]
        assert (cid, complaint.category, complaint.unclassified_reason) == (cid, category, None)
        assert complaint.process_owner_id is not None
        assert complaint.product == product
        # The complaint reads as the consumer's narrative, or else as the issue they picked.
        assert complaint.text == (narrative or " — ".join(v for v in (issue, sub_issue) if v))
        attributes = complaint.attributes
        assert attributes["Issue"] == issue and attributes.get("Sub-issue", "") == sub_issue
    owners = {o.id: o.key for o in _owners()}
    assert owners[complaints["8412307"].process_owner_id] == DEFAULT_OWNERS["responsiveness"]
    assert owners[complaints["8412308"].process_owner_id] == DEFAULT_OWNERS["price"]


def test_a_vague_narrative_is_classified_with_the_issue_picked(write_file, import_cli, stored):
    """A short or vague narrative is classified with the issue the consumer picked; the narrative stays as written."""
    content = _export().splitlines()
    vague = "2024-03-10,Debt collection,Other debt,Communication tactics,Frequent or repeated calls,They keep doing this to me.,,X,TX,750XX,,Consent provided,Web,2024-03-10,Closed with explanation,Yes,N/A,8412320"
    result = import_cli(write_file("complaints.csv", "\n".join([*content, vague]) + "\n"), source="cfpb")
    assert result.exit_code == 0, result.output
    complaint = {c.external_id: c for c in stored("cfpb")}["8412320"]
    assert complaint.text == "They keep doing this to me."
    assert complaint.category == "responsiveness"


def test_a_file_whose_only_text_column_is_issue_uses_it(write_file, import_cli, stored):
    result = import_cli(write_file("issues.csv", "Date received,Issue,Complaint ID\n2024-03-01,Communication tactics,1\n"))
    assert result.exit_code == 0, result.output
    [complaint] = stored()
    assert (complaint.text, complaint.category) == ("Communication tactics", "responsiveness")


def _owners():
    from sqlalchemy import select

    from workbench.extensions import db
    from workbench.models import ProcessOwner

    return db.session.scalars(select(ProcessOwner))
