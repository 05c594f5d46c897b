"""The *Interviews* sheet (internal: the calendar by date and time; external: interviews per
week and body, never one interview's details) and *Interviews by body* (counts per status,
bodies with no interview planned or held flagged)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from matrixbook import xlsx
from matrixbook.model import interviews as interview_calendar
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.outputs.workplan.common import (
    CENTRE,
    LATE_FILL,
    PAD,
    acronym_of,
    bodies_by_id,
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

INTERVIEW_STATUS_FILL = {
    "Done": xlsx.TINTS["green"],
    "Confirmed": xlsx.TINTS["blue"],
    "Planned": xlsx.TINTS["sky"],
    "Requested": xlsx.TINTS["yellow"],
    "Postponed": xlsx.TINTS["orange"],
    "Declined": xlsx.TINTS["grey"],
    "Cancelled": xlsx.TINTS["grey"],
}
SHEET = "Interviews"  # this output's own sheet (the calendar), not the workbook's
NO_INTERVIEW = "No interview yet"
NONE_SCHEDULED = "No interview planned or held yet"


INTERVIEW_FIELDS = ("body_id", "organisation", "role", "contact", "mode", "status",
                    "interviewer", "topics", "interview_id")
CONTACT_FIELDS = ("interviewee", "email", "phone")  # personal: only in internal tables
INTERVIEW_HEADER_ROWS = 4
_VOCABULARY = {"mode": "interview_modes", "status": "interview_status", "topics": "themes"}
DATE_WIDTH = 12.5  # "Wed 27 Aug 2025" in bold
TIME_ZONE_WIDTH = 14.5  # "Africa/Casablanca" on one line
KIND_WIDTH = 19.5  # "Inter-regional dialogue" on one line
INTERVIEW_WIDTHS = {"body_id": 9, "organisation": 20, "role": 18, "contact": 22, "mode": 9,
                    "status": 9.5, "interviewer": 11, "topics": 20, "interview_id": 9}


WEEK_WIDTHS = (22, 19, 11, 30, 34)  # Week, Body, Interviews, Mode, Status


def write_interview_weeks(wb: xlsxwriter.Workbook, f: xlsx.Formats, ctx: BuildContext) -> None:
    """The external calendar: interviews per week and body, with their count, modes and
    statuses; never one interview's organisation, role or time, which together can name the
    person interviewed."""
    ws = wb.add_worksheet(say(ctx, SHEET))
    table = ctx.tables[ctx.schema.names.interviews]
    bodies = bodies_by_id(ctx)
    lines = [source_line(ctx),
             say(ctx, "Per week and body: no interviewee, organisation, role or time is shown.")
             + " " + period_line(ctx, phase=False)]
    sheet_title(ws, f, say(ctx, "Interview calendar"), lines)
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(zip(("Week", "Body", "Interviews", "Mode", "Status"),
                                           WEEK_WIDTHS, strict=True)):
        ws.set_column(c, c, width)
        ws.write_string(hdr, c, say(ctx, label),
                        f.header(**(CENTRE if c == 2 else PAD if c else {})))
    ws.set_row(hdr, 26)
    row = INTERVIEW_HEADER_ROWS
    weeks = interview_calendar.per_week(
        table, list(bodies), ctx.schema.vocabulary("interview_modes").codes,
        ctx.schema.vocabulary("interview_status").codes)
    if not weeks:
        ws.write_string(row, 0, say(ctx, "No interview recorded yet."), f(italic=True))
    band, previous = False, None
    for w in weeks:
        if w.week != previous:
            band, previous = not band, w.week
        base = {"bg_color": xlsx.BAND} if band else {}
        label = (say(ctx, "Week of {date}").format(date=long_date(w.week, ctx)) if w.week
                 else say(ctx, "Not yet scheduled"))
        ws.write_string(row, 0, label, f(bold=True, **base))
        ws.write_string(row, 1, acronym_of(bodies, w.body_id, ctx), f(**PAD, **base))
        ws.write_number(row, 2, w.count, f(**CENTRE, **base))
        ws.write_string(row, 3, w.modes_text(ctx.texts), f(text_wrap=True, **PAD, **base))
        ws.write_string(row, 4, w.statuses_text(ctx.texts), f(text_wrap=True, **PAD, **base))
        row += 1
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 0)
    if row > INTERVIEW_HEADER_ROWS:
        ws.autofilter(hdr, 0, row - 1, len(WEEK_WIDTHS) - 1)
    ws.print_area(0, 0, max(row - 1, INTERVIEW_HEADER_ROWS), len(WEEK_WIDTHS) - 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title=say(ctx, "Interview calendar"), texts=ctx.texts)


def write_interviews(wb: xlsxwriter.Workbook, f: xlsx.Formats, ctx: BuildContext) -> None:
    if ctx.audience != "internal":
        write_interview_weeks(wb, f, ctx)
        return
    ws = wb.add_worksheet(say(ctx, SHEET))
    sheet = ctx.schema.sheet(ctx.schema.names.interviews)
    table = ctx.tables[sheet.name]
    bodies = bodies_by_id(ctx)
    timing = interview_calendar.Timing.of(ctx.schema)
    lines = [
        source_line(ctx),
        say(ctx, "Times are local to each interview's time zone; where the Time zone cell is "
                 "empty, {zone} is assumed, and an empty duration is read as {minutes} "
                 "minutes.").format(zone=timing.time_zone, minutes=timing.duration_min)
        + " " + period_line(ctx),
    ]
    sheet_title(ws, f, say(ctx, "Interview calendar"), lines)
    contacts = [fd for fd in CONTACT_FIELDS if fd in table.columns]
    fields = [fd for fd in INTERVIEW_FIELDS
              if fd in table.columns or (fd == "contact" and contacts)]
    headers: list[tuple[str, float]] = [(say(ctx, "Date"), _date_width(table, ctx)),
                                        (say(ctx, "Start"), 5.5),
                                        (say(ctx, "End"), 5.5),
                                        (field_label(sheet, "time_zone", ctx), TIME_ZONE_WIDTH)]
    for fd in fields:
        if fd == "body_id":
            label = say(ctx, "Body")
        elif fd == "contact":
            label = ", ".join(field_label(sheet, c, ctx) for c in contacts)
        else:
            label = field_label(sheet, fd, ctx)
        headers.append((label, _term_width(fd, ctx)))
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(headers):
        ws.set_column(c, c, width)
        centred = c in (1, 2) or c == len(headers) - 1  # times; the Interview ID
        ws.write_string(hdr, c, label, f.header(**(CENTRE if centred else PAD if c else {})))
    ws.set_row(hdr, 26)
    row = INTERVIEW_HEADER_ROWS
    if table.empty:
        ws.write_string(row, 0, say(ctx, "No interview in the Interviews sheet yet."),
                        f(italic=True))
    dated = table[table["starts_at"].notna()].sort_values(["starts_at", "interview_id"],
                                                          kind="stable")
    undated = table[table["starts_at"].isna()].copy()
    if not undated.empty:
        undated["_body"] = undated["body_id"].map(lambda b: acronym_of(bodies, b, ctx))
        undated = undated.sort_values(["_body", "interview_id"], kind="stable")
    band = False
    previous_day = None
    for rec in dated.itertuples():
        day = rec.starts_at.date()
        if day != previous_day:
            band = not band
            previous_day = day
        _write_interview(ws, f, row, rec, fields, bodies, band, timing, ctx)
        row += 1
    if not undated.empty:
        ws.write_string(row, 0, say(ctx, "Not yet scheduled"),
                        f(bold=True, italic=True, bg_color=xlsx.TINTS["grey"]))
        for c in range(1, len(headers)):
            ws.write_blank(row, c, None, f(bg_color=xlsx.TINTS["grey"]))
        row += 1
        for rec in undated.itertuples():
            _write_interview(ws, f, row, rec, fields, bodies, False, timing, ctx)
            row += 1
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 0)
    if row > INTERVIEW_HEADER_ROWS:
        ws.autofilter(hdr, 0, row - 1, len(headers) - 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title=say(ctx, "Interview calendar"), texts=ctx.texts)


def _date_width(table: pd.DataFrame, ctx: BuildContext) -> float:
    """Column A shows 'Wed 27 Aug 2025' in bold (DATE_WIDTH wide). Other languages' day and
    month names are longer ('mer. 10 sept. 2025'): wide enough for the longest date of the
    sheet, or Excel and Calc print ### in its place."""
    texts = ctx.texts
    if texts is None or texts.english:
        return DATE_WIDTH
    longest = max((len(texts.date(d, "EEE d MMM y")) for d in table["starts_at"].dropna()),
                  default=0)
    return max(DATE_WIDTH, round(longest * 0.9 + 1, 1))


