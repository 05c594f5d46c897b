"""`out/workplan.xlsx`: the workplan of deliverable 1, with its two calendars.

- *Schedule*: a Gantt chart drawn in cells, so it prints and can be edited without a charting
  tool. Tasks are grouped by phase (in the order of the phase list); one column per day (or per
  week when the plan is longer than twelve weeks). Bars take the colour of the task's status,
  milestones (◆) and deliverable deadlines (★) are markers on their day, weekends are shaded and
  narrow (their day number in a smaller font, so the day sequence reads without gaps), and a
  vermilion line marks today when the build is given `--today` and it falls in the plan.
  Without `--today` there is no today line and no late flag, and the header says so and how to
  get them: the file never depends on the clock, so two builds of the same workbook are
  byte-identical.
- *Interviews*: the interview calendar by date and time; *Interviews by body*: counts per body
  and per status, with the bodies that have no interview planned or held flagged.
- *Data collection*: per body, the sources of the documentary review to collect, due dates and
  status, overdue ones flagged.

Each sheet's header line names its dates: the facts about the bodies were checked up to the
latest 'Checked on' (often long after the plan), the schedule is shown as at `--today`.
Dates and times are centred and text sits one indent in from its column's edge, so a printed
cell never runs into the next one.

Column headers come from the schemas; the tables are already filtered for the audience, so the
interviewees' names and contacts appear only in an internal build.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from matrixbook import xlsx
from matrixbook.model import interviews as interview_calendar
from matrixbook.model.context import BuildContext
from matrixbook.model.periods import collection_period
from matrixbook.outputs import Output
from matrixbook.outputs.calendar import (
    DEFAULT_DURATION_MIN,
    DEFAULT_TIME_ZONE,
    ends_at,
    is_missing,
    time_zone_of,
)
from matrixbook.schema import Sheet

FILE_NAME = "workplan.xlsx"
PAYMENT_DAYS = 15  # terms of reference: payment within 15 days of a deliverable's approval
DAILY_LIMIT_DAYS = 84  # up to twelve weeks: one column per day; longer: one per week
WEEKEND = (5, 6)  # Saturday, Sunday
FONT = 9

# Each task status's colour: the full colour on working days, its tint on weekends.
STATUS_COLOUR = {"Not started": "sky", "In progress": "blue", "Done": "green",
                 "On hold": "orange", "Cancelled": "grey"}
STATUS_BAR = {status: xlsx.OKABE_ITO[c] for status, c in STATUS_COLOUR.items()}
STATUS_BAR_WEEKEND = {status: xlsx.TINTS[c] for status, c in STATUS_COLOUR.items()}
MARKERS = {"Milestone": "◆", "Deliverable": "★"}
WEEKEND_FILL = "#D9D9D9"
TODAY = xlsx.OKABE_ITO["vermillion"]
DEADLINE = xlsx.OKABE_ITO["purple"]  # the deliverables' deadlines, down the whole chart
LATE_FILL = xlsx.TINTS["vermillion"]
WEEK_LINE = "#A6A6A6"
# White edges above and below a bar, so the bars of consecutive tasks do not merge into a block.
BAR_EDGES = {"top": 2, "top_color": "#FFFFFF", "bottom": 2, "bottom_color": "#FFFFFF"}
INTERVIEW_STATUS_FILL = {
    "Done": xlsx.TINTS["green"],
    "Confirmed": xlsx.TINTS["blue"],
    "Planned": xlsx.TINTS["sky"],
    "Requested": xlsx.TINTS["yellow"],
    "Postponed": xlsx.TINTS["orange"],
    "Declined": xlsx.TINTS["grey"],
    "Cancelled": xlsx.TINTS["grey"],
}
HELD_OR_SCHEDULED = ("Planned", "Confirmed", "Done")
STILL_TO_COLLECT = ("To collect", "Requested")
NO_INTERVIEW = "No interview yet"
NONE_SCHEDULED = "No interview planned or held yet"
# Left-aligned text one indent in from its column's edge: wrapped or right-aligned text in the
# column before fills that column to its edge, and without the indent the two print as one
# ("22 AugIOM MENA RO"). Dates and times are centred for the same reason.
PAD = {"align": "left", "indent": 1}
CENTRE = {"align": "center"}
PAD_UNITS = 2  # column-width units the indent takes from the text (about 10 points)
# Where a line of text may break: after a space, a slash or a hyphen (so a URL wraps at its
# slashes, as LibreOffice and Excel wrap it).
BREAKS = re.compile(r"(?<=[ /-])")


class Formats:
    """xlsxwriter formats made on demand and shared: a Gantt cell combines fill, marker and
    borders, and one format per combination keeps the file small."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def __call__(self, **props: Any) -> Format:
        props = {"font_size": FONT, "valign": "top", **props}
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def header(self, **props: Any) -> Format:
        return self(bold=True, font_color=xlsx.HEADER_FONT, bg_color=xlsx.IOM_BLUE,
                    text_wrap=True, valign="vcenter", border=1, border_color="#FFFFFF",
                    **props)


