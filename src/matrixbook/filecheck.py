"""Opening a file that should be a workbook, and saying plainly what it is when it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matrixbook.errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_workbook(path: Path) -> Any:
    """Return a calamine workbook, or raise InputError naming the file and what to do."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path, or run `matrixbook init` to "
                         "create a new master workbook.")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a workbook. Give the path of the .xlsx file.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise InputError(f"{path} is empty (0 bytes). Use a saved copy of the workbook.")
    if not (head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)):
        raise InputError(f"{path} is not an Excel workbook (it looks like a text or CSV file). "
                         "Open it in Excel and save it as an Excel Workbook (.xlsx).")
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        raise InputError(f"{path} cannot be read as a workbook ({_short(exc)}). Open it in Excel "
                         "or LibreOffice and save it again as .xlsx.") from exc


def sheet_rows(workbook: Any, path: Path, title: str) -> list[list[Any]]:
    try:
        return workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputError(f"{path}: the sheet '{title}' cannot be read ({_short(exc)}). Open the "
                         "workbook in Excel or LibreOffice and save it again.") from exc


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
