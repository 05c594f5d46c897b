"""Which role each country holds in each body on a given date: the one rule that the mapping
matrix, the briefing notes, the mapping report and the CLIMB export all apply.

Why one module: each output used to read the Memberships sheet its own way, and partners got
different answers from files sent the same day (Egypt "suspended from the LAS to date" in a
note, a member in the matrix, missing from the report's overlaps). The rule, in the words staff
use in the Memberships sheet:

- A row holds on a day when it has begun (no Start date, or a Start date on or before the day)
  and has not ended (no End date, or an End date after the day: a role ends on its End date).
- A row with no Start date dates from the founding of the body, or its start is not known: it
  is taken as begun. For a suspension that is a guess, so it is noted as a doubt.
- A row marked Ended with no End date is over: it holds on no day. Since its end is not known,
  a day after its start may still have fallen inside it: that is noted as a doubt.
- A suspension that holds on the day replaces the membership it suspends: the country's role
  in the body is Suspended.
- Observer and Participant are kept as such; when one country holds several roles in one body
  the role shown is the first of Suspended, Member, Participant, Observer.
- A role is confirmed only when every row behind it is confirmed.
- Without any date to go by (no --today and no 'Checked on' date), only rows with no End date
  and not marked Ended hold.

The doubts are for the outputs that read a past date (the CLIMB export reads members on each
policy's adoption date); the matrix and the notes show the rule's answer.

The module also holds what is said about roles in words: the period of a row ("since
20 January 2024", "ended (date not recorded)") and the one definition of the countries that
sit in the most bodies, with the sentence that states it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import pandas as pd

from matrixbook.schema import load_schema

SUSPENDED = "Suspended"
# When a country holds several roles in one body on a day, the one shown is the first here.
PRECEDENCE = ("Suspended", "Member", "Participant", "Observer")
# "Most shared countries": the roles that count a body for a country. Observer seats and
# suspensions are shown beside the count, never in it.
SHARED_ROLES = ("Member", "Participant")
SUSPENSION_DOUBT = "the dates of its suspension are not recorded"
DEPARTURE_DOUBT = "the date it left is not recorded"


class DoubtKind(Enum):
    """Which missing date leaves a row open: a suspension's, or a membership's end."""

    SUSPENSION = "suspension"  # a Suspended row with a date missing
    DEPARTURE = "departure"  # a row marked Ended with no end date
FROM_FOUNDING = "–"  # the period of a row with no dates: from the founding, or not recorded

DayFormat = Callable[[date], str]


# --------------------------------------------------------------------------- the rows


@dataclass(frozen=True)
class Row:
    """One Memberships row, read once: dates as `date`, booleans as bool."""

    row: int  # Excel row number
    membership_id: str
    body_id: str
    country: str
    role: str
    start: date | None
    end: date | None
    ended: bool  # marked Ended with no End date: over, at a date not recorded
    confirmed: bool
    note: str


@dataclass(frozen=True)
class Doubt:
    """A row whose missing date leaves open whether it held on the day asked about."""

    body_id: str
    country: str
    role: str
    row: int  # Excel row of the Memberships row at fault
    field: str  # the empty date: start_date or end_date
    reason: str  # in words: SUSPENSION_DOUBT or DEPARTURE_DOUBT
    held: bool  # what the rule answered for the row
    kind: DoubtKind


@dataclass(frozen=True)
class Seat:
    """A country's role in one body on one day."""

    body_id: str
    country: str
    role: str | None  # None: no role held, but a doubt (see `doubts`)
    confirmed: bool
    row: int | None  # Excel row of the row that gives the role
    start: date | None
    end: date | None
    held: tuple[str, ...]  # every role held that day, in PRECEDENCE order
    certain: tuple[str, ...]  # the roles held by a row whose dates leave no doubt
    doubts: tuple[Doubt, ...]


