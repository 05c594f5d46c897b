"""Membership coverage of a policy: the countries it covers (its own list, else the members of
its issuing body on the day membership is read for it), with the basis in words and the doubts
a missing date leaves. Members are decided by the shared rule of matrixbook.model.memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from matrixbook.model import memberships as membership_rule
from matrixbook.model.climb import ClimbMapping
from matrixbook.model.memberships import Doubt


def adoption_days(policies: pd.DataFrame) -> pd.Series:
    """The day each policy's membership is read on: its Adoption date, else 31 December of its
    Year adopted; NaT where neither is known. (Not memberships.reference_date, the day the
    outputs read a body's current members on.)"""
    days = pd.Series(pd.NaT, index=policies.index, dtype="datetime64[s]")
    if "adoption_date" in policies:
        days = pd.to_datetime(policies["adoption_date"], errors="coerce").dt.normalize()
    if "year_adopted" in policies:
        years = pd.to_numeric(policies["year_adopted"], errors="coerce").astype("Int64")
        year_end = pd.to_datetime(years.astype("string") + "-12-31", format="%Y-%m-%d",
                                  errors="coerce")
        days = days.fillna(year_end)
    return days


@dataclass(frozen=True)
class Members:
    countries: list[str]
    doubts: list[Doubt]
    unconfirmed: tuple[str, ...] = ()  # countries whose member role no source confirms


class MemberLookup:
    """Members of each body on a day in CLIMB's member roles, by the shared rule of
    matrixbook.model.memberships (its Roster, read once: a workbook with thousands of climate
    policies asks for the same bodies' members on the same days again and again)."""

    def __init__(self, memberships: pd.DataFrame | None, mapping: ClimbMapping) -> None:
        self.mapping = mapping
        self.roster = membership_rule.Roster(memberships)
        self._cache: dict[tuple[str, int | None], Members] = {}

    def members_on(self, body_id: str, day: pd.Timestamp | date | None) -> Members:
        on = membership_rule.to_day(day)
        # The members change only on the body's membership dates: one answer per period.
        key = self.roster.period(str(body_id), on)
        if key not in self._cache:
            self._cache[key] = _members_on(self.roster, str(body_id), on, self.mapping)
        return self._cache[key]


def _members_on(roster: membership_rule.Roster, body_id: str, on: date | None,
                mapping: ClimbMapping) -> Members:
    """Countries in one of the member roles on `on`, less those suspended then.

    The roles are those of the shared rule (matrixbook.model.memberships). Where a missing date
    leaves it open, the CLIMB export counts the country (better a country to check than one
    silently dropped): a membership marked Ended with no end date may still have held, a
    suspension with a date missing may not have. The doubt is returned, for the export's basis
    column and for a finding of `matrixbook validate` at the empty date. Without a day, every
    country with a member role counts.
    """
    member, excluded = mapping.member_roles, mapping.excluded_roles
    if on is None:
        rows = roster.by_body.get(body_id, {})
        held = {c: [r for r in rs if r.role in member] for c, rs in rows.items()}
        return Members(sorted(c for c, rs in held.items() if rs), [],
                       tuple(sorted(c for c, rs in held.items()
                                    if rs and not all(r.confirmed for r in rs))))
    countries: list[str] = []
    unconfirmed: list[str] = []
    left: list[Doubt] = []  # memberships that ended on a date not recorded
    suspended: list[Doubt] = []  # suspensions with a date missing
    for seat in roster.seats(body_id, on):
        holds_member = any(r in member for r in seat.held)
        may_hold = [d for d in seat.doubts if d.role in member and not d.held]
        if not (holds_member or may_hold) or any(r in excluded for r in seat.certain):
            continue
        countries.append(seat.country)
        if not seat.confirmed:
            unconfirmed.append(seat.country)
        if not holds_member:
            left.append(may_hold[0])
        suspended += [d for d in seat.doubts if d.role in excluded][:1]
    doubts = sorted(left, key=lambda d: d.country) + sorted(suspended, key=lambda d: d.country)
    return Members(sorted(countries), doubts, tuple(sorted(unconfirmed)))


@dataclass(frozen=True)
class Coverage:
    codes: list[str]  # every code, grouping codes included, in the order of their names
    basis: str
    doubts: list[Doubt]
    unconfirmed: tuple[str, ...] = ()  # codes whose membership no source confirms


class NameOrder:
    """Countries in the order of their names (Côte d'Ivoire between Congo and Croatia), each
    name's sort key computed once and each list of codes sorted once a build: thousands of
    policies share a few hundred member lists."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self._keys: dict[str, tuple[str, str]] = {}
        self._sorted: dict[tuple[str, ...], list[str]] = {}

    def key(self, code: str) -> tuple[str, str]:
        found = self._keys.get(code)
        if found is None:
            found = self._keys[code] = (membership_rule.sort_key(self.names.get(code, code)),
                                        code)
        return found

    def sort(self, codes: list[str]) -> list[str]:
        """A new list, sorted (the caller may keep or change it)."""
        key = tuple(codes)
        found = self._sorted.get(key)
        if found is None:
            found = self._sorted[key] = sorted(codes, key=self.key)
        return list(found)


def policy_coverage(listed: Any, body_id: str, day: pd.Timestamp | None, dated: bool,
                    roster: MemberLookup, acronym: str, order: NameOrder) -> Coverage:
    """The countries a policy covers: its own list, else its body's members on `day` (see
    adoption_days); `dated` says whether that day is the Adoption date itself."""
    listed = listed if isinstance(listed, list) else []
    doubts: list[Doubt] = []
    unconfirmed: tuple[str, ...] = ()
    if listed:
        codes = list(dict.fromkeys(str(c) for c in listed))
        basis = "Listed in the master workbook"
    else:
        found = roster.members_on(body_id, day)
        codes, doubts = list(found.countries), found.doubts
        unconfirmed = found.unconfirmed
        when = day.strftime("%Y-%m-%d") if day is not None else "any date"
        if day is not None and not dated:
            when += " (end of the year adopted)"
        basis = f"Members of {acronym} on {when}"
        if not codes:
            basis += ": none recorded"
        for doubt in doubts:
            basis += f"; {doubt.country} counted although {doubt.reason}"
        if unconfirmed:
            basis += f"; membership not confirmed by a source: {', '.join(unconfirmed)}"
    return Coverage(order.sort(codes), basis, doubts, unconfirmed)
