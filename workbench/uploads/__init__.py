"""One way in for every uploaded file (core: imports no capability).

``receive(file, KIND, user)`` stages a file after checking its extension, size
(``UPLOAD_LIMIT_MB`` or the kind's own limit), first bytes and, for .xlsx,
the zip directory (unzipped size, ratio, parts) before anything is parsed.
Tables are read through ``text.csv_rows`` / ``tables.workbook_rows`` held to
the row, column and cell limits; ``tasks.read_sheets`` reads a staged file
into sheets off the web request. See docs/architecture.md, "Uploads".
"""

from workbench.uploads.kinds import EVIDENCE, OUTLINE, SHEETS, TABLE, WORKBOOK, Kind, check_content, check_zip
from workbench.uploads.limits import TableLimits, setting, short, size_text
from workbench.uploads.staging import (
    Staged,
    clean_abandoned,
    discard,
    find,
    find_path,
    keep,
    load_result,
    receive,
    staging_folder,
)
from workbench.uploads.text import detect_encoding, read_text

__all__ = [
    "EVIDENCE", "OUTLINE", "SHEETS", "TABLE", "WORKBOOK", "Kind", "check_content", "Staged", "TableLimits", "check_zip", "clean_abandoned", "detect_encoding",
    "discard", "find", "find_path", "keep", "load_result", "read_text", "receive", "setting", "short", "size_text", "staging_folder",
]