def _day(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _label(schema_sheet: Sheet, field: str) -> str:
    return schema_sheet.by_field[field].name


def _title(ws: Worksheet, f: Formats, title: str, lines: Iterable[str]) -> int:
    """Title and explanatory lines at the top of a sheet; returns the next free row."""
    ws.write_string(0, 0, title, f(bold=True, font_size=14, font_color=xlsx.IOM_BLUE,
                                   valign="vcenter"))
    ws.set_row(0, 22)
    row = 1
    for line in lines:
        ws.write_string(row, 0, line, f(italic=True, font_color="#404040"))
        row += 1
    return row


def _long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _source_line(ctx: BuildContext) -> str:
    """Where the sheet comes from. The date of the data is the latest 'Checked on' of the
    bodies, which has nothing to do with the plan's dates: say which facts it dates."""
    checked = ctx.data_date
    if checked == "not recorded":
        facts = "Date the facts about the bodies were checked: not recorded"
    else:
        facts = f"Facts about the bodies checked up to {_long_date(date.fromisoformat(checked))}"
    return f"From {ctx.source_name} · {ctx.audience_label} version · {facts}"


def _schedule_line(ctx: BuildContext, timeline: Timeline | None) -> str:
    """The source line of the Schedule, with the day the chart is drawn for: the build's
    `--today`, or plainly none (and how to get one)."""
    if ctx.today is None:
        when = ("No today line and no Late flags: built without --today (add --today "
                "YYYY-MM-DD to the build command to get them)")
    else:
        when = f"Schedule shown as at {_long_date(ctx.today)} (--today)"
        if timeline is not None and timeline.column_of(ctx.today) is None:
            side = "before the plan starts" if ctx.today < timeline.first else "after it ends"
            when += f", {side}: no today line"
    return f"{_source_line(ctx)} · {when}"


def line_count(text: str, chars: int) -> int:
    """How many lines `text` takes in a cell `chars` characters wide: lines break after a
    space, slash or hyphen; a word longer than the line is cut where it meets the edge."""
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for token in BREAKS.split(paragraph):
            size, visible = len(token), len(token.rstrip(" "))
            if used and used + visible > chars:
                count += 1
                used = 0
            while visible > chars:
                count += 1
                visible -= chars
                size -= chars
            used += size
    return count


def _row_height(texts: Iterable[tuple[Any, float]], padded: bool = True) -> float | None:
    """A row height that shows wrapped text whole (Excel does not grow rows on opening).
    `texts` are (text, column width) pairs; `padded`: the cells are indented (PAD)."""
    lines = 1
    for text, width in texts:
        if is_missing(text):
            continue
        usable = width - PAD_UNITS if padded else width
        chars_per_line = max(int(usable * 1.4), 1)  # 9-point text, columns sized for 11-point
        lines = max(lines, line_count(str(text), chars_per_line))
    return None if lines == 1 else 11.5 * lines + 2


# --------------------------------------------------------------------------- Schedule


@dataclass(frozen=True)
class Timeline:
    """The columns of the Gantt chart: one per day (weekly=False) or per week (Mondays)."""

    first: date  # weekly: a Monday
    last: date  # weekly: a Sunday
    weekly: bool
    deadlines: tuple[int, ...] = ()  # columns of the deliverables' deadlines

    @classmethod
    def spanning(cls, start: date, end: date) -> Timeline:
        """Days from the plan's first to its last day; or whole weeks, Monday to Sunday."""
        if (end - start).days + 1 <= DAILY_LIMIT_DAYS:
            return cls(start, end, weekly=False)
        first = start - timedelta(days=start.weekday())
        last = end + timedelta(days=6 - end.weekday())
        return cls(first, last, weekly=True)

    @property
    def step(self) -> int:
        return 7 if self.weekly else 1

    @property
    def days(self) -> list[date]:
        """The first day of each column."""
        count = ((self.last - self.first).days + 1) // self.step
        return [self.first + timedelta(days=i * self.step) for i in range(count)]

    def column_of(self, day: date) -> int | None:
        if day < self.first or day > self.last:
            return None
        return (day - self.first).days // self.step

    def covers(self, column_day: date, start: date, end: date) -> bool:
        """Whether a bar from `start` to `end` (inclusive) shows in the column of `column_day`."""
        return start <= column_day + timedelta(days=self.step - 1) and end >= column_day

    def is_weekend(self, column_day: date) -> bool:
        return not self.weekly and column_day.weekday() in WEEKEND


SCHEDULE_FIELDS = ("task_id", "task", "status", "start_date", "end_date", "responsible",
                   "deliverable_id")
SCHEDULE_WIDTHS = {"task_id": 6.5, "task": 27, "status": 10.5, "start_date": 6.5,
                   "end_date": 6.5, "responsible": 10.5, "deliverable_id": 8.5}
NOTES_WIDTH = 19
# Short dates: the year is in the timeline's month row, and every column saved is a larger
# print on an A4 page.
SCHEDULE_DATE = "d mmm"
# A weekend column is narrower but keeps its day number, in a smaller font, so the day sequence
# reads without gaps; working days are a little narrower than before to pay for it, and the
# timeline is no wider (32 days + 12 weekend days: 764 pixels, was 772).
DAY_WIDTH, WEEKEND_WIDTH, WEEK_WIDTH = 2.0, 1.2, 5.2
WEEKEND_DAY_FONT = 6.5
CENTRED_FIELDS = ("start_date", "end_date", "deliverable_id")
SCHEDULE_HEADER_ROWS = 5  # title, explanation, months, weekdays, column headers / days


def is_late(rec: Any, today: date | None) -> bool:
    """A task is late when it should have ended before today and is neither Done nor
    Cancelled (a cancelled task cannot be late) nor approved (an approved deliverable was
    delivered, whatever its Status says)."""
    if today is None or pd.isna(rec.end_date) or payment_due(rec.approval_date) is not None:
        return False
    return rec.end_date.date() < today and rec.status not in ("Done", "Cancelled")


def payment_due(approval: Any) -> date | None:
    if is_missing(approval):
        return None
    return (pd.Timestamp(approval) + timedelta(days=PAYMENT_DAYS)).date()


def schedule_note(rec: Any, today: date | None) -> str:
    notes = []
    if is_late(rec, today):
        notes.append(f"Late: due {_day(rec.end_date)}, not done")
    due = payment_due(rec.approval_date)
    if due is not None:
        notes.append(f"Approved {_day(rec.approval_date)}; payment due by {due.isoformat()}")
    elif rec.item_type == "Deliverable":
        notes.append("Approval not recorded yet")
    return "; ".join(notes)


def ordered_tasks(ctx: BuildContext) -> list[tuple[str, pd.DataFrame]]:
    """Tasks grouped by phase, phases in the order of the phase list, tasks by date."""
    tasks = ctx.tables["Workplan"]
    tasks = tasks[tasks["start_date"].notna() & tasks["end_date"].notna()]
    phases = list(ctx.schema.vocabulary("workplan_phases").codes)
    kinds = {k: i for i, k in enumerate(ctx.schema.vocabulary("workplan_item_types").codes)}
    extra = sorted(set(tasks["phase"].dropna()) - set(phases))
    groups = []
    for phase in phases + extra:
        group = tasks[tasks["phase"] == phase]
        if group.empty:
            continue
        group = group.assign(_kind=group["item_type"].map(kinds).fillna(len(kinds)))
        group = group.sort_values(["start_date", "end_date", "_kind", "task_id"], kind="stable")
        groups.append((phase, group))
    return groups


def write_schedule(wb: xlsxwriter.Workbook, f: Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet("Schedule")
    sheet = ctx.schema.sheet("Workplan")
    groups = ordered_tasks(ctx)
    today = ctx.today
    timeline = None
    if groups:
        all_tasks = pd.concat([g for _, g in groups])
        timeline = Timeline.spanning(all_tasks["start_date"].min().date(),
                                     all_tasks["end_date"].max().date())
        names = deliverable_names(all_tasks)
        due = {str(r.task_id): r.end_date.date() for r in all_tasks.itertuples()
               if str(r.task_id) in names}
        columns = {timeline.column_of(d): t for t, d in due.items()}
        timeline = dataclasses.replace(timeline, deadlines=tuple(sorted(
            c for c in columns if c is not None)))
    _title(ws, f, "Workplan schedule", [_schedule_line(ctx, timeline)])
    left = len(SCHEDULE_FIELDS) + 1  # + notes
    hdr = SCHEDULE_HEADER_ROWS - 1
    for c, field in enumerate(SCHEDULE_FIELDS):
        ws.set_column(c, c, SCHEDULE_WIDTHS[field])
        align = CENTRE if field in CENTRED_FIELDS else PAD if c else {}
        ws.write_string(hdr, c, _label(sheet, field), f.header(**align))
    ws.set_column(left - 1, left - 1, NOTES_WIDTH)
    ws.write_string(hdr, left - 1, "Notes", f.header(**PAD))
    for r in (2, 3):  # the left part of the timeline's month and weekday rows
        for c in range(left):
            ws.write_blank(r, c, None, f(bg_color=xlsx.IOM_BLUE))
    ws.set_row(hdr, 26)
    if timeline is None:
        ws.write_string(SCHEDULE_HEADER_ROWS, 0, "No task with a start and end date in the "
                        "Workplan sheet yet.", f(italic=True))
        xlsx.print_setup(ws, header_rows=SCHEDULE_HEADER_ROWS, audience=ctx.audience,
                         title="Workplan schedule")
        return
    days = timeline.days
    show_today = today is not None and timeline.column_of(today) is not None
    today_col = timeline.column_of(today) if show_today and today else None
    last_row = _write_schedule_rows(ws, f, groups, timeline, left, today, today_col, names)
    labels = {c: f"{names[t]} due ▼" for c, t in columns.items() if c is not None}
    _write_timeline_header(ws, f, timeline, left, today_col, last_row, labels)
    ws.freeze_panes(SCHEDULE_HEADER_ROWS, 2)
    legend_end = _write_legend(ws, f, last_row + 2, today_col is not None, timeline.weekly)
    ws.print_area(0, 0, legend_end, left + len(days) - 1)
    xlsx.print_setup(ws, header_rows=SCHEDULE_HEADER_ROWS, audience=ctx.audience,
                     title="Workplan schedule")


def _timeline_format(f: Formats, timeline: Timeline, i: int, day: date, today_col: int | None,
                     **props: Any) -> Format:
    """Borders shared by every cell of a timeline column: the start of a week and today."""
    if today_col is not None and i == today_col:
        props.update(left=5, left_color=TODAY)
    elif (day.day <= 7) if timeline.weekly else (day.weekday() == 0):
        props.update(left=1, left_color=WEEK_LINE)  # weekly: a line at each new month
    if i in timeline.deadlines:  # a deadline: a line down the chart at the end of its day
        props.update(right=5, right_color=DEADLINE)
    return f(align="center", valign="vcenter", **props)


def deliverable_names(plan: pd.DataFrame) -> dict[str, str]:
    """Task ID of each deliverable -> "Deliverable 1", "Deliverable 2"... numbered in the
    order of their deadlines, as the terms of reference number them."""
    if plan is None or plan.empty or "item_type" not in plan:
        return {}
    rows = plan[plan["item_type"] == "Deliverable"].sort_values(["end_date", "task_id"],
                                                                 kind="stable")
    return {str(t): f"Deliverable {i}" for i, t in enumerate(rows["task_id"], start=1)}


def _write_timeline_header(ws: Worksheet, f: Formats, timeline: Timeline, left: int,
                           today_col: int | None, last_row: int,
                           deadline_labels: dict[int, str] | None = None) -> None:
    deadline_labels = deadline_labels or {}
    blue = {"bg_color": xlsx.IOM_BLUE, "font_color": xlsx.HEADER_FONT, "font_size": 8}
    for i, day in enumerate(timeline.days):
        col = left + i
        weekend = timeline.is_weekend(day)
        if timeline.weekly:
            ws.set_column(col, col, WEEK_WIDTH)
        else:
            ws.set_column(col, col, WEEKEND_WIDTH if weekend else DAY_WIDTH)
        first_of_month = (day.day <= timeline.step) or i == 0
        month = dict(blue, right=5, right_color=DEADLINE) if i in timeline.deadlines else blue
        if first_of_month:  # text, not a date: a date would show ### in a narrow column
            ws.write_string(2, col, day.strftime("%b %Y"), f(bold=True, align="left", **month))
        else:
            ws.write_blank(2, col, None, f(**month))
        fill = dict(blue, bg_color="#4A6FC0") if weekend else blue
        is_today = today_col == i
        if is_today:
            fill = dict(fill, bg_color=TODAY)
        if timeline.weekly:
            ws.write_string(3, col, f"W{day.isocalendar().week}",
                            _timeline_format(f, timeline, i, day, today_col, **fill))
            num_format = "d mmm"
        else:
            ws.write_string(3, col, "MTWTFSS"[day.weekday()],
                            _timeline_format(f, timeline, i, day, today_col, **fill))
            num_format = "d"
        if weekend:  # the narrow weekend columns keep their day number, in a smaller font
            fill = dict(fill, font_size=WEEKEND_DAY_FONT)
        ws.write_datetime(4, col, datetime(day.year, day.month, day.day),
                          _timeline_format(f, timeline, i, day, today_col, bold=is_today,
                                           num_format=num_format, **fill))
    if today_col is not None:
        ws.write_string(1, left + today_col, "▼ today",
                        f(bold=True, font_color=TODAY, font_size=8))
    for col, label in deadline_labels.items():  # right-aligned: it ends at its line
        if col != today_col:
            ws.write_string(1, left + col, label, f(bold=True, font_color=DEADLINE,
                                                    font_size=8, align="right"))


def _write_schedule_rows(ws: Worksheet, f: Formats, groups: list[tuple[str, pd.DataFrame]],
                         timeline: Timeline, left: int, today: date | None,
                         today_col: int | None, names: dict[str, str] | None = None) -> int:
    days = timeline.days
    row = SCHEDULE_HEADER_ROWS
    phase_fill = {"bg_color": xlsx.BAND, "bold": True, "font_color": xlsx.IOM_BLUE,
                  "top": 1, "top_color": xlsx.TINTS["blue"]}
    for phase, group in groups:
        ws.write_string(row, 0, phase, f(**phase_fill))
        start_c = SCHEDULE_FIELDS.index("start_date")
        end_c = SCHEDULE_FIELDS.index("end_date")
        for c in range(1, left):
            if c == start_c:
                ws.write_datetime(row, c, group["start_date"].min().to_pydatetime(),
                                  f(num_format=SCHEDULE_DATE, **CENTRE, **phase_fill))
            elif c == end_c:
                ws.write_datetime(row, c, group["end_date"].max().to_pydatetime(),
                                  f(num_format=SCHEDULE_DATE, **CENTRE, **phase_fill))
            else:
                ws.write_blank(row, c, None, f(**phase_fill))
        for i, day in enumerate(days):
            ws.write_blank(row, left + i, None, _timeline_format(
                f, timeline, i, day, today_col, bg_color=xlsx.BAND, top=1,
                top_color=xlsx.TINTS["blue"]))
        row += 1
        for rec in group.itertuples():
            _write_task(ws, f, row, rec, timeline, left, today, today_col, names or {})
            row += 1
    return row - 1


def _write_task(ws: Worksheet, f: Formats, row: int, rec: Any, timeline: Timeline, left: int,
                today: date | None, today_col: int | None,
                names: dict[str, str] | None = None) -> None:
    late = is_late(rec, today)
    names = names or {}
    for c, field in enumerate(SCHEDULE_FIELDS):
        value = getattr(rec, field)
        if field in ("start_date", "end_date"):
            xlsx.write_value(ws, row, c, value, f(num_format=SCHEDULE_DATE, **CENTRE))
        elif field == "deliverable_id":
            # The deliverable by its name ("Deliverable 1"), not its task ID; a deliverable's
            # own row names itself.
            own = names.get(str(rec.task_id))
            shown = own or (names.get(str(value), value) if not is_missing(value) else value)
            xlsx.write_value(ws, row, c, shown, f(text_wrap=True, **CENTRE))
        elif field == "task_id" and late:
            xlsx.write_value(ws, row, c, value, f(bold=True, font_color=TODAY))
        elif field == "task_id":
            xlsx.write_value(ws, row, c, value, f())
        else:
            xlsx.write_value(ws, row, c, value, f(text_wrap=True, **PAD))
    note = schedule_note(rec, today)
    note_fmt = (f(text_wrap=True, bold=True, bg_color=LATE_FILL, **PAD) if late
                else f(text_wrap=True, **PAD))
    xlsx.write_value(ws, row, left - 1, note, note_fmt)
    height = _row_height([(rec.task, SCHEDULE_WIDTHS["task"]), (note, NOTES_WIDTH),
                          (rec.responsible, SCHEDULE_WIDTHS["responsible"])])
    if height:
        ws.set_row(row, height)
    start, end = rec.start_date.date(), rec.end_date.date()
    marker = MARKERS.get(rec.item_type)
    bar_end = end - timedelta(days=1) if marker else end
    colour = STATUS_BAR.get(rec.status, xlsx.OKABE_ITO["grey"])
    weekend_colour = STATUS_BAR_WEEKEND.get(rec.status, xlsx.TINTS["grey"])
    marker_col = timeline.column_of(end) if marker else None
    for i, day in enumerate(timeline.days):
        col = left + i
        weekend = timeline.is_weekend(day)
        if marker_col == i:
            ws.write_string(row, col, marker, _timeline_format(
                f, timeline, i, day, today_col, bold=True, font_size=10,
                font_color=xlsx.HEADER_FONT, bg_color=colour, **BAR_EDGES))
        elif start <= bar_end and timeline.covers(day, start, bar_end):
            ws.write_blank(row, col, None, _timeline_format(
                f, timeline, i, day, today_col, bg_color=weekend_colour if weekend else colour,
                **BAR_EDGES))
        elif weekend:
            ws.write_blank(row, col, None, _timeline_format(
                f, timeline, i, day, today_col, bg_color=WEEKEND_FILL))
        else:
            ws.write_blank(row, col, None, _timeline_format(f, timeline, i, day, today_col))


def _write_legend(ws: Worksheet, f: Formats, row: int, with_today: bool, weekly: bool) -> int:
    """The key to colours and markers, under the chart; returns its last row."""
    ws.write_string(row, 1, "Legend", f(bold=True))
    row += 1
    for status, colour in STATUS_BAR.items():
        ws.write_blank(row, 0, None, f(bg_color=colour))
        ws.write_string(row, 1, f"Bar: {status}", f())
        row += 1
    for kind, glyph in MARKERS.items():
        ws.write_string(row, 0, glyph, f(bold=True, align="center", font_size=10,
                                         font_color=xlsx.HEADER_FONT,
                                         bg_color=STATUS_BAR["Not started"]))
        label = "deadline (last day)" if kind == "Deliverable" else "(its day)"
        ws.write_string(row, 1, f"{kind} {label}, coloured by status", f())
        row += 1
    if not weekly:
        ws.write_blank(row, 0, None, f(bg_color=WEEKEND_FILL))
        ws.write_string(row, 1, "Weekend (Saturday and Sunday)", f())
        row += 1
    ws.write_blank(row, 0, None, f(right=5, right_color=DEADLINE))
    ws.write_string(row, 1, "Deadline of a deliverable: a line down the chart at the end of "
                    "its day, named above the chart", f())
    row += 1
    if with_today:
        ws.write_blank(row, 0, None, f(left=5, left_color=TODAY))
        ws.write_string(row, 1, "Today (in a weekly chart: its week)" if weekly else "Today",
                        f())
        row += 1
    ws.write_blank(row, 0, None, f(bg_color=LATE_FILL))
    ws.write_string(row, 1, "Late: should have ended before today and not Done", f())
    ws.write_string(row + 1, 1, f"Payment falls due within {PAYMENT_DAYS} days of a "
                    "deliverable's approval (Notes).", f())
    return row + 1


# --------------------------------------------------------------------------- Interviews


INTERVIEW_FIELDS = ("body_id", "organisation", "role", "contact", "mode", "status",
                    "interviewer", "topics", "interview_id")
CONTACT_FIELDS = ("interviewee", "email", "phone")  # personal: only in internal tables
INTERVIEW_HEADER_ROWS = 4
TIME_ZONE_WIDTH = 14.5  # "Africa/Casablanca" on one line
KIND_WIDTH = 19.5  # "Inter-regional dialogue" on one line
INTERVIEW_WIDTHS = {"body_id": 9, "organisation": 20, "role": 18, "contact": 22, "mode": 9,
                    "status": 9.5, "interviewer": 11, "topics": 20, "interview_id": 9}


def _bodies(ctx: BuildContext) -> dict[str, dict[str, Any]]:
    bodies = ctx.bodies()
    if bodies.empty:
        return {}
    return bodies.set_index("body_id").to_dict("index")


def _acronym(bodies: dict[str, dict[str, Any]], body_id: Any) -> str:
    acronym = bodies.get(body_id, {}).get("acronym")
    return str(body_id) if is_missing(acronym) else str(acronym)


def _period_line(ctx: BuildContext) -> str:
    period = collection_period(ctx)
    if period is None:
        return "Data-collection period: not set (no Interviews phase in the Workplan sheet)."
    return (f"Data-collection period: {_day(period[0])} to {_day(period[1])} (the Interviews "
            "phase of the workplan).")


WEEK_WIDTHS = (22, 19, 11, 30, 34)  # Week, Body, Interviews, Mode, Status


def write_interview_weeks(wb: xlsxwriter.Workbook, f: Formats, ctx: BuildContext) -> None:
    """The external calendar: interviews per week and body, with their count, modes and
    statuses; never one interview's organisation, role or time, which together can name the
    person interviewed."""
    ws = wb.add_worksheet("Interviews")
    table = ctx.tables["Interviews"]
    bodies = _bodies(ctx)
    lines = [_source_line(ctx),
             "Per week and body: no interviewee, organisation, role or time is shown. "
             + _period_line(ctx).replace(" (the Interviews phase of the workplan)", "")]
    _title(ws, f, "Interview calendar", lines)
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(zip(("Week", "Body", "Interviews", "Mode", "Status"),
                                           WEEK_WIDTHS, strict=True)):
        ws.set_column(c, c, width)
        ws.write_string(hdr, c, label, f.header(**(CENTRE if c == 2 else PAD if c else {})))
    ws.set_row(hdr, 26)
    row = INTERVIEW_HEADER_ROWS
    weeks = interview_calendar.per_week(
        table, list(bodies), ctx.schema.vocabulary("interview_modes").codes,
        ctx.schema.vocabulary("interview_status").codes)
    if not weeks:
        ws.write_string(row, 0, "No interview recorded yet.", f(italic=True))
    band, previous = False, None
    for w in weeks:
        if w.week != previous:
            band, previous = not band, w.week
        base = {"bg_color": xlsx.BAND} if band else {}
        label = f"Week of {_long_date(w.week)}" if w.week else "Not yet scheduled"
        ws.write_string(row, 0, label, f(bold=True, **base))
        ws.write_string(row, 1, _acronym(bodies, w.body_id), f(**PAD, **base))
        ws.write_number(row, 2, w.count, f(**CENTRE, **base))
        ws.write_string(row, 3, w.modes_text(), f(text_wrap=True, **PAD, **base))
        ws.write_string(row, 4, w.statuses_text(), f(text_wrap=True, **PAD, **base))
        row += 1
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 0)
    if row > INTERVIEW_HEADER_ROWS:
        ws.autofilter(hdr, 0, row - 1, len(WEEK_WIDTHS) - 1)
    ws.print_area(0, 0, max(row - 1, INTERVIEW_HEADER_ROWS), len(WEEK_WIDTHS) - 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title="Interview calendar")


def write_interviews(wb: xlsxwriter.Workbook, f: Formats, ctx: BuildContext) -> None:
    if ctx.audience != "internal":
        write_interview_weeks(wb, f, ctx)
        return
    ws = wb.add_worksheet("Interviews")
    sheet = ctx.schema.sheet("Interviews")
    table = ctx.tables["Interviews"]
    bodies = _bodies(ctx)
    lines = [
        _source_line(ctx),
        "Times are local to each interview's time zone; where the Time zone cell is empty, "
        f"{DEFAULT_TIME_ZONE} is assumed, and an empty duration is read as "
        f"{DEFAULT_DURATION_MIN} minutes. " + _period_line(ctx),
    ]
    _title(ws, f, "Interview calendar", lines)
    contacts = [fd for fd in CONTACT_FIELDS if fd in table.columns]
    fields = [fd for fd in INTERVIEW_FIELDS
              if fd in table.columns or (fd == "contact" and contacts)]
    headers: list[tuple[str, float]] = [("Date", 12.5), ("Start", 5.5), ("End", 5.5),
                                        (_label(sheet, "time_zone"), TIME_ZONE_WIDTH)]
    for fd in fields:
        if fd == "body_id":
            label = "Body"
        elif fd == "contact":
            label = ", ".join(_label(sheet, c) for c in contacts)
        else:
            label = _label(sheet, fd)
        headers.append((label, INTERVIEW_WIDTHS[fd]))
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(headers):
        ws.set_column(c, c, width)
        centred = c in (1, 2) or c == len(headers) - 1  # times; the Interview ID
        ws.write_string(hdr, c, label, f.header(**(CENTRE if centred else PAD if c else {})))
    ws.set_row(hdr, 26)
    row = INTERVIEW_HEADER_ROWS
    if table.empty:
        ws.write_string(row, 0, "No interview in the Interviews sheet yet.", f(italic=True))
    dated = table[table["starts_at"].notna()].sort_values(["starts_at", "interview_id"],
                                                          kind="stable")
    undated = table[table["starts_at"].isna()].copy()
    if not undated.empty:
        undated["_body"] = undated["body_id"].map(lambda b: _acronym(bodies, b))
        undated = undated.sort_values(["_body", "interview_id"], kind="stable")
    band = False
    previous_day = None
    for rec in dated.itertuples():
        day = rec.starts_at.date()
        if day != previous_day:
            band = not band
            previous_day = day
        _write_interview(ws, f, row, rec, fields, bodies, band)
        row += 1
    if not undated.empty:
        ws.write_string(row, 0, "Not yet scheduled", f(bold=True, italic=True,
                                                        bg_color=xlsx.TINTS["grey"]))
        for c in range(1, len(headers)):
            ws.write_blank(row, c, None, f(bg_color=xlsx.TINTS["grey"]))
        row += 1
        for rec in undated.itertuples():
            _write_interview(ws, f, row, rec, fields, bodies, False)
            row += 1
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 0)
    if row > INTERVIEW_HEADER_ROWS:
        ws.autofilter(hdr, 0, row - 1, len(headers) - 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title="Interview calendar")


