"""The *Schedule* sheet: a Gantt chart drawn in cells, tasks grouped by phase, one column per
day (or per week when the plan is longer than twelve weeks)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from matrixbook import xlsx
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.outputs.workplan.common import (
    CENTRE,
    LATE_FILL,
    PAD,
    day_text,
    field_label,
    long_date,
    row_height,
    say,
    sheet_title,
    source_line,
)
from matrixbook.schema import Meaning, Schema
from matrixbook.values import is_blank as is_missing

PAYMENT_DAYS = 15  # terms of reference: payment within 15 days of a deliverable's approval
DAILY_LIMIT_DAYS = 84  # up to twelve weeks: one column per day; longer: one per week
WEEKEND = (5, 6)  # Saturday, Sunday

# Each task status's colour: the full colour on working days, its tint on weekends.
STATUS_COLOUR = {"Not started": "sky", "In progress": "blue", "Done": "green",
                 "On hold": "orange", "Cancelled": "grey"}
STATUS_BAR = {status: xlsx.OKABE_ITO[c] for status, c in STATUS_COLOUR.items()}
STATUS_BAR_WEEKEND = {status: xlsx.TINTS[c] for status, c in STATUS_COLOUR.items()}
MARKERS = {"Milestone": "◆", "Deliverable": "★"}
MARKER_FILL = xlsx.OKABE_ITO["sky"]  # the legend's markers, on the colour of a task not started
WEEKEND_FILL = "#D9D9D9"
TODAY = xlsx.OKABE_ITO["vermillion"]
DEADLINE = xlsx.OKABE_ITO["purple"]  # the deliverables' deadlines, down the whole chart
WEEK_LINE = "#A6A6A6"
# White edges above and below a bar, so the bars of consecutive tasks do not merge into a block.
BAR_EDGES = {"top": 2, "top_color": "#FFFFFF", "bottom": 2, "bottom_color": "#FFFFFF"}


def _schedule_line(ctx: BuildContext, timeline: Timeline | None) -> str:
    """The source line of the Schedule, with the day the chart is drawn for: the build's
    `--today`, or plainly none (and how to get one)."""
    if ctx.today is None and ctx.audience == "external":  # partners get no tool hints
        when = say(ctx, "No today line and no Late flags")
    elif ctx.today is None:
        when = say(ctx, "No today line and no Late flags: built without --today (add --today "
                        "YYYY-MM-DD to the build command to get them)")
    else:
        when = say(ctx, "Schedule shown as at {date} (--today)").format(
            date=long_date(ctx.today, ctx))
        if timeline is not None and timeline.column_of(ctx.today) is None:
            side = say(ctx, "before the plan starts" if ctx.today < timeline.first
                       else "after it ends")
            when += say(ctx, ", {side}: no today line").format(side=side)
    return f"{source_line(ctx)} · {when}"


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


@dataclass(frozen=True)
class PlanTerms:
    """What the Workplan's statuses and types mean (flags in vocabularies.yaml)."""

    closed: tuple[str, ...]  # done or dropped: a task that cannot be late
    deliverable: tuple[str, ...]  # the types that are deliverables of the contract

    @classmethod
    def of(cls, schema: Schema) -> PlanTerms:
        return cls(schema.codes("workplan_status", Meaning.DONE)
                   + schema.codes("workplan_status", Meaning.DROPPED),
                   schema.codes("workplan_item_types", Meaning.DELIVERABLE))


def is_late(rec: Any, today: date | None, terms: PlanTerms) -> bool:
    """A task is late when it should have ended before today and is neither Done nor
    Cancelled (a cancelled task cannot be late) nor approved (an approved deliverable was
    delivered, whatever its Status says)."""
    if today is None or pd.isna(rec.end_date) or payment_due(rec.approval_date) is not None:
        return False
    return rec.end_date.date() < today and rec.status not in terms.closed


def payment_due(approval: Any) -> date | None:
    if is_missing(approval):
        return None
    return (pd.Timestamp(approval) + timedelta(days=PAYMENT_DAYS)).date()


def schedule_note(rec: Any, today: date | None, terms: PlanTerms,
                  ctx: BuildContext | None = None) -> str:
    """The Notes cell of a task: late, approved and when payment falls due."""
    def t(text: str) -> str:
        return say(ctx, text) if ctx is not None else text

    notes = []
    if is_late(rec, today, terms):
        notes.append(t("Late: due {date}, not done").format(date=day_text(rec.end_date, ctx)))
    due = payment_due(rec.approval_date)
    if due is not None:
        notes.append(t("Approved {date}; payment due by {due}").format(
            date=day_text(rec.approval_date, ctx),
            due=due.isoformat() if ctx is None or ctx.texts.english else day_text(due, ctx)))
    elif rec.item_type in terms.deliverable:
        notes.append(t("Approval not recorded yet"))
    return t("; ").join(notes)


