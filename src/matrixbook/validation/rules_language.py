"""Text a build in another language would show in English: at `--stage final` with `--lang fr`,
every cell of a `(French)` column left empty beside a filled English one (a brief section, a
recommendation, a body's name). A warning, never an error: the French outputs still build, the
English text marked as not translated."""

from __future__ import annotations

from matrixbook.report import Finding
from matrixbook.report.catalogue import UNTRANSLATED
from matrixbook.report.message import msg
from matrixbook.validation.rules import Context, rule
from matrixbook.values import blank_mask, is_blank


@rule
def untranslated(ctx: Context) -> list[Finding]:
    if ctx.stage != "final" or ctx.lang == "en":
        return []
    out = []
    for sheet in ctx.schema.sheets:
        data = ctx.book.sheets.get(sheet.name)
        t = ctx.tables.get(sheet.name)
        if data is None or t is None or t.empty:
            continue
        key = sheet.key_column.field if sheet.key_column is not None else None
        for col in sheet.columns:
            if col.language != ctx.lang or not col.translation_of:
                continue
            english = sheet.by_field[col.translation_of]
            if not data.has(english.field):
                continue
            if not data.has(col.field):
                # A workbook made before the column existed: every row falls back.
                if (~blank_mask(t[english.field])).any():
                    out.append(UNTRANSLATED.at(
                        sheet.name,
                        msg("untranslated", "The column '{column}' is not in the sheet, so a "
                            "French build shows the English text of '{english}' in every row. "
                            "Add a column headed '{column}' to give the French text.",
                            column=col.name, english=english.name),
                        column=col.name, stage=ctx.stage))
                continue
            missing = (blank_mask(t[col.field]) & ~blank_mask(t[english.field])).to_numpy()
            for row in t.index[missing]:
                cell = data.cell(col.field, row)
                record = (t.at[row, key] if key is not None and not is_blank(t.at[row, key])
                          else msg("untranslated", "Row {row}", row=row))
                out.append(ctx.finding(
                    UNTRANSLATED, sheet.name, col.field, row,
                    msg("untranslated", "{record}: '{column}' is empty, so a French build "
                        "shows the English text of '{english}', marked as not translated. "
                        "Type the French text in {cell}.", record=record, column=col.name,
                        english=english.name, cell=cell), None,
                    group=msg("untranslated", "{n} cells of '{column}' are empty, so a French "
                              "build shows the English text of '{english}' for them, marked "
                              "as not translated: {items}.", column=col.name,
                              english=english.name),
                    item=f"{record} ({cell})"))
    return out