def _contact(rec: Any) -> str:
    """Name, email and phone on separate lines: whichever the (internal) table carries."""
    values = [getattr(rec, k, None) for k in CONTACT_FIELDS]
    return "\n".join(str(v) for v in values if v is not None and not is_missing(v))


def _write_interview(ws: Worksheet, f: Formats, row: int, rec: Any, fields: list[str],
                     bodies: dict[str, dict[str, Any]], band: bool) -> None:
    base = {"bg_color": xlsx.BAND} if band else {}
    if pd.notna(rec.starts_at):
        start = rec.starts_at.to_pydatetime()
        ws.write_datetime(row, 0, start, f(num_format="ddd d mmm yyyy", bold=True,
                                           align="left", **base))
        ws.write_datetime(row, 1, start, f(num_format="hh:mm", **CENTRE, **base))
        ws.write_datetime(row, 2, ends_at(rec.starts_at, rec.duration_min).to_pydatetime(),
                          f(num_format="hh:mm", **CENTRE, **base))
        ws.write_string(row, 3, time_zone_of(rec.time_zone), f(text_wrap=True, **PAD, **base))
    else:
        for c in range(4):
            ws.write_blank(row, c, None, f(**base))
    for c, fd in enumerate(fields, start=4):
        value = _contact(rec) if fd == "contact" else getattr(rec, fd)
        if fd == "body_id":
            value = _acronym(bodies, value)
        if fd == "status":
            fill = INTERVIEW_STATUS_FILL.get(str(value))
            fmt = f(bg_color=fill, **PAD) if fill else f(**PAD, **base)
        elif fd == "interview_id":
            fmt = f(**CENTRE, **base)
        else:
            fmt = f(text_wrap=True, **PAD, **base)
        xlsx.write_value(ws, row, c, value, fmt)
    texts = [(time_zone_of(rec.time_zone), TIME_ZONE_WIDTH),
             (_acronym(bodies, rec.body_id), INTERVIEW_WIDTHS["body_id"])]
    for fd in ("organisation", "role", "topics"):
        text = getattr(rec, fd)
        texts.append(("; ".join(text) if isinstance(text, list) else text,
                      INTERVIEW_WIDTHS[fd]))
    if "contact" in fields:
        texts.append((_contact(rec), INTERVIEW_WIDTHS["contact"]))
    height = _row_height(texts)
    if height:
        ws.set_row(row, height)


