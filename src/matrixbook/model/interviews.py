"""The interview calendar as partners may see it: interviews per week and per body, with their
count and modes, never one interview's organisation, role and exact time (together they can
name the person). The inception report and the workplan's external copy both show it this way;
internal copies list every interview.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from matrixbook.schema import Schema
from matrixbook.values import is_blank


@dataclass(frozen=True)
class Timing:
    """How an interview's time is read: its own Time zone and Duration, or, where the cell is
    empty, the `default` the Interviews sheet declares for it."""

    time_zone: str
    duration_min: int

    @classmethod
    def of(cls, schema: Schema) -> Timing:
        sheet = schema.sheet(schema.names.interviews)
        return cls(str(sheet.column("time_zone").default),
                   int(sheet.column("duration_min").default))

    def zone(self, value: Any) -> str:
        """The interview's IANA time zone."""
        return self.time_zone if is_blank(value) else str(value)

    def minutes(self, value: Any) -> int:
        """The interview's length in minutes."""
        return self.duration_min if is_blank(value) else int(value)

    def ends_at(self, starts_at: pd.Timestamp, duration: Any) -> pd.Timestamp:
        return starts_at + timedelta(minutes=self.minutes(duration))


@dataclass(frozen=True)
class WeekOfBody:
    """The interviews about one body in one week (`week` is its Monday; None: not dated)."""

    week: date | None
    body_id: str
    count: int
    modes: tuple[tuple[str, int], ...]  # (mode, interviews), most frequent first
    statuses: tuple[tuple[str, int], ...]

    def modes_text(self, texts: Any = None) -> str:
        """'Video call 2, In person 1'; modes by their label in the language of `texts`
        (matrixbook.i18n; None: English)."""
        def label(mode: str) -> str:
            return mode if texts is None or texts.english else texts.term("interview_modes",
                                                                          mode)

        return ", ".join(f"{label(mode)} {n}" if n > 1 or len(self.modes) > 1 else label(mode)
                         for mode, n in self.modes)

    def statuses_text(self, texts: Any = None) -> str:
        """'2 planned, 1 done', in the language of `texts`."""
        if texts is None or texts.english:
            return ", ".join(f"{n} {status.lower()}" for status, n in self.statuses)
        return ", ".join(texts.counted_term(n, "interview_status", status)
                         for status, n in self.statuses)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def per_week(table: pd.DataFrame | None, bodies: Sequence[str],
             modes: Sequence[str] = (), statuses: Sequence[str] = ()) -> list[WeekOfBody]:
    """One entry per week and body, weeks in order (undated interviews last), bodies in the
    order given (an ID not among them after the others); modes and statuses in vocabulary
    order."""
    if table is None or table.empty:
        return []
    order = {b: i for i, b in enumerate(bodies)}
    groups: dict[tuple[date | None, str], list[Any]] = {}
    for rec in table.to_dict("records"):
        body = "" if is_blank(rec.get("body_id")) else str(rec["body_id"])
        start = rec.get("starts_at")
        week = None if is_blank(start) else monday(pd.Timestamp(start).date())
        groups.setdefault((week, body), []).append(rec)

    def ranked(values: list[str], vocabulary: Sequence[str]) -> tuple[tuple[str, int], ...]:
        counts = Counter(v for v in values if v)
        known = [v for v in vocabulary if counts[v]]
        other = sorted(v for v in counts if v not in vocabulary)
        return tuple((v, counts[v]) for v in known + other)

    out = []
    for (week, body), recs in groups.items():
        out.append(WeekOfBody(
            week, body, len(recs),
            ranked(["" if is_blank(r.get("mode")) else str(r["mode"]) for r in recs], modes),
            ranked(["" if is_blank(r.get("status")) else str(r["status"]) for r in recs],
                   statuses)))
    out.sort(key=lambda w: (w.week is None, w.week or date.min,
                            order.get(w.body_id, len(order)), w.body_id))
    return out
