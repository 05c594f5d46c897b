"""The workplan workbook (`workplan.xlsx`) built from the default workbook with today fixed at
2025-09-03: the Gantt cells a reader checks (bars on the right days, the milestone and both
deliverables, weekends, the today line, late tasks), the interview and data-collection
calendars, print set-up, byte-identical rebuilds and LibreOffice opening the file.

Then the validation rules the schedule depends on (tasks after their deadline, interviews
outside the data-collection period, interviewer clashes), each planted at a known cell of the
default workbook.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from conftest import MASTER, TODAY, header_cell, to_pdf
from matrixbook.api import build, validate
from matrixbook.newbook import write_workbook
from matrixbook.outputs import workplan
from matrixbook.schema import load_schema
from matrixbook.validation import check_workbook

TODAY_DATE = date.fromisoformat(TODAY)


def _checked_on() -> str:
    """The latest Checked on of the default workbook's bodies, as the sheets print it."""
    wb = openpyxl.load_workbook(MASTER, read_only=True)
    days = []
    for name in ("Entities", "Dialogues"):
        rows = list(wb[name].iter_rows(values_only=True))
        col = rows[0].index("Checked on")
        days += [r[col] for r in rows[1:] if r[col]]
    latest = max(days)
    return f"{latest.day} {latest:%b %Y}"


SOURCE_LINE = ("From master.xlsx · Internal version · Facts about the bodies checked up to "
               f"{_checked_on()}")
NOT_STARTED = "56B4E9"  # bar colour of the status Not started
NOT_STARTED_WEEKEND = "CBE6F7"
WEEKEND = "D9D9D9"
VERMILION = "D55E00"


# ----------------------------------------------------------------------------- helpers


def open_sheet(path: Path, name: str) -> Worksheet:
    return openpyxl.load_workbook(path)[name]


def row_of(sheet: str, key: str, source: Path = MASTER) -> int:
    """The Excel row of the record `key` (first column) in the default workbook."""
    ws = openpyxl.load_workbook(source, read_only=True)[sheet]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            return row[0].row
    raise KeyError(key)


def cell(sheet: str, header: str, key: str) -> str:
    return header_cell(sheet, header, row_of(sheet, key))


def day_columns(ws: Worksheet) -> dict[date, int]:
    """Timeline column (1-based) of each day: the day row of the Schedule holds real dates."""
    out = {}
    for c in ws[workplan.SCHEDULE_HEADER_ROWS][len(workplan.SCHEDULE_FIELDS) + 1:]:
        value = from_excel(c.value) if isinstance(c.value, int | float) else c.value
        if isinstance(value, datetime):
            out[value.date()] = c.column
    return out


def task_rows(ws: Worksheet) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(workplan.SCHEDULE_HEADER_ROWS + 1,
                                                   ws.max_row + 1)
            if str(ws.cell(r, 1).value or "").startswith("WP-")}


def fill(ws: Worksheet, row: int, col: int) -> str | None:
    f = ws.cell(row, col).fill
    return f.fgColor.rgb[-6:] if f.fill_type == "solid" else None


def notes(ws: Worksheet) -> dict[str, str]:
    col = len(workplan.SCHEDULE_FIELDS) + 1
    return {tid: ws.cell(r, col).value or "" for tid, r in task_rows(ws).items()}


def days(first: str, last: str) -> list[date]:
    d, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while d <= end:
        out.append(d)
        d += timedelta(days=1)
    return out


def table(ws: Worksheet, header_row: int) -> list[dict[str, Any]]:
    headers = [c.value for c in ws[header_row]]
    return [dict(zip(headers, (c.value for c in row), strict=False))
            for row in ws.iter_rows(min_row=header_row + 1)]


def build_only(path: Path, out: Path, names: list[str], today: date | None = TODAY_DATE,
               audience: str = "internal") -> Path:
    result = build(path, out, only=names, audience=audience, today=today)
    assert result.report.ok, result.report.to_text()
    return out


@pytest.fixture(scope="module")
def schedule(built: Path) -> Worksheet:
    return open_sheet(built / "workplan.xlsx", "Schedule")


# ----------------------------------------------------------------------------- Schedule


