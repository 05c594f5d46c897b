"""Opening a file that should be a workbook, and saying plainly what it is when it is not.

Before python-calamine parses anything, the package is inspected: not a workbook at all, a
truncated download, a password-protected or old-format (.xls, .xlsb) file, an XML entity
declaration (Excel never writes one), a zip bomb (declared sizes checked before any
decompression). Each declared sheet's XML is then streamed once, with a size cap, to find what
calamine would hide or choke on: formulas saved without their values, Excel error values such as
#N/A, and a stray value far outside the data that would make the grid billions of cells.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrixbook.errors import InputError
from matrixbook.report.message import msg

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OLD_BIFF_MAGIC = (b"\x09\x00", b"\x09\x02", b"\x09\x04")  # Excel 2.x, 3.0 and 4.0 files
DAMAGED_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError,
               ValueError)

MAX_PART_BYTES = 1 << 30  # one XML part of a workbook: 1 GiB uncompressed at most
MAX_TOTAL_BYTES = 2 << 30  # the whole package
MAX_RATIO = 200  # compressed XML rarely shrinks more than 20x; bombs shrink 1000x
RATIO_FROM = 50 << 20  # the ratio rule applies to parts above 50 MiB
MAX_CELLS = 50_000_000  # a declared sheet's grid (rows x columns) as calamine would hold it
CHUNK = 4 << 20

_FORMULA_NO_VALUE = re.compile(rb"(?:</f>|<f[^>]*/>)(?:<v\s*/>|<v></v>|</c>)")
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)')
FORMULAS_NOTED = 200  # formula cells noted per sheet (each is a finding)
_FAR_COLUMN = re.compile(rb'<c r="([A-Z]{3}[0-9]+)"[^>]*[^/]>')
_CELL_REF = re.compile(rb'<c r="([A-Z]+)([0-9]+)"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class SheetScan:
    """What streaming a sheet's XML found."""

    error_cells: list[tuple[str, str]] = field(default_factory=list)  # (cell, "#N/A")
    formula_cells: list[str] = field(default_factory=list)  # formulas saved without values
    formulas: dict[str, str] = field(default_factory=dict)  # cell -> formula (values saved)
    far_cell: str | None = None
    last_row: int = 0
    value_cells: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Workbook:
    """A calamine workbook and what the package inspection learnt of it."""

    path: Path
    book: Any
    kind: str  # "xlsx" or "ods"
    parts: dict[str, str] = field(default_factory=dict)  # sheet title -> XML part in the zip
    sizes: dict[str, int] = field(default_factory=dict)  # sheet title -> bytes of its XML

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def close(self) -> None:
        close = getattr(self.book, "close", None)
        if close:
            close()