def ordered_tasks(ctx: BuildContext) -> list[tuple[str, pd.DataFrame]]:
    """Tasks grouped by phase, phases in the order of the phase list, tasks by date."""
    tasks = ctx.tables[ctx.schema.names.workplan]
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


def write_schedule(wb: xlsxwriter.Workbook, f: xlsx.Formats, ctx: BuildContext) -> None:
    ws = wb.add_worksheet(say(ctx, "Schedule"))
    sheet = ctx.schema.sheet(ctx.schema.names.workplan)
    groups = ordered_tasks(ctx)
    terms = PlanTerms.of(ctx.schema)
    today = ctx.today
    timeline = None
    if groups:
        all_tasks = pd.concat([g for _, g in groups])
        timeline = Timeline.spanning(all_tasks["start_date"].min().date(),
                                     all_tasks["end_date"].max().date())
        names = deliverable_names(all_tasks, terms, ctx)
        due = {str(r.task_id): r.end_date.date() for r in all_tasks.itertuples()
               if str(r.task_id) in names}
        columns = {timeline.column_of(d): t for t, d in due.items()}
        timeline = dataclasses.replace(timeline, deadlines=tuple(sorted(
            c for c in columns if c is not None)))
    sheet_title(ws, f, say(ctx, "Workplan schedule"), [_schedule_line(ctx, timeline)])
    left = len(SCHEDULE_FIELDS) + 1  # + notes
    hdr = SCHEDULE_HEADER_ROWS - 1
    for c, field in enumerate(SCHEDULE_FIELDS):
        ws.set_column(c, c, SCHEDULE_WIDTHS[field])
        align = CENTRE if field in CENTRED_FIELDS else PAD if c else {}
        ws.write_string(hdr, c, field_label(sheet, field, ctx), f.header(**align))
    ws.set_column(left - 1, left - 1, NOTES_WIDTH)
    ws.write_string(hdr, left - 1, say(ctx, "Notes"), f.header(**PAD))
    for r in (2, 3):  # the left part of the timeline's month and weekday rows
        for c in range(left):
            ws.write_blank(r, c, None, f(bg_color=xlsx.IOM_BLUE))
    ws.set_row(hdr, 26)
    if timeline is None:
        ws.write_string(SCHEDULE_HEADER_ROWS, 0, say(ctx, "No task with a start and end date "
                                                      "in the Workplan sheet yet."),
                        f(italic=True))
        xlsx.print_setup(ws, header_rows=SCHEDULE_HEADER_ROWS, audience=ctx.audience,
                         title=say(ctx, "Workplan schedule"), texts=ctx.texts)
        return
    days = timeline.days
    show_today = today is not None and timeline.column_of(today) is not None
    today_col = timeline.column_of(today) if show_today and today else None
    last_row = _write_schedule_rows(ws, f, groups, timeline, left, today, today_col, terms,
                                    names, ctx)
    labels = {c: say(ctx, "{deliverable} due ▼").format(deliverable=names[t])
              for c, t in columns.items() if c is not None}
    _write_timeline_header(ws, f, timeline, left, today_col, last_row, labels, ctx)
    ws.freeze_panes(SCHEDULE_HEADER_ROWS, 2)
    marked = not ctx.texts.english and any(
        ctx.texts.content(r, "task", sheet.name).untranslated for r in all_tasks.itertuples())
    legend_end = _write_legend(ws, f, last_row + 2, today_col is not None, timeline.weekly,
                               terms, ctx, marked)
    ws.print_area(0, 0, legend_end, left + len(days) - 1)
    xlsx.print_setup(ws, header_rows=SCHEDULE_HEADER_ROWS, audience=ctx.audience,
                     title=say(ctx, "Workplan schedule"), texts=ctx.texts)


def _timeline_format(f: xlsx.Formats, timeline: Timeline, i: int, day: date, today_col: int | None,
                     **props: Any) -> Format:
    """Borders shared by every cell of a timeline column: the start of a week and today."""
    if today_col is not None and i == today_col:
        props.update(left=5, left_color=TODAY)
    elif (day.day <= 7) if timeline.weekly else (day.weekday() == 0):
        props.update(left=1, left_color=WEEK_LINE)  # weekly: a line at each new month
    if i in timeline.deadlines:  # a deadline: a line down the chart at the end of its day
        props.update(right=5, right_color=DEADLINE)
    return f(align="center", valign="vcenter", **props)


