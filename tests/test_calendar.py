"""`interviews.ics`, parsed back with icalendar as Outlook or Google Calendar would read it: one
event per planned or confirmed interview of the default workbook, UIDs that stay the same from
build to build, withdrawn interviews (postponed, declined, cancelled) kept as cancelled events
with a SEQUENCE that outranks the copy a calendar already holds, explicit time zones with their
VTIMEZONE, nothing that changes between two builds, and personal data only where the internal
calendar may carry it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest

from conftest import MASTER, TODAY
from matrixbook.api import build
from matrixbook.newbook import write_workbook
from matrixbook.outputs.calendar import FILE_NAME, interview_uid
from matrixbook.schema import load_schema
from test_workplan import cell

TODAY_DATE = date.fromisoformat(TODAY)
# The default workbook's interviews, less the three Requested ones (INT-007, INT-010, INT-017),
# which have no date yet.
IN_CALENDAR = [f"INT-{n:03d}" for n in range(1, 20) if n not in (7, 10, 17)]


def events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def build_calendar(book: Path, out: Path, today: date | None = TODAY_DATE) -> Path:
    result = build(book, out, only=["calendar"], audience="internal", today=today)
    assert result.report.ok, result.report.to_text()
    return out / FILE_NAME


def test_one_event_per_planned_or_confirmed_interview(built: Path) -> None:
    found = events(built / FILE_NAME)
    assert sorted(found) == sorted(f"{i}@matrixbook.iom-mena" for i in IN_CALENDAR)
    statuses = {uid.split("@")[0]: str(e["STATUS"]) for uid, e in found.items()}
    assert statuses["INT-001"] == "CONFIRMED" and statuses["INT-002"] == "TENTATIVE"
    assert sorted(set(statuses.values())) == ["CONFIRMED", "TENTATIVE"]


def test_event_of_an_interview(built: Path) -> None:
    event = events(built / FILE_NAME)[interview_uid("INT-003")]
    bahrain = ZoneInfo("Asia/Bahrain")
    assert event.start == datetime(2025, 8, 26, 10, tzinfo=bahrain)
    assert event.end == datetime(2025, 8, 26, 11, tzinfo=bahrain)
    assert event["DTSTART"].params["TZID"] == "Asia/Bahrain"
    assert str(event["SUMMARY"]) == ("Interview: GCC — Executive Office of the GCC Councils of "
                                     "Labour and Social Affairs Ministers (Manama)")
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[0] == "Body: Cooperation Council for the Arab States of the Gulf (GCC)"
    # The calendar is internal: the interviewee's name and contacts are in the description,
    # never in the summary (which shows in every calendar view and notification).
    assert "Interviewee: [Placeholder — interviewee 03 to be identified]" in description
    assert "Email: interviewee03@example.org" in description
    assert "Interviewer: Consultant" in description
    summaries = [str(e["SUMMARY"]) for e in events(built / FILE_NAME).values()]
    assert not [s for s in summaries if "Placeholder" in s or "@" in s]


def test_every_time_zone_used_has_its_vtimezone(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / FILE_NAME).read_bytes())
    used = {str(e["DTSTART"].params["TZID"]) for e in cal.walk("VEVENT")}
    defined = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert defined == sorted(used)  # one each, in a fixed order
    assert "Africa/Cairo" in used and "Europe/Vienna" in used
    assert cal.get_missing_tzids() == set()


def test_file_is_rfc5545_text(built: Path) -> None:
    data = (built / FILE_NAME).read_bytes()
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2:] == [b"END:VCALENDAR", b""]
    assert b"VERSION:2.0" in lines and b"PRODID:-//IOM MENA Regional Office//matrixbook//EN" \
        in lines
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets


def test_two_builds_are_byte_identical_and_dtstamp_is_today(tmp_path: Path) -> None:
    first = build_calendar(MASTER, tmp_path / "a")
    second = build_calendar(MASTER, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    stamps = {e["DTSTAMP"].dt for e in events(first).values()}
    assert stamps == {datetime(2025, 9, 3, tzinfo=ZoneInfo("UTC"))}


def test_uids_stay_when_an_interview_moves(edited: Callable[..., Path], tmp_path: Path) -> None:
    before = events(build_calendar(MASTER, tmp_path / "before"))
    book = edited({"Interviews": {cell("Interviews", "Date and time", "INT-002"):
                                  datetime(2025, 9, 2, 15)}})
    after = events(build_calendar(book, tmp_path / "after"))
    assert sorted(after) == sorted(before)
    uid = interview_uid("INT-002")
    assert after[uid].start == datetime(2025, 9, 2, 15, tzinfo=ZoneInfo("Africa/Cairo"))
    assert [u for u in before if before[u].to_ical() != after[u].to_ical()] == [uid]


def test_status_decides_what_is_in_the_calendar(edited: Callable[..., Path],
                                                tmp_path: Path) -> None:
    book = edited({"Interviews": {
        cell("Interviews", "Status", "INT-001"): "Cancelled",
        cell("Interviews", "Status", "INT-009"): "Done",
        cell("Interviews", "Consent", "INT-009"): "Yes",
        cell("Interviews", "Status", "INT-007"): "Planned",
        cell("Interviews", "Date and time", "INT-007"): datetime(2025, 9, 9, 14),
    }})
    found = {uid.split("@")[0]: str(e["STATUS"])
             for uid, e in events(build_calendar(book, tmp_path / "out")).items()}
    # Done is history and leaves the calendar; Cancelled stays, as a cancelled event.
    assert set(found) == set(IN_CALENDAR) - {"INT-009"} | {"INT-007"}
    assert (found["INT-001"], found["INT-007"]) == ("CANCELLED", "TENTATIVE")


def withdrawn_book(edited: Callable[..., Path]) -> Path:
    """The default workbook after INT-001 (Confirmed) is cancelled, INT-002 (Planned) is
    postponed with its date kept, INT-003 (Confirmed) is declined, and INT-005 (Planned) is
    postponed with its date cleared."""
    return edited({"Interviews": {
        cell("Interviews", "Status", "INT-001"): "Cancelled",
        cell("Interviews", "Status", "INT-002"): "Postponed",
        cell("Interviews", "Status", "INT-003"): "Declined",
        cell("Interviews", "Status", "INT-005"): "Postponed",
        cell("Interviews", "Date and time", "INT-005"): None,
    }})


def test_withdrawn_interviews_become_cancelled_events(edited: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    before = events(build_calendar(MASTER, tmp_path / "before"))
    after = events(build_calendar(withdrawn_book(edited), tmp_path / "after"))
    # Same UIDs, so re-importing updates the copies a calendar already holds; INT-005 has no
    # date left and cannot be an event.
    assert sorted(after) == sorted(u for u in before if u != interview_uid("INT-005"))
    for iid, status in (("INT-001", "Cancelled"), ("INT-002", "Postponed"),
                        ("INT-003", "Declined")):
        uid = interview_uid(iid)
        old, new = before[uid], after[uid]
        assert str(new["STATUS"]) == "CANCELLED", iid
        assert str(new["SUMMARY"]) == str(old["SUMMARY"]).replace("Interview:",
                                                                  f"{status} interview:")
        assert str(new["TRANSP"]) == "TRANSPARENT" and "TRANSP" not in old
        assert f"Status: {status}" in str(new["DESCRIPTION"]).split("\n")
        assert (new.start, new.end) == (old.start, old.end)
        assert int(new["SEQUENCE"]) > int(old["SEQUENCE"]), iid  # the client takes it
    assert str(after[interview_uid("INT-001")]["SUMMARY"]).startswith(
        "Cancelled interview: LAS — LAS General Secretariat")
    # The other events are untouched, byte for byte.
    changed = [u for u in after if after[u].to_ical() != before[u].to_ical()]
    assert sorted(changed) == [interview_uid(i) for i in ("INT-001", "INT-002", "INT-003")]


def test_sequence_comes_from_the_build_date_and_the_status(edited: Callable[..., Path],
                                                           tmp_path: Path) -> None:
    # 245 days from 2025-01-01 to 2025-09-03: 3 × 245 + rank (Planned 0, Confirmed 1,
    # withdrawn 2).
    found = events(build_calendar(withdrawn_book(edited), tmp_path / "out"))
    seq = {uid.split("@")[0]: int(e["SEQUENCE"]) for uid, e in found.items()}
    assert (seq["INT-004"], seq["INT-009"], seq["INT-001"], seq["INT-002"]) == (
        735, 736, 737, 737)
    # A later build outranks every event of an earlier one: an interview postponed and then
    # planned again (rank 2 to 0) still replaces the cancelled copy.
    later = events(build_calendar(MASTER, tmp_path / "later", today=date(2025, 9, 4)))
    assert int(later[interview_uid("INT-002")]["SEQUENCE"]) == 738 > seq["INT-002"]
    # Without --today the rank alone: Planned 0, Confirmed 1, withdrawn 2.
    undated = events(build_calendar(withdrawn_book(edited), tmp_path / "undated", today=None))
    assert {uid.split("@")[0]: int(e["SEQUENCE"]) for uid, e in undated.items()
            if uid.split("@")[0] in ("INT-001", "INT-004", "INT-009")} == {
        "INT-001": 2, "INT-004": 0, "INT-009": 1}


def test_withdrawn_calendar_is_byte_identical(edited: Callable[..., Path],
                                              tmp_path: Path) -> None:
    book = withdrawn_book(edited)
    first = build_calendar(book, tmp_path / "a").read_bytes()
    assert b"STATUS:CANCELLED" in first
    assert build_calendar(book, tmp_path / "b").read_bytes() == first


def test_empty_time_zone_and_duration(edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Interviews": {cell("Interviews", "Time zone", "INT-003"): None,
                                  cell("Interviews", "Duration (minutes)", "INT-003"): None}})
    event = events(build_calendar(book, tmp_path / "out"))[interview_uid("INT-003")]
    cairo = ZoneInfo("Africa/Cairo")
    assert event["DTSTART"].params["TZID"] == "Africa/Cairo"
    assert (event.start, event.end) == (datetime(2025, 8, 26, 10, tzinfo=cairo),
                                        datetime(2025, 8, 26, 11, tzinfo=cairo))


def test_internal_only(built_external: Path) -> None:
    assert not (built_external / FILE_NAME).exists()


def test_no_interview_gives_an_empty_calendar(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "blank.xlsx", load_schema(), None)
    cal = icalendar.Calendar.from_ical(build_calendar(book, tmp_path / "out").read_bytes())
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []


@pytest.fixture(scope="module")
def default_interviews() -> list[tuple[str, str]]:
    ws = openpyxl.load_workbook(MASTER, read_only=True)["Interviews"]
    rows = list(ws.iter_rows(min_row=1, values_only=True))
    status = rows[0].index("Status")
    return [(r[0], r[status]) for r in rows[1:] if r[0]]


def test_calendar_follows_the_default_workbook(default_interviews: list[tuple[str, str]]) -> None:
    """Guards IN_CALENDAR above: it must match the statuses of the default workbook."""
    assert sorted(i for i, s in default_interviews if s in ("Planned", "Confirmed")) \
        == IN_CALENDAR


def test_utc_interview_is_written_in_utc(edited: Callable[..., Path], tmp_path: Path) -> None:
    book = edited({"Interviews": {cell("Interviews", "Time zone", "INT-003"): "UTC"}})
    path = build_calendar(book, tmp_path / "out")
    assert b"DTSTART:20250826T100000Z" in path.read_bytes()
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert "UTC" not in [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]


def test_zone_unknown_to_the_tz_database_gives_floating_time() -> None:
    """A zone name the tz database does not know must not break the build: the event keeps
    its local time without a zone, and says so."""
    from matrixbook.audience import filter_tables
    from matrixbook.model.context import BuildContext
    from matrixbook.outputs.calendar import build_calendar as make
    from matrixbook.validation import check_workbook

    schema = load_schema()
    tables = filter_tables(schema, check_workbook(MASTER, schema).tables, "internal")
    interviews = tables["Interviews"]
    interviews.loc[interviews["interview_id"] == "INT-003", "time_zone"] = "Mars/Olympus"
    ctx = BuildContext(schema, tables, "internal", Path("."), MASTER, TODAY_DATE)
    cal = icalendar.Calendar.from_ical(make(ctx).to_ical())
    event = {str(e["UID"]): e for e in cal.walk("VEVENT")}[interview_uid("INT-003")]
    assert "TZID" not in event["DTSTART"].params
    assert event.start == datetime(2025, 8, 26, 10)
    assert "Time zone: Mars/Olympus, which this computer's time-zone database does not know" \
        in str(event["DESCRIPTION"])
    assert "Mars/Olympus" not in [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]


def test_every_time_zone_of_the_list_is_an_iana_zone() -> None:
    from zoneinfo import available_timezones

    codes = load_schema().vocabulary("time_zones").codes
    assert [z for z in codes if z not in available_timezones()] == []
