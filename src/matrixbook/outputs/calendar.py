"""`out/interviews.ics`: the planned and confirmed interviews as an iCalendar file (RFC 5545)
that Outlook and Google Calendar import.

Why it is built the way it is:
- Only Planned and Confirmed interviews with a date go in: they are the ones that will take
  place at an agreed time. Done interviews are history, Requested / Not contacted ones have no
  agreed time, Postponed / Declined / Cancelled ones will not take place as recorded.
- Each event's UID is derived from the Interview ID, so importing a newer file updates the
  events instead of duplicating them.
- Nothing depends on the clock: DTSTAMP is the build's `--today` (midnight UTC) or, without
  it, the fixed creation date every generated file carries; time-zone components are added in
  sorted order. Two builds of the same workbook are byte-identical.
- Times are local to the interview's time zone (an explicit TZID with its VTIMEZONE); an
  empty Time zone cell is read as Africa/Cairo, the seat of the regional office.
- The file is internal only: its descriptions carry the interviewee's name and contacts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import pandas as pd

from matrixbook import xlsx
from matrixbook.build import BuildContext, Output

FILE_NAME = "interviews.ics"
IN_CALENDAR = ("Planned", "Confirmed")
ICS_STATUS = {"Planned": "TENTATIVE", "Confirmed": "CONFIRMED"}
UID_DOMAIN = "matrixbook.iom-mena"
PRODID = "-//IOM MENA Regional Office//matrixbook//EN"
CALENDAR_NAME = "IOM MENA mapping: key-informant interviews"
DEFAULT_TIME_ZONE = "Africa/Cairo"
DEFAULT_DURATION_MIN = 60  # the interviewer-clash rule assumes the same length


def is_missing(value: Any) -> bool:
    """Empty in any of the ways a typed table holds it (None, NaN, NaT, pd.NA, blank text)."""
    if isinstance(value, list | tuple):
        return not value
    if isinstance(value, str):
        return not value.strip()
    return bool(pd.isna(value))


def interview_uid(interview_id: str) -> str:
    """The event UID of an interview: the same in every build, so re-importing updates."""
    return f"{interview_id}@{UID_DOMAIN}"


def time_zone_of(value: Any) -> str:
    """The interview's IANA time zone; an empty cell means Africa/Cairo."""
    return DEFAULT_TIME_ZONE if is_missing(value) else str(value)


def duration_of(value: Any) -> int:
    """The interview's length in minutes; an empty cell means 60."""
    return DEFAULT_DURATION_MIN if is_missing(value) else int(value)


def ends_at(starts_at: pd.Timestamp, duration: Any) -> pd.Timestamp:
    return starts_at + timedelta(minutes=duration_of(duration))


def known_zone(name: str) -> ZoneInfo | None:
    """The zone, or None when the time-zone database does not know the name (the event is then
    written in floating local time rather than failing the build)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def calendar_interviews(interviews: pd.DataFrame) -> pd.DataFrame:
    """The interviews that go in the calendar, in date order."""
    if interviews.empty:
        return interviews
    chosen = interviews[interviews["status"].isin(IN_CALENDAR) & interviews["starts_at"].notna()]
    return chosen.sort_values(["starts_at", "interview_id"], kind="stable")


def _stamp(today: date | None) -> datetime:
    day = today or xlsx.FIXED_CREATED.date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _description(rec: Any, body: dict[str, Any]) -> str:
    """What the interviewer needs at hand; nothing build-specific (not even the workbook's file
    name), so an event changes only when its interview does."""
    lines = []
    name = body.get("name_en")
    acronym = body.get("acronym")
    if not is_missing(name):
        lines.append(f"Body: {name}" + (f" ({acronym})" if not is_missing(acronym) else ""))
    lines += [f"Organisation: {rec.organisation}", f"Role: {rec.role}"]
    # Names and contacts: present only when the (internal) tables carry them.
    for field, label in (("interviewee", "Interviewee"), ("email", "Email"), ("phone", "Phone")):
        value = getattr(rec, field, None)
        if not is_missing(value):
            lines.append(f"{label}: {value}")
    lines += [f"Interviewer: {rec.interviewer}", f"Mode: {rec.mode}", f"Status: {rec.status}"]
    topics = rec.topics if isinstance(rec.topics, list) else []
    if topics:
        lines.append("Topics: " + "; ".join(topics))
    lines.append(f"Interview ID: {rec.interview_id} (Interviews sheet of the master workbook)")
    return "\n".join(lines)


def build_calendar(ctx: BuildContext) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    bodies = ctx.bodies().set_index("body_id").to_dict("index")
    chosen = calendar_interviews(ctx.tables["Interviews"])
    stamp = _stamp(ctx.today)
    zones: set[str] = set()
    for rec in chosen.itertuples():
        zone = time_zone_of(rec.time_zone)
        tz = known_zone(zone)
        if tz is not None:
            zones.add(zone)
        body = bodies.get(rec.body_id, {})
        acronym = body.get("acronym")
        label = rec.body_id if is_missing(acronym) else acronym
        event = icalendar.Event()
        event.add("uid", interview_uid(rec.interview_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", rec.starts_at.to_pydatetime().replace(tzinfo=tz))
        event.add("dtend", ends_at(rec.starts_at, rec.duration_min).to_pydatetime()
                  .replace(tzinfo=tz))
        event.add("summary", f"Interview: {label} — {rec.organisation}")
        description = _description(rec, body)
        if tz is None:
            description += (f"\nTime zone: {zone}, which this computer's time-zone database "
                            "does not know: the time is shown as local time, without a zone.")
        event.add("description", description)
        event.add("status", ICS_STATUS[rec.status])
        event.add("categories", ["Key-informant interview"])
        cal.add_component(event)
    _add_time_zones(cal, zones, chosen)
    return cal


def _add_time_zones(cal: icalendar.Calendar, zones: set[str], chosen: pd.DataFrame) -> None:
    """One VTIMEZONE per TZID used, in sorted order (icalendar's add_missing_timezones walks a
    set, whose order changes from one run to the next), covering the years of the events."""
    if chosen.empty:
        return
    first = date(chosen["starts_at"].min().year, 1, 1)
    last = date(chosen["starts_at"].max().year + 1, 12, 31)
    components = [icalendar.Timezone.from_tzid(z, first_date=first, last_date=last)
                  for z in sorted(zones) if z != "UTC"]
    cal.subcomponents[0:0] = components


def write(ctx: BuildContext) -> list[Path]:
    data = build_calendar(ctx).to_ical()
    with ctx.writing(FILE_NAME) as tmp:
        tmp.write_bytes(data)
    return [ctx.path(FILE_NAME)]


OUTPUT = Output(
    name="calendar",
    audience="internal",
    description="Planned and confirmed interviews as an iCalendar file (interviews.ics), "
                "internal only",
    write=write,
    order=25,
)
