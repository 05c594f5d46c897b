"""Rules that span rows or sheets: dates in order, tasks within their deliverable's deadline,
interviews inside the data-collection period and not clashing, done interviews with a date and
consent, and brief sections filled in.

Each rule is a function Context -> list[Finding], registered with @rule. A module that adds
rules imports `rule`; validation/__init__.py imports every rules_*.py module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from matrixbook.model.interviews import Timing
from matrixbook.model.periods import collection_period
from matrixbook.reading import Book
from matrixbook.report import Finding
from matrixbook.report import Rule as RuleKind
from matrixbook.report.catalogue import (
    AFTER_DEADLINE,
    DONE_WITHOUT_CONSENT,
    EMPTY_SECTION,
    END_BEFORE_START,
    INTERVIEWER_CLASH,
    MISSING_INTERVIEW_DATE,
    NOT_A_DELIVERABLE,
    OUTSIDE_COLLECTION_PERIOD,
)
from matrixbook.report.message import Message, msg
from matrixbook.schema import Meaning, Schema
from matrixbook.values import is_blank


@dataclass
class Context:
    schema: Schema
    book: Book
    tables: dict[str, pd.DataFrame]
    stage: str = "draft"
    # (row, field) per sheet of the cells already reported as the wrong type: they read as
    # empty here, and a rule must not report them a second time as missing.
    unreadable: dict[str, set[tuple[int, str]]] = field(default_factory=dict)
    # The date taken as today by the rules about statuses left behind; None: those rules
    # do not run (a build checks the data, not the calendar).
    today: date | None = None
    # The language of the build the workbook is checked for (validate --lang): at the final
    # stage, text a build in that language would show in English is reported.
    lang: str = "en"

    def was_unreadable(self, sheet: str, row: int, field_name: str) -> bool:
        return (row, field_name) in self.unreadable.get(sheet, set())

    def finding(self, rule: RuleKind, sheet: str, field: str | None, row: int | None,
                message: str | Message, value: object = None, *,
                also: tuple[str, ...] = (), group: str | Message | None = None,
                item: str | None = None) -> Finding:
        """A finding of `rule` at the cell of `field` in `row`, its severity that of the
        rule at this stage; see Finding for `also`, `group` and `item`."""
        data = self.book.sheets.get(sheet)
        column = self.schema.sheet(sheet).by_field[field].name if field else None
        cell = data.cell(field, row) if (data and field and row and data.has(field)) else None
        return rule.at(sheet, message, cell, row, column, value, also, group, item,
                       stage=self.stage)


Rule = Callable[[Context], list[Finding]]
RULES: list[Rule] = []  # rules_*.py modules beside this one add theirs


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _day(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d")


@rule
def end_before_start(ctx: Context) -> list[Finding]:
    out = []
    for sheet in (ctx.schema.names.memberships, ctx.schema.names.workplan):
        t = ctx.tables[sheet]
        if t.empty:
            continue
        bad = t[t["end_date"].notna() & t["start_date"].notna() & (t["end_date"] < t["start_date"])]
        for row, rec in bad.iterrows():
            out.append(ctx.finding(
                END_BEFORE_START, sheet,
                "end_date", row,
                msg("end-before-start", "The end date {end} is before the start date {start}. "
                    "Check both dates.", end=_day(rec.end_date), start=_day(rec.start_date)),
                rec.end_date))
    return out


@rule
def task_after_deadline(ctx: Context) -> list[Finding]:
    workplan = ctx.schema.names.workplan
    t = ctx.tables[workplan]
    if t.empty:
        return []
    ends = dict(zip(t["task_id"], t["end_date"], strict=False))
    kinds = dict(zip(t["task_id"], t["item_type"], strict=False))
    out = []
    dropped = ctx.schema.codes("workplan_status", Meaning.DROPPED)
    deliverable = ctx.schema.codes("workplan_item_types", Meaning.DELIVERABLE)
    for row, rec in t[t["deliverable_id"].notna() & ~t["status"].isin(dropped)].iterrows():
        target = rec.deliverable_id
        if target not in ends:
            continue  # an unknown ID is reported by the reference check
        if kinds.get(target) not in deliverable:
            out.append(ctx.finding(
                NOT_A_DELIVERABLE, workplan, "deliverable_id", row,
                msg("not-a-deliverable", "{target} is a {kind}, not a Deliverable. Name the Task "
                    "ID of a row whose Type is Deliverable.", target=target,
                    kind=kinds.get(target) or msg("not-a-deliverable", "row")), target))
            continue
        deadline = ends[target]
        if pd.notna(rec.end_date) and pd.notna(deadline) and rec.end_date > deadline:
            out.append(ctx.finding(
                AFTER_DEADLINE, workplan, "end_date", row,
                msg("after-deadline", "This task ends on {end}, after the deadline of its "
                    "deliverable {target} ({deadline}). Finish it by {deadline} or move it to a "
                    "later deliverable.", end=_day(rec.end_date), target=target,
                    deadline=_day(deadline)), rec.end_date))
    return out


@rule
def interview_dates(ctx: Context) -> list[Finding]:
    interviews = ctx.schema.names.interviews
    t = ctx.tables[interviews]
    if t.empty:
        return []
    out = []
    period = collection_period(ctx)
    done = ctx.schema.codes("interview_status", Meaning.DONE)
    scheduled = t["status"].isin(ctx.schema.codes("interview_status", Meaning.PENDING) + done)
    for row, rec in t[scheduled & t["starts_at"].isna()].iterrows():
        if ctx.was_unreadable(interviews, row, "starts_at"):
            continue
        out.append(ctx.finding(
            MISSING_INTERVIEW_DATE, interviews, "starts_at", row,
            msg("missing-interview-date", "The interview is marked {status} but has no date and "
                "time. Type when it takes (or took) place, e.g. 2025-08-26 10:00.",
                status=rec.status), None))
    consented = t["consent"].fillna(False).astype(bool)
    for row, rec in t[t["status"].isin(done) & ~consented].iterrows():
        out.append(ctx.finding(
            DONE_WITHOUT_CONSENT, interviews, "consent", row,
            msg("done-without-consent", "The interview is marked Done but consent is not "
                "recorded. Type Yes once the interviewee has given informed consent."),
            rec.consent if pd.notna(rec.consent)
            else None))
    if period is not None:
        start, end = period
        dropped = ctx.schema.codes("interview_status", Meaning.DROPPED)
        dated = t[t["starts_at"].notna() & ~t["status"].isin(dropped)]
        outside = dated[(dated["starts_at"].dt.normalize() < start)
                        | (dated["starts_at"].dt.normalize() > end)]
        for row, rec in outside.iterrows():
            out.append(ctx.finding(
                OUTSIDE_COLLECTION_PERIOD, interviews, "starts_at", row,
                msg("outside-collection-period", "{day} is outside the data-collection period "
                    "{start} to {end} (the Interviews phase of the Workplan). Move the interview "
                    "into that period, or extend the phase.", day=_day(rec.starts_at),
                    start=_day(start), end=_day(end)), rec.starts_at))
    return out


def _utc(starts: pd.Series, zones: pd.Series, timing: Timing) -> pd.Series:
    """Local interview times to UTC, each in its own time zone (empty: the declared default)."""
    out = pd.Series(pd.NaT, index=starts.index, dtype="datetime64[ns, UTC]")
    for zone, idx in starts.groupby(zones.fillna(timing.time_zone)).groups.items():
        try:
            local = starts.loc[idx].dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
        except Exception:  # an unknown zone was reported by the vocabulary check
            local = starts.loc[idx].dt.tz_localize(timing.time_zone)
        out.loc[idx] = local.dt.tz_convert("UTC")
    return out


@rule
def interviewer_clash(ctx: Context) -> list[Finding]:
    """Two interviews of one interviewer that overlap in real time (time zones applied)."""
    interviews = ctx.schema.names.interviews
    t = ctx.tables[interviews]
    if t.empty:
        return []
    live = t[t["starts_at"].notna() & t["interviewer"].notna()
             & ~t["status"].isin(ctx.schema.codes("interview_status", Meaning.WITHDRAWN))].copy()
    if live.empty:
        return []
    timing = Timing.of(ctx.schema)
    live["start_utc"] = _utc(live["starts_at"], live["time_zone"], timing)
    live["end_utc"] = live["start_utc"] + pd.to_timedelta(
        live["duration_min"].fillna(timing.duration_min).astype(int), unit="m")
    live["who"] = live["interviewer"].str.strip().str.casefold()
    live = live.sort_values(["who", "start_utc"], kind="stable")
    data = ctx.book.sheets[interviews]
    out = []
    for _, group in live.groupby("who", sort=False):
        latest = None  # the interview that ends last among those seen so far
        for cur in group.itertuples():
            if latest is not None and cur.start_utc < latest.end_utc:
                other = data.cell("starts_at", latest.Index)
                out.append(ctx.finding(
                    INTERVIEWER_CLASH, interviews, "starts_at", cur.Index,
                    msg("interviewer-clash", "{interviewer} already has an interview at this "
                        "time ({other_id}, {other}). Move one of them.",
                        interviewer=cur.interviewer, other_id=latest.interview_id, other=other),
                    cur.starts_at,
                    also=(other,)))
            if latest is None or cur.end_utc > latest.end_utc:
                latest = cur
    return out


@rule
def brief_sections(ctx: Context) -> list[Finding]:
    """One finding per body listing its empty brief sections, at the first empty cell and
    naming the others; in the text, the bodies of a sheet with empty sections are one entry."""
    out = []
    for sheet_name in (ctx.schema.names.entities, ctx.schema.names.dialogues):
        sheet = ctx.schema.sheet(sheet_name)
        data = ctx.book.sheets.get(sheet_name)
        t = ctx.tables[sheet_name]
        if data is None or t.empty:
            continue
        key = sheet.key_field
        sections = [c for c in sheet.columns if c.section and data.has(c.field)]
        empty = pd.DataFrame({c.field: t[c.field].isna() for c in sections}, index=t.index)
        for row in t.index[empty.any(axis=1).to_numpy()]:
            missing = [c for c in sections if empty.at[row, c.field]]
            listed = ", ".join(f"'{c.name}' ({data.cell(c.field, row)})" for c in missing)
            noun = (msg("empty-section", "1 section is") if len(missing) == 1 else
                    msg("empty-section", "{n} sections are", n=len(missing)))
            whose = (msg("empty-section", "row {row} (no {key} yet)", row=row,
                         key=sheet.key) if is_blank(t.at[row, key])
                     else t.at[row, key])
            cells = tuple(data.cell(c.field, row) for c in missing)
            out.append(ctx.finding(
                EMPTY_SECTION, sheet_name, missing[0].field, row,
                msg("empty-section", "In the brief of {whose}, {noun} empty: {listed}. Write them "
                    "before the final version; until then the note shows 'To be completed'.",
                    whose=whose, noun=noun, listed=listed), None,
                also=cells,
                group=msg("empty-section", "In the briefs of {n} {sheet}, sections are empty: "
                          "{items}. Write them before the final version; until then the notes "
                          "show 'To be completed' (the cells are marked by `matrixbook validate "
                          "--annotate OUT.xlsx`).", sheet=sheet_name.lower()),
                item=f"{whose} ({', '.join(cells)})"))
    return out