def _term_width(fd: str, ctx: BuildContext) -> float:
    """The column's width; in another language, wide enough for the longest word of a Mode
    (the cell wraps between words: 'Visioconférence') and the longest Status (one line)."""
    width = INTERVIEW_WIDTHS[fd]
    texts = ctx.texts
    if fd not in ("mode", "status") or texts is None or texts.english:
        return width
    vocabulary = _VOCABULARY[fd]
    terms = [texts.term(vocabulary, code) for code in ctx.schema.vocabulary(vocabulary).codes]
    parts = [word for term in terms for word in term.split()] if fd == "mode" else terms
    return max(width, max((len(p) for p in parts), default=0) + 1.5)


def _contact(rec: Any) -> str:
    """Name, email and phone on separate lines: whichever the (internal) table carries."""
    values = [getattr(rec, k, None) for k in CONTACT_FIELDS]
    return "\n".join(str(v) for v in values if v is not None and not is_missing(v))


def _write_interview(ws: Worksheet, f: xlsx.Formats, row: int, rec: Any, fields: list[str],
                     bodies: dict[str, dict[str, Any]], band: bool,
                     timing: interview_calendar.Timing, ctx: BuildContext | None = None) -> None:
    base = {"bg_color": xlsx.BAND} if band else {}
    texts = ctx.texts if ctx is not None else None
    other = texts is not None and not texts.english
    if pd.notna(rec.starts_at):
        start = rec.starts_at.to_pydatetime()
        ws.write_datetime(row, 0, start, f(num_format=xlsx.date_format("ddd d mmm yyyy", texts),
                                           bold=True, align="left", **base))
        ws.write_datetime(row, 1, start, f(num_format="hh:mm", **CENTRE, **base))
        ws.write_datetime(row, 2, timing.ends_at(rec.starts_at, rec.duration_min).to_pydatetime(),
                          f(num_format="hh:mm", **CENTRE, **base))
        ws.write_string(row, 3, timing.zone(rec.time_zone), f(text_wrap=True, **PAD, **base))
    else:
        for c in range(4):
            ws.write_blank(row, c, None, f(**base))
    for c, fd in enumerate(fields, start=4):
        value = _contact(rec) if fd == "contact" else getattr(rec, fd)
        if fd == "body_id":
            value = acronym_of(bodies, value, ctx)
        elif other and texts is not None and fd in _VOCABULARY and not is_missing(value):
            value = ([texts.term(_VOCABULARY[fd], str(v)) for v in value]
                     if isinstance(value, list) else texts.term(_VOCABULARY[fd], str(value)))
        if fd == "status":
            fill = INTERVIEW_STATUS_FILL.get(str(getattr(rec, fd)))
            fmt = f(bg_color=fill, **PAD) if fill else f(**PAD, **base)
        elif fd == "interview_id":
            fmt = f(**CENTRE, **base)
        else:
            fmt = f(text_wrap=True, **PAD, **base)
        xlsx.write_value(ws, row, c, value, fmt, texts=texts)
    cells = [(timing.zone(rec.time_zone), TIME_ZONE_WIDTH),
             (acronym_of(bodies, rec.body_id, ctx), INTERVIEW_WIDTHS["body_id"])]
    for fd in ("organisation", "role", "topics"):
        text = getattr(rec, fd)
        cells.append(("; ".join(text) if isinstance(text, list) else text,
                      INTERVIEW_WIDTHS[fd]))
    if "contact" in fields:
        cells.append((_contact(rec), INTERVIEW_WIDTHS["contact"]))
    height = row_height(cells)
    if height:
        ws.set_row(row, height)