def test_bars_fill_exactly_the_days_of_the_task(schedule: Worksheet) -> None:
    cols, rows = day_columns(schedule), task_rows(schedule)
    row = rows["WP-05"]  # Documentary review, 2025-08-20 to 2025-09-05, Not started
    for day in days("2025-08-20", "2025-09-05"):
        expected = NOT_STARTED_WEEKEND if day.weekday() >= 5 else NOT_STARTED
        assert fill(schedule, row, cols[day]) == expected, day
    assert fill(schedule, row, cols[date(2025, 8, 19)]) is None
    assert fill(schedule, row, cols[date(2025, 9, 8)]) is None
    assert fill(schedule, row, cols[date(2025, 9, 6)]) == WEEKEND  # Saturday after the bar


def test_deadlines_are_labelled_lines_down_the_whole_chart(schedule: Worksheet) -> None:
    """Issue 16, item 9: each deliverable's deadline is a line down every row of the chart at
    the end of its day, named above the chart; the Deliverable column names the deliverable."""
    cols, rows = day_columns(schedule), task_rows(schedule)
    header = workplan.SCHEDULE_HEADER_ROWS
    last = max(rows.values())
    for day, name in ((date(2025, 9, 12), "Deliverable 1"), (date(2025, 9, 30),
                                                              "Deliverable 2")):
        col = cols[day]
        assert schedule.cell(2, col).value == f"{name} due ▼"
        lines = {schedule.cell(r, col).border.right.style for r in range(3, last + 1)}
        assert lines == {"thick"}, (day, lines)
        assert schedule.cell(header + 1, col + 1).border.right.style != "thick"
    others = {schedule.cell(r, cols[date(2025, 9, 11)]).border.right.style
              for r in range(3, last + 1)}
    assert "thick" not in others
    column = workplan.SCHEDULE_FIELDS.index("deliverable_id") + 1
    shown = {tid: schedule.cell(r, column).value for tid, r in rows.items()}
    assert shown["WP-01"] == shown["WP-10"] == "Deliverable 1"
    assert shown["WP-14"] == shown["WP-16"] == "Deliverable 2"
    assert not [v for v in shown.values() if str(v).startswith("WP-")]


def test_milestone_and_both_deliverables_are_markers_on_their_day(schedule: Worksheet) -> None:
    cols, rows = day_columns(schedule), task_rows(schedule)
    marks = {tid: {d: schedule.cell(r, c).value for d, c in cols.items()
                   if schedule.cell(r, c).value} for tid, r in rows.items()}
    assert marks["WP-04"] == {date(2025, 8, 22): "◆"}  # calendars agreed (Milestone)
    assert marks["WP-10"] == {date(2025, 9, 12): "★"}  # Deliverable 1
    assert marks["WP-16"] == {date(2025, 9, 30): "★"}  # Deliverable 2
    assert [tid for tid, m in marks.items() if m] == ["WP-04", "WP-10", "WP-16"]
    # A one-day deliverable is its marker alone, no bar before it.
    assert fill(schedule, rows["WP-10"], cols[date(2025, 9, 11)]) is None


def test_tasks_grouped_by_phase_in_the_order_of_the_phase_list(schedule: Worksheet) -> None:
    first = [schedule.cell(r, 1).value for r in range(workplan.SCHEDULE_HEADER_ROWS + 1,
                                                        schedule.max_row + 1)]
    first = first[:first.index(None)]  # the chart ends at the first empty row
    phases = [v for v in first if not v.startswith("WP-")]
    assert phases == ["Inception", "Desk review", "Interviews", "Drafting", "Review",
                      "Finalisation"]
    drafting = first.index("Drafting")
    assert first[drafting + 1:first.index("Review")] == ["WP-09", "WP-10", "WP-12"]
    # A phase row carries the span of its tasks.
    row = workplan.SCHEDULE_HEADER_ROWS + 1 + drafting
    assert schedule.cell(row, 4).value == datetime(2025, 9, 1)
    assert schedule.cell(row, 5).value == datetime(2025, 9, 24)


