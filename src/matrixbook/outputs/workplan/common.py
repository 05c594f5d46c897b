"""What the four sheets of the workplan share: their formats, the title and source lines at
the top of each sheet, and row heights for their indented 9-point text."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from matrixbook import xlsx
from matrixbook.model.context import BuildContext
from matrixbook.model.periods import collection_period
from matrixbook.schema import Sheet
from matrixbook.values import is_blank as is_missing

FONT = 9
LATE_FILL = xlsx.TINTS["vermillion"]

# Left-aligned text one indent in from its column's edge: wrapped or right-aligned text in the
# column before fills that column to its edge, and without the indent the two print as one
# ("22 AugIOM MENA RO"). Dates and times are centred for the same reason.
PAD = {"align": "left", "indent": 1}
CENTRE = {"align": "center"}
# Row heights: 9-point text in columns sized for 11-point (1.4 characters a width unit), the
# indent taking 2 units (about 10 points); lines break after a space, a slash or a hyphen (so a
# URL wraps at its slashes, as LibreOffice and Excel wrap it).
SIZING = xlsx.Sizing(chars_per_unit=1.4, spare=0, indent=2, line=11.5, extra=2,
                     most_points=None, wrap=xlsx.BREAKS)
UNPADDED = dataclasses.replace(SIZING, indent=0)


def formats(workbook: Any) -> xlsx.Formats:
    """The workbook's formats: 9-point text at the top of its cell unless told otherwise."""
    return xlsx.Formats(workbook, font_size=FONT, valign="top")


def day_text(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def field_label(schema_sheet: Sheet, field: str) -> str:
    return schema_sheet.by_field[field].name


def sheet_title(ws: Worksheet, f: xlsx.Formats, title: str, lines: Iterable[str]) -> int:
    """Title and explanatory lines at the top of a sheet; returns the next free row."""
    ws.write_string(0, 0, title, f(**xlsx.TITLE, valign="vcenter"))
    ws.set_row(0, 22)
    row = 1
    for line in lines:
        ws.write_string(row, 0, line, f(**xlsx.NOTE))
        row += 1
    return row


def long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def source_line(ctx: BuildContext) -> str:
    """Where the sheet comes from. The date of the data is the latest 'Checked on' of the
    bodies, which has nothing to do with the plan's dates: say which facts it dates."""
    checked = ctx.data_date
    if checked == "not recorded":
        facts = "Date the facts about the bodies were checked: not recorded"
    else:
        facts = f"Facts about the bodies checked up to {long_date(date.fromisoformat(checked))}"
    return f"From {ctx.source_name} · {ctx.audience_label} version · {facts}"


def row_height(texts: Iterable[tuple[Any, float]], padded: bool = True) -> float | None:
    """A row height that shows wrapped text whole, or None for one line (the default height).
    `texts` are (text, column width) pairs; `padded`: the cells are indented (PAD)."""
    sizing = SIZING if padded else UNPADDED
    lines = sizing.lines([(str(text), width) for text, width in texts if not is_missing(text)])
    return None if lines == 1 else sizing.height(lines)


def bodies_by_id(ctx: BuildContext) -> dict[str, dict[str, Any]]:
    bodies = ctx.bodies()
    if bodies.empty:
        return {}
    return bodies.set_index("body_id").to_dict("index")


def acronym_of(bodies: dict[str, dict[str, Any]], body_id: Any) -> str:
    acronym = bodies.get(body_id, {}).get("acronym")
    return str(body_id) if is_missing(acronym) else str(acronym)


def period_line(ctx: BuildContext) -> str:
    period = collection_period(ctx)
    if period is None:
        return "Data-collection period: not set (no Interviews phase in the Workplan sheet)."
    return (f"Data-collection period: {day_text(period[0])} to {day_text(period[1])} (the "
            "Interviews phase of the workplan).")