def open_workbook(path: Path) -> Workbook:
    """Return the workbook, or raise InputError naming the file and what to do."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise InputError(msg("file", "{path}: no such file. Check the path, or run "
                             "`matrixbook init` to create a new master workbook.", path=path))
    if path.is_dir():
        raise InputError(msg("file", "{path} is a folder, not a workbook. Give the path of the "
                             ".xlsx file.", path=path))
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise InputError(msg("file", "{path} is empty (0 bytes). Use a saved copy of the "
                             "workbook.", path=path))
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            raise InputError(msg("file", "{path} is password-protected. Open it in Excel, "
                                 "remove the password (File > Info > Protect Workbook > Encrypt "
                                 "with Password), save a copy and check that copy.", path=path))
        raise InputError(msg("file", "{path} is in the old Excel 97-2003 format (.xls). Open it "
                             "in Excel or LibreOffice and save it as Excel Workbook (.xlsx).",
                             path=path))
    if head[:2] in OLD_BIFF_MAGIC:
        raise InputError(msg("file", "{path} is in an old Excel format (Excel 2.x to 4.0, .xls). "
                             "Open it in Excel or LibreOffice and save it as Excel Workbook "
                             "(.xlsx).", path=path))
    if not head.startswith(ZIP_MAGIC):
        with path.open("rb") as fh:
            start = fh.read(4096)
        looks = (msg("file", "it looks like a text or CSV file") if b"\x00" not in start
                 else msg("file", "it is in a format this tool does not read"))
        raise InputError(msg("file", "{path} is not an Excel workbook ({looks}). Open it in Excel "
                             "and save it as Excel Workbook (.xlsx).", path=path, looks=looks))
    kind, parts, sizes = _inspect_package(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise InputError(f"{path} cannot be read as a workbook ({_plain(exc)}). Open it in "
                         "Excel or LibreOffice and save it again as .xlsx.") from exc
    return Workbook(path, book, kind, parts, sizes)


def _is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        return ENCRYPTED_MARK in fh.read(64 << 20)


def _inspect_package(path: Path) -> tuple[str, dict[str, str], dict[str, int]]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"{path} is incomplete or damaged (perhaps a download that did not "
                         "finish). Download or copy it again, or open it in Excel and save it "
                         "again.") from exc
    try:
        with zf:
            return _inspect_parts(path, zf)
    except DAMAGED_ZIP as exc:
        raise InputError(_damaged(path)) from exc


def _damaged(path: Path) -> str:
    return (f"{path} is incomplete or damaged (perhaps a download that did not finish). "
            "Download or copy it again, or open it in Excel and save it again.")


def _inspect_parts(path: Path, zf: zipfile.ZipFile) -> tuple[str, dict[str, str], dict[str, int]]:
    names = set(zf.namelist())
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES
                or (info.file_size > RATIO_FROM and ratio > MAX_RATIO)):
            raise InputError(f"{path} holds a part ({info.filename}) that would expand to "
                             f"{info.file_size // (1 << 20):,} MiB; it is not a normal "
                             "workbook and was not opened. Save your data in a new workbook.")
    if "mimetype" in names and zf.read("mimetype").startswith(ODS_MIME):
        if ("META-INF/manifest.xml" in names
                and b"encryption-data" in zf.read("META-INF/manifest.xml")):
            raise InputError(f"{path} is password-protected. Open it in LibreOffice, save "
                             "a copy without the password (File > Save As, with 'Save with "
                             "password' unticked) and check that copy.")
        return "ods", {}, {}
    if "xl/workbook.bin" in names:
        raise InputError(f"{path} is a binary Excel workbook (.xlsb). Open it in Excel and "
                         "save it as Excel Workbook (.xlsx).")
    if "xl/workbook.xml" not in names:
        raise InputError(f"{path} is a zip file but not an Excel workbook. Open it in Excel "
                         "and save it as Excel Workbook (.xlsx).")
    for name in sorted(names):
        if name.endswith((".xml", ".rels")):
            with zf.open(name) as part:
                start = part.read(4096)
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise InputError(f"{path} contains XML entity declarations ({name}), which "
                                 "Excel never writes; the file may be malicious and was not "
                                 "opened. Ask the sender for a clean copy.")
    try:
        parts = _sheet_parts(zf)
        sizes = {i.filename: i.file_size for i in infos}
        return "xlsx", parts, {t: sizes.get(part, 0) for t, part in parts.items()}
    except Exception as exc:
        raise InputError(f"{path}: the list of sheets cannot be read ({_plain(exc)}). "
                         "Open it in Excel and save it again.") from exc


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    from defusedxml import ElementTree

    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", _NS)}
    parts = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name")] = part
    return parts


def scan_sheet(workbook: Workbook, title: str) -> SheetScan:
    """Stream one sheet's XML (capped) and note what calamine would hide or choke on."""
    scan = SheetScan()
    part = workbook.parts.get(title)
    if workbook.kind != "xlsx" or not part:
        return scan
    try:
        with zipfile.ZipFile(workbook.path) as zf:
            if part not in zf.NameToInfo:
                raise InputError(f"{workbook.path}: the sheet '{title}' is listed in the "
                                 "workbook but its contents are missing from the file; it is "
                                 "damaged. Open it in Excel or LibreOffice and save it again, "
                                 "or use an earlier copy.")
            _stream_sheet(workbook, title, zf, part, scan)
    except DAMAGED_ZIP as exc:
        raise InputError(_damaged(workbook.path)) from exc
    return scan


def _stream_sheet(workbook: Workbook, title: str, zf: zipfile.ZipFile, part: str,
                 scan: SheetScan) -> None:
    with zf.open(part) as stream:
        tail = b""
        read = 0
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_PART_BYTES:
                raise InputError(f"{workbook.path}: the sheet '{title}' is larger than "
                                 f"{MAX_PART_BYTES >> 20} MiB of XML; it was not opened.")
            data = tail + chunk
            _scan_chunk(data, scan)
            tail = data[-512:]


