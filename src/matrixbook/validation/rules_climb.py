"""Readiness for CLIMB: a policy with a Climate context that CLIMB could not take is a finding
at its exact cell, not a silent gap in the CLIMB export.

Severity: a **warning** at the draft stage (the default of `validate` and of `build`), an
**error** with `validate --stage final`. Why not an error always:
- an error stops `build` altogether, so one policy still missing its provision text would hold
  back the mapping matrix, the briefs and the report, which do not need it;
- the research is done row by row: the title, year and source are found first, the provision
  excerpts later; a draft with gaps is normal and the export still carries the row, its gaps
  listed on the export's About sheet;
- the default workbook, seeded from public facts that hold no provision texts, must validate
  with no error.
The final versions (deliverable 2) are what CLIMB receives, so there every gap is an error,
as for the brief sections (rules.brief_sections).

A policy that names hazards but has no Climate context is left out of the export: that is
always a warning, since only staff can say whether it concerns human mobility. So is an exported
policy with no Language: CLIMB can take the record, but not tell readers what language its text
is in, and the export's About sheet lists it among the columns to complete before import.

Who is a member on a policy's adoption date is decided by the shared rule of
matrixbook.model.memberships, the one the matrix and the notes apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matrixbook.model.climb import ClimbMapping, climate_policies, load_mapping
from matrixbook.model.coverage import MemberLookup, adoption_days
from matrixbook.model.memberships import Doubt, DoubtKind, to_day
from matrixbook.report import Finding, rule_of
from matrixbook.report.catalogue import (
    CLIMB_NO_CONTEXT,
    CLIMB_NO_COUNTRIES,
    CLIMB_NO_LANGUAGE,
    CLIMB_UNDATED_MEMBERSHIP,
)
from matrixbook.report.message import Capitalized, Joined, Message, Said, msg
from matrixbook.validation.rules import Context, rule
from matrixbook.values import blank_mask


@rule
def climb_readiness(ctx: Context) -> list[Finding]:
    names = ctx.schema.names
    policies = ctx.tables.get(names.policies)
    if policies is None or policies.empty:
        return []
    mapping = load_mapping(ctx.schema)
    memberships = ctx.tables.get(names.memberships)
    # Column at a time, then a loop over the rows that have something to say only: a workbook
    # of 100,000 policies has tens of thousands of climate policies and, when it is complete,
    # not one finding.
    selected = climate_policies(policies, mapping)
    # How a message names the policy: its ID, or its row while the ID is still empty.
    ids = (selected["policy_id"].astype(object) if "policy_id" in selected
           else pd.Series(None, index=selected.index, dtype=object))
    no_id = blank_mask(ids).to_numpy()
    if no_id.any():  # (a message for each row without an ID only)
        ids = ids.copy()
        ids[no_id] = [msg("climb", "the policy in row {row}", row=row)
                      for row in selected.index[no_id]]
    out = []
    if "language" in selected:
        for row in selected.index[blank_mask(selected["language"]).to_numpy()]:
            out.append(ctx.finding(
                CLIMB_NO_LANGUAGE, names.policies, "language", row,
                msg("climb-no-language", "{policy} goes to CLIMB but its Language is empty: "
                    "CLIMB would not know the language of the text. Pick the language of the "
                    "original text (e.g. ar, en, fr).", policy=_first(ids[row])), None,
                group=msg("climb-no-language", "{n} policies go to CLIMB but their Language is "
                          "empty: {items}. CLIMB would not know the language of the texts. Pick "
                          "the language of each original text (e.g. ar, en, fr)."),
                item=f"{ids[row]} ({ctx.book.sheets[names.policies].cell('language', row)})"))
    for need in mapping.needs:  # climb.yaml: each field, its rule and its hint
        field, name = need.field, need.name
        empty = (blank_mask(selected[field]).to_numpy() if field in selected
                 else np.ones(len(selected), dtype=bool))
        for row in selected.index[empty]:
            out.append(ctx.finding(
                rule_of(need.rule), names.policies, field, row,
                msg("climb-needs", "{policy} has a Climate context, so it goes to CLIMB, but "
                    "'{column}' is empty: CLIMB cannot take it without it. {how}",
                    policy=_first(ids[row]), column=name, how=Said(need.hint, need.rule)),
                None,
                group=msg("climb-needs", "{n} policies have a Climate context, so they go to "
                          "CLIMB, but their '{column}' is empty: {items}. CLIMB cannot take "
                          "them without it. {how}", column=name,
                          how=Said(need.hint, need.rule)),
                item=_item(ctx, ids[row], field, row)))
    if memberships is not None and {"countries", "body_id"} <= set(selected.columns):
        out.extend(_members_found(ctx, selected, ids, memberships, mapping))
    out.extend(_hazards_without_context(ctx, policies, mapping))
    return out


def _item(ctx: Context, name: str, field: str, row: int) -> str:
    """How a grouped entry names one policy: its ID and the cell to fill in."""
    data = ctx.book.sheets.get(ctx.schema.names.policies)
    cell = data.cell(field, row) if data is not None and data.has(field) else None
    return f"{name} ({cell})" if cell else str(name)


def _first(name: str | Message) -> Capitalized:
    """A policy's name at the start of a sentence."""
    return Capitalized(name)


