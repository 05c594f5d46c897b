"""`out/interviews.ics`: the interviews as an iCalendar file (RFC 5545) that Outlook and Google
Calendar import.

Why it is built the way it is:
- Planned and Confirmed interviews with a date are events (TENTATIVE and CONFIRMED): they will
  take place at an agreed time. Done interviews are history and Requested / Not contacted ones
  have no agreed time, so they are left out.
- Postponed, Declined and Cancelled interviews that still have a date are written too, as
  *withdrawn* events: STATUS:CANCELLED, TRANSP:TRANSPARENT (the slot shows as free) and the
  summary starts with the status ("Cancelled interview: …"). The interview may have been
  imported while it was Planned or Confirmed; importing the newer file updates that event: a
  client that honours STATUS removes it or shows it as cancelled, and one that does not still
  shows the status at the start of its title and the slot as free.
  A withdrawn interview whose Date and time cell was emptied cannot be written (an event needs
  a start): keep its old date until the new one is known.
- Each event's UID is derived from the Interview ID, so importing a newer file updates the
  events instead of duplicating them.
- SEQUENCE, the revision number by which a client decides whether an update is newer than the
  copy it holds, is derived from the build and the status, never from a counter kept between
  builds: 3 × (days from 1 Jan 2025 to the build's `--today`, 0 without it) + the status's
  rank (Planned 0, Confirmed 1, Postponed / Declined / Cancelled 2). So Planned → Confirmed →
  Cancelled raises it within one day, and any change imported from a build with a later
  `--today` (a moved interview, a postponed one planned again) outranks the older copy.
  Build the calendar with `--today` set to the day of the build; without it, updates rely on
  the status rank alone.
- Nothing depends on the clock: DTSTAMP is the build's `--today` (midnight UTC) or, without
  it, the fixed creation date every generated file carries; time-zone components are added in
  sorted order. Two builds of the same workbook are byte-identical.
- Times are local to the interview's time zone (an explicit TZID with its VTIMEZONE); an
  empty Time zone or Duration cell is read as its column's declared `default`
  (schemas/sheets/interviews.yaml).
- The file is internal only: its descriptions carry the interviewee's name and contacts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import pandas as pd

from matrixbook import xlsx
from matrixbook.model import language
from matrixbook.model.context import BuildContext
from matrixbook.model.interviews import Timing
from matrixbook.outputs import Output
from matrixbook.schema import Meaning, Schema
from matrixbook.values import is_blank as is_missing

FILE_NAME = "interviews.ics"
# The event of an interview, by what its status means (vocabularies.yaml): its STATUS and rank.
TENTATIVE, CONFIRMED, CANCELLED = ("TENTATIVE", 0), ("CONFIRMED", 1), ("CANCELLED", 2)
RANKS = 3  # SEQUENCE = RANKS × days since SEQUENCE_EPOCH + rank: a later build always outranks
SEQUENCE_EPOCH = xlsx.FIXED_CREATED.date()
UID_DOMAIN = "matrixbook.iom-mena"
PRODID = "-//IOM MENA Regional Office//matrixbook//EN"
CALENDAR_NAME = "IOM MENA mapping: key-informant interviews"


def interview_uid(interview_id: str) -> str:
    """The event UID of an interview: the same in every build, so re-importing updates."""
    return f"{interview_id}@{UID_DOMAIN}"


def known_zone(name: str) -> ZoneInfo | None:
    """The zone, or None when the time-zone database does not know the name (the event is then
    written in floating local time rather than failing the build)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def event_statuses(schema: Schema) -> dict[str, tuple[str, int]]:
    """The interview statuses that go in the calendar, each with its event STATUS and rank:
    the withdrawn ones CANCELLED, the pending ones CONFIRMED when confirmed, else TENTATIVE."""
    out = {}
    for term in schema.vocabulary("interview_status").terms:
        if Meaning.WITHDRAWN in term.meanings:
            out[term.code] = CANCELLED
        elif Meaning.PENDING in term.meanings:
            out[term.code] = CONFIRMED if Meaning.CONFIRMED in term.meanings else TENTATIVE
    return out


def calendar_interviews(interviews: pd.DataFrame, statuses: dict[str, Any]) -> pd.DataFrame:
    """The interviews that go in the calendar, in date order: the planned and confirmed ones,
    and the withdrawn ones (written as cancelled events), each only with a date."""
    if interviews.empty:
        return interviews
    chosen = interviews[interviews["status"].isin(statuses) & interviews["starts_at"].notna()]
    return chosen.sort_values(["starts_at", "interview_id"], kind="stable")