def deliverable_names(plan: pd.DataFrame, terms: PlanTerms,
                      ctx: BuildContext | None = None) -> dict[str, str]:
    """Task ID of each deliverable -> "Deliverable 1", "Deliverable 2"... numbered in the
    order of their deadlines, as the terms of reference number them."""
    if plan is None or plan.empty or "item_type" not in plan:
        return {}
    rows = plan[plan["item_type"].isin(terms.deliverable)].sort_values(["end_date", "task_id"],
                                                                      kind="stable")
    name = say(ctx, "Deliverable {n}") if ctx is not None else "Deliverable {n}"
    return {str(t): name.format(n=i) for i, t in enumerate(rows["task_id"], start=1)}


def _write_timeline_header(ws: Worksheet, f: xlsx.Formats, timeline: Timeline, left: int,
                           today_col: int | None, last_row: int,
                           deadline_labels: dict[int, str] | None = None,
                           ctx: BuildContext | None = None) -> None:
    deadline_labels = deadline_labels or {}
    texts = ctx.texts if ctx is not None else None
    english = texts is None or texts.english
    weekdays = "MTWTFSS" if english else say(ctx, "MTWTFSS")
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
            ws.write_string(2, col, texts.date(day, "MMM y") if texts is not None and not english
                            else day.strftime("%b %Y"), f(bold=True, align="left", **month))
        else:
            ws.write_blank(2, col, None, f(**month))
        fill = dict(blue, bg_color="#4A6FC0") if weekend else blue
        is_today = today_col == i
        if is_today:
            fill = dict(fill, bg_color=TODAY)
        if timeline.weekly:
            week = f"W{day.isocalendar().week}" if english else say(ctx, "W{n}").format(
                n=day.isocalendar().week)
            ws.write_string(3, col, week,
                            _timeline_format(f, timeline, i, day, today_col, **fill))
            num_format = xlsx.date_format("d mmm", texts)
        else:
            ws.write_string(3, col, weekdays[day.weekday()],
                            _timeline_format(f, timeline, i, day, today_col, **fill))
            num_format = "d"
        if weekend:  # the narrow weekend columns keep their day number, in a smaller font
            fill = dict(fill, font_size=WEEKEND_DAY_FONT)
        ws.write_datetime(4, col, datetime(day.year, day.month, day.day),
                          _timeline_format(f, timeline, i, day, today_col, bold=is_today,
                                           num_format=num_format, **fill))
    if today_col is not None:
        ws.write_string(1, left + today_col, "▼ today" if english else say(ctx, "▼ today"),
                        f(bold=True, font_color=TODAY, font_size=8))
    for col, label in deadline_labels.items():  # right-aligned: it ends at its line
        if col != today_col:
            ws.write_string(1, left + col, label, f(bold=True, font_color=DEADLINE,
                                                    font_size=8, align="right"))


def _write_schedule_rows(ws: Worksheet, f: xlsx.Formats, groups: list[tuple[str, pd.DataFrame]],
                         timeline: Timeline, left: int, today: date | None,
                         today_col: int | None, terms: PlanTerms,
                         names: dict[str, str] | None = None,
                         ctx: BuildContext | None = None) -> int:
    days = timeline.days
    texts = ctx.texts if ctx is not None else None
    short_date = xlsx.date_format(SCHEDULE_DATE, texts)
    row = SCHEDULE_HEADER_ROWS
    phase_fill = {"bg_color": xlsx.BAND, "bold": True, "font_color": xlsx.IOM_BLUE,
                  "top": 1, "top_color": xlsx.TINTS["blue"]}
    for phase, group in groups:
        shown = phase if texts is None or texts.english else texts.term("workplan_phases",
                                                                         phase)
        ws.write_string(row, 0, shown, f(**phase_fill))
        start_c = SCHEDULE_FIELDS.index("start_date")
        end_c = SCHEDULE_FIELDS.index("end_date")
        for c in range(1, left):
            if c == start_c:
                ws.write_datetime(row, c, group["start_date"].min().to_pydatetime(),
                                  f(num_format=short_date, **CENTRE, **phase_fill))
            elif c == end_c:
                ws.write_datetime(row, c, group["end_date"].max().to_pydatetime(),
                                  f(num_format=short_date, **CENTRE, **phase_fill))
            else:
                ws.write_blank(row, c, None, f(**phase_fill))
        for i, day in enumerate(days):
            ws.write_blank(row, left + i, None, _timeline_format(
                f, timeline, i, day, today_col, bg_color=xlsx.BAND, top=1,
                top_color=xlsx.TINTS["blue"]))
        row += 1
        for rec in group.itertuples():
            _write_task(ws, f, row, rec, timeline, left, today, today_col, terms, names or {},
                        ctx)
            row += 1
    return row - 1


