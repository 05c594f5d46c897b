"""The review round: what `validate --stage final` requires before the final versions go out.

The terms of reference make the second deliverable "the final versions ... after review": so at
the final stage no comment of the Review sheet may still be Open, no recommendation (nor section
of the strategy) may still be a Draft, and every entity and dialogue needs at least one
recommendation (its briefing note lists them). In a draft, a body with no recommendation is a
warning; the rest waits for the final stage.

The per-body "Recommendations" column of Entities and Dialogues is retired (the Recommendations
sheet is the one source of truth): text left in it is no longer read, and is said so.
"""

from __future__ import annotations

import pandas as pd

from matrixbook.reading import normalise_header
from matrixbook.report import Finding
from matrixbook.report.catalogue import (
    DRAFT_IN_FINAL,
    NO_RECOMMENDATION,
    OPEN_COMMENT,
)
from matrixbook.report.catalogue import (
    RETIRED_COLUMN as RETIRED_TEXT,
)
from matrixbook.report.message import Message, msg
from matrixbook.schema import Meaning
from matrixbook.validation.rules import Context, rule
from matrixbook.values import is_blank

BRIEF_SECTION = "Recommendations for IOM's strategic positioning"
RETIRED_COLUMN = "Recommendations"


@rule
def open_comments(ctx: Context) -> list[Finding]:
    if ctx.stage != "final":
        return []
    review = ctx.schema.names.review
    t = ctx.tables[review]
    if t.empty:
        return []
    out = []
    open_codes = ctx.schema.codes("comment_status", Meaning.OPEN)
    for row, rec in t[t["status"].isin(open_codes)].iterrows():
        out.append(ctx.finding(
            OPEN_COMMENT, review, "status", row,
            msg("open-comment", "Comment {comment} on {about} is still Open. Write the response "
                "and set Status to Addressed or Declined before the final version.",
                comment=rec.comment_id, about=as_words(rec.deliverable, rec.body_id)),
            rec.status))
    return out


def as_words(deliverable: object, body_id: object) -> Message:
    """What a comment is about: 'the Briefing note of ENT-LAS', 'a deliverable'."""
    if is_blank(deliverable):
        what = msg("open-comment", "a deliverable")
    else:
        what = msg("open-comment", "the {deliverable}", deliverable=str(deliverable))
    if is_blank(body_id):
        return what
    return msg("open-comment", "{what} of {body}", what=what, body=body_id)


@rule
def draft_rows(ctx: Context) -> list[Finding]:
    """Recommendations and strategy sections still in Draft at the final stage."""
    if ctx.stage != "final":
        return []
    out = []
    names = ctx.schema.names
    drafts = ctx.schema.codes("review_status", Meaning.DRAFT)
    for sheet, key, noun in ((names.recommendations, "recommendation_id",
                              msg("draft-in-final", "The recommendation {id} is still a Draft. "
                                  "Review it and set Status to Reviewed or Final before the "
                                  "final version.")),
                             (names.strategy, "section_id",
                              msg("draft-in-final", "The strategy section {id} is still a "
                                  "Draft. Review it and set Status to Reviewed or Final before "
                                  "the final version."))):
        t = ctx.tables[sheet]
        if t.empty:
            continue
        for row, rec in t[t["status"].isin(drafts)].iterrows():
            out.append(ctx.finding(
                DRAFT_IN_FINAL, sheet,
                "status", row,
                Message(noun.template, (("id", rec[key]),), noun.context), rec.status))
    return out


def bodies_named(recommendations: pd.DataFrame) -> set[str]:
    """Every body ID named in the Bodies of a recommendation."""
    named: set[str] = set()
    if recommendations.empty or "body_ids" not in recommendations:
        return named
    for ids in recommendations["body_ids"].dropna():
        named.update(str(i) for i in ids)
    return named


@rule
def body_without_recommendation(ctx: Context) -> list[Finding]:
    names = ctx.schema.names
    if names.recommendations not in ctx.book.sheets:
        return []  # a missing sheet is reported once, by the reader
    named = bodies_named(ctx.tables[names.recommendations])
    out = []
    for sheet_name in (names.entities, names.dialogues):
        sheet = ctx.schema.sheet(sheet_name)
        key = sheet.key_field
        t = ctx.tables[sheet_name]
        if t.empty or sheet_name not in ctx.book.sheets:
            continue
        for row, body_id in t[key].items():
            if is_blank(body_id) or str(body_id) in named:
                continue
            out.append(ctx.finding(
                NO_RECOMMENDATION, sheet_name, key, row,
                msg("no-recommendation", "No recommendation names {body} yet. Add a row to the "
                    "{recommendations} sheet with {body} in Bodies before the final version; "
                    "until then its briefing note shows 'To be completed' under '{section}'.",
                    body=body_id, recommendations=names.recommendations,
                    section=msg("no-recommendation", "Recommendations for IOM's strategic "
                                "positioning")), body_id))
    return out


@rule
def retired_recommendations_column(ctx: Context) -> list[Finding]:
    """Text in the old per-body Recommendations column would silently vanish from the notes."""
    out = []
    names = ctx.schema.names
    for sheet_name in (names.entities, names.dialogues):
        data = ctx.book.sheets.get(sheet_name)
        if data is None:
            continue
        key = data.sheet.key_field
        for header in data.extra_headers:
            if normalise_header(header) != normalise_header(RETIRED_COLUMN):
                continue
            for row, text in data.frame[header].items():
                if is_blank(text):
                    continue
                body_id = data.frame.at[row, key] if data.has(key) else None
                whose = (body_id if not is_blank(body_id)
                         else msg("retired-column", "row {row}", row=row))
                out.append(RETIRED_TEXT.at(
                    sheet_name,
                    msg("retired-column", "The column '{header}' is no longer read: the briefing "
                        "notes and the mapping report take their recommendations from the "
                        "{recommendations} sheet. Move this text into rows there (Bodies: "
                        "{whose}), then clear the cell.", header=header,
                        recommendations=names.recommendations, whose=whose),
                    data.cell(header, row), row, header, str(text)[:60], stage=ctx.stage))
    return out
