"""`validate --stage final`: warn when a briefing note would print outside the 5 to 10 pages the
terms of reference ask for.

The estimate is the one printed at the end of every note (its text wrapped at the template's
widths, see matrixbook.model.pages.PageEstimate), computed on the external version of the
note: the one partners receive. It is a warning, not an error: the estimate is a guide, and
staff decide.
"""

from __future__ import annotations

from matrixbook.report import Finding
from matrixbook.report.catalogue import NOTE_LENGTH
from matrixbook.report.message import Num, msg, msgp
from matrixbook.validation.rules import Context, rule


@rule
def note_length(ctx: Context) -> list[Finding]:
    if ctx.stage != "final":
        return []
    # Imported here so that a draft `validate` does not load the document machinery.
    from matrixbook.audience import filter_tables
    from matrixbook.model.briefs import notes, page_estimate
    from matrixbook.model.pages import LONGEST_NOTE, SHORTEST_NOTE, TEXT_CHARS

    tables = filter_tables(ctx.schema, ctx.tables, "external")
    out = []
    for sheet_name, row, content in notes(ctx.schema, tables):
        estimate = page_estimate(content)
        if SHORTEST_NOTE <= estimate.pages <= LONGEST_NOTE:
            continue
        advice = (msg("note-length", "Write more in its brief sections, or add its policies, "
                      "themes and sources") if estimate.pages < SHORTEST_NOTE
                  else msg("note-length", "Shorten its brief sections"))
        shown = [r for r in estimate.tables if r]
        method = msg("note-length", "text wrapped at the template's widths ({chars} "
                     "characters a line of text), {lines} lines a page, the cover as measured",
                     chars=TEXT_CHARS, lines=estimate.lines_per_page)
        summary = msgp("note-length", "about {pages} pages: {words} words of text and {tables} "
                       "table(s) with {rows} rows ({method})", "about {pages} pages: {words} "
                       "words of text and {tables} table(s) with {rows} rows ({method})",
                       count="tables", pages=Num(estimate.pages, "g"), words=estimate.words,
                       tables=len(shown), rows=sum(shown), method=method)
        key = ctx.schema.sheet(sheet_name).key_field
        out.append(ctx.finding(
            NOTE_LENGTH, sheet_name, key, row,
            msg("note-length", "The briefing note of {body} would print {summary}; the terms of "
                "reference ask for {low} to {high} pages. {advice}.", body=content["id"],
                summary=summary, low=SHORTEST_NOTE, high=LONGEST_NOTE, advice=advice),
            estimate.pages))
    return out