def test_late_tasks_flagged_with_a_fixed_today(schedule: Worksheet) -> None:
    late = {tid: n for tid, n in notes(schedule).items() if n.startswith("Late")}
    # Today 2025-09-03: the four Inception rows ended before it and none is Done.
    assert late == {"WP-01": "Late: due 2025-08-19, not done",
                    "WP-02": "Late: due 2025-08-22, not done",
                    "WP-03": "Late: due 2025-08-22, not done",
                    "WP-04": "Late: due 2025-08-22, not done"}
    row = task_rows(schedule)["WP-01"]
    assert fill(schedule, row, len(workplan.SCHEDULE_FIELDS) + 1) == "F2C0A0"


def test_today_line_and_weekends(schedule: Worksheet) -> None:
    cols, rows = day_columns(schedule), task_rows(schedule)
    col = cols[TODAY_DATE]
    assert fill(schedule, workplan.SCHEDULE_HEADER_ROWS, col) == VERMILION
    assert schedule.cell(2, col).value == "▼ today"
    for r in rows.values():
        border = schedule.cell(r, col).border.left
        assert border.style == "thick" and border.color.rgb.endswith(VERMILION)
    # Weekends: shaded and narrower than working days.
    saturday, monday = cols[date(2025, 9, 20)], cols[date(2025, 9, 22)]
    assert fill(schedule, rows["WP-13"], saturday) == WEEKEND
    letter = openpyxl.utils.get_column_letter
    assert (schedule.column_dimensions[letter(saturday)].width
            < schedule.column_dimensions[letter(monday)].width)


def test_without_today_no_line_and_no_late_flag(tmp_path: Path) -> None:
    out = build_only(MASTER, tmp_path / "out", ["workplan"], today=None)
    wb = openpyxl.load_workbook(out / "workplan.xlsx")
    ws = wb["Schedule"]
    assert not [n for n in notes(ws).values() if n.startswith("Late")]
    assert all(c.value != "▼ today" for c in ws[2])
    assert ws["A2"].value == (f"{SOURCE_LINE} · No today line and no Late flags: built "
                              "without --today (add --today YYYY-MM-DD to the build command "
                              "to get them)")
    assert wb["Data collection"]["A3"].value.endswith(
        "No source is flagged overdue: built without --today (add --today YYYY-MM-DD to the "
        "build command to flag them).")


def test_external_workplan_without_today_gives_partners_no_command_hints(
        tmp_path: Path) -> None:
    """The partners' copy says there is no today line and no overdue flag, not how to run the
    tool: the hint about --today is for staff."""
    out = build_only(MASTER, tmp_path / "out", ["workplan"], today=None, audience="external")
    wb = openpyxl.load_workbook(out / "workplan.xlsx")
    assert wb["Schedule"]["A2"].value.endswith(" · No today line and no Late flags")
    assert wb["Data collection"]["A3"].value.endswith(" No source is flagged overdue.")
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert not [t for t in texts if "--today" in t or "build command" in t]


def test_schedule_header_says_which_date_is_which(schedule: Worksheet, built: Path) -> None:
    """The facts were checked in 2026 and the plan is in 2025: the header names each date."""
    assert schedule["A2"].value == (f"{SOURCE_LINE} · Schedule shown as at 3 Sep 2025 "
                                    "(--today)")
    wb = openpyxl.load_workbook(built / "workplan.xlsx")
    # The sheets that do not depend on today do not mention it.
    assert wb["Interviews"]["A2"].value == SOURCE_LINE
    assert wb["Interviews by body"]["A2"].value == SOURCE_LINE
    assert wb["Data collection"]["A3"].value.endswith(
        "Overdue as at 3 Sep 2025 (--today): due before that day and still to collect or "
        "requested.")


def test_facts_date_is_the_latest_checked_on(edited: Callable[..., Path],
                                             tmp_path: Path) -> None:
    where = cell("Entities", "Checked on", "ENT-GCC")
    book = edited({"Entities": {where: datetime(2027, 1, 5)}})
    out = build_only(book, tmp_path / "out", ["workplan"], today=date(2025, 12, 1))
    ws = open_sheet(out / "workplan.xlsx", "Schedule")
    assert ws["A2"].value == (f"From {book.name} · Internal version · Facts about the bodies "
                              "checked up to 5 Jan 2027 · Schedule shown as at 1 Dec 2025 "
                              "(--today), after it ends: no today line")
    assert all(c.value != "▼ today" for c in ws[2])


