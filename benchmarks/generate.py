"""Generate a valid master workbook of any size, to time `matrixbook validate` and `build` at
scale.

    python benchmarks/generate.py --policies 20000 --out benchmarks/data/p20000.xlsx

Every column comes from the declarations in `schemas/` (matrixbook.schema.load_schema()): IDs
follow the form of each key's pattern, values come from the vocabularies, references point to
IDs the workbook defines, numbers and dates stay inside the declared ranges. A column added to
the schemas is therefore filled without touching this file; a pattern of a form this file does
not know stops it with a clear message instead of writing an invalid workbook.

The other sheets grow with the number of policies (see `sizes()`), up to the number of IDs
their key pattern allows (e.g. MEM-[0-9]{4}: 9,999 memberships). The cross-sheet rules of
`matrixbook validate` hold: dates in order, tasks within their deliverable's deadline, interviews
inside the Interviews phase with no interviewer booked twice, done interviews with consent,
climate policies complete for CLIMB and bodies with members for policies that list no country.

The data is synthetic ("Synthetic entity 17"): it names no real organisation. The file is
written with xlsxwriter in constant_memory mode (rows are flushed as they are written), with
typed writers and fixed document properties, so one size and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from matrixbook import xlsx
from matrixbook.schema import Column, Schema, Sheet, load_schema

# The consultancy calendar the synthetic workplan and interviews follow.
DELIVERABLES = (("Deliverable 1: inception report and workplan", date(2025, 9, 12)),
                ("Deliverable 2: final mapping, briefs and CLIMB export", date(2025, 9, 30)))
PHASE_WINDOWS = {  # phase -> (first day, last day) of its tasks
    "Inception": (date(2025, 8, 1), date(2025, 8, 8)),
    "Desk review": (date(2025, 8, 4), date(2025, 8, 29)),
    "Interviews": (date(2025, 8, 18), date(2025, 9, 19)),
    "Drafting": (date(2025, 9, 1), date(2025, 9, 12)),
    "Review": (date(2025, 9, 15), date(2025, 9, 26)),
    "Finalisation": (date(2025, 9, 22), date(2025, 9, 30)),
}
INTERVIEW_HOURS = range(9, 17)  # one slot an hour, 09:00 to 16:00
INTERVIEW_MINUTES = 45  # shorter than a slot, so no interviewer is ever booked twice
INTERVIEWERS = ("Consultant", "IOM MENA RO", "Research assistant", "Data officer",
                "Policy officer", "Regional thematic specialist")
SCHEDULED = ("Planned", "Confirmed", "Done")  # statuses that need a date (rules.interview_dates)
MEMBERS_PER_BODY = 12
THEMES_PER_BODY = 6


class FormError(Exception):
    """A declaration this generator cannot fill validly (a developer's error)."""


# --------------------------------------------------------------------------- identifiers

_NUMERIC_ID = re.compile(r"^\^(?P<prefix>[A-Z]+-)\[0-9\]\{(?P<lo>\d+)(?:,(?P<hi>\d+))?\}\$$")
_CODE_ID = re.compile(r"^\^(?P<prefix>[A-Z]+-)\[A-Z0-9\]\+")


@dataclass(frozen=True)
class IdForm:
    """The form of a key's pattern: a prefix, then digits (bounded) or a code (unbounded)."""

    prefix: str
    digits_min: int | None = None  # None: a code of capitals and digits, any length
    digits_max: int | None = None

    @classmethod
    def of(cls, col: Column) -> IdForm:
        m = _NUMERIC_ID.match(col.pattern or "")
        if m:
            lo = int(m["lo"])
            return cls(m["prefix"], lo, int(m["hi"] or lo))
        m = _CODE_ID.match(col.pattern or "")
        if m:
            return cls(m["prefix"])
        raise FormError(f"{col.name}: no ID can be made from the pattern {col.pattern!r}")

    @property
    def capacity(self) -> int:
        """How many IDs the pattern allows (numbering from 1)."""
        return 10 ** self.digits_max - 1 if self.digits_max is not None else sys.maxsize

    def ids(self, count: int, letter: str = "S") -> list[str]:
        if count > self.capacity:
            raise FormError(f"{self.prefix}: the pattern allows only {self.capacity} IDs")
        if self.digits_min is None:
            width = max(4, len(str(count)))
            return [f"{self.prefix}{letter}{i:0{width}d}" for i in range(1, count + 1)]
        width = max(self.digits_min, len(str(count)))
        return [f"{self.prefix}{i:0{width}d}" for i in range(1, count + 1)]


def key_form(sheet: Sheet) -> IdForm:
    col = sheet.key_column
    if col is None:
        raise FormError(f"{sheet.name} has no key column")
    return IdForm.of(col)


# --------------------------------------------------------------------------- sizes

def sizes(schema: Schema, policies: int) -> dict[str, int]:
    """Rows per sheet for `policies` policies, each capped by what its key pattern allows.

    Proportions of a global mapping: one entity per 100 policies and one dialogue per 250 (at
    least the 9 entities and 7 dialogues of the default mapping), 12 member countries and 6
    themes per body, one source per 10 policies, one interview per 20, one workplan row per
    200 (at least 12), one recommendation per body, one strategy section per section of the
    vocabulary, one review comment per 100 policies (at least 10).
    """
    entities = max(9, policies // 100)
    dialogues = max(7, policies // 250)
    bodies = entities + dialogues
    wanted = {
        "Entities": entities,
        "Dialogues": dialogues,
        "Memberships": bodies * MEMBERS_PER_BODY,
        "Themes": bodies * THEMES_PER_BODY,
        "Policies": policies,
        "Interviews": max(10, policies // 20),
        "Workplan": max(12, policies // 200),
        "Sources": max(20, policies // 10),
        "Recommendations": bodies,  # every body named (several a row past the pattern's 999)
        "Strategy": len(schema.vocabulary("strategy_sections").codes),
        "Review": max(10, policies // 100),
    }
    out = {}
    for sheet in schema.sheets:
        n = wanted.get(sheet.name)
        if n is None:
            raise FormError(f"No proportion declared for the sheet {sheet.name}")
        out[sheet.name] = min(n, key_form(sheet).capacity)
    slots = _interview_slots()
    out["Interviews"] = min(out["Interviews"], len(slots) * len(INTERVIEWERS))
    return out


def _weekdays(first: date, last: date) -> list[date]:
    days = []
    d = first
    while d <= last:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def _interview_slots() -> list[datetime]:
    first, last = PHASE_WINDOWS["Interviews"]
    return [datetime(d.year, d.month, d.day, h) for d in _weekdays(first, last)
            for h in INTERVIEW_HOURS]


# --------------------------------------------------------------------------- values

class Values:
    """Values for any column, from its declaration; the sheet writers override a few fields."""

    def __init__(self, schema: Schema, ids: dict[str, list[str]], rng: random.Random) -> None:
        self.schema = schema
        self.ids = ids
        self.rng = rng
        self.sep = f"{schema.separator} "
        self._codes: dict[str, tuple[str, ...]] = {}
        self._targets: dict[str, list[str]] = {}

    def codes(self, col: Column) -> tuple[str, ...]:
        name = col.vocabulary or ""
        if name not in self._codes:
            codes = self.schema.vocabulary(name).codes
            if name == "countries":  # ISO codes only: grouping codes are for special rows
                extra = set(self.schema.extra_country_codes)
                codes = tuple(c for c in codes if c not in extra)
            self._codes[name] = codes
        return self._codes[name]

    def targets(self, col: Column) -> list[str]:
        key = col.references_text or ""
        if key not in self._targets:
            found: list[str] = []
            for ref in col.references:
                target = self.schema.sheet(ref.sheet)
                if ref.column != target.key:
                    raise FormError(f"{col.name}: references {ref}, which is not a key")
                found += self.ids[ref.sheet]
            self._targets[key] = found
        return self._targets[key]

    def pick(self, pool: list[str] | tuple[str, ...], col: Column) -> str:
        if not col.is_list:
            return self.rng.choice(pool)
        k = min(len(pool), self.rng.randint(1, 3))
        return self.sep.join(self.rng.sample(pool, k))

    def value(self, sheet: Sheet, col: Column, i: int) -> Any:
        """The value of `col` in the i-th record (0-based) of `sheet`."""
        if col.name == sheet.key:
            return self.ids[sheet.name][i]
        if col.references:
            return self.pick(self.targets(col), col)
        if col.vocabulary:
            return self.pick(self.codes(col), col)
        if col.pattern:
            return self.patterned(sheet, col, i)
        if col.type == "date":
            return self.day(col, date(2015, 1, 1), date(2025, 8, 29))
        if col.type == "integer":
            return self.integer(col)
        if col.type == "number":
            lo = col.minimum if col.minimum is not None else 0
            return float(lo) + 1.5
        if col.type == "boolean":
            return self.rng.random() < 0.8
        if col.type == "list":
            return self.sep.join(f"Item {k}" for k in range(1, self.rng.randint(2, 3)))
        if col.unique:
            return f"{_singular(sheet)} {col.name.lower()} {i + 1}"
        return f"Synthetic {col.name.lower()} for {_singular(sheet).lower()} {i + 1}."

    def patterned(self, sheet: Sheet, col: Column, i: int) -> str:
        pattern = col.pattern or ""
        if pattern.startswith("^https?://"):
            value = f"https://example.org/{sheet.name.lower()}/{i + 1}"
        elif "@" in pattern:
            value = f"contact{i + 1}@example.org"
        else:
            value = IdForm.of(col).ids(i + 1)[-1]
        if not (col.regex and col.regex.fullmatch(value)):
            raise FormError(f"{sheet.name}.{col.name}: cannot make a value for {pattern!r}")
        return value

    def day(self, col: Column, first: date, last: date) -> date | datetime:
        lo = max(first, _as_date(col.minimum) or first)
        hi = min(last, _as_date(col.maximum) or last)
        d = lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))
        return datetime(d.year, d.month, d.day, 10) if col.time else d

    def integer(self, col: Column) -> int:
        lo = col.minimum if col.minimum is not None else 1
        hi = col.maximum if col.maximum is not None else lo + 100
        if lo >= 1900:  # a year
            lo, hi = max(lo, 1950), min(hi, 2024)
        return self.rng.randint(int(lo), int(min(hi, lo + 1000)))

    def record(self, sheet: Sheet, i: int, fixed: dict[str, Any],
               fill: float = 0.7) -> dict[str, Any]:
        """Every column of the record: `fixed` fields as given, required and section columns
        always filled, optional ones with probability `fill` (internal notes less often), and
        every column in the first record (so each column is exercised, whatever the draws)."""
        rec: dict[str, Any] = {}
        for col in sheet.columns:
            if col.field in fixed:
                rec[col.field] = fixed[col.field]
            elif col.required or col.section or col.name == sheet.key or i == 0:
                rec[col.field] = self.value(sheet, col, i)
            else:
                p = 0.2 if col.internal else fill
                rec[col.field] = self.value(sheet, col, i) if self.rng.random() < p else None
        return rec


def _as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _singular(sheet: Sheet) -> str:
    name = sheet.name
    return name[:-3] + "y" if name.endswith("ies") else name.rstrip("s")


# --------------------------------------------------------------------------- the sheets

Records = Iterator[dict[str, Any]]


def bodies(v: Values, sheet: Sheet, kind: str) -> Records:
    for i in range(len(v.ids[sheet.name])):
        short = f"{kind[0]}{i + 1:04d}"
        yield v.record(sheet, i, {"acronym": short,
                                  "name_en": f"Synthetic {kind.lower()} {i + 1}"})


def memberships(v: Values, sheet: Sheet, n: int) -> Records:
    """Each body in turn gets its member countries: mostly members since the founding (empty
    start date, so every policy of the body finds members on its adoption date)."""
    body_ids = v.ids["Entities"] + v.ids["Dialogues"]
    countries = v.codes(sheet.column("country"))
    for i in range(n):
        body = body_ids[(i // MEMBERS_PER_BODY) % len(body_ids)]
        country = countries[(i * 7 + i // MEMBERS_PER_BODY) % len(countries)]
        roll = v.rng.random()
        if roll < 0.85:
            role, start, end = "Member", None, None
        elif roll < 0.95:
            role, start, end = "Observer", date(2005, 1, 1) + timedelta(days=i % 3000), None
        else:
            role, start, end = "Participant", date(2000, 6, 1), date(2020, 6, 1)
        fixed = {"body_id": body, "country": country, "role": role, "start_date": start,
                 "end_date": end}
        if "ended" in sheet.by_field:  # Yes only beside a known end date: no doubt to report
            fixed["ended"] = True if end is not None else None
        yield v.record(sheet, i, fixed)


def themes(v: Values, sheet: Sheet, n: int) -> Records:
    body_ids = v.ids["Entities"] + v.ids["Dialogues"]
    codes = v.codes(sheet.column("theme"))
    for i in range(n):
        body = body_ids[(i // THEMES_PER_BODY) % len(body_ids)]
        theme = codes[(i + i // THEMES_PER_BODY) % len(codes)]
        yield v.record(sheet, i, {"body_id": body, "theme": theme})


def policies(v: Values, sheet: Sheet, n: int, with_members: list[str]) -> Records:
    """Four in ten policies have a climate context and every column filled (all CLIMB may
    need); three in ten list no country, so their countries come from the issuing body's
    members."""
    climate = ("climate_context", "hazard_onset", "hazard_types", "mobility_types",
               "mobility_scope", "source_url", "date_accessed", "provisions")
    body_ids = v.ids["Entities"] + v.ids["Dialogues"]
    for i in range(n):
        year = v.rng.randint(1960, 2024)
        adopted = date(year, 1, 1) + timedelta(days=v.rng.randint(0, 364))
        fixed: dict[str, Any] = {
            "year_adopted": year,
            "adoption_date": adopted if v.rng.random() < 0.7 else None,
            "title": f"Synthetic instrument {i + 1}",
            "body_id": body_ids[i % len(body_ids)],
        }
        is_climate = i % 5 < 2
        if is_climate:
            for name in climate:
                fixed[name] = v.value(sheet, sheet.column(name), i)
        else:
            for name in climate[:4]:
                fixed[name] = None
        if i % 10 < 3:
            fixed["body_id"] = with_members[i % len(with_members)]
            fixed["countries"] = None
        else:
            fixed["countries"] = v.value(sheet, sheet.column("countries"), i)
        # a climate policy goes to CLIMB: every column filled, so none is missing for it
        yield v.record(sheet, i, fixed, fill=1.0 if is_climate else 0.7)


def workplan(v: Values, sheet: Sheet, n: int) -> Records:
    ids = v.ids[sheet.name]
    phases = v.codes(sheet.column("phase"))
    for i, (task, deadline) in enumerate(DELIVERABLES):
        yield v.record(sheet, i, {
            "phase": "Finalisation" if i else "Drafting", "task": task,
            "item_type": "Deliverable", "start_date": date(2025, 8, 1), "end_date": deadline,
            "deliverable_id": None, "status": "In progress"})
    for i in range(len(DELIVERABLES), n):
        phase = phases[i % len(phases)]
        first, last = PHASE_WINDOWS[phase]
        span = (last - first).days
        start = first + timedelta(days=v.rng.randint(0, span // 2))
        milestone = i % 7 == 0
        end = start if milestone else start + timedelta(days=v.rng.randint(0, (last - start).days))
        if i % len(phases) == phases.index("Interviews") and i < 2 * len(phases):
            start, end = first, last  # the phase's own span: the data-collection period
        deliverable = next(k for k, (_, due) in enumerate(DELIVERABLES) if end <= due)
        yield v.record(sheet, i, {
            "phase": phase, "item_type": "Milestone" if milestone else "Task",
            "task": f"Synthetic {phase.lower()} task {i + 1}",
            "start_date": start, "end_date": end, "deliverable_id": ids[deliverable],
            "status": "Done" if end < date(2025, 8, 20) else "In progress",
            "approval_date": None})


def interviews(v: Values, sheet: Sheet, n: int) -> Records:
    """One slot per interviewer and hour inside the Interviews phase: never two at once."""
    slots = _interview_slots()
    statuses = v.codes(sheet.column("status"))
    zones = v.codes(sheet.column("time_zone")) if "time_zone" in sheet.by_field else ()
    for i in range(n):
        k = i // len(slots)
        interviewer = INTERVIEWERS[k]
        status = statuses[i % len(statuses)]
        fixed: dict[str, Any] = {
            "interviewer": interviewer, "status": status,
            "starts_at": slots[i % len(slots)], "duration_min": INTERVIEW_MINUTES,
            "consent": True if status == "Done" else None,
        }
        if zones:  # one time zone per interviewer: the hourly slots never overlap in UTC
            fixed["time_zone"] = zones[k % len(zones)]
        yield v.record(sheet, i, fixed)


def sources(v: Values, sheet: Sheet, n: int) -> Records:
    for i in range(n):
        yield v.record(sheet, i, {"title": f"Synthetic source document {i + 1}"})


def recommendations(v: Values, sheet: Sheet, n: int) -> Records:
    """Every body named by a recommendation: the i-th names the bodies i, i + n, i + 2n...
    (no body without one, which validate would warn about)."""
    body_ids = v.ids["Entities"] + v.ids["Dialogues"]
    for i in range(n):
        named = body_ids[i::n]
        yield v.record(sheet, i, {"body_ids": v.sep.join(named),
                                  "recommendation": f"Synthetic recommendation {i + 1}."})


def strategy(v: Values, sheet: Sheet, n: int) -> Records:
    sections = v.codes(sheet.column("section"))
    for i in range(n):
        yield v.record(sheet, i, {"section": sections[i % len(sections)]})


def review(v: Values, sheet: Sheet, n: int) -> Records:
    """Comments from a handful of synthetic reviewers (the column is internal: filled always,
    so a small workbook still has it)."""
    for i in range(n):
        yield v.record(sheet, i, {"reviewer": f"Synthetic reviewer {i % 5 + 1}"})


def records(schema: Schema, counts: dict[str, int], seed: int) -> Iterator[
        tuple[Sheet, Records]]:
    rng = random.Random(seed)
    ids = {s.name: key_form(s).ids(counts[s.name], s.name[0]) for s in schema.sheets}
    v = Values(schema, ids, rng)
    body_ids = ids["Entities"] + ids["Dialogues"]
    members = counts["Memberships"] // MEMBERS_PER_BODY
    with_members = body_ids[:max(1, min(members, len(body_ids)))]
    makers: dict[str, Callable[[Sheet], Records]] = {
        "Entities": lambda s: bodies(v, s, "Entity"),
        "Dialogues": lambda s: bodies(v, s, "Dialogue"),
        "Memberships": lambda s: memberships(v, s, counts[s.name]),
        "Themes": lambda s: themes(v, s, counts[s.name]),
        "Policies": lambda s: policies(v, s, counts[s.name], with_members),
        "Interviews": lambda s: interviews(v, s, counts[s.name]),
        "Workplan": lambda s: workplan(v, s, counts[s.name]),
        "Sources": lambda s: sources(v, s, counts[s.name]),
        "Recommendations": lambda s: recommendations(v, s, counts[s.name]),
        "Strategy": lambda s: strategy(v, s, counts[s.name]),
        "Review": lambda s: review(v, s, counts[s.name]),
    }
    for sheet in schema.sheets:
        if sheet.name not in makers:
            raise FormError(f"No writer for the sheet {sheet.name}")
        yield sheet, makers[sheet.name](sheet)


# --------------------------------------------------------------------------- writing

def write(path: Path, policies_count: int, seed: int = 1) -> dict[str, int]:
    """Write the workbook; return the number of records per sheet."""
    import xlsxwriter

    schema = load_schema()
    counts = sizes(schema, policies_count)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options(constant_memory=True))
    xlsx.set_properties(wb, f"Synthetic master workbook, {policies_count} policies",
                        "matrixbook benchmark data")
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": xlsx.DATE_FORMAT})
    moment = wb.add_format({"num_format": xlsx.DATETIME_FORMAT})
    for sheet, rows in records(schema, counts, seed):
        ws = wb.add_worksheet(sheet.name)
        for c, col in enumerate(sheet.columns):
            ws.set_column(c, c, col.width)
            ws.write_string(0, c, col.name, bold)
        fmts = [moment if col.time else day if col.type == "date" else None
                for col in sheet.columns]
        fields = [col.field for col in sheet.columns]
        for r, rec in enumerate(rows, start=1):
            for c, name in enumerate(fields):
                value = rec[name]
                if value is not None:
                    xlsx.write_value(ws, r, c, value, fmts[c], fmts[c])
    wb.close()
    tmp.replace(path)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, required=True, help="number of policies")
    parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    try:
        counts = write(args.out, args.policies, args.seed)
    except FormError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    listing = ", ".join(f"{n} {name.lower()}" for name, n in counts.items())
    print(f"Wrote {args.out}: {listing}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