def _members_found(ctx: Context, selected: pd.DataFrame, ids: pd.Series,
                   memberships: pd.DataFrame, mapping: ClimbMapping) -> list[Finding]:
    """The policies that list no countries get the members of their body on their adoption
    date: a finding where there are none, and one at each membership whose empty date leaves
    the answer open."""
    listed = ~blank_mask(selected["countries"]).to_numpy()
    need = selected[~listed & ~blank_mask(selected["body_id"]).to_numpy()]
    if need.empty:
        return []
    roster = MemberLookup(memberships, mapping)
    period = roster.roster.period
    groupings = set(ctx.schema.extra_country_codes)
    days = adoption_days(need)
    names = ctx.schema.names
    out = []
    doubts: dict[tuple[int, str], tuple[Doubt, str, list[tuple[int, str, pd.Timestamp]]]] = {}
    # The members of a body change only on its membership dates: the policies are grouped by
    # the period between two of them, and the rule is asked once per period, not per policy.
    # (Not DataFrame.groupby: with dropna=False, pandas 3.1 files a dated row under NaT.)
    groups: dict[tuple[str, int | None], list[tuple[int, pd.Timestamp | None]]] = {}
    bodies = need["body_id"].astype(str)
    for row, body, day in zip(need.index, bodies, days.tolist(), strict=True):
        day = None if day is pd.NaT else day
        groups.setdefault(period(body, to_day(day)), []).append((row, day))
    for (body, _), policies in groups.items():
        found = roster.members_on(body, policies[0][1])
        for doubt in found.doubts:
            uses = doubts.setdefault((doubt.row, doubt.field), (doubt, body, []))[2]
            uses.extend((row, ids[row], day) for row, day in policies)
        if any(c not in groupings for c in found.countries):
            continue
        for row, day in policies:
            when = (day.strftime("%Y-%m-%d") if day is not None
                    else msg("climb-no-countries", "its adoption"))
            out.append(ctx.finding(
                CLIMB_NO_COUNTRIES, names.policies, "countries", row,
                msg("climb-no-countries", "{policy} lists no countries and the {memberships} "
                    "sheet has no member of {body} on {when}, so CLIMB would get no country. "
                    "Type the countries covered (ISO3 codes separated by ;), or add the "
                    "membership rows.", policy=_first(ids[row]), memberships=names.memberships,
                    body=body, when=when),
                None))
    for (row, field), (doubt, body, uses) in sorted(doubts.items()):
        which = Joined(tuple(msg("climb-undated-membership", "{policy} (read on {day})",
                                 policy=pid, day=day.strftime("%Y-%m-%d"))
                             for _, pid, day in sorted(uses, key=lambda u: u[0])), ", ")
        c = doubt.country
        what: Message
        if doubt.kind is DoubtKind.SUSPENSION:
            what = (msg("climb-undated-membership", "This suspension of {country} from {body} "
                        "has no start date", country=c, body=body) if field == "start_date"
                    else msg("climb-undated-membership", "This suspension of {country} from "
                             "{body} has no end date", country=c, body=body))
            fix = msg("climb-undated-membership", "Type its start and end dates")
        else:
            what = msg("climb-undated-membership", "This membership of {country} in {body} is "
                       "marked Ended but has no end date", country=c, body=body)
            fix = msg("climb-undated-membership", "Type the end date")
        out.append(ctx.finding(
            CLIMB_UNDATED_MEMBERSHIP, names.memberships, field, row,
            msg("climb-undated-membership", "{what}, so the CLIMB export cannot tell whether "
                "{country} was a member for {which}; it is counted. {fix} (the first of the "
                "month when only the month is known, and say so in the Note).", what=what,
                country=c, which=which, fix=fix), None))
    return out


def _hazards_without_context(ctx: Context, policies: pd.DataFrame,
                             mapping: ClimbMapping) -> list[Finding]:
    """Policies that name hazards but have no Climate context: left out of the export."""
    named = [f for f in ("hazard_onset", "hazard_types") if f in policies]
    if not named or mapping.select_field not in policies:
        return []
    no_context = blank_mask(policies[mapping.select_field]).to_numpy()
    some_hazard = np.zeros(len(policies), dtype=bool)
    for f in named:
        some_hazard |= ~blank_mask(policies[f]).to_numpy()
    out = []
    for rec in policies[no_context & some_hazard].itertuples():
        hazards = [h for f in named for h in (getattr(rec, f) or [])]
        out.append(ctx.finding(
            CLIMB_NO_CONTEXT, ctx.schema.names.policies, mapping.select_field, rec.Index,
            msg("climb-no-context", "{policy} names hazards ({hazards}) but its Climate context "
                "is empty, so it is left out of the CLIMB export. Pick Disasters, Adverse "
                "effects of climate change or Environmental degradation if it concerns human "
                "mobility in those contexts.", policy=rec.policy_id, hazards="; ".join(hazards)),
            None))
    return out
