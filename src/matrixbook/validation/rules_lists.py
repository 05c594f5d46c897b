"""The hidden Lists sheet: without it every drop-down of the workbook is gone, silently (Excel
shows no choices, or refuses every value). `validate` says so and how to get them back."""

from __future__ import annotations

from pathlib import Path

from matrixbook.report import Finding
from matrixbook.report.catalogue import NO_LISTS_SHEET
from matrixbook.report.message import msg
from matrixbook.validation.rules import Context, rule


@rule
def lists_sheet(ctx: Context) -> list[Finding]:
    lists = ctx.schema.names.lists
    if lists.casefold() in (t.casefold() for t in ctx.book.sheet_titles):
        return []
    path = Path(ctx.book.path)
    copy = path.with_name(f"{path.stem}-lists{path.suffix or '.xlsx'}")
    shown, shown_copy = (f'"{p}"' if " " in str(p) else str(p) for p in (path, copy))
    return [NO_LISTS_SHEET.at(
        lists,
        msg("no-lists-sheet", "The hidden sheet '{lists}' is missing, so the drop-down lists of "
            "this workbook show no choices (Countries, Body IDs, statuses...). To restore them, "
            "run `matrixbook init --repair-lists {path} --out {copy}`: it writes a copy with the "
            "lists rebuilt and every cell of your data unchanged; open it, then use it in place "
            "of {name}.", lists=lists, path=shown, copy=shown_copy, name=path.name))]