def sequence(rank: int, today: date | None) -> int:
    """The event's SEQUENCE: from the build's date and the status's rank (rule in the module
    docstring), so it is the same in every build of the same workbook on the same day."""
    days = max((today - SEQUENCE_EPOCH).days, 0) if today else 0
    return RANKS * days + rank


def _stamp(today: date | None) -> datetime:
    day = today or xlsx.FIXED_CREATED.date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


CONTEXT = "calendar"  # the msgctxt of the calendar's texts


def _description(rec: Any, body: dict[str, Any], texts: Any = None) -> str:
    """What the interviewer needs at hand; nothing build-specific (not even the workbook's file
    name), so an event changes only when its interview does. In the language of `texts`
    (matrixbook.i18n; None: English)."""
    if texts is not None and not texts.english:
        return _description_in(rec, body, texts)
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


def _description_in(rec: Any, body: dict[str, Any], texts: Any) -> str:
    """_description in another language than English: labels from the catalogue, terms by
    their labels, the body by its name and acronym in the language."""
    def t(text: str) -> str:
        return str(texts.t(text, CONTEXT))

    lines = []
    if body:
        found_name, found_acronym = texts.body_name(body), texts.body_acronym(body)
        if found_name:
            shown = language.name_with_acronym(found_name, found_acronym)
            lines.append(t("Body: {value}").format(value=shown))
    lines += [t("Organisation: {value}").format(value=rec.organisation),
              t("Role: {value}").format(value=rec.role)]
    for field, label in (("interviewee", "Interviewee: {value}"), ("email", "Email: {value}"),
                         ("phone", "Phone: {value}")):
        value = getattr(rec, field, None)
        if not is_missing(value):
            lines.append(t(label).format(value=value))
    lines += [t("Interviewer: {value}").format(value=rec.interviewer),
              t("Mode: {value}").format(value=texts.term("interview_modes", str(rec.mode))),
              t("Status: {value}").format(value=texts.term("interview_status", rec.status))]
    topics = rec.topics if isinstance(rec.topics, list) else []
    if topics:
        lines.append(t("Topics: {value}").format(
            value=t("; ").join(texts.term("themes", str(v)) for v in topics)))
    lines.append(t("Interview ID: {id} (Interviews sheet of the master workbook)").format(
        id=rec.interview_id))
    return "\n".join(lines)


def build_calendar(ctx: BuildContext) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    texts = ctx.texts
    english = texts.english

    def t(text: str) -> str:
        return text if english else str(texts.t(text, CONTEXT))

    cal.add("x-wr-calname", t(CALENDAR_NAME))
    bodies = ctx.bodies().set_index("body_id").to_dict("index")
    statuses = event_statuses(ctx.schema)
    timing = Timing.of(ctx.schema)
    chosen = calendar_interviews(ctx.tables[ctx.schema.names.interviews], statuses)
    stamp = _stamp(ctx.today)
    zones: set[str] = set()
    for rec in chosen.itertuples():
        zone = timing.zone(rec.time_zone)
        tz = known_zone(zone)
        if tz is not None:
            zones.add(zone)
        body = bodies.get(rec.body_id, {})
        acronym = body.get("acronym")
        if not english and body:
            acronym = language.named(texts.body_acronym(body)) or acronym
        label = rec.body_id if is_missing(acronym) else acronym
        event = icalendar.Event()
        ics_status, rank = statuses[rec.status]
        withdrawn = ics_status == CANCELLED[0]
        event.add("uid", interview_uid(rec.interview_id))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(rank, ctx.today))
        event.add("dtstart", rec.starts_at.to_pydatetime().replace(tzinfo=tz))
        event.add("dtend", timing.ends_at(rec.starts_at, rec.duration_min).to_pydatetime()
                  .replace(tzinfo=tz))
        kind = t(f"{rec.status} interview" if withdrawn else "Interview")
        event.add("summary", t("{kind}: {body} — {organisation}").format(
            kind=kind, body=label, organisation=rec.organisation))
        description = _description(rec, body, texts)
        if tz is None:
            description += "\n" + t("Time zone: {zone}, which this computer's time-zone "
                                    "database does not know: the time is shown as local time, "
                                    "without a zone.").format(zone=zone)
        event.add("description", description)
        event.add("status", ics_status)
        if withdrawn:  # the slot is free again, also in clients that ignore STATUS
            event.add("transp", "TRANSPARENT")
        event.add("categories", [t("Key-informant interview")])
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
                "with postponed, declined and cancelled ones as cancelled events; internal only",
    write=write,
    order=25,
    languages=("en", "fr"),
)
