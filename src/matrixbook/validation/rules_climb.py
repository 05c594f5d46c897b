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
matrixbook.memberships, the one the matrix and the notes apply.
"""

from __future__ import annotations

import pandas as pd

from matrixbook.outputs.climb import (
    CLIMB_NEEDS,
    Doubt,
    Roster,
    climate_policies,
    is_missing,
    load_mapping,
    reference_date,
)
from matrixbook.report import ERROR, WARNING, Finding
from matrixbook.validation.rules import Context, rule

_RULE_NAMES = {
    "source_url": "climb-no-source",
    "date_accessed": "climb-no-date-accessed",
    "provisions": "climb-no-provisions",
    "mobility_types": "climb-no-mobility-type",
}
_HOW = {
    "source_url": "Type the address where the text can be read, starting with https://.",
    "date_accessed": "Type the date the Source URL was consulted, e.g. 2025-08-20.",
    "provisions": "Type the article and an excerpt of the provisions that govern human "
                  "mobility, e.g. Art. 16: ...",
    "mobility_types": "Pick the forms of mobility it governs: Migration, Displacement, Planned "
                      "relocation, Evacuation, Trapped populations (separated by ;).",
}


@rule
def climb_readiness(ctx: Context) -> list[Finding]:
    policies = ctx.tables.get("Policies")
    if policies is None or policies.empty:
        return []
    severity = ERROR if ctx.stage == "final" else WARNING
    mapping = load_mapping(ctx.schema)
    memberships = ctx.tables.get("Memberships")
    roster = Roster(memberships, mapping)
    groupings = set(ctx.schema.extra_country_codes)
    out = []
    doubts: dict[tuple[int, str], tuple[Doubt, str, list[tuple[str, pd.Timestamp]]]] = {}
    # Only the columns read below: itertuples() over every Policies column is most of the
    # cost on a workbook of 100,000 policies.
    wanted = ["policy_id", "language", *(f for f, _ in CLIMB_NEEDS), "countries", "body_id",
              "adoption_date", "year_adopted"]
    selected = climate_policies(policies, mapping)
    selected = selected[[c for c in dict.fromkeys(wanted) if c in selected.columns]]
    for rec in selected.itertuples():
        row = rec.Index
        if "language" in policies and is_missing(rec.language):
            out.append(ctx.finding(
                WARNING, "Policies", "language", row, "climb-no-language",
                f"{rec.policy_id} goes to CLIMB but its Language is empty: CLIMB would not know "
                "the language of the text. Pick the language of the original text (e.g. ar, "
                "en, fr).", None))
        for field, name in CLIMB_NEEDS:
            if is_missing(getattr(rec, field, None)):
                out.append(ctx.finding(
                    severity, "Policies", field, row, _RULE_NAMES[field],
                    f"{rec.policy_id} has a Climate context, so it goes to CLIMB, but "
                    f"'{name}' is empty: CLIMB cannot take it without it. {_HOW[field]}", None))
        listed = rec.countries if isinstance(rec.countries, list) else []
        if listed or memberships is None or is_missing(rec.body_id):
            continue
        day = reference_date(rec)
        found = roster.members_on(rec.body_id, day)
        for doubt in found.doubts:
            doubts.setdefault((doubt.row, doubt.field), (doubt, rec.body_id, []))[2].append(
                (rec.policy_id, day))
        members = [c for c in found.countries if c not in groupings]
        if not members:
            when = day.strftime("%Y-%m-%d") if day is not None else "its adoption"
            out.append(ctx.finding(
                severity, "Policies", "countries", row, "climb-no-countries",
                f"{rec.policy_id} lists no countries and the Memberships sheet has no member "
                f"of {rec.body_id} on {when}, so CLIMB would get no country. Type the "
                "countries covered (ISO3 codes separated by ;), or add the membership rows.",
                None))
    for (row, field), (doubt, body, uses) in sorted(doubts.items()):
        which = ", ".join(f"{pid} (read on {day.strftime('%Y-%m-%d')})" for pid, day in uses)
        c = doubt.country
        if doubt.reason.startswith("the dates of its suspension"):
            what = (f"This suspension of {c} from {body} has no "
                    f"{'start' if field == 'start_date' else 'end'} date")
            fix = "Type its start and end dates"
        else:
            what = f"This membership of {c} in {body} is marked Ended but has no end date"
            fix = "Type the end date"
        out.append(ctx.finding(
            WARNING, "Memberships", field, row, "climb-undated-membership",
            f"{what}, so the CLIMB export cannot tell whether {c} was a member for {which}; it "
            f"is counted. {fix} (the first of the month when only the month is known, and say "
            "so in the Note).", None))
    hazards = policies[policies[mapping.select_field].map(lambda v: not v)]
    hazards = hazards[[c for c in ("policy_id", "hazard_onset", "hazard_types",
                                   mapping.select_field) if c in hazards.columns]]
    for rec in hazards.itertuples():
        named = [*(rec.hazard_onset or []), *(rec.hazard_types or [])]
        if named:
            out.append(ctx.finding(
                WARNING, "Policies", mapping.select_field, rec.Index, "climb-no-context",
                f"{rec.policy_id} names hazards ({'; '.join(named)}) but its Climate context "
                "is empty, so it is left out of the CLIMB export. Pick Disasters, Adverse "
                "effects of climate change or Environmental degradation if it concerns human "
                "mobility in those contexts.", None))
    return out