def column_pixels(path: Path, sheet_index: int) -> dict[int, int]:
    """Width in pixels of each column (1-based) as stored in the file (Excel's 7-pixel
    character: xlsxwriter stores pixels / 7)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    out = {}
    for first, last, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
        for c in range(int(first), int(last) + 1):
            out[c] = round(float(width) * 7)
    return out


def test_weekend_columns_keep_their_day_number(schedule: Worksheet, built: Path) -> None:
    cols = day_columns(schedule)
    header = workplan.SCHEDULE_HEADER_ROWS
    saturday = schedule.cell(header, cols[date(2025, 9, 6)])
    monday = schedule.cell(header, cols[date(2025, 9, 8)])
    assert (saturday.number_format, monday.number_format) == ("d", "d")
    assert saturday.font.sz < monday.font.sz
    # The timeline is no wider than when weekends had no number: 32 working days of 20
    # pixels and 12 weekend days of 11, 772 pixels.
    pixels = column_pixels(built / "workplan.xlsx", 1)
    assert len(cols) == 44 and sum(pixels[c] for c in cols.values()) <= 772
    assert pixels[cols[date(2025, 9, 6)]] < pixels[cols[date(2025, 9, 8)]]


def test_payment_due_15_days_after_approval(edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Workplan": {cell("Workplan", "Approval date", "WP-10"):
                                datetime(2025, 9, 16)}})
    out = build_only(book, tmp_path / "out", ["workplan"], today=date(2025, 9, 20))
    n = notes(open_sheet(out / "workplan.xlsx", "Schedule"))
    # Past its deadline but approved, so delivered: not late, whatever its Status says.
    assert n["WP-10"] == "Approved 2025-09-16; payment due by 2025-10-01"
    assert n["WP-09"] == "Late: due 2025-09-11, not done"
    assert n["WP-16"] == "Approval not recorded yet"


def test_plan_longer_than_twelve_weeks_has_one_column_per_week(
        edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Workplan": {cell("Workplan", "End date", "WP-16"): datetime(2025, 12, 19)}})
    out = build_only(book, tmp_path / "out", ["workplan"])
    ws = open_sheet(out / "workplan.xlsx", "Schedule")
    cols = day_columns(ws)
    mondays = sorted(cols)
    assert mondays[0] == date(2025, 8, 18) and mondays[-1] == date(2025, 12, 15)
    assert all(d.weekday() == 0 for d in mondays) and len(mondays) == 18
    assert ws.cell(4, cols[date(2025, 8, 18)]).value == "W34"
    row = task_rows(ws)["WP-16"]
    assert ws.cell(row, cols[date(2025, 12, 15)]).value == "★"
    assert fill(ws, row, cols[date(2025, 9, 29)]) == NOT_STARTED  # bar from 30 September


def test_workbook_text_stays_text(edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Workplan": {cell("Workplan", "Task", "WP-01"): "=HYPERLINK(\"x\")"}})
    out = build_only(book, tmp_path / "out", ["workplan"])
    ws = open_sheet(out / "workplan.xlsx", "Schedule")
    c = ws.cell(task_rows(ws)["WP-01"], 2)
    assert c.value == "=HYPERLINK(\"x\")" and c.data_type == "s"


def test_empty_workbook_says_so(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "blank.xlsx", load_schema(), None)
    out = build_only(book, tmp_path / "out", ["workplan"])
    wb = openpyxl.load_workbook(out / "workplan.xlsx")
    assert wb["Schedule"]["A6"].value == ("No task with a start and end date in the Workplan "
                                          "sheet yet.")
    assert wb["Interviews"]["A5"].value == "No interview in the Interviews sheet yet."


# ----------------------------------------------------------------------------- Interviews


def calendar_rows(path: Path) -> list[dict[str, Any]]:
    ws = open_sheet(path, "Interviews")
    return table(ws, workplan.INTERVIEW_HEADER_ROWS)


def test_interview_calendar_by_date_and_time(built: Path) -> None:
    rows = calendar_rows(built / "workplan.xlsx")
    split = [r["Date"] for r in rows].index("Not yet scheduled")
    dated, undated = rows[:split], rows[split + 1:]
    assert len(dated) == 16
    assert [r["Date"] for r in dated] == sorted(r["Date"] for r in dated)
    first = dated[0]
    assert (first["Date"], first["Time zone"], first["Body"], first["Mode"], first["Status"],
            first["Interviewer"], first["Interview ID"]) == (
        datetime(2025, 8, 26, 10), "Asia/Bahrain", "GCC", "Video call", "Confirmed",
        "Consultant", "INT-003")
    assert first["End"] == datetime(2025, 8, 26, 11)
    assert first["Organisation"] == ("Executive Office of the GCC Councils of Labour and "
                                     "Social Affairs Ministers (Manama)")
    assert [(r["Body"], r["Interview ID"], r["Status"]) for r in undated] == [
        ("5+5 Dialogue", "INT-017", "Requested"), ("CEN-SAD", "INT-007", "Requested"),
        ("RCC (Northern Africa)", "INT-010", "Requested")]


def test_names_and_contacts_only_in_the_internal_build(built: Path,
                                                       built_external: Path) -> None:
    internal = calendar_rows(built / "workplan.xlsx")
    by_id = {r["Interview ID"]: r for r in internal}
    assert by_id["INT-001"]["Interviewee, Email, Phone"] == (
        "[Placeholder — interviewee 01 to be identified]\ninterviewee01@example.org\n"
        "+00 000 000 001")
    external = openpyxl.load_workbook(built_external / "workplan.xlsx")
    texts = [str(c.value) for ws in external.worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert not [t for t in texts if "example.org" in t or "Placeholder" in t
                or "+00 000" in t]
    headers = [c.value for c in external["Interviews"][workplan.INTERVIEW_HEADER_ROWS]]
    assert headers == ["Week", "Body", "Interviews", "Mode", "Status"]
    assert external["Schedule"]["A2"].value.startswith("From master.xlsx")
    assert "External version" in external["Schedule"]["A2"].value


def test_empty_time_zone_is_cairo_and_the_sheet_says_so(edited: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    book = edited({"Interviews": {cell("Interviews", "Time zone", "INT-003"): None,
                                  cell("Interviews", "Duration (minutes)", "INT-003"): None}})
    out = build_only(book, tmp_path / "out", ["workplan"])
    ws = open_sheet(out / "workplan.xlsx", "Interviews")
    assert "where the Time zone cell is empty, Africa/Cairo is assumed" in ws["A3"].value
    assert "an empty duration is read as 60 minutes" in ws["A3"].value
    row = {r["Interview ID"]: r for r in table(ws, workplan.INTERVIEW_HEADER_ROWS)}["INT-003"]
    assert (row["Time zone"], row["End"]) == ("Africa/Cairo", datetime(2025, 8, 26, 11))


def test_counts_per_body_and_status_with_flags(built: Path) -> None:
    ws = open_sheet(built / "workplan.xlsx", "Interviews by body")
    rows = {r["Acronym"]: r for r in table(ws, workplan.INTERVIEW_HEADER_ROWS)
            if r["Acronym"]}
    las = rows["LAS"]
    assert (las["Planned"], las["Confirmed"], las["Requested"], las["Total"]) == (1, 1, 0, 2)
    total = rows["All bodies"]
    assert (total["Requested"], total["Planned"], total["Confirmed"], total["Done"],
            total["Total"]) == (3, 11, 5, 0, 19)
    flagged = {a: r["Flag"] for a, r in rows.items() if r["Flag"]}
    assert flagged == {"CEN-SAD": workplan.NONE_SCHEDULED,
                       "RCC (Northern Africa)": workplan.NONE_SCHEDULED,
                       "5+5 Dialogue": workplan.NONE_SCHEDULED}
    assert len(rows) == 18  # 9 entities, 8 dialogues, the total row


def test_body_with_no_interview_at_all(edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Interviews": {cell("Interviews", "Body ID", "INT-017"): "ENT-LAS"}})
    out = build_only(book, tmp_path / "out", ["workplan"])
    ws = open_sheet(out / "workplan.xlsx", "Interviews by body")
    rows = {r["Acronym"]: r for r in table(ws, workplan.INTERVIEW_HEADER_ROWS)}
    assert rows["5+5 Dialogue"]["Flag"] == "No interview yet"
    assert rows["5+5 Dialogue"]["Total"] == 0
    assert rows["LAS"]["Total"] == 3


# ----------------------------------------------------------------------------- Data collection


def collection_rows(path: Path) -> list[dict[str, Any]]:
    return table(open_sheet(path, "Data collection"), workplan.SOURCE_HEADER_ROWS)


def test_data_collection_per_body_with_due_dates_and_overdue(built: Path) -> None:
    rows = collection_rows(built / "workplan.xlsx")
    ids = [r["Source ID"] for r in rows]
    # 32 LAS sources: 29 since issue 17 and three of the regional layer (SRC-3024, 3025, 3034)
    las = ids.index("LAS — League of Arab States · 32 sources: 3 to collect, 29 collected")
    assert ids[las + 1:las + 4] == ["SRC-092", "SRC-093", "SRC-094"]  # by due date
    due = {r["Source ID"]: r["Due date"] for r in rows}
    assert due["SRC-092"] == datetime(2025, 8, 29)
    overdue = [r["Source ID"] for r in rows if r["Flag"] == "Overdue"]
    assert overdue == ["SRC-092", "SRC-093"]  # SRC-094 is due today, not overdue
    groups = [i for i in ids if not i.startswith("SRC-")]
    # one group per body, then the regional and global sources of no body
    assert len(groups) == 18 and groups[0].startswith("LAS — ")
    assert groups[-1] == "General sources (not about one body) · 36 sources: 3 to collect, "\
                         "33 collected"


def test_body_without_sources_is_flagged(edited: Callable[..., Path], tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(MASTER, read_only=True)["Sources"]
    rmfm = [r[0].row for r in ws.iter_rows(min_row=2) if r[1].value == "DLG-RMFM"]
    column = header_cell("Sources", "Body ID", 2)[0]
    book = edited({"Sources": {f"{column}{r}": "DLG-ROME" for r in rmfm}})
    out = build_only(book, tmp_path / "out", ["workplan"])
    rows = {r["Source ID"]: r for r in collection_rows(out / "workplan.xlsx")}
    label = next(k for k in rows if str(k).startswith("RMFM — "))
    assert label.endswith("· no source listed yet")
    assert rows[label]["Flag"] == "No source listed yet"


# ----------------------------------------------------------------------------- the file


def test_print_setup_of_every_sheet(built: Path) -> None:
    wb = openpyxl.load_workbook(built / "workplan.xlsx")
    assert wb.sheetnames == ["Schedule", "Interviews", "Interviews by body", "Data collection"]
    repeated = {"Schedule": "$1:$5", "Interviews": "$1:$4", "Interviews by body": "$1:$4",
                "Data collection": "$1:$4"}
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # fitToWidth is left out of the file when it is 1, its default in OOXML.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == repeated[ws.title]
        assert ws.oddFooter.center.text == "Internal"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build_only(MASTER, tmp_path / "a", ["workplan", "calendar"])
    second = build_only(MASTER, tmp_path / "b", ["workplan", "calendar"])
    for name in ("workplan.xlsx", "interviews.ics"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.fixture(scope="module")
def printed(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """workplan.xlsx as LibreOffice prints it."""
    pdf = to_pdf(built / "workplan.xlsx", tmp_path_factory.mktemp("printed"))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return pdf


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float
    top: float
    right: float


def printed_words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its box (points), as pdftotext -bbox finds it."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml))
    ns = "{http://www.w3.org/1999/xhtml}"
    return [Word(n, w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                 float(w.get("xMax", 0)))
            for n, page in enumerate(root.iter(f"{ns}page"), start=1)
            for w in page.iter(f"{ns}word")]


def next_word(words: list[Word], word: Word) -> Word | None:
    """The word printed right after `word` on the same line, if any."""
    after = [w for w in words if w.page == word.page and abs(w.top - word.top) < 1
             and w.left >= word.right - 0.5 and w is not word]
    return min(after, key=lambda w: w.left, default=None)


@pytest.mark.office
def test_printed_dates_keep_clear_of_the_next_column(printed: Path) -> None:
    """A date printed against the next cell's text ("2026-11-29https://…", "22 AugIOM MENA
    RO") reads as one word. Between a date and the next column there must be more than a
    word space (about 1.5 points at this print scale; it was 1.1 before)."""
    words = printed_words(printed)
    same_text = re.compile(r"^(\d{4}|to|\(the|\(--today\)(,|:)?)$")  # "Aug 2025", "… to …"
    gaps = []
    for w in words:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}|Aug|Sep", w.text):
            nxt = next_word(words, w)
            if nxt is not None and not same_text.match(nxt.text):
                gaps.append((round(nxt.left - w.right, 1), w.page, w.text, nxt.text))
    assert len(gaps) > 60  # the Schedule's dates and the sources' accessed-on dates
    assert min(gaps)[0] >= 4, min(gaps)


@pytest.mark.office
def test_printed_gantt_header_numbers_every_day(printed: Path) -> None:
    words = [w for w in printed_words(printed) if w.page == 1]
    lines: dict[float, list[Word]] = {}
    for w in words:
        if w.text.isdigit():
            lines.setdefault(round(w.top), []).append(w)
    numbers = [[int(w.text) for w in sorted(line, key=lambda w: w.left)]
               for line in lines.values()]
    assert [*range(18, 32), *range(1, 31)] in numbers  # 18 Aug to 30 Sep, weekends included


@pytest.mark.office
def test_libreoffice_prints_the_schedule_on_one_page_width(printed: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(printed), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    schedule = [p for p in pages if "Workplan schedule" in p]
    assert len(schedule) == 1  # the whole Gantt chart, legend included, on one A4 page
    assert "Aug 2025" in schedule[0] and "Sep 2025" in schedule[0] and "Legend" in schedule[0]
    assert "WP-16" in schedule[0]
    for title in ("Interview calendar", "Interviews by body", "Data-collection calendar"):
        assert any(title in p for p in pages), title


# ----------------------------------------------------------------------------- validation


def findings(book: Path, rule: str) -> list[list[Any]]:
    return [f[:2] for f in validate(book).flatten(["sheet", "cell", "rule"]) if f[2] == rule]


def test_default_workbook_has_none_of_these_findings() -> None:
    rules = {"after-deadline", "not-a-deliverable", "outside-collection-period",
             "interviewer-clash", "end-before-start", "missing-interview-date"}
    assert [f for f in validate(MASTER).flatten(["cell", "rule"]) if f[1] in rules] == []


def test_task_after_its_deliverable_deadline(edited: Callable[..., Path]) -> None:
    where = cell("Workplan", "End date", "WP-09")  # feeds WP-10, due 2025-09-12
    book = edited({"Workplan": {where: datetime(2025, 9, 15)}})
    assert findings(book, "after-deadline") == [["Workplan", where]]
    message = next(f.message for f in validate(book).findings if f.rule == "after-deadline")
    assert message == ("This task ends on 2025-09-15, after the deadline of its deliverable "
                       "WP-10 (2025-09-12). Finish it by 2025-09-12 or move it to a later "
                       "deliverable.")


def test_task_ending_on_the_deadline_is_fine(edited: Callable[..., Path]) -> None:
    book = edited({"Workplan": {cell("Workplan", "End date", "WP-09"): datetime(2025, 9, 12)}})
    assert findings(book, "after-deadline") == []


def test_deliverable_column_must_name_a_deliverable(edited: Callable[..., Path]) -> None:
    where = cell("Workplan", "Deliverable", "WP-05")
    book = edited({"Workplan": {where: "WP-04"}})  # WP-04 is a Milestone
    assert findings(book, "not-a-deliverable") == [["Workplan", where]]


@pytest.mark.parametrize(("when", "outside"), [
    (datetime(2025, 8, 22, 10), True),  # the Friday before the Interviews phase
    (datetime(2025, 8, 25, 9), False),  # its first day
    (datetime(2025, 9, 19, 15), False),  # its last day
    (datetime(2025, 9, 22, 10), True),  # the Monday after
])
def test_interview_outside_the_data_collection_period(edited: Callable[..., Path],
                                                      when: datetime, outside: bool) -> None:
    where = cell("Interviews", "Date and time", "INT-003")
    book = edited({"Interviews": {where: when}})
    assert findings(book, "outside-collection-period") == ([["Interviews", where]]
                                                           if outside else [])


def test_interviewer_clash(edited: Callable[..., Path]) -> None:
    # INT-001: Consultant, 2025-09-01 10:00 for 60 minutes; INT-002 is the Consultant's too.
    where = cell("Interviews", "Date and time", "INT-002")
    book = edited({"Interviews": {where: datetime(2025, 9, 1, 10, 30)}})
    assert findings(book, "interviewer-clash") == [["Interviews", where]]
    message = next(f.message for f in validate(book).findings if f.rule == "interviewer-clash")
    first = cell("Interviews", "Date and time", "INT-001")
    assert message == (f"Consultant already has an interview at this time (INT-001, {first}). "
                       "Move one of them.")


def test_back_to_back_or_other_interviewer_is_no_clash(edited: Callable[..., Path]) -> None:
    book = edited({"Interviews": {
        cell("Interviews", "Date and time", "INT-002"): datetime(2025, 9, 1, 11),
        cell("Interviews", "Date and time", "INT-004"): datetime(2025, 9, 1, 10),  # IOM RO
        cell("Interviews", "Time zone", "INT-004"): "Africa/Cairo",
    }})
    assert findings(book, "interviewer-clash") == []


def test_clash_across_time_zones_is_found(edited: Callable[..., Path]) -> None:
    where = cell("Interviews", "Date and time", "INT-002")
    book = edited({"Interviews": {where: datetime(2025, 9, 1, 9),
                                  cell("Interviews", "Time zone", "INT-002"): "Europe/Rome"}})
    assert findings(book, "interviewer-clash") == [["Interviews", where]]


def test_same_clock_time_in_another_time_zone_is_no_clash(edited: Callable[..., Path]) -> None:
    book = edited({"Interviews": {
        cell("Interviews", "Date and time", "INT-002"): datetime(2025, 9, 1, 10),
        cell("Interviews", "Time zone", "INT-002"): "Europe/Rome"}})
    assert findings(book, "interviewer-clash") == []


def test_clash_with_a_long_interview_two_places_before(edited: Callable[..., Path]) -> None:
    third = cell("Interviews", "Date and time", "INT-005")
    book = edited({"Interviews": {
        cell("Interviews", "Duration (minutes)", "INT-001"): 180,  # 10:00 to 13:00
        cell("Interviews", "Date and time", "INT-002"): datetime(2025, 9, 1, 10, 30),
        cell("Interviews", "Duration (minutes)", "INT-002"): 30,
        third: datetime(2025, 9, 1, 11, 30),
        cell("Interviews", "Time zone", "INT-005"): "Africa/Cairo",
    }})
    assert findings(book, "interviewer-clash") == [
        ["Interviews", cell("Interviews", "Date and time", "INT-002")], ["Interviews", third]]


def test_external_calendar_is_per_week_and_body(built_external: Path) -> None:
    """Issue 16, item 11: the external calendar never shows one interviewee's organisation,
    role and exact time: interviews per week and body, with their count, modes and statuses."""
    interviews = check_workbook(MASTER, load_schema()).tables["Interviews"]
    external = openpyxl.load_workbook(built_external / "workplan.xlsx")
    ws = external["Interviews"]
    rows = table(ws, workplan.INTERVIEW_HEADER_ROWS)
    rows = [r for r in rows if r["Week"]]
    assert sum(r["Interviews"] for r in rows) == len(interviews)
    las = interviews[interviews.body_id == "ENT-LAS"]
    first = las.starts_at.min()
    monday = (first - pd.Timedelta(days=first.weekday())).date()
    las_rows = [r for r in rows if r["Body"] == "LAS"]
    assert las_rows[0]["Week"] == f"Week of {monday.day} {monday:%b %Y}"
    assert sum(r["Interviews"] for r in las_rows) == len(las)
    texts = [str(c.value) for sheet in external.worksheets for row in sheet.iter_rows()
             for c in row if c.value is not None]
    for value in interviews.organisation.tolist() + interviews.role.tolist():
        assert not [t for t in texts if value in t], value
    assert not [c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, datetime) and (c.value.hour or c.value.minute)]
