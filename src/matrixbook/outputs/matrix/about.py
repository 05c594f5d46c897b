"""The *About* sheet: source, date of the data, audience, how to read the other sheets."""

from __future__ import annotations

from typing import Any

from matrixbook.model import memberships, relevance
from matrixbook.model.context import BuildContext
from matrixbook.outputs.matrix.data import (
    GROUPS,
    NOT_RECORDED,
    ROLE_STYLE,
    UNCONFIRMED_MARK,
    Mapping,
    role_letter,
)
from matrixbook.outputs.matrix.layout import (
    CONTEXT,
    TITLE,
    Formats,
    as_at,
    data_date,
    level_label,
    row_height,
    say,
    setup,
    shared_rule,
)


def write_about(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet(say(ctx, "About"))
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, say(ctx, TITLE), f.title)
    if not ctx.texts.english:
        _about_in_other_language(ws, f, ctx, m)
        return
    facts = [
        ("Source workbook", ctx.source_name),
        ("Date of the data", f"{ctx.data_date} (the latest 'Checked on' date of the entities "
                             "and dialogues)"),
        ("Membership date", f"Roles {as_at(ctx, m)}"),
        ("Audience", ctx.audience_label),
        ("Bodies", f"{sum(m.bodies['kind'] == GROUPS[0][0])} regional entities and "
                   f"{sum(m.bodies['kind'] == GROUPS[1][0])} inter-regional dialogues"),
    ]
    row = 2
    for label, value in facts:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, value, f.plain)
        row += 1
    row += 1
    ws.write_string(row, 0, "How to read it", f.section)
    row += 1
    audience_note = ("Internal: includes the columns for IOM staff only (shaded orange in the "
                     "Matrix). Do not send this copy outside IOM; build an external copy with "
                     "`matrixbook build --audience external`."
                     if ctx.audience == "internal" else
                     "External: columns for IOM staff only (focal points, internal notes) are "
                     "left out. This copy may be shared with partners.")
    notes = [
        ("Matrix", "One row per regional entity, then per inter-regional dialogue (the Kind "
                   "column says which; filter or sort on any column). Each "
                   "theme column gives how strongly the body works on the theme: "
                   + relevance.legend_text() + f" (named '{NOT_RECORDED}' in the Summary). A "
                   "red corner marks a cell with evidence: point at it (or use Review > Show "
                   "comments) to read it. The last columns give the sub-regions covered, IOM's "
                   "level of engagement and the key entry points for IOM."),
        ("Membership", "Countries down, bodies across. Each cell shows the role the country "
                       "holds on the membership date: "
                       + ", ".join(f"{role_letter(r)} = {r}" for r in ROLE_STYLE)
                       + f"; '{UNCONFIRMED_MARK}' after the letter means no source confirms "
                       "it. A suspension in force on that date shows as S in place of the "
                       "membership. Roles that ended earlier are not shown, nor those marked "
                       "Ended whose end date is not recorded. A role with no start date is "
                       "taken to date from the founding. Bodies counts "
                       + memberships.shared_rule(m.on) + ". Organisations that take part "
                       "as a bloc (the European Union) are marked '(organisation)', are not "
                       "among the most shared countries and are counted apart from states: "
                       "'States per body' and 'Organisations per body' count every role. The "
                       "briefing notes and the "
                       "mapping report read memberships by the same rule, on the same date."),
        ("Country codes", "ISO 3166-1 alpha-3, with these codes for parties that have none: "
                          + "; ".join(f"{code} = {v['name']} ({v['note']})" for code, v
                                      in ctx.schema.extra_country_codes.items()) + "."),
        ("Summary", "Bodies per theme and per sub-region, the countries in the most bodies "
                    "(member or participant, as in the mapping report), and the gaps: themes "
                    "that no body covers at High, Medium or Low."),
        ("Who may see it", audience_note),
        ("Colours", "Relevance is one blue getting lighter as relevance falls (None grey, Not "
                    "assessed white), the same colours as in the mapping report and the "
                    "briefing notes. Colours are chosen to be read by colour-blind readers, and "
                    "every shaded cell also carries a word or a letter, so the sheets print in "
                    "black and white."),
        ("Regenerate", "This file is generated from the master workbook of the mapping: "
                       "corrections go into the master workbook, not into this file."),
    ]
    for label, text in notes:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, text, f.plain)
        ws.set_row(row, row_height([(text, 100)]))
        row += 1
    row += 1
    ws.write_string(row, 0, "Relevance legend", f.section)
    row += 1
    for code, lv in relevance.RELEVANCE.items():
        ws.write_string(row, 0, lv.label, f.for_relevance(code))
        if lv.meaning:
            ws.write_string(row, 1, lv.meaning.capitalize(), f.plain)
        row += 1
    ws.write_blank(row, 0, None, f.empty)
    ws.write_string(row, 1, f"{NOT_RECORDED}: {relevance.NO_ENTRY.meaning}", f.plain)
    row += 1
    row += 1
    ws.write_string(row, 0, "Membership legend", f.section)
    row += 1
    for role in ROLE_STYLE:
        ws.write_string(row, 0, role_letter(role), f.for_role(role))
        ws.write_string(row, 1, role, f.plain)
        row += 1
    setup(ws, ctx, "About the mapping matrix", repeat=None)
    ws.fit_to_pages(1, 1)  # one page: its legends never left alone on a page of their own


