"""`validate --stage final`: warn when a briefing note would print outside the 5 to 10 pages the
terms of reference ask for.

The estimate is the one printed at the end of every note (words and tables at a stated rate,
see matrixbook.model.pages.PageEstimate), computed on the external version of the note: the one
partners receive. It is a warning, not an error: the estimate is a guide, and staff decide.
"""

from __future__ import annotations

from matrixbook.report import Finding
from matrixbook.report.catalogue import NOTE_LENGTH
from matrixbook.validation.rules import Context, rule


@rule
def note_length(ctx: Context) -> list[Finding]:
    if ctx.stage != "final":
        return []
    # Imported here so that a draft `validate` does not load the document machinery.
    from matrixbook.audience import filter_tables
    from matrixbook.model.briefs import notes, page_estimate
    from matrixbook.model.pages import LONGEST_NOTE, SHORTEST_NOTE

    tables = filter_tables(ctx.schema, ctx.tables, "external")
    out = []
    for sheet_name, row, content in notes(ctx.schema, tables):
        estimate = page_estimate(content)
        if SHORTEST_NOTE <= estimate.pages <= LONGEST_NOTE:
            continue
        advice = ("Write more in its brief sections, or add its policies, themes and sources"
                  if estimate.pages < SHORTEST_NOTE else "Shorten its brief sections")
        key = ctx.schema.sheet(sheet_name).key_field
        out.append(ctx.finding(
            NOTE_LENGTH, sheet_name, key, row,
            f"The briefing note of {content['id']} would print {estimate.summary}; the terms of "
            f"reference ask for {SHORTEST_NOTE} to {LONGEST_NOTE} pages. {advice}.",
            estimate.pages))
    return out