def to_day(value: Any) -> date | None:
    """A cell as a date, or None when empty (NaT, NA, None, blank text)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if type(value) is date:  # the common cases first: asked for thousands of times
        return value
    if isinstance(value, datetime):  # (a pandas Timestamp is one)
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if value.strip() else None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def _yes(value: Any) -> bool:
    """A boolean cell that holds Yes; empty counts as No."""
    if value is None or value is pd.NA:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return bool(value)


def _text(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def read_rows(memberships: pd.DataFrame | None) -> list[Row]:
    """The usable rows of the Memberships table (body, country and role filled), in order."""
    if memberships is None or memberships.empty:
        return []
    frame = memberships
    # Column at a time: the Memberships sheet of a global mapping has ten thousand rows.
    bodies, countries, roles = (_texts(frame, f) for f in ("body_id", "country", "role"))
    ended = _yes_column(frame, "ended")
    # An empty Confirmed cell is not a "No": only an explicit No flags the row.
    confirmed = _yes_column(frame, "confirmed", empty=True)
    columns = zip(frame.index.tolist(), _texts(frame, "membership_id"), bodies, countries,
                  roles, _days(frame, "start_date"), _days(frame, "end_date"), ended.tolist(),
                  confirmed.tolist(), _texts(frame, "note"), strict=True)
    return [Row(row=int(row), membership_id=mid, body_id=body, country=country, role=role,
                start=start, end=end, ended=is_ended, confirmed=is_confirmed, note=note)
            for row, mid, body, country, role, start, end, is_ended, is_confirmed, note in columns
            if body and country and role]


def _texts(frame: pd.DataFrame, name: str) -> list[str]:
    """A text column as stripped text, "" where empty (as `_text` of each cell)."""
    if name not in frame:
        return [""] * len(frame)
    column = frame[name]
    if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):
        return column.fillna("").str.strip().tolist()
    return [_text(v) for v in column.tolist()]


def _days(frame: pd.DataFrame, name: str) -> list[date | None]:
    """A date column as dates, None where empty (as `to_day` of each cell)."""
    if name not in frame:
        return [None] * len(frame)
    column = frame[name]
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if v is pd.NaT else v for v in column.dt.date.tolist()]
    return [to_day(v) for v in column.tolist()]


def _yes_column(frame: pd.DataFrame, name: str, *, empty: bool = False) -> pd.Series:
    """A yes/no column as True where it holds Yes (as `_yes`), `empty` where it is empty."""
    if name not in frame:
        return pd.Series(empty, index=frame.index)
    column = frame[name]
    if isinstance(column.dtype, pd.BooleanDtype):
        return column.fillna(empty).astype(bool)
    return column.map(lambda v: empty if _blank(v) else _yes(v)).astype(bool)


def _blank(value: Any) -> bool:
    return _text(value) == ""


# --------------------------------------------------------------------------- the rule


def holds(row: Row, on: date | None) -> tuple[bool, str | None]:
    """Does `row` hold on `on`? And which empty date, if any, leaves the answer open."""
    if on is None:
        return row.end is None and not row.ended, None
    if row.start is not None and row.start > on:
        return False, None
    if row.end is not None:
        if row.end <= on:
            return False, None
        return True, _start_doubt(row)
    if row.ended:
        # Over, on a date not recorded: past, but `on` may have fallen before its end.
        return False, "start_date" if _start_doubt(row) else "end_date"
    return True, _start_doubt(row)


def _start_doubt(row: Row) -> str | None:
    """A membership with no start dates from the founding; a suspension's start is a guess."""
    return "start_date" if row.role == SUSPENDED and row.start is None else None


def seat(rows: Iterable[Row], on: date | None) -> Seat | None:
    """The role one country holds in one body on `on`, from all its rows there."""
    held: list[Row] = []
    doubts: list[Doubt] = []
    body = country = ""
    for r in rows:
        body, country = r.body_id, r.country
        ok, field = holds(r, on)
        if ok:
            held.append(r)
        if field:
            kind = DoubtKind.SUSPENSION if r.role == SUSPENDED else DoubtKind.DEPARTURE
            reason = SUSPENSION_DOUBT if kind is DoubtKind.SUSPENSION else DEPARTURE_DOUBT
            doubts.append(Doubt(r.body_id, r.country, r.role, r.row, field, reason, ok, kind))
    if not held and not doubts:
        return None
    roles = sorted({r.role for r in held}, key=_rank)
    if not roles:
        return Seat(body, country, None, True, None, None, None, (), (), tuple(doubts))
    role = roles[0]
    behind = [r for r in held if r.role == role]
    first = behind[0]
    doubtful = {d.row for d in doubts if d.held}
    certain = tuple(x for x in roles if any(r.role == x and r.row not in doubtful for r in held))
    return Seat(body, country, role, all(r.confirmed for r in behind), first.row, first.start,
                first.end, tuple(roles), certain, tuple(doubts))


