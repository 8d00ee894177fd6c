"""Downloads: CSV and XLSX with every text cell escaped against formula injection."""

import csv
import io

from workbench.spreadsheets import neutralised


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(h) for h in header])
    for row in rows:
        writer.writerow([neutralised(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], sheet_title: str = "data", right_to_left: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title[:31]
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.append([neutralised(h) for h in header])
    for row in rows:
        sheet.append([neutralised(v) for v in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
