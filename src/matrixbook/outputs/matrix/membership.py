"""The *Membership* sheet: the country x body grid of the roles held on the membership date."""

from __future__ import annotations

from typing import Any

from matrixbook.model.context import BuildContext
from matrixbook.outputs.matrix.data import (
    GROUPS,
    UNCONFIRMED_MARK,
    Mapping,
    mark,
    role_letter,
)
from matrixbook.outputs.matrix.layout import (
    COUNTRY_WIDTH,
    LINE_HEIGHT,
    Formats,
    as_at,
    date_text,
    row_height,
    say,
    setup,
    shared_rule,
    text_lines,
    upright_header_height,
    wide_note,
)


def write_membership(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet(say(ctx, "Membership"))
    # A line of 10-point text a row (not Excel's 15 points for 11-point text): the grid of
    # some 125 countries prints on three pages rather than four.
    ws.set_default_row(LINE_HEIGHT)
    roles = [r for r in ctx.schema.vocabulary("membership_roles").codes]
    bodies = m.bodies.to_dict("records")
    texts = ctx.texts

    def role_name(role: str) -> str:
        return role if texts.english else texts.term("membership_roles", role)

    totals = [say(ctx, "Bodies"), *(role_name(r) for r in roles)]
    first_body = 2 + len(totals)
    ws.set_column(0, 0, COUNTRY_WIDTH)
    ws.set_column(1, 1, 6)
    ws.set_column(2, first_body - 1, 5)
    ws.set_column(first_body, first_body + max(len(bodies), 1) - 1, 4.5)
    on = date_text(m.on, ctx)
    ws.write_string(0, 0, say(ctx, "Membership: who sits where"), f.title)
    subtitle = say(ctx, "Roles {as_at}. Bodies counts {rule}. Audience: {audience}.").format(
        as_at=as_at(ctx, m), rule=shared_rule(ctx, m.on, dated=False),
        audience=say(ctx, ctx.audience_label))
    widths = [COUNTRY_WIDTH, 6, *[5] * len(totals), *[4.5] * max(len(bodies), 1)]
    if text_lines(subtitle, sum(widths)) > 1:  # it would run past the printed width
        wide_note(ws, f, 1, subtitle, widths)
    else:
        ws.write_string(1, 0, subtitle, f.subtitle)
    # Legend: the letter of each role in its own colour.
    ws.write_string(2, 0, say(ctx, "Legend"), f.label)
    col = 2
    for role in roles:
        ws.write_string(2, col, role_letter(role), f.for_role(role))
        ws.write_string(2, col + 1, role_name(role), f.unwrapped)  # runs over the empty cells
        col += 4
    ws.write_string(2, col, say(ctx, "{mark} after a letter: not confirmed by a source").format(
        mark=UNCONFIRMED_MARK), f.unwrapped)
    # A band naming the groups of bodies above their columns (no merged cells).
    band = 3
    for i in range(first_body + len(bodies)):
        ws.write_blank(band, i, None, f.group)
    ws.write_string(band, 2, say(ctx, "Totals"), f.group)
    start = first_body
    for kind, label in GROUPS:
        count = sum(1 for b in bodies if b["kind"] == kind)
        if count:
            ws.write_string(band, start, say(ctx, label), f.group)
        start += count
    header = 4
    ws.write_string(header, 0, say(ctx, "Country"), f.header)
    ws.write_string(header, 1, say(ctx, "Code"), f.header)
    for j, label in enumerate(totals):
        ws.write_string(header, 2 + j, label, f.header_rotated)
    for j, body in enumerate(bodies):
        ws.write_string(header, first_body + j, str(body["acronym"]), f.header_rotated)
    ws.set_row(header, upright_header_height([*totals, *(str(b["acronym"]) for b in bodies)]))
    row = header + 1
    for tally in m.ranked:
        seats = m.country_seats(tally.country)
        name = m.names.get(tally.country, tally.country)
        ws.write_string(row, 0, name, f.country)
        ws.write_string(row, 1, tally.country, f.text)
        ws.write_number(row, 2, tally.count, f.total)
        for j, role in enumerate(roles):
            ws.write_number(row, 3 + j, len(tally.by_role.get(role, [])), f.number)
        for j, body in enumerate(bodies):
            seat = seats.get(str(body["body_id"]))
            if seat:
                ws.write_string(row, first_body + j, mark(seat), f.for_role(seat.role or ""))
            else:
                ws.write_blank(row, first_body + j, None, f.empty)
        if text_lines(name, COUNTRY_WIDTH) > 1:  # a long name wraps within its row
            ws.set_row(row, row_height([(name, COUNTRY_WIDTH)]))
        row += 1
    last = row - 1
    ws.autofilter(header, 0, max(last, header), first_body + len(bodies) - 1)
    # Per-body totals, below the filtered range so sorting the grid leaves them in place.
    row += 1
    for label, per_body in (("States per body (every role)", m.states_per_body()),
                            ("Organisations per body (every role)",
                             m.organisations_per_body())):
        ws.write_string(row, 0, say(ctx, label), f.label)
        if text_lines(say(ctx, label), COUNTRY_WIDTH) > 1:  # wraps within its row
            ws.set_row(row, row_height([(say(ctx, label), COUNTRY_WIDTH)]))
        for j, body in enumerate(bodies):
            ws.write_number(row, first_body + j, per_body[str(body["body_id"])], f.total)
        row += 1
    if not m.countries:
        ws.write_string(header + 1, 0, say(ctx, "No current membership recorded."), f.note)
    ws.freeze_panes(header + 1, 2)
    setup(ws, ctx, say(ctx, "Membership as at {date}").format(date=on) if m.on
          else say(ctx, "Membership"), repeat=header)