def _rank(role: str) -> tuple[int, str]:
    return (PRECEDENCE.index(role) if role in PRECEDENCE else len(PRECEDENCE), role)


class Roster:
    """The Memberships rows grouped by body and country, read once: the CLIMB export asks for
    the same bodies on many days, the notes for every body on one day.

    The answer for a body can change only on one of its rows' Start or End dates (`holds`
    compares the day with those dates and nothing else), so it is worked out once per period
    between two of them, not once per day: 100,000 policies adopted on nearly as many different
    days ask about a body that has a few dozen dates."""

    def __init__(self, memberships: pd.DataFrame | None) -> None:
        self.rows = read_rows(memberships)
        self.by_body: dict[str, dict[str, list[Row]]] = {}
        dates: dict[str, set[date]] = {}
        for r in self.rows:
            self.by_body.setdefault(r.body_id, {}).setdefault(r.country, []).append(r)
            dates.setdefault(r.body_id, set()).update(d for d in (r.start, r.end) if d)
        self._dates = {body: sorted(days) for body, days in dates.items()}
        self._cache: dict[tuple[str, int | None], list[Seat]] = {}

    def period(self, body_id: str, on: date | None) -> tuple[str, int | None]:
        """Which period between the body's membership dates `on` falls in: two days with the
        same period get the same seats. A day on a Start or End date opens a new period (a row
        holds from its Start date and no longer on its End date); None stays apart."""
        body = str(body_id)
        if on is None:
            return body, None
        return body, bisect_right(self._dates.get(body, []), on)

    def seats(self, body_id: str, on: date | None) -> list[Seat]:
        """Every country with a role (or a doubt) in the body on `on`, in sheet order."""
        key = self.period(body_id, on)
        if key not in self._cache:
            found = (seat(rows, on) for rows in self.by_body.get(key[0], {}).values())
            self._cache[key] = [s for s in found if s is not None]
        return self._cache[key]

    def all_seats(self, on: date | None) -> list[Seat]:
        return [s for body in self.by_body for s in self.seats(body, on)]


ROLE_COLUMNS = ["body_id", "country", "role", "confirmed", "since", "until", "row", "held",
                "doubt"]


def roles_on(tables: dict[str, pd.DataFrame], on: date | None,
             roster: Roster | None = None) -> pd.DataFrame:
    """One row per body and country holding a role on `on`: body_id, country, role (Member,
    Observer, Suspended, Participant), confirmed (every row behind the role confirmed), since
    and until (the dates of the row that gives the role), row (its Excel row), held (every role
    held that day: a suspended member holds Suspended and Member) and doubt (why the answer may
    be wrong on that day, or None)."""
    roster = roster or Roster(tables.get(load_schema().names.memberships))
    records = [{"body_id": s.body_id, "country": s.country, "role": s.role,
                "confirmed": s.confirmed, "since": s.start, "until": s.end, "row": s.row,
                "held": s.held, "doubt": "; ".join(d.reason for d in s.doubts) or None}
               for s in roster.all_seats(on) if s.role is not None]
    return pd.DataFrame(records, columns=ROLE_COLUMNS)


def reference_date(today: date | None, data_date: str) -> date | None:
    """The day every output reads memberships on: the build's --today when given, else the date
    of the data (the latest 'Checked on'); None when there is neither."""
    if today is not None:
        return today
    try:
        return date.fromisoformat(data_date)
    except ValueError:
        return None


# --------------------------------------------------------------------------- words


def iso_day(day: date) -> str:
    return day.isoformat()


def period(start: date | None, end: date | None, ended: bool,
           fmt: DayFormat = iso_day) -> str:
    """When a row's role held, in words: "since 20 January 2024", "until 27 August 2011",
    "from 16 November 2011 to 7 May 2023", "ended (date not recorded)", or a dash when the row
    has no dates (from the founding, or not recorded)."""
    if start and end:
        return f"from {fmt(start)} to {fmt(end)}"
    if end:
        return f"until {fmt(end)}"
    if ended:
        return (f"from {fmt(start)}; ended (date not recorded)" if start
                else "ended (date not recorded)")
    if start:
        return f"since {fmt(start)}"
    return FROM_FOUNDING


