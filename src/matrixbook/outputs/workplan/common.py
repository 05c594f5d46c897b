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
from matrixbook.model import language
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


CONTEXT = "workplan"  # the msgctxt of the workplan's texts


def say(ctx: BuildContext | None, text: str) -> str:
    """A fixed text of the workplan in the build's language (English without a build)."""
    return text if ctx is None else xlsx.say(ctx.texts, text, CONTEXT)


def day_text(value: Any, ctx: BuildContext | None = None) -> str:
    """A date in a sentence: 2025-09-12, or 12 septembre 2025 in another language."""
    if ctx is not None and not ctx.texts.english:
        return ctx.texts.date(pd.Timestamp(value))
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def field_label(schema_sheet: Sheet, field: str, ctx: BuildContext | None = None) -> str:
    """A column's header, in the build's language."""
    if ctx is not None and not ctx.texts.english:
        return ctx.texts.header(schema_sheet.name, field)
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


def long_date(day: date, ctx: BuildContext | None = None) -> str:
    """12 Sep 2025, or 12 septembre 2025 in another language."""
    if ctx is not None and not ctx.texts.english:
        return ctx.texts.date(day)
    return f"{day.day} {day:%b %Y}"


def source_line(ctx: BuildContext) -> str:
    """Where the sheet comes from. The date of the data is the latest 'Checked on' of the
    bodies, which has nothing to do with the plan's dates: say which facts it dates."""
    checked = ctx.data_date
    if checked == "not recorded":
        facts = say(ctx, "Date the facts about the bodies were checked: not recorded")
    else:
        facts = say(ctx, "Facts about the bodies checked up to {date}").format(
            date=long_date(date.fromisoformat(checked), ctx))
    return say(ctx, "From {source} · {audience} version · {facts}").format(
        source=ctx.source_name, audience=say(ctx, ctx.audience_label), facts=facts)


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


def acronym_of(bodies: dict[str, dict[str, Any]], body_id: Any,
               ctx: BuildContext | None = None) -> str:
    """A body's acronym, in the build's language (LEA) where the workbook gives it."""
    body = bodies.get(body_id, {})
    if ctx is not None and not ctx.texts.english and body:
        own = language.named(ctx.texts.body_acronym(body))  # marked if English
        if own:
            return own
    acronym = body.get("acronym")
    return str(body_id) if is_missing(acronym) else str(acronym)


def period_line(ctx: BuildContext, phase: bool = True) -> str:
    """The data-collection period in a sentence; `phase`: say where it comes from."""
    period = collection_period(ctx)
    if period is None:
        return say(ctx, "Data-collection period: not set (no Interviews phase in the Workplan "
                        "sheet).")
    text = ("Data-collection period: {start} to {end} (the Interviews phase of the workplan)."
            if phase else "Data-collection period: {start} to {end}.")
    return say(ctx, text).format(start=day_text(period[0], ctx), end=day_text(period[1], ctx))
