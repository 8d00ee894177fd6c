"""What may be uploaded where: allowed extensions, the bytes each must start with, zip limits for workbooks."""

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

from workbench.uploads import text
from workbench.uploads.limits import MB, request_limit, setting, size_text
from workbench.validation import InvalidInput

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # .doc, .xls, .ppt, .msg
# How a file of each extension starts. ``None``: text, checked by decoding it.
SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    ".xlsx": ZIP, ".xlsm": ZIP, ".docx": ZIP, ".pptx": ZIP,
    ".xls": OLE, ".doc": OLE, ".ppt": OLE, ".msg": OLE,
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".csv": None, ".tsv": None, ".txt": None, ".md": None, ".mmd": None, ".eml": None,
}
WORKBOOKS = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Kind:
    """One kind of upload: which files, how big, and how a workbook of it is read."""

    name: str
    extensions: tuple[str, ...]
    hint: Callable[[], str]  # the message for a file of another type
    size_setting: str = "UPLOAD_LIMIT_MB"
    unzipped_setting: str = "UPLOAD_UNZIPPED_LIMIT_MB"
    fixed_limit: int | None = None  # bytes, for kinds that never need more (outlines)
    field: str = "file"

    def size_limit(self) -> int:
        """Bytes one file of this kind may have (never more than the request limit)."""
        limit = self.fixed_limit or int(float(setting(self.size_setting)) * MB)
        return min(limit, request_limit())


TABLE = Kind("table", (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"), lambda: _("Upload a CSV or Excel (.xlsx) file."))
SHEETS = Kind("sheets", (".csv", ".xlsx", ".xlsm"), lambda: _("Send an .xlsx workbook or a .csv file."), unzipped_setting="UPLOAD_SHEET_UNZIPPED_LIMIT_MB")
# Spreadsheets read sheet by sheet with their merged cells (.xls too, through python-calamine).
WORKBOOK = Kind(
    "workbook", (".csv", ".xlsx", ".xlsm", ".xls"), lambda: _("Send an Excel workbook (.xlsx, .xls) or a CSV file."),
    unzipped_setting="UPLOAD_SHEET_UNZIPPED_LIMIT_MB",
)
OUTLINE = Kind("outline", (".txt", ".md", ".mmd"), lambda: _("Send the outline as a text file (.txt, .md or .mmd)."), fixed_limit=MB)
EVIDENCE = Kind(
    "evidence",
    (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".csv", ".eml", ".xlsx", ".docx", ".pptx", ".xls", ".doc", ".ppt", ".msg"),
    lambda: _("Attach a PDF, image (PNG, JPEG, GIF, WebP), text, CSV, e-mail or Office file."),
    size_setting="EVIDENCE_LIMIT_MB",
)


def extension(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def check_name(kind: Kind, filename: str) -> None:
    """Refuse a file whose extension this kind does not take."""
    if extension(filename) not in kind.extensions:
        raise InvalidInput({kind.field: _("“%(name)s”: %(hint)s", name=filename, hint=kind.hint())})


def check_content(kind: Kind, path: str, filename: str) -> None:
    """The file's first bytes match its extension; a workbook passes the zip limits; a text file decodes."""
    ext = extension(filename)
    with open(path, "rb") as handle:
        start = handle.read(text.SAMPLE_BYTES)
    signatures = SIGNATURES.get(ext)
    if signatures is None:
        text.detect_encoding(start, filename, field=kind.field)
        return
    if not start.startswith(signatures) or (ext == ".webp" and start[8:12] != b"WEBP"):
        raise InvalidInput({kind.field: _("“%(name)s” is not a real %(type)s file (its content does not match its name).", name=filename, type=ext[1:].upper())})
    if ext in WORKBOOKS:
        check_zip(path, filename, kind, field=kind.field)


def check_zip(path: str, filename: str, kind: Kind = TABLE, field: str = "file") -> None:
    """Refuse a workbook that is not a valid zip, or whose directory promises too much: read before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InvalidInput({field: _("“%(name)s” is damaged (not a valid .xlsx workbook).", name=filename)}) from None
    with archive:
        members = archive.infolist()
        member_limit = int(setting("UPLOAD_ZIP_MEMBER_LIMIT"))
        if len(members) > member_limit:
            raise InvalidInput({field: _("“%(name)s” holds %(count)s parts; the limit is %(limit)s (UPLOAD_ZIP_MEMBER_LIMIT).", name=filename, count=format_decimal(len(members)), limit=format_decimal(member_limit))})
        total = sum(info.file_size for info in members)
        unzipped_limit = int(float(setting(kind.unzipped_setting)) * MB)
        if total > unzipped_limit:
            raise InvalidInput(
                {field: _("“%(name)s” expands to %(size)s when opened; the limit is %(limit)s (%(setting)s).", name=filename, size=size_text(total), limit=size_text(unzipped_limit), setting=kind.unzipped_setting)}
            )
        # Like Apache POI's guard (minimum inflate ratio 0.01): real workbooks compress 5-30 times.
        ratio_limit = int(setting("UPLOAD_ZIP_RATIO_LIMIT"))
        packed = max(os.path.getsize(path), 1)
        for info in members:
            if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > ratio_limit:
                raise InvalidInput(
                    {field: _("“%(name)s”: its part %(part)s expands %(ratio)s times (the limit is %(limit)s, UPLOAD_ZIP_RATIO_LIMIT); refused as a possible zip bomb.", name=filename, part=info.filename[:80], ratio=format_decimal(info.file_size // max(info.compress_size, 1)), limit=ratio_limit)}
                )
        if total > MB and total / packed > ratio_limit:
            raise InvalidInput(
                {field: _("“%(name)s” expands %(ratio)s times (the limit is %(limit)s, UPLOAD_ZIP_RATIO_LIMIT); refused as a possible zip bomb.", name=filename, ratio=format_decimal(total // packed), limit=ratio_limit)}
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise InvalidInput({field: _("“%(name)s” is damaged (not a valid .xlsx workbook).", name=filename)})