def _scan_chunk(data: bytes, scan: SheetScan) -> None:
    """Look at one piece of a sheet's XML.

    The common questions (how many values, any formula, any cell in a three-letter column) are
    answered with numpy over the bytes, which runs without holding Python's lock: this scan
    runs in a reading thread (matrixbook.speedups.loading) while the main thread imports pandas or
    builds a table. Only where numpy finds a candidate do the exact regular expressions run."""
    import numpy as np  # here, so that it is imported by the loader's thread, not before it

    a = np.frombuffer(data, dtype=np.uint8)
    if len(a) < 16:
        return
    lt = np.flatnonzero(a[:-8] == 60)  # every "<" with room for the tag after it
    after = a[lt + 1]
    closing = lt[after == 47]  # "</"
    c2, c3 = a[closing + 2], a[closing + 3]
    scan.value_cells += int(np.count_nonzero((c2 == 118) & (c3 == 62)))  # "</v>"
    scan.value_cells += int(np.count_nonzero((c2 == 105) & (c3 == 115)  # "</is>"
                                             & (a[closing + 4] == 62)))
    has_formula = bool(np.count_nonzero(after == 102))  # "<f"
    if has_formula and len(scan.formulas) < FORMULAS_NOTED:
        for m in _FORMULA_CELL.finditer(data):
            scan.formulas.setdefault(m.group(1).decode(),
                                     (m.group(2) or b"").decode("utf-8", errors="replace"))
            if len(scan.formulas) >= FORMULAS_NOTED:
                break
    if has_formula and len(scan.formula_cells) < 5:
        for m in _FORMULA_NO_VALUE.finditer(data):
            start = data.rfind(b'<c r="', 0, m.start())
            ref = _CELL_REF.match(data, start) if start >= 0 else None
            if ref:
                cell = (ref.group(1) + ref.group(2)).decode()
                if cell not in scan.formula_cells:
                    scan.formula_cells.append(cell)
            if len(scan.formula_cells) >= 5:
                break
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            item = (m.group(1).decode(), m.group(2).decode(errors="replace"))
            if item not in scan.error_cells:
                scan.error_cells.append(item)
    if scan.far_cell is None:
        cells = lt[(after == 99) & (a[lt + 2] == 32) & (a[lt + 3] == 114)]  # "<c r"
        letters = a[cells + 8]  # the third character of the reference: a letter?
        if np.count_nonzero((letters >= 65) & (letters <= 90)):
            far = _FAR_COLUMN.search(data)
            if far:
                scan.far_cell = far.group(1).decode()
    end = max(data.rfind(b"</v>"), data.rfind(b"</is>"))
    if end >= 0:
        start = data.rfind(b'<c r="', 0, end)
        ref = _CELL_REF.match(data, start) if start >= 0 else None
        if ref:
            scan.last_row = max(scan.last_row, int(ref.group(2)))


def check_grid(workbook: Workbook, title: str, scan: SheetScan) -> None:
    """Refuse a sheet whose stray far cell would make calamine build a huge grid."""
    where = f"{workbook.path}, sheet '{title}'"
    if scan.far_cell:
        raise InputError(f"{where}: a value in cell {scan.far_cell}, far to the right of the data, "
                         "makes the sheet billions of cells wide. Delete that cell (Ctrl+End "
                         "jumps to it), save, and run again.")
    if scan.last_row > 10 * scan.value_cells + 10_000:
        raise InputError(f"{where}: a value in row {scan.last_row:,}, far below the data, makes "
                         "the sheet a million rows long. Delete that row (Ctrl+End jumps to it), "
                         "save, and run again.")


def formulas_without_values(workbook: Workbook, title: str, scan: SheetScan) -> None:
    if scan.formula_cells:
        cells = ", ".join(scan.formula_cells[:3])
        raise InputError(f"{workbook.path}: the sheet '{title}' has formulas saved without their "
                         f"values (e.g. {cells}). Open the workbook in Excel or LibreOffice, "
                         "save it, and run again.")


def sheet_rows(workbook: Workbook, title: str) -> tuple[list[list[Any]], SheetScan]:
    """The sheet's cells as calamine reads them, after the scan has cleared them."""
    scan = scan_sheet(workbook, title)
    check_grid(workbook, title, scan)
    formulas_without_values(workbook, title, scan)
    try:
        sheet = workbook.book.get_sheet_by_name(title)
        if sheet.height * max(sheet.width, 1) > MAX_CELLS:
            raise InputError(f"{workbook.path}, sheet '{title}': {sheet.height:,} rows by "
                             f"{sheet.width:,} columns is more than this tool reads. Delete the "
                             "unused rows and columns after your data, save, and run again.")
        rows = sheet.to_python(skip_empty_area=False)
        scan.merged = list(sheet.merged_cell_ranges or [])
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{workbook.path}: the sheet '{title}' cannot be read "
                         f"({_plain(exc)}). Open the workbook in Excel or LibreOffice and save "
                         "it again.") from exc
    return rows, scan


def _plain(exc: Exception) -> str:
    """What a reader's error means, in plain words: its own text ("Expecting 'table-cell',
    found 'Text(BytesText…'") means nothing to staff and is never shown."""
    text = str(exc).casefold()
    if "cell limit" in text or "too many" in text or "memory" in text:
        return "it declares far more cells than it holds"
    if "password" in text or "encrypt" in text:
        return "it is password-protected; save a copy without the password"
    if "zip" in text or "crc" in text or "eof" in text or "truncat" in text:
        return "the file is damaged or incomplete"
    return "its contents are not laid out as Excel or LibreOffice save them"


__all__ = ["open_workbook", "sheet_rows", "Workbook", "SheetScan"]