def _write_task(ws: Worksheet, f: xlsx.Formats, row: int, rec: Any, timeline: Timeline, left: int,
                today: date | None, today_col: int | None, terms: PlanTerms,
                names: dict[str, str] | None = None, ctx: BuildContext | None = None) -> None:
    late = is_late(rec, today, terms)
    names = names or {}
    texts = ctx.texts if ctx is not None else None
    shown_task: Any = rec.task
    for c, field in enumerate(SCHEDULE_FIELDS):
        value = getattr(rec, field)
        if field == "status" and texts is not None and not texts.english \
                and not is_missing(value):
            value = texts.term("workplan_status", str(value))
        if field == "task" and ctx is not None and texts is not None and not texts.english:
            # Task (French), else the English task marked
            found = texts.content(rec, "task", ctx.schema.names.workplan)
            value = language.marked(found.text, found.untranslated)
        if field in ("start_date", "end_date"):
            xlsx.write_value(ws, row, c, value,
                             f(num_format=xlsx.date_format(SCHEDULE_DATE, texts), **CENTRE))
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
        if field == "task":
            shown_task = value
    note = schedule_note(rec, today, terms, ctx)
    note_fmt = (f(text_wrap=True, bold=True, bg_color=LATE_FILL, **PAD) if late
                else f(text_wrap=True, **PAD))
    xlsx.write_value(ws, row, left - 1, note, note_fmt)
    height = row_height([(shown_task, SCHEDULE_WIDTHS["task"]), (note, NOTES_WIDTH),
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


def _write_legend(ws: Worksheet, f: xlsx.Formats, row: int, with_today: bool, weekly: bool,
                  terms: PlanTerms, ctx: BuildContext | None = None,
                  marked: bool = False) -> int:
    """The key to colours and markers, under the chart; returns its last row. `marked`: a
    task is shown in English, marked [EN]; the legend says what the mark means."""
    def t(text: str) -> str:
        return say(ctx, text) if ctx is not None else text

    texts = ctx.texts if ctx is not None else None
    english = texts is None or texts.english
    ws.write_string(row, 1, t("Legend"), f(bold=True))
    row += 1
    for status, colour in STATUS_BAR.items():
        ws.write_blank(row, 0, None, f(bg_color=colour))
        shown = texts.term("workplan_status", status) if texts is not None and not english \
            else status
        ws.write_string(row, 1, t("Bar: {status}").format(status=shown), f())
        row += 1
    for kind, glyph in MARKERS.items():
        ws.write_string(row, 0, glyph, f(bold=True, align="center", font_size=10,
                                         font_color=xlsx.HEADER_FONT,
                                         bg_color=MARKER_FILL))
        label = "deadline (last day)" if kind in terms.deliverable else "(its day)"
        ws.write_string(row, 1, t(f"{kind} {label}, coloured by status"), f())
        row += 1
    if not weekly:
        ws.write_blank(row, 0, None, f(bg_color=WEEKEND_FILL))
        ws.write_string(row, 1, t("Weekend (Saturday and Sunday)"), f())
        row += 1
    ws.write_blank(row, 0, None, f(right=5, right_color=DEADLINE))
    ws.write_string(row, 1, t("Deadline of a deliverable: a line down the chart at the end of "
                              "its day, named above the chart"), f())
    row += 1
    if with_today:
        ws.write_blank(row, 0, None, f(left=5, left_color=TODAY))
        ws.write_string(row, 1, t("Today (in a weekly chart: its week)" if weekly else "Today"),
                        f())
        row += 1
    ws.write_blank(row, 0, None, f(bg_color=LATE_FILL))
    ws.write_string(row, 1, t("Late: should have ended before today and not Done"), f())
    ws.write_string(row + 1, 1, t("Payment falls due within {days} days of a deliverable's "
                                  "approval (Notes).").format(days=PAYMENT_DAYS), f())
    if marked and texts is not None:
        ws.write_string(row + 2, 1, texts.t(language.UNTRANSLATED_NOTE, language.CONTEXT), f())
        return row + 2
    return row + 1
