"""The CLIMB files: the CSV (UTF-8 with a byte-order mark, formula guard) and the workbook
(import sheet, Records, About)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.model.climb import ClimbMapping
from matrixbook.model.context import BuildContext
from matrixbook.outputs.climb.about import write_about
from matrixbook.outputs.climb.records import IMPORT_ROW_LINES, import_pages_wide, write_records
from matrixbook.values import is_blank as is_missing
from matrixbook.xlsx import row_height, row_heights


def neutralise(text: str, guard: tuple[str, ...]) -> str:
    """A CSV cell that a spreadsheet could run as a formula gets a leading single quote."""
    return "'" + text if text.startswith(guard) else text


def csv_cell(value: Any, guard: tuple[str, ...]) -> str:
    """One CSV cell: empty, a date as YYYY-MM-DD, else text with the formula guard."""
    if is_missing(value):
        return ""
    if isinstance(value, datetime):  # pd.Timestamp too
        return value.strftime("%Y-%m-%d")
    return neutralise(str(value), guard)


def write_csv(path: Path, frame: pd.DataFrame, mapping: ClimbMapping,
              cells: list[list[Any]] | None = None) -> None:
    """UTF-8 with a byte-order mark (Excel then reads the accents and Arabic right), CRLF
    line ends, quotes only where needed, injection guard on every cell (csv_cell, a column at
    a time)."""
    guard = mapping.csv_guard
    columns = [[csv_cell(value, guard) for value in values]
               for values in (cells if cells is not None else export_cells(frame, mapping))]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([neutralise(label, guard) for label in frame.columns])
        writer.writerows(zip(*columns, strict=True))


def export_cells(frame: pd.DataFrame, mapping: ClimbMapping) -> list[list[Any]]:
    """Each column of the export as the values a writer takes: None where the cell is empty
    (is_blank), else an int (integer columns), a datetime (date columns) or a str."""
    columns = []
    for col, label in zip(mapping.columns, frame.columns, strict=True):
        series = frame[label]
        if col.type in ("integer", "date"):
            convert = int if col.type == "integer" else _datetime
            columns.append([None if empty else convert(v) for v, empty
                            in zip(series.tolist(), series.isna().tolist(), strict=True)])
            continue
        column: list[Any] = []
        for value in series.tolist():
            if value.__class__ is str:  # nearly every cell: no need for is_blank's checks
                column.append(value if value.strip() else None)
            else:
                column.append(None if is_missing(value) else str(value))
        columns.append(column)
    return columns


def _datetime(value: Any) -> datetime:
    return pd.Timestamp(value).to_pydatetime()


def write_xlsx(path: Path, frame: pd.DataFrame, ctx: BuildContext, mapping: ClimbMapping,
               about: list[tuple[str, str]], names: dict[str, str] | None = None,
               cells: list[list[Any]] | None = None) -> None:
    import xlsxwriter

    # Rows are written in order, so constant memory keeps a 100,000-policy workbook small.
    wb = xlsxwriter.Workbook(str(path), xlsx.workbook_options(constant_memory=True))
    xlsx.set_properties(wb, "CLIMB import sheet", "Regional policies on human mobility in the "
                        "context of disasters, climate change and environmental degradation")
    header = wb.add_format({"bold": True, "font_color": xlsx.HEADER_FONT,
                            "bg_color": xlsx.IOM_BLUE, "text_wrap": True, "valign": "vcenter",
                            "border": 1, "border_color": "#FFFFFF"})
    plain = wb.add_format({"valign": "top", "border": 1, "border_color": "#D9D9D9"})
    wrap = wb.add_format({"valign": "top", "text_wrap": True, "border": 1,
                          "border_color": "#D9D9D9"})
    day = wb.add_format({"valign": "top", "num_format": xlsx.DATE_FORMAT, "border": 1,
                         "border_color": "#D9D9D9"})
    ws = wb.add_worksheet(mapping.sheet_title)
    for c, col in enumerate(mapping.columns):
        ws.set_column(c, c, col.width)
        ws.write_string(0, c, col.label, header)
    widths = [col.width for col in mapping.columns]
    ws.set_row(0, row_height(mapping.labels, widths, minimum=3))
    kinds = [col.type for col in mapping.columns]
    formats = [{"date": day, "integer": plain}.get(kind, wrap) for kind in kinds]
    # Typed writers only: text stays text, never a formula.
    writers = [{"date": ws.write_datetime, "integer": ws.write_number}.get(kind, ws.write_string)
               for kind in kinds]
    columns = cells if cells is not None else export_cells(frame, mapping)
    # At most a few lines a row: a record's full text is in its cells and on the Records sheet;
    # a row as tall as a list of 57 countries would print two records a page.
    heights = [min(h, IMPORT_ROW_LINES * 15.0) for h in row_heights(columns, widths)]
    blank = ws.write_blank
    for r, (height, *values) in enumerate(zip(heights, *columns, strict=True), start=1):
        ws.set_row(r, height)
        for c, value in enumerate(values):
            if value is None:
                blank(r, c, None, formats[c])
            else:
                writers[c](r, c, value, formats[c])
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(frame), 1), len(mapping.columns) - 1)
    xlsx.print_setup(ws, header_rows=1, audience=ctx.audience, title="CLIMB import sheet")
    # The import sheet is for import: on paper it runs several pages wide at a readable size,
    # the Record ID repeated on each, rather than 30 columns shrunk onto one page. The Records
    # sheet is the one to print.
    ws.fit_to_pages(import_pages_wide(widths), 0)
    ws.repeat_columns(0, 0)
    ws.print_across()
    write_records(wb, frame, ctx, mapping, names)
    write_about(wb, about, ctx)
    wb.close()


