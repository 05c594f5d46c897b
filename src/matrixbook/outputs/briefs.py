"""Briefing notes: out/briefs/<ID>.docx and .html, one per regional entity and per dialogue.

The sections of a note are the columns of Entities / Dialogues declared `section: true` in
schemas/, in their declared order, headed by the column name: adding a section to a note means
adding a column to the schema, never editing a list here. The rest of the note comes from the
supporting sheets: members (Memberships), instruments (Policies), themes (Themes) and numbered
references (Sources, through the body's `source_ids`). One section is not a column: "Recommendations
for IOM's strategic positioning" lists the rows of the Recommendations sheet that name the body
(one source of truth with the mapping report), placed after the section RECOMMENDATIONS_AFTER.

The content is built once as plain data (matrixbook.model.briefs: what a note says about a
body) and rendered twice, by the Word template and by its HTML twin; `validate --stage final`
uses the same content for its page estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matrixbook.documents import (
    LONGEST_NOTE,
    SHORTEST_NOTE,
    common_context,
    document_properties,
    write_pairs,
)
from matrixbook.documents.translate import CONTEXT
from matrixbook.i18n import Texts
from matrixbook.model import memberships
from matrixbook.model.briefs import notes, page_estimate
from matrixbook.model.context import BuildContext
from matrixbook.model.cover import cover
from matrixbook.outputs import Output, figures


def write(ctx: BuildContext) -> list[Path]:
    jobs: list[tuple[str, str, Mapping[str, Any], str]] = []
    estimates: list[tuple[str, float]] = []
    on = memberships.reference_date(ctx.today, ctx.data_date)
    common = common_context(ctx, "")  # the same for every note: read once
    t = ctx.texts.t
    roster = memberships.Roster(ctx.tables.get("Memberships"))
    for _sheet, _row, content in notes(ctx.schema, ctx.tables, on, ctx.texts):
        title = t("Briefing note: {name}", CONTEXT).format(name=content["name"])
        context = dict(common, doc_title=title, footer_title=title)
        context["properties"] = document_properties(
            ctx, t("{kind}: {name}. Mandate, governance, policies, climate action and "
                   "mobility, data, and entry points for IOM.", CONTEXT).format(
                       kind=content["kind"], name=content["display_name"]),
            [content["acronym"], content["kind"].lower()], t("Briefing note", CONTEXT))
        context["footer_title"] = t("Briefing note: {name}", CONTEXT).format(
            name=content["label"])
        context.update(content)
        picture, caption = figures.body_map(ctx.schema, roster, content["id"],
                                            content["label"], on, ctx.texts)
        context["pictures"] = {"map": picture}
        context["captions"] = {"map": caption}
        context["cover"] = cover(content).as_dict()  # set close, or run on, when it is long
        estimate = page_estimate(content)
        context["estimate"] = estimate.as_dict()  # for staff's own templates; not printed
        estimates.append((content["id"], estimate.pages))
        jobs.append((f"briefs/{content['id']}", "brief", context, title))
    written = write_pairs(ctx, jobs)
    if estimates:
        ctx.note(length_note(estimates) if ctx.texts.english
                 else length_note_in(estimates, ctx.texts))
    return written


# Up to this many notes, the line after the build gives every note's estimate; beyond, only
# the notes outside the target length, the first OUTSIDE_SHOWN of them: a line of 280
# estimates is read by nobody.
EVERY_NOTE_UP_TO = 20
OUTSIDE_SHOWN = 10


def length_note(estimates: list[tuple[str, float]]) -> str:
    """One line for the person running the build: how long the notes will print, which the
    notes themselves no longer say (partners do not need the arithmetic). Every estimate when
    there are few notes; else the count, the range and the notes to shorten or expand."""
    pages = [p for _, p in estimates]
    low, high = min(pages), max(pages)
    span = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    head = (f"Briefing notes: {len(estimates):,} written; estimated length {span} pages "
            f"(target {SHORTEST_NOTE}–{LONGEST_NOTE})")
    if len(estimates) <= EVERY_NOTE_UP_TO:
        return f"{head}: " + ", ".join(f"{i} {p:g}" for i, p in estimates) + "."
    outside = [(i, p) for i, p in estimates if not SHORTEST_NOTE <= p <= LONGEST_NOTE]
    if not outside:
        return f"{head}; every note within it."
    shown = ", ".join(f"{i} {p:g}" for i, p in outside[:OUTSIDE_SHOWN])
    if len(outside) > OUTSIDE_SHOWN:
        shown += f" and {len(outside) - OUTSIDE_SHOWN:,} more"
    return (f"{head}; {len(outside):,} outside it: {shown} (matrixbook validate --stage final "
            "warns at each, with what to change).")


def length_note_in(estimates: list[tuple[str, float]], texts: Texts) -> str:
    """`length_note` in the language of `texts` (msgctxt "build"): 'Notes d'orientation :
    17 rédigées ; longueur estimée 5,5–9,5 pages (cible 5–10) : ENT-LAS 9,5, ...'."""
    def say(text: str) -> str:
        return texts.t(text, "build")

    def pages(p: float) -> str:
        return texts.number(p)

    low, high = min(p for _, p in estimates), max(p for _, p in estimates)
    span = pages(low) if low == high else f"{pages(low)}–{pages(high)}"
    head = texts.plural(len(estimates), "Briefing notes: {n} written; estimated length {span} "
                        "pages (target {lo}–{hi})", "Briefing notes: {n} written; estimated "
                        "length {span} pages (target {lo}–{hi})", "build", span=span,
                        lo=SHORTEST_NOTE, hi=LONGEST_NOTE)
    if len(estimates) <= EVERY_NOTE_UP_TO:
        return head + say(": ") + ", ".join(f"{i} {pages(p)}" for i, p in estimates) + "."
    outside = [(i, p) for i, p in estimates if not SHORTEST_NOTE <= p <= LONGEST_NOTE]
    if not outside:
        return head + say("; every note within it.")
    shown = ", ".join(f"{i} {pages(p)}" for i, p in outside[:OUTSIDE_SHOWN])
    if len(outside) > OUTSIDE_SHOWN:
        shown += say(" and {n} more").format(n=texts.number(len(outside) - OUTSIDE_SHOWN))
    return head + texts.plural(len(outside), "; {n} outside it: {shown} (matrixbook validate "
                               "--stage final warns at each, with what to change).",
                               "; {n} outside it: {shown} (matrixbook validate --stage final "
                               "warns at each, with what to change).", "build", shown=shown)


OUTPUT = Output(
    name="briefs",
    audience="external",
    description="One briefing note per entity and dialogue (out/briefs/<ID>.docx and .html).",
    write=write,
    order=40,
    languages=("en", "fr"),
)