def _about_in_other_language(ws: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    """The About sheet in another language than English: the same facts, notes and legends,
    every sentence from the catalogue (msgctxt "matrix")."""
    texts = ctx.texts
    facts = [
        (say(ctx, "Source workbook"), ctx.source_name),
        (say(ctx, "Date of the data"), say(ctx, "{date} (the latest 'Checked on' date of the "
                                                "entities and dialogues)").format(
            date=data_date(ctx))),
        (say(ctx, "Membership date"), say(ctx, "Roles {as_at}").format(as_at=as_at(ctx, m))),
        (say(ctx, "Audience"), say(ctx, ctx.audience_label)),
        (say(ctx, "Bodies"), say(ctx, "{entities} and {dialogues}").format(
            entities=ctx.texts.plural(int(sum(m.bodies["kind"] == GROUPS[0][0])),
                                      "{n} regional entity", "{n} regional entities", CONTEXT),
            dialogues=ctx.texts.plural(int(sum(m.bodies["kind"] == GROUPS[1][0])),
                                       "{n} inter-regional dialogue",
                                       "{n} inter-regional dialogues", CONTEXT))),
    ]
    row = 2
    for label, value in facts:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, value, f.plain)
        row += 1
    row += 1
    ws.write_string(row, 0, say(ctx, "How to read it"), f.section)
    row += 1
    audience_note = say(ctx, "Internal: includes the columns for IOM staff only (shaded orange "
                             "in the Matrix). Do not send this copy outside IOM; build an "
                             "external copy with `matrixbook build --audience external`."
                        if ctx.audience == "internal" else
                        "External: columns for IOM staff only (focal points, internal notes) "
                        "are left out. This copy may be shared with partners.")
    legend = ", ".join(
        f"{level_label(ctx, code)} ({say(ctx, lv.meaning)})" if lv.meaning
        else level_label(ctx, code) for code, lv in relevance.RELEVANCE.items())
    legend += say(ctx, "; a blank cell: {meaning}").format(
        meaning=say(ctx, relevance.NO_ENTRY.meaning))
    roles = ", ".join(f"{role_letter(r)} = {texts.term('membership_roles', r)}"
                      for r in ROLE_STYLE)
    codes = "; ".join(f"{code} = {texts.country(code)}"
                      for code in ctx.schema.extra_country_codes)
    notes = [
        ("Matrix", say(ctx, "One row per regional entity, then per inter-regional dialogue (the "
                            "Kind column says which; filter or sort on any column). Each theme "
                            "column gives how strongly the body works on the theme: {legend} "
                            "(named '{no_entry}' in the Summary). A red corner marks a cell "
                            "with evidence: point at it (or use Review > Show comments) to "
                            "read it; evidence the workbook has only in English is marked "
                            "[EN]. The last columns give the sub-regions covered, IOM's level "
                            "of engagement and the key entry points for IOM.").format(
            legend=legend, no_entry=level_label(ctx, NOT_RECORDED))),
        ("Membership", say(ctx, "Countries down, bodies across. Each cell shows the role the "
                                "country holds on the membership date: {roles}; '{mark}' after "
                                "the letter means no source confirms it. A suspension in force "
                                "on that date shows as S in place of the membership. Roles "
                                "that ended earlier are not shown, nor those marked Ended "
                                "whose end date is not recorded. A role with no start date is "
                                "taken to date from the founding. Bodies counts {rule}. "
                                "Organisations that take part as a bloc (the European Union) "
                                "are marked '(organisation)', are not among the most shared "
                                "countries and are counted apart from states. The briefing "
                                "notes and the mapping report read memberships by the same "
                                "rule, on the same date.").format(
            roles=roles, mark=UNCONFIRMED_MARK, rule=shared_rule(ctx, m.on))),
        ("Country codes", say(ctx, "ISO 3166-1 alpha-3, with these codes for parties that have "
                                   "none: {codes}.").format(codes=codes)),
        ("Summary", say(ctx, "Bodies per theme and per sub-region, the countries in the most "
                             "bodies (member or participant, as in the mapping report), and "
                             "the gaps: themes that no body covers at High, Medium or Low.")),
        ("Who may see it", audience_note),
        ("Colours", say(ctx, "Relevance is one blue getting lighter as relevance falls (None "
                             "grey, Not assessed white), the same colours as in the mapping "
                             "report and the briefing notes. Colours are chosen to be read by "
                             "colour-blind readers, and every shaded cell also carries a word "
                             "or a letter, so the sheets print in black and white.")),
        ("Regenerate", say(ctx, "This file is generated from the master workbook of the "
                                "mapping: corrections go into the master workbook, not into "
                                "this file.")),
    ]
    for label, text in notes:
        ws.write_string(row, 0, say(ctx, label), f.label)
        ws.write_string(row, 1, text, f.plain)
        ws.set_row(row, row_height([(text, 100)]))
        row += 1
    row += 1
    ws.write_string(row, 0, say(ctx, "Relevance legend"), f.section)
    row += 1
    for code, lv in relevance.RELEVANCE.items():
        ws.write_string(row, 0, level_label(ctx, code), f.for_relevance(code))
        if lv.meaning:
            ws.write_string(row, 1, say(ctx, lv.meaning.capitalize()), f.plain)
        row += 1
    ws.write_blank(row, 0, None, f.empty)
    ws.write_string(row, 1, f"{level_label(ctx, NOT_RECORDED)} : "
                            f"{say(ctx, relevance.NO_ENTRY.meaning)}", f.plain)
    row += 2
    ws.write_string(row, 0, say(ctx, "Membership legend"), f.section)
    row += 1
    for role in ROLE_STYLE:
        ws.write_string(row, 0, role_letter(role), f.for_role(role))
        ws.write_string(row, 1, texts.term("membership_roles", role), f.plain)
        row += 1
    setup(ws, ctx, say(ctx, "About the mapping matrix"), repeat=None)
    ws.fit_to_pages(1, 1)