def row_period(row: Row, fmt: DayFormat = iso_day) -> str:
    return period(row.start, row.end, row.ended, fmt)


def is_current(row: Row, on: date | None) -> bool:
    return holds(row, on)[0]


_BRACKETED = re.compile(r"\s*\(.*\)$")


def without_note(code: str, label: str, schema: Any) -> str:
    """A grouping code's name without the explanation its label carries in brackets."""
    return _BRACKETED.sub("", label) if code in schema.extra_country_codes else label


def country_names(schema: Any) -> dict[str, str]:
    """Code -> the name a reader sees, from the schema's country vocabulary (the one place
    names come from). A grouping code's label may carry an explanation in brackets; only the
    name is kept."""
    vocabulary = schema.vocabulary("countries")
    extra = schema.extra_country_codes
    return {t.code: _BRACKETED.sub("", t.label) if t.code in extra else t.label
            for t in vocabulary.terms}


def organisations(schema: Any) -> frozenset[str]:
    """Codes that stand for an organisation, not a state (the EU in a dialogue): declared
    `organisation: true` in schemas/workbook.yaml. Every output counts them apart from
    states and says which is which."""
    return frozenset(code for code, v in schema.extra_country_codes.items()
                     if isinstance(v, dict) and v.get("organisation"))


ORGANISATION = "organisation"  # the word after an organisation's name in a list of members


# --------------------------------------------------------------------------- most shared


@dataclass(frozen=True)
class Tally:
    """How many bodies a country shares, by the one definition, with its other seats beside."""

    country: str
    name: str
    shared: list[str]  # bodies where it is a member or participant (SHARED_ROLES)
    by_role: dict[str, list[str]]  # every role held -> bodies, in body order

    @property
    def count(self) -> int:
        return len(self.shared)

    @property
    def seats(self) -> int:
        return sum(len(b) for b in self.by_role.values())


def tallies(roles: pd.DataFrame, body_order: list[str], names: dict[str, str]) -> list[Tally]:
    """Every country holding a role on the day, ranked: most bodies shared first (member or
    participant), then most seats of any kind, then by name."""
    order = {b: i for i, b in enumerate(body_order)}
    known = roles[roles["body_id"].isin(order)] if len(roles) else roles
    per: dict[str, dict[str, list[str]]] = {}
    for rec in known.itertuples(index=False):
        per.setdefault(rec.country, {}).setdefault(rec.role, []).append(rec.body_id)
    out = []
    for country, by_role in per.items():
        by_role = {r: sorted(b, key=order.__getitem__)
                   for r, b in sorted(by_role.items(), key=lambda kv: _rank(kv[0]))}
        shared = sorted((b for r in SHARED_ROLES for b in by_role.get(r, [])),
                        key=order.__getitem__)
        out.append(Tally(country, names.get(country, country), shared, by_role))
    out.sort(key=lambda t: (-t.count, -t.seats, sort_key(t.name), t.country))
    return out


def most_shared(ranked: list[Tally], least: int = 10, most: int = 20) -> tuple[list[Tally], int]:
    """The countries in the most bodies: the first `least`, and every country tied with the
    last of them, unless the ties would make more than `most` rows (then the bar is raised).
    Returns the list and the bar (the fewest bodies a listed country shares)."""
    counts = [t.count for t in ranked if t.count]
    if not counts:
        return [], 0
    bar = counts[min(least, len(counts)) - 1]
    while sum(c >= bar for c in counts) > most and bar < counts[0]:
        bar += 1
    return [t for t in ranked if t.count >= bar and t.count], bar


def shared_rule(on: date | None, fmt: DayFormat = iso_day, *, dated: bool = True) -> str:
    """The definition of "most shared countries", as every output states it (`dated=False`
    where the sentence before has already given the date)."""
    when = (f" on {fmt(on)}" if on else " with no end date recorded") if dated else ""
    return (f"the bodies in which the country is a member or participant{when}; observer "
            "seats and suspensions are shown separately")


def sort_key(name: str) -> str:
    """Côte d'Ivoire between Congo and Croatia, as a reader expects, whatever the locale."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
