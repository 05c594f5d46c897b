"""matrixbook.speedups.xlsxcells against xlsxwriter's own writer: the same workbook, byte for
byte, for every kind of cell and text that needs escaping, with shared strings and with
inline strings (constant memory); and xlsxwriter's own methods back once the block ends."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.worksheet import Worksheet

from matrixbook.speedups import PLAIN_VARIABLE, xlsxcells

# Texts that take each of xlsxwriter's escaping branches, and some that take none.
TEXTS = [
    "plain", "", " leading space", "trailing space ", "\u00a0no-break first", "last\u3000",
    "tab\tinside", "line\nbreak", "ends with a line break\n", "\nstarts with one",
    "A & B < C > D", 'quotes " here', "control \x01 and \x1f", "\x0b vertical tab",
    "a literal _x0041_ escape", "_x00ZZ_ is not one", "non-characters \ufffe \uffff",
    "<r>looks like rich text</r>", "العربية", "Émigration", "x" * 40, "\x1c file separator",
    "next line\x85",
]


def _workbook(path: Path, constant_memory: bool) -> bytes:
    # A file, not a buffer: xlsxwriter writes a buffer in memory, without constant memory.
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                   "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    wb.set_properties({"created": datetime(2025, 9, 3)})
    wrap = wb.add_format({"text_wrap": True})
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "d mmm yyyy"})
    ws = wb.add_worksheet("Cells")
    ws.set_column(3, 3, 20, bold)  # a column format: cells of no format of their own take it
    ws.set_row(5, 30, wrap)  # a row format
    ws.set_row(40, 25)  # a row with a height and no cells
    for r, text in enumerate(TEXTS):
        ws.write_string(r, 0, text, wrap if r % 2 else None)
        ws.write_number(r, 1, r * 1.1 + 0.1, bold if r % 3 else None)
        ws.write_datetime(r, 2, datetime(2025, 1, 1 + r), day)
        ws.write_number(r, 3, 10 ** r)  # the column's format
        ws.write_blank(r, 4, None, wrap)
        ws.write_boolean(r, 5, bool(r % 2))
        ws.write_formula(r, 6, f"=B{r + 1}*2", None, r * 2.2)
        ws.write_rich_string(r, 7, "a ", bold, "bold", " word")
        ws.write_url(r, 8, "https://example.org/?a=1&b=2", string=text or "link")
    ws.write_number(6, 12, 1.0)  # a wide row
    ws.write_string(7, 9, "after a gap")
    ws.write_comment(2, 1, "a comment")
    ws.merge_range(30, 0, 31, 3, "merged", wrap)
    other = wb.add_worksheet("Other")
    other.write_string(0, 0, "shared across sheets")
    other.write_string(1, 0, TEXTS[12])
    other.write_datetime(2, 0, date(2025, 9, 3), day)
    wb.close()
    return path.read_bytes()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("constant_memory", [False, True])
def test_the_same_bytes_as_xlsxwriter(constant_memory: bool, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PLAIN_VARIABLE, raising=False)
    own = _workbook(tmp_path / "own.xlsx", constant_memory)
    with xlsxcells.installed():
        assert Worksheet._write_rows is xlsxcells._write_rows  # noqa: SLF001 - switched in
        fast = _workbook(tmp_path / "fast.xlsx", constant_memory)
    assert _parts(fast) == _parts(own)
    assert fast == own
    # The file holds the cases the test is about (a test that wrote nothing would pass too).
    parts = _parts(own)
    texts = (parts["xl/worksheets/sheet1.xml"] if constant_memory
             else parts["xl/sharedStrings.xml"]).decode("utf-8")
    for escaped in ("_x005F_x0041_", "_x0001_", "_xFFFE_", "A &amp; B &lt; C &gt; D",
                    'quotes " here', '<t xml:space="preserve">last\u3000</t>'):
        assert escaped in texts
    assert ('t="inlineStr"' in parts["xl/worksheets/sheet1.xml"].decode("utf-8")) \
        == constant_memory


def test_xlsxwriter_is_itself_again_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PLAIN_VARIABLE, raising=False)
    before: dict[str, Any] = {"rows": Worksheet._write_rows,  # noqa: SLF001
                              "row": Worksheet._write_single_row,  # noqa: SLF001
                              "sst": SharedStrings._write_sst_strings}  # noqa: SLF001
    with pytest.raises(RuntimeError), xlsxcells.installed():
        raise RuntimeError("an output failed")
    assert before == {"rows": Worksheet._write_rows,  # noqa: SLF001
                      "row": Worksheet._write_single_row,  # noqa: SLF001
                      "sst": SharedStrings._write_sst_strings}  # noqa: SLF001


def test_plain_leaves_xlsxwriter_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    own = Worksheet._write_rows  # noqa: SLF001
    with xlsxcells.installed():
        assert Worksheet._write_rows is own  # noqa: SLF001
