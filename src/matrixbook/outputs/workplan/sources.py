"""The *Data collection* sheet: per body, the sources of the documentary review to collect,
their due dates and status, overdue ones flagged."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from matrixbook import xlsx
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.outputs.workplan.common import (
    CENTRE,
    LATE_FILL,
    PAD,
    field_label,
    long_date,
    period_line,
    row_height,
    say,
    sheet_title,
    source_line,
)
from matrixbook.schema import Meaning
from matrixbook.values import is_blank as is_missing

SOURCE_FIELDS = ("source_id", "title", "publisher", "source_type", "status", "due_date",
                 "accessed_on", "url")
SOURCE_WIDTHS = {"source_id": 9, "title": 40, "publisher": 20, "source_type": 15,
                 "status": 11, "due_date": 10, "accessed_on": 10, "url": 34}
SOURCE_HEADER_ROWS = 4
SOURCE_DATES = ("due_date", "accessed_on")
SOURCE_FLAG_WIDTH = 19  # "No source listed yet", bold, on one line
OVERDUE = "Overdue"
NO_SOURCE = "No source listed yet"


def is_overdue(rec: Any, today: date | None, pending: tuple[str, ...]) -> bool:
    """Due before `today` and still pending (To collect, Requested: vocabularies.yaml)."""
    if today is None or pd.isna(rec.due_date):
        return False
    return rec.due_date.date() < today and rec.status in pending


def _collection_summary(group: list[Any], statuses: list[str],
                        ctx: BuildContext | None = None) -> str:
    if ctx is not None and not ctx.texts.english:
        if not group:
            return say(ctx, "no source listed yet")
        counts = Counter(rec.status for rec in group)
        parts = [ctx.texts.counted_term(counts[s], "collection_status", s)
                 for s in statuses if counts[s]]
        noun = ctx.texts.plural(len(group), "{n} source", "{n} sources", "workplan")
        return noun + say(ctx, ": ") + ", ".join(parts)
    if not group:
        return "no source listed yet"
    counts = Counter(rec.status for rec in group)
    parts = [f"{counts[s]} {s.lower()}" for s in statuses if counts[s]]
    noun = "source" if len(group) == 1 else "sources"
    return f"{len(group)} {noun}: " + ", ".join(parts)


def write_data_collection(wb: xlsxwriter.Workbook, f: xlsx.Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet(say(ctx, "Data collection"))
    sheet = ctx.schema.sheet(ctx.schema.names.sources)
    sources = ctx.tables[sheet.name]
    statuses = list(ctx.schema.vocabulary("collection_status").codes)
    pending = ctx.schema.codes("collection_status", Meaning.PENDING)
    today = ctx.today
    overdue_note = (say(ctx, "Overdue as at {date} (--today): due before that day and still to "
                             "collect or requested.").format(date=long_date(today, ctx))
                    if today else
                    say(ctx, "No source is flagged overdue.") if ctx.audience == "external" else
                    say(ctx, "No source is flagged overdue: built without --today (add --today "
                             "YYYY-MM-DD to the build command to flag them)."))
    sheet_title(ws, f, say(ctx, "Data-collection calendar"),
                [source_line(ctx), period_line(ctx) + " " + overdue_note])
    hdr = SOURCE_HEADER_ROWS - 1
    for c, fd in enumerate(SOURCE_FIELDS):
        ws.set_column(c, c, SOURCE_WIDTHS[fd])
        align = CENTRE if fd in SOURCE_DATES else PAD if c else {}
        ws.write_string(hdr, c, field_label(sheet, fd, ctx), f.header(**align))
    flag_col = len(SOURCE_FIELDS)
    ws.set_column(flag_col, flag_col, SOURCE_FLAG_WIDTH)
    ws.write_string(hdr, flag_col, say(ctx, "Flag"), f.header(**PAD))
    ws.set_row(hdr, 26)
    # One pass over the sources, in due-date order, bucketed by body (fast for large books).
    ordered = sources.sort_values(["due_date", "source_id"], kind="stable", na_position="last")
    by_body: dict[Any, list[Any]] = {}
    for rec in ordered.itertuples():
        by_body.setdefault(None if is_missing(rec.body_id) else rec.body_id, []).append(rec)
    texts = ctx.texts
    if texts.english:
        groups = [(f"{body.acronym} — {body.name_en}", by_body.get(body.body_id, []))
                  for body in ctx.bodies().itertuples()]
    else:
        groups = [(language.acronym_dash_name(texts.body_name(body), texts.body_acronym(body)),
                   by_body.get(body["body_id"], []))
                  for body in ctx.bodies().to_dict("records")]
    if by_body.get(None):
        groups.append((say(ctx, "General sources (not about one body)"), by_body[None]))
    row = SOURCE_HEADER_ROWS
    group_fill = {"bg_color": xlsx.TINTS["blue"], "bold": True}
    for label, group in groups:
        ws.write_string(row, 0, f"{label} · {_collection_summary(group, statuses, ctx)}",
                        f(**group_fill))
        for c in range(1, flag_col):
            ws.write_blank(row, c, None, f(**group_fill))
        if not group:
            ws.write_string(row, flag_col, say(ctx, NO_SOURCE),
                            f(bold=True, bg_color=LATE_FILL, **PAD))
        else:
            ws.write_blank(row, flag_col, None, f(**group_fill))
        row += 1
        for rec in group:
            _write_source(ws, f, row, rec, today, pending, ctx)
            row += 1
    if sources.empty and not groups:
        ws.write_string(row, 0, say(ctx, "No source in the Sources sheet yet."), f(italic=True))
    ws.freeze_panes(SOURCE_HEADER_ROWS, 0)
    xlsx.print_setup(ws, header_rows=SOURCE_HEADER_ROWS, audience=ctx.audience,
                     title=say(ctx, "Data-collection calendar"), texts=ctx.texts)


_VOCABULARY = {"source_type": "source_types", "status": "collection_status"}


def _write_source(ws: Worksheet, f: xlsx.Formats, row: int, rec: Any, today: date | None,
                  pending: tuple[str, ...], ctx: BuildContext | None = None) -> None:
    texts = ctx.texts if ctx is not None else None
    for c, fd in enumerate(SOURCE_FIELDS):
        value = getattr(rec, fd)
        if texts is not None and not texts.english and fd in _VOCABULARY \
                and not is_missing(value):
            value = texts.term(_VOCABULARY[fd], str(value))
        if fd in SOURCE_DATES:
            xlsx.write_value(ws, row, c, value, f(num_format=xlsx.DATE_FORMAT, **CENTRE))
        elif c == 0:
            xlsx.write_value(ws, row, c, value, f())
        else:
            xlsx.write_value(ws, row, c, value, f(text_wrap=True, **PAD))
    flag_col = len(SOURCE_FIELDS)
    if is_overdue(rec, today, pending):
        shown = OVERDUE if ctx is None else say(ctx, OVERDUE)
        ws.write_string(row, flag_col, shown, f(bold=True, bg_color=LATE_FILL, **PAD))
    else:
        ws.write_blank(row, flag_col, None, f())
    height = row_height([(getattr(rec, fd), SOURCE_WIDTHS[fd])
                          for fd in ("title", "publisher", "source_type", "status", "url")])
    if height:
        ws.set_row(row, height)