def interview_counts(ctx: BuildContext) -> pd.DataFrame:
    """One row per body (entities, then dialogues): interviews per status, total and flag."""
    statuses = list(ctx.schema.vocabulary("interview_status").codes)
    # Held or scheduled: the statuses that mean done or pending (vocabularies.yaml).
    held_or_scheduled = (ctx.schema.codes("interview_status", Meaning.PENDING)
                         + ctx.schema.codes("interview_status", Meaning.DONE))
    table = ctx.tables[ctx.schema.names.interviews]
    bodies = ctx.bodies()
    counts = pd.crosstab(table["body_id"], table["status"]) if not table.empty else pd.DataFrame()
    rows = []
    for body in bodies.itertuples():
        rec: dict[str, Any] = {"body_id": body.body_id, "acronym": body.acronym,
                               "name_en": body.name_en, "kind": body.kind}
        for s in statuses:
            has = body.body_id in counts.index and s in counts.columns
            rec[s] = int(counts.loc[body.body_id, s]) if has else 0
        rec["Total"] = sum(rec[s] for s in statuses)
        held = sum(rec[s] for s in held_or_scheduled)
        rec["flag"] = NO_INTERVIEW if rec["Total"] == 0 else (NONE_SCHEDULED if held == 0
                                                             else "")
        rows.append(rec)
    return pd.DataFrame(rows, columns=["body_id", "acronym", "name_en", "kind", *statuses,
                                       "Total", "flag"])


