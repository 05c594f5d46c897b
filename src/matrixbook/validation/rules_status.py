"""Statuses the calendar has left behind: an interview still Planned after its date, a task
still Not started after its end, a source still Requested after its due date.

Which statuses mean "still ahead" is declared in schemas/vocabularies.yaml (`pending: true` on
the term) and which date ends them on the status column (`pending_until` in the sheet), so a
new status or sheet needs no code. The rule runs when `validate` gives a date for today."""

from __future__ import annotations

import pandas as pd

from matrixbook.report import Finding
from matrixbook.report.catalogue import STALE_STATUS
from matrixbook.report.message import Message, msg
from matrixbook.validation.rules import Context, rule
from matrixbook.values import is_blank


def _words(codes: list[str] | tuple[str, ...]) -> Message:
    """'A, B or C': the statuses to type, as the list spells them."""
    if len(codes) == 1:
        return msg("stale-status", "{one}", one=codes[0])
    return msg("stale-status", "{some} or {last}", some=", ".join(codes[:-1]), last=codes[-1])


@rule
def stale_status(ctx: Context) -> list[Finding]:
    if ctx.today is None:
        return []
    today = pd.Timestamp(ctx.today)
    out = []
    for sheet in ctx.schema.sheets:
        data = ctx.book.sheets.get(sheet.name)
        t = ctx.tables.get(sheet.name)
        if data is None or t is None or t.empty:
            continue
        for col in sheet.columns:
            if not (col.pending_until and col.vocabulary) or not (
                    data.has(col.field) and data.has(col.pending_until)):
                continue
            vocab = ctx.schema.vocabulary(col.vocabulary)
            pending = vocab.pending_codes
            last_pending = max(vocab.codes.index(c) for c in pending)
            # What to type instead: the statuses that follow the pending ones in the list.
            after = (list(vocab.codes[last_pending + 1:])
                     or [c for c in vocab.codes if c not in pending])
            until = sheet.by_field[col.pending_until]
            dates = t[col.pending_until]
            late = t[t[col.field].isin(pending) & dates.notna()
                     & (dates.dt.normalize() < today)]
            key = sheet.key_column.field if sheet.key_column is not None else None
            group = msg("stale-status", "{n} rows are still {pending} after their {until} "
                        "(today: {today}): {items}. Type in each {column} what has happened "
                        "since ({after}), or, if it is still to come, type its new {until}.",
                        pending=_words(pending), until=until.name,
                        today=today.strftime("%Y-%m-%d"), column=col.name, after=_words(after))
            for row, rec in late.iterrows():
                status_cell = data.cell(col.field, row)
                date_cell = data.cell(col.pending_until, row)
                ident = (msg("stale-status", "Row {row}", row=row)
                         if key is None or is_blank(rec[key]) else rec[key])
                day = f"{rec[col.pending_until]:%Y-%m-%d}"
                out.append(ctx.finding(
                    STALE_STATUS, sheet.name, col.field, row,
                    msg("stale-status", "{ident} is still {status}, but its {until} ({day}, "
                        "{date_cell}) has passed (today: {today}). Type in {status_cell} what has "
                        "happened since ({after}), or, if it is still to come, type its new "
                        "{until} in {date_cell}.", ident=ident, status=rec[col.field],
                        until=until.name, day=day, date_cell=date_cell,
                        today=today.strftime("%Y-%m-%d"), status_cell=status_cell,
                        after=_words(after)), rec[col.field],
                    group=group, item=f"{ident} ({rec[col.field]}, {day}: {status_cell})"))
    return out
