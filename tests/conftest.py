"""Shared fixtures. Workbooks are built in code (or copied from the committed default and edited
cell by cell), so each test shows the cell it is about."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from matrixbook.schema import Schema, load_schema

REPO = Path(__file__).resolve().parent.parent
MASTER = REPO / "workbook" / "master.xlsx"
TODAY = "2025-09-03"


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


@pytest.fixture(scope="session")
def master() -> Path:
    return MASTER


@pytest.fixture
def edited(tmp_path: Path) -> Callable[..., Path]:
    """Copy the default workbook and set cells: edited({"Policies": {"F14": "x"}}).

    Text is always stored as text, even when it starts with '=' (as a person typing '=x'
    after a leading apostrophe would store it)."""

    def make(edits: dict[str, dict[str, Any]], name: str = "edited.xlsx",
             source: Path = MASTER) -> Path:
        target = tmp_path / name
        wb = openpyxl.load_workbook(source)
        for sheet, cells in edits.items():
            ws = wb[sheet]
            for ref, value in cells.items():
                ws[ref] = value
                if isinstance(value, str):
                    ws[ref].data_type = "s"
        wb.save(target)
        return target

    return make


def header_cell(sheet: str, header: str, row: int, source: Path = MASTER) -> str:
    """The address of `header`'s column at `row` in the default workbook, e.g. 'F14'."""
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(source, read_only=True)
    ws = wb[sheet]
    headers = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]
    wb.close()
    return f"{get_column_letter(headers.index(header) + 1)}{row}"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_RUNNING: list[pytest.Item] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The test being set up (before its fixtures), so that to_pdf can insist on its
    `office` marker."""
    _RUNNING[:] = [item]


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _RUNNING.clear()


def to_pdf(path: Path, out_dir: Path) -> Path:
    """Open `path` in LibreOffice (headless) and print it to PDF; fail if it cannot.

    Only a test marked `office` may start LibreOffice, so that `-m "not office"` runs without
    it: an unmarked test that gets here fails."""
    node = _RUNNING[0] if _RUNNING else None
    assert node is None or node.get_closest_marker("office") is not None, (
        f"{node.nodeid} starts LibreOffice: mark it @pytest.mark.office")
    exe = soffice()
    if exe is None:
        message = ("LibreOffice (soffice) is not installed, so generated files were NOT opened "
                   "in an office suite. .ci/run installs libreoffice-calc-nogui and "
                   "libreoffice-writer-nogui; run it, or install them.")
        warnings.warn(message, stacklevel=2)
        print(message, file=sys.stderr)
        pytest.skip(message)
    profile = out_dir / "lo-profile"
    result = subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = out_dir / (path.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 1000, (
        f"LibreOffice could not open {path.name}: {result.stdout} {result.stderr}")
    return pdf


def pdf_pages(pdf: Path) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def build_default(out: Path, audience: str = "internal", lang: str = "en",
                  only: list[str] | None = None) -> Path:
    """A build of the default workbook at TODAY into `out` (every output unless `only`)."""
    from datetime import date

    from matrixbook.api import build

    result = build(MASTER, out, only=only, audience=audience, today=date.fromisoformat(TODAY),
                   lang=lang)
    assert result.report.ok, result.report.to_text()
    return out


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One internal build of the default workbook, shared by the output tests."""
    return build_default(tmp_path_factory.mktemp("out"), "internal")


@pytest.fixture(scope="session")
def built_external(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One external build of the default workbook."""
    return build_default(tmp_path_factory.mktemp("out-external"), "external")