def write_interview_counts(wb: xlsxwriter.Workbook, f: xlsx.Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet(say(ctx, "Interviews by body"))
    statuses = list(ctx.schema.vocabulary("interview_status").codes)
    counts = interview_counts(ctx)
    flagged = int((counts["flag"] != "").sum())
    texts = ctx.texts
    by_id = bodies_by_id(ctx) if not texts.english else {}
    lines = [
        source_line(ctx),
        texts.plural(flagged, "Interviews per body and status. {n} of {bodies} bodies has no "
                              "interview planned or held yet (flagged).",
                     "Interviews per body and status. {n} of {bodies} bodies have no "
                     "interview planned or held yet (flagged).", "workplan",
                     bodies=texts.number(len(counts)))
        if not texts.english else
        f"Interviews per body and status. {flagged} of {len(counts)} bodies have no interview "
        "planned or held yet (flagged).",
    ]
    sheet_title(ws, f, say(ctx, "Interviews by body"), lines)
    entities = ctx.schema.sheet(ctx.schema.names.entities)
    shown = statuses if texts.english else [texts.term("interview_status", s) for s in statuses]
    headers = ([(field_label(entities, "acronym", ctx), 15),
                (field_label(entities, "name_en") if texts.english else say(ctx, "Name"), 34),
                (say(ctx, "Kind"), KIND_WIDTH)] + [(s, 8.5) for s in shown]
               + [(say(ctx, "Total"), 7), (say(ctx, "Flag"), 28)])
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(headers):
        ws.set_column(c, c, width)
        ws.write_string(hdr, c, label, f.header(**(CENTRE if 3 <= c < 4 + len(statuses)
                                                   else PAD if c else {})))
    ws.set_row(hdr, 26)
    number = {"num_format": '0;-0;"–"', "align": "center"}
    row = INTERVIEW_HEADER_ROWS
    for values in counts.to_dict("records"):
        flag = say(ctx, values["flag"]) if values["flag"] else ""
        if not texts.english:
            body = by_id.get(values["body_id"], {})
            values = dict(values,
                          acronym=language.named(texts.body_acronym(body)) or values["acronym"],
                          name_en=language.named(texts.body_name(body)) or values["name_en"],
                          kind=say(ctx, values["kind"]))
        ws.write_string(row, 0, str(values["acronym"]), f(bold=True, text_wrap=True))
        xlsx.write_value(ws, row, 1, values["name_en"], f(text_wrap=True, **PAD))
        ws.write_string(row, 2, str(values["kind"]), f(text_wrap=True, **PAD))
        for c, s in enumerate(statuses, start=3):
            ws.write_number(row, c, int(values[s]), f(**number))
        ws.write_number(row, 3 + len(statuses), int(values["Total"]), f(bold=True, **number))
        if flag:
            ws.write_string(row, 4 + len(statuses), flag, f(bold=True, bg_color=LATE_FILL,
                                                             **PAD))
        else:
            ws.write_blank(row, 4 + len(statuses), None, f())
        height = max(row_height([(values["acronym"], 15)], padded=False) or 0,
                     row_height([(values["name_en"], 34), (values["kind"], KIND_WIDTH)]) or 0)
        if height:
            ws.set_row(row, height)
        row += 1
    total = {"bold": True, "top": 1}
    ws.write_string(row, 0, say(ctx, "All bodies"), f(**total))
    ws.write_blank(row, 1, None, f(**total))
    ws.write_blank(row, 2, None, f(**total))
    for c, s in enumerate([*statuses, "Total"], start=3):
        ws.write_number(row, c, int(counts[s].sum()), f(**total, **number))
    ws.write_blank(row, 4 + len(statuses), None, f(**total))
    unknown = _interviews_of_unknown_bodies(ctx)
    if unknown:
        ws.write_string(row + 2, 0, say(ctx, "Interviews about an ID that is neither an entity "
                                             "nor a dialogue: ") + ", ".join(unknown),
                        f(italic=True))
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title=say(ctx, "Interviews by body"), texts=ctx.texts)


def _interviews_of_unknown_bodies(ctx: BuildContext) -> list[str]:
    table = ctx.tables[ctx.schema.names.interviews]
    if table.empty:
        return []
    known = set(ctx.bodies()["body_id"])
    return sorted(table.loc[~table["body_id"].isin(known), "interview_id"].astype(str))
