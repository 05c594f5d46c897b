"""The Records sheet of the CLIMB workbook: one block per policy, to print and read, and the
page arithmetic of the import sheet."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.model.climb import ClimbMapping
from matrixbook.model.context import BuildContext
from matrixbook.values import is_blank as is_missing
from matrixbook.xlsx import row_height

IMPORT_ROW_LINES = 6  # lines shown of a long cell of the import sheet
A4_POINTS = (595.3, 841.9)  # portrait width, height
MARGINS = (0.4 * 72, 0.6 * 72)  # left/right and top/bottom, as xlsx.print_setup sets them
RECORD_WIDTHS = (24, 72)  # field label, value
RECORD_FONT, RECORD_LINE = 10, 13.0  # points: 10 pt text keeps a long record on one page
FIRST_RECORD = 4  # row of the first record, under the title, two lines of introduction, a gap
TO_COMPLETE = "To be completed before import"
# The Records sheet is for reading and printing: past a few hundred records nobody reads it on
# paper, and 20,000 records of 12 rows each took most of the export's time. Beyond this many,
# only the first are written there; every record is in the import sheet (and the CSV).
RECORDS_LIMIT = 500


def records_note(total: int, mapping: ClimbMapping, limit: int | None = None) -> str | None:
    """What the Records sheet leaves out, in words; None when it holds every record."""
    limit = RECORDS_LIMIT if limit is None else limit
    if total <= limit:
        return None
    other = "the other one is" if total - limit == 1 else f"the other {total - limit:,} are"
    return (f"The Records sheet shows the first {limit:,} of the {total:,} records; {other} in "
            f"the import sheet '{mapping.sheet_title}' (and the CSV file), which holds every "
            "record.")


def _points(width: float) -> float:
    """Points a column `width` characters wide takes in Excel (7 pixels a character, plus 5)."""
    return int(width * 7 + 5) * 0.75


def import_pages_wide(widths: list[float]) -> int:
    """Pages across the import sheet prints on at about its real size, the Record ID column
    repeated on each: a sensible print for a sheet made for import, not for paper."""
    printable = A4_POINTS[1] - 2 * MARGINS[0]
    first, rest = _points(widths[0]), sum(_points(w) for w in widths[1:])
    return max(1, math.ceil(rest / (printable - first)))


def record_fields(values: dict[str, Any], mapping: ClimbMapping,
                  names: dict[str, str]) -> list[tuple[str, str]]:
    """One record as (field, value) pairs, for reading: a code and its label on one line
    ("fr – French", "2 – Minimize the adverse drivers..."), the countries named with their
    ISO3 code, an empty field marked as to be completed."""
    columns = list(mapping.columns)
    out: list[tuple[str, str]] = []
    codes_of = {n: c for c, n in names.items()}
    def items(label: str) -> list[str]:
        value = values.get(label)
        return [] if is_missing(value) else str(value).split(mapping.separator)

    for i, col in enumerate(columns):
        if col.labels_of or col.source == "countries_expanded":
            continue
        value = values.get(col.label)
        label = col.label
        if col.source == "country_names":
            iso = set(items(_label_of(mapping, "countries_expanded")))
            text = mapping.separator.join(
                f"{n} ({codes_of[n]})" if codes_of.get(n) in iso else n for n in items(label))
        elif i + 1 < len(columns) and columns[i + 1].labels_of:
            label = label.removesuffix(" code")
            codes = items(col.label)
            shown = items(columns[i + 1].label)
            text = "\n".join(f"{c} – {t}" if t and t != c else c
                             for c, t in zip(codes, shown + [""] * len(codes), strict=False))
        elif isinstance(value, pd.Timestamp):
            text = value.strftime("%Y-%m-%d")
        else:
            text = "" if is_missing(value) else str(value)
        out.append((label, text or TO_COMPLETE))
    return out


def _label_of(mapping: ClimbMapping, source: str) -> str:
    return next((c.label for c in mapping.columns if c.source == source and not c.labels_of),
                "")


def write_records(wb: Any, frame: pd.DataFrame, ctx: BuildContext, mapping: ClimbMapping,
                  names: dict[str, str] | None) -> None:
    """The sheet to print: portrait, one block per policy (field | value), text wrapped, and a
    page break before a record that would not fit on what is left of the page."""
    ws = wb.add_worksheet("Records")
    names = names or {}
    widths = list(RECORD_WIDTHS)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    border = {"border": 1, "border_color": "#D9D9D9", "valign": "top", "text_wrap": True,
              "font_size": RECORD_FONT}
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": xlsx.IOM_BLUE})
    note = wb.add_format({"italic": True, "font_color": "#404040"})
    head = wb.add_format({**border, "bold": True, "font_color": xlsx.HEADER_FONT,
                          "bg_color": xlsx.IOM_BLUE, "border_color": "#FFFFFF"})
    label_fmt = wb.add_format({**border, "bold": True, "bg_color": xlsx.BAND})
    value_fmt = wb.add_format(border)
    todo_fmt = wb.add_format({**border, "italic": True, "font_color": "#9A3400",
                              "bg_color": "#FDE2D2"})
    ws.write_string(0, 0, "CLIMB records, one block per policy", title)
    total = len(frame)
    left_out = total > RECORDS_LIMIT
    if left_out:
        # Short lines: a note runs on across the value column and must not pass its edge.
        frame = frame.iloc[:RECORDS_LIMIT]
        other = ("The other record is" if total - RECORDS_LIMIT == 1
                 else f"The other {total - RECORDS_LIMIT:,} records are")
        rest = f"{other} in the import sheet '{mapping.sheet_title}' and the CSV file."
        intro = [f"The first {RECORDS_LIMIT:,} of the {total:,} records of the import sheet, "
                 "field by field, to read and check.", rest]
    else:
        intro = [f"The {len(frame)} record{'s' if len(frame) != 1 else ''} of the import "
                 "sheet, field by field, to read and check before import.",
                 f"Codes stand beside their labels; an empty field reads '{TO_COMPLETE}'."]
    for i, text in enumerate(intro, start=1):
        ws.write_string(i, 0, text, note)  # runs on across the value column
    capacity = (A4_POINTS[1] - 2 * MARGINS[1]) * 0.92
    used = 4 * 15.0
    breaks: list[int] = []
    row = FIRST_RECORD
    id_label = mapping.columns[0].label
    for values in frame.to_dict("records"):
        fields = record_fields(values, mapping, names)
        name = next((t for lb, t in fields if lb == "Title (English)" and t != TO_COMPLETE),
                    str(values.get(mapping.columns[1].label) or ""))
        heights = [row_height([str(values[id_label]), name], widths, line=RECORD_LINE)]
        heights += [row_height([lb, t], widths, line=RECORD_LINE) for lb, t in fields]
        block = sum(heights)
        # A record that fits on a page starts on a new page rather than run over two (the
        # first one stays under the sheet's title).
        if row > FIRST_RECORD and used + block > capacity and block <= capacity:
            breaks.append(row)
            used = 0.0
        ws.write_string(row, 0, str(values[id_label]), head)
        ws.write_string(row, 1, name, head)
        ws.set_row(row, heights[0])
        for (lb, text), height in zip(fields, heights[1:], strict=True):
            row += 1
            ws.write_string(row, 0, lb, label_fmt)
            ws.write_string(row, 1, text, todo_fmt if text == TO_COMPLETE else value_fmt)
            ws.set_row(row, height)
        row += 2
        used = (used + block + 15.0) % capacity if block > capacity else used + block + 15.0
    if left_out:
        ws.write_string(row, 0, rest, note)  # after the last record too, where a reader stops
    if not len(frame):
        ws.write_string(FIRST_RECORD, 0, "No policy with a Climate context: nothing to import.",
                        note)
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, max(row, FIRST_RECORD), 1)  # the two columns, not notes running on
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title="CLIMB records",
                     landscape=False)
    ws.hide_gridlines(2)