def interview_counts(ctx: BuildContext) -> pd.DataFrame:
    """One row per body (entities, then dialogues): interviews per status, total and flag."""
    statuses = list(ctx.schema.vocabulary("interview_status").codes)
    table = ctx.tables["Interviews"]
    bodies = ctx.bodies()
    counts = pd.crosstab(table["body_id"], table["status"]) if not table.empty else None
    rows = []
    for body in bodies.itertuples():
        rec: dict[str, Any] = {"body_id": body.body_id, "acronym": body.acronym,
                               "name_en": body.name_en, "kind": body.kind}
        for s in statuses:
            has = counts is not None and body.body_id in counts.index and s in counts.columns
            rec[s] = int(counts.loc[body.body_id, s]) if has else 0
        rec["Total"] = sum(rec[s] for s in statuses)
        held = sum(rec[s] for s in HELD_OR_SCHEDULED)
        rec["flag"] = NO_INTERVIEW if rec["Total"] == 0 else (NONE_SCHEDULED if held == 0
                                                             else "")
        rows.append(rec)
    return pd.DataFrame(rows, columns=["body_id", "acronym", "name_en", "kind", *statuses,
                                       "Total", "flag"])


def write_interview_counts(wb: xlsxwriter.Workbook, f: Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet("Interviews by body")
    statuses = list(ctx.schema.vocabulary("interview_status").codes)
    counts = interview_counts(ctx)
    flagged = int((counts["flag"] != "").sum())
    lines = [
        _source_line(ctx),
        f"Interviews per body and status. {flagged} of {len(counts)} bodies have no interview "
        "planned or held yet (flagged).",
    ]
    _title(ws, f, "Interviews by body", lines)
    entities = ctx.schema.sheet("Entities")
    headers = [(_label(entities, "acronym"), 15), (_label(entities, "name_en"), 34),
               ("Kind", KIND_WIDTH)] + [(s, 8.5) for s in statuses] + [("Total", 7), ("Flag", 28)]
    hdr = INTERVIEW_HEADER_ROWS - 1
    for c, (label, width) in enumerate(headers):
        ws.set_column(c, c, width)
        ws.write_string(hdr, c, label, f.header(**(CENTRE if 3 <= c < 4 + len(statuses)
                                                   else PAD if c else {})))
    ws.set_row(hdr, 26)
    number = {"num_format": '0;-0;"–"', "align": "center"}
    row = INTERVIEW_HEADER_ROWS
    for values in counts.to_dict("records"):
        flag = values["flag"]
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
        height = max(_row_height([(values["acronym"], 15)], padded=False) or 0,
                     _row_height([(values["name_en"], 34), (values["kind"], KIND_WIDTH)]) or 0)
        if height:
            ws.set_row(row, height)
        row += 1
    total = {"bold": True, "top": 1}
    ws.write_string(row, 0, "All bodies", f(**total))
    ws.write_blank(row, 1, None, f(**total))
    ws.write_blank(row, 2, None, f(**total))
    for c, s in enumerate([*statuses, "Total"], start=3):
        ws.write_number(row, c, int(counts[s].sum()), f(**total, **number))
    ws.write_blank(row, 4 + len(statuses), None, f(**total))
    unknown = _interviews_of_unknown_bodies(ctx)
    if unknown:
        ws.write_string(row + 2, 0, "Interviews about an ID that is neither an entity nor a "
                        "dialogue: " + ", ".join(unknown), f(italic=True))
    ws.freeze_panes(INTERVIEW_HEADER_ROWS, 1)
    xlsx.print_setup(ws, header_rows=INTERVIEW_HEADER_ROWS, audience=ctx.audience,
                     title="Interviews by body")


def _interviews_of_unknown_bodies(ctx: BuildContext) -> list[str]:
    table = ctx.tables["Interviews"]
    if table.empty:
        return []
    known = set(ctx.bodies()["body_id"])
    return sorted(table.loc[~table["body_id"].isin(known), "interview_id"].astype(str))


# --------------------------------------------------------------------------- Data collection


SOURCE_FIELDS = ("source_id", "title", "publisher", "source_type", "status", "due_date",
                 "accessed_on", "url")
SOURCE_WIDTHS = {"source_id": 9, "title": 40, "publisher": 20, "source_type": 15,
                 "status": 11, "due_date": 10, "accessed_on": 10, "url": 34}
SOURCE_HEADER_ROWS = 4
SOURCE_DATES = ("due_date", "accessed_on")
SOURCE_FLAG_WIDTH = 19  # "No source listed yet", bold, on one line
OVERDUE = "Overdue"
NO_SOURCE = "No source listed yet"


def is_overdue(rec: Any, today: date | None) -> bool:
    if today is None or pd.isna(rec.due_date):
        return False
    return rec.due_date.date() < today and rec.status in STILL_TO_COLLECT


def _collection_summary(group: list[Any], statuses: list[str]) -> str:
    if not group:
        return "no source listed yet"
    counts = Counter(rec.status for rec in group)
    parts = [f"{counts[s]} {s.lower()}" for s in statuses if counts[s]]
    noun = "source" if len(group) == 1 else "sources"
    return f"{len(group)} {noun}: " + ", ".join(parts)


def write_data_collection(wb: xlsxwriter.Workbook, f: Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet("Data collection")
    sheet = ctx.schema.sheet("Sources")
    sources = ctx.tables["Sources"]
    statuses = list(ctx.schema.vocabulary("collection_status").codes)
    today = ctx.today
    overdue_note = (f"Overdue as at {_long_date(today)} (--today): due before that day and "
                    "still to collect or requested." if today else
                    "No source is flagged overdue: built without --today (add --today "
                    "YYYY-MM-DD to the build command to flag them).")
    _title(ws, f, "Data-collection calendar", [_source_line(ctx),
                                               _period_line(ctx) + " " + overdue_note])
    hdr = SOURCE_HEADER_ROWS - 1
    for c, fd in enumerate(SOURCE_FIELDS):
        ws.set_column(c, c, SOURCE_WIDTHS[fd])
        align = CENTRE if fd in SOURCE_DATES else PAD if c else {}
        ws.write_string(hdr, c, _label(sheet, fd), f.header(**align))
    flag_col = len(SOURCE_FIELDS)
    ws.set_column(flag_col, flag_col, SOURCE_FLAG_WIDTH)
    ws.write_string(hdr, flag_col, "Flag", f.header(**PAD))
    ws.set_row(hdr, 26)
    # One pass over the sources, in due-date order, bucketed by body (fast for large books).
    ordered = sources.sort_values(["due_date", "source_id"], kind="stable", na_position="last")
    by_body: dict[Any, list[Any]] = {}
    for rec in ordered.itertuples():
        by_body.setdefault(None if is_missing(rec.body_id) else rec.body_id, []).append(rec)
    groups = [(f"{body.acronym} — {body.name_en}", by_body.get(body.body_id, []))
              for body in ctx.bodies().itertuples()]
    if by_body.get(None):
        groups.append(("General sources (not about one body)", by_body[None]))
    row = SOURCE_HEADER_ROWS
    group_fill = {"bg_color": xlsx.TINTS["blue"], "bold": True}
    for label, group in groups:
        ws.write_string(row, 0, f"{label} · {_collection_summary(group, statuses)}",
                        f(**group_fill))
        for c in range(1, flag_col):
            ws.write_blank(row, c, None, f(**group_fill))
        if not group:
            ws.write_string(row, flag_col, NO_SOURCE, f(bold=True, bg_color=LATE_FILL, **PAD))
        else:
            ws.write_blank(row, flag_col, None, f(**group_fill))
        row += 1
        for rec in group:
            _write_source(ws, f, row, rec, today)
            row += 1
    if sources.empty and not groups:
        ws.write_string(row, 0, "No source in the Sources sheet yet.", f(italic=True))
    ws.freeze_panes(SOURCE_HEADER_ROWS, 0)
    xlsx.print_setup(ws, header_rows=SOURCE_HEADER_ROWS, audience=ctx.audience,
                     title="Data-collection calendar")


def _write_source(ws: Worksheet, f: Formats, row: int, rec: Any, today: date | None) -> None:
    for c, fd in enumerate(SOURCE_FIELDS):
        value = getattr(rec, fd)
        if fd in SOURCE_DATES:
            xlsx.write_value(ws, row, c, value, f(num_format=xlsx.DATE_FORMAT, **CENTRE))
        elif c == 0:
            xlsx.write_value(ws, row, c, value, f())
        else:
            xlsx.write_value(ws, row, c, value, f(text_wrap=True, **PAD))
    flag_col = len(SOURCE_FIELDS)
    if is_overdue(rec, today):
        ws.write_string(row, flag_col, OVERDUE, f(bold=True, bg_color=LATE_FILL, **PAD))
    else:
        ws.write_blank(row, flag_col, None, f())
    height = _row_height([(getattr(rec, fd), SOURCE_WIDTHS[fd])
                          for fd in ("title", "publisher", "source_type", "status", "url")])
    if height:
        ws.set_row(row, height)


# --------------------------------------------------------------------------- the file


def write(ctx: BuildContext) -> list[Path]:
    with ctx.writing(FILE_NAME) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, "Workplan, interview calendar and data-collection calendar",
                            f"{ctx.audience_label} version, from {ctx.source_name}")
        f = Formats(wb)
        write_schedule(wb, f, ctx)
        write_interviews(wb, f, ctx)
        write_interview_counts(wb, f, ctx)
        write_data_collection(wb, f, ctx)
        wb.close()
    return [ctx.path(FILE_NAME)]


OUTPUT = Output(
    name="workplan",
    audience="external",
    description="Workplan schedule (Gantt chart), interview calendar and data-collection "
                "calendar (workplan.xlsx)",
    write=write,
    order=20,
)
