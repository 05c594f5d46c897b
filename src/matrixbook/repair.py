"""`matrixbook init --repair-lists MINE.xlsx --out NEW.xlsx`: the drop-down lists of a master
workbook rebuilt into a copy of it, every cell of its data as it was.

Deleting the hidden Lists sheet (or a schema that gained a value) leaves the drop-downs empty
or pointing at nothing. This writes a NEW file: the user's workbook is only read. openpyxl
keeps what it does not understand in their file (their formatting, own sheets and columns);
the Lists sheet, the defined names of the ID lists and the validations of the declared
columns are written again, found by their headers wherever the columns now stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from matrixbook.cells import column_letter
from matrixbook.errors import InputError, UsageError
from matrixbook.files import atomic_write, open_for_copy, refuse_overwrite
from matrixbook.lists import IdSource, build_lists
from matrixbook.newbook import EMPTY_ROWS_WITH_CHECKS, input_message, validation_options
from matrixbook.reading import normalise_header
from matrixbook.schema import Schema


@dataclass
class Repaired:
    path: Path
    lists: int  # columns of the Lists sheet written
    columns: int  # declared columns given their drop-down or check again
    replaced: bool  # the workbook had a Lists sheet, now replaced


def repair_lists(source: Path, out: Path, schema: Schema, *, force: bool = False) -> Repaired:

    if not source.exists():
        raise InputError(f"{source}: no such file. Give the path of your workbook.")
    if out.resolve() == source.resolve():
        raise UsageError(f"--out would write over the workbook itself ({source}); give another "
                         "file name, e.g. master-repaired.xlsx.")
    for path in (source, out):
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise UsageError(f"--repair-lists reads and writes Excel workbooks (.xlsx); "
                             f"{path.name} is not one.")
    refuse_overwrite(out, force)
    wb = open_for_copy(source, out)
    titles = {t.casefold(): t for t in wb.sheetnames}
    replaced = schema.names.lists.casefold() in titles
    if replaced:
        wb.remove(wb[titles[schema.names.lists.casefold()]])

    positions: dict[str, dict[str, int]] = {}  # sheet -> field -> 1-based column
    last_rows: dict[str, int] = {}
    sources: dict[str, IdSource] = {}
    for sheet in schema.sheets:
        title = titles.get(sheet.name.casefold())
        if title is None:
            continue
        ws = wb[title]
        wanted = {normalise_header(c.name): c.field for c in sheet.columns}
        found: dict[str, int] = {}
        for cell in ws[sheet.header_row]:
            if cell.value is not None and normalise_header(cell.value) in wanted:
                found.setdefault(wanted[normalise_header(cell.value)], cell.column)
        positions[sheet.name] = found
        last_rows[sheet.name] = max(ws.max_row, sheet.header_row + 1) + EMPTY_ROWS_WITH_CHECKS
        key = sheet.key_column
        if key is not None and key.field in found:
            sources[sheet.name] = IdSource(title, column_letter(found[key.field] - 1),
                                           sheet.header_row + 1, last_rows[sheet.name])
    lists = build_lists(schema, sources)
    _write_lists(wb, lists)
    columns = 0
    for sheet in schema.sheets:
        if sheet.name not in positions:
            continue
        ws = wb[titles[sheet.name.casefold()]]
        declared = set(positions[sheet.name].values())
        _drop_validations(ws, declared)
        for col in sheet.columns:
            at = positions[sheet.name].get(col.field)
            if at is None:
                continue
            options = validation_options(col, lists)
            options.update(input_message(col, schema))
            letter = column_letter(at - 1)
            dv = _openpyxl_validation(options)
            dv.add(f"{letter}{sheet.header_row + 1}:{letter}{last_rows[sheet.name]}")
            ws.add_data_validation(dv)
            columns += 1
    with atomic_write(out) as tmp:
        wb.save(tmp)
    return Repaired(out, len(lists.columns), columns, replaced)


def _write_lists(wb: Any, lists: Any) -> None:
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.formula import ArrayFormula

    ws = wb.create_sheet(lists.title)
    for i, column in enumerate(lists.columns, start=1):
        ws.cell(row=1, column=i).value = column.header
        for j, value in enumerate(column.values, start=2):
            cell = ws.cell(row=j, column=i)
            cell.value = value
            cell.data_type = "s"  # a vocabulary term is text, never a formula
        for j, formula in enumerate(column.formulas, start=2):
            ref = f"{column_letter(i - 1)}{j}"
            ws[ref] = ArrayFormula(ref, formula.removeprefix("{").removesuffix("}"))
    ws.sheet_state = "hidden"
    for name, formula in lists.names.items():
        if name in wb.defined_names:
            del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=formula.removeprefix("="))


def _drop_validations(ws: Any, declared: set[int]) -> None:
    """Forget the checks on the declared columns (they are written again); the user's own
    checks on their own columns stay."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    kept = []
    for dv in ws.data_validations.dataValidation:
        ranges = [r for r in dv.sqref.ranges
                  if not (r.min_col == r.max_col and r.min_col in declared)]
        if ranges:
            dv.sqref = MultiCellRange(ranges)
            kept.append(dv)
    ws.data_validations.dataValidation = kept


def _openpyxl_validation(options: dict[str, Any]) -> Any:
    """xlsxwriter's options (what `init` writes) as openpyxl's DataValidation."""
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet.datavalidation import DataValidation

    def formula(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, list):
            return '"' + ",".join(value) + '"'
        if isinstance(value, datetime | date):
            serial = to_excel(value)
            return str(int(serial)) if float(serial).is_integer() else str(serial)
        return str(value).removeprefix("=")

    kind = options.get("validate")
    dv = DataValidation(
        type={"any": None, "integer": "whole"}.get(kind or "", kind),
        operator=options.get("criteria") if kind in ("integer", "date") else None,
        formula1=formula(options.get("source", options.get("minimum"))),
        formula2=formula(options.get("maximum")),
        allow_blank=True,
        showErrorMessage=kind not in (None, "any"),
        showInputMessage=True,
        errorStyle=options.get("error_type"),
        errorTitle=options.get("error_title"),
        error=options.get("error_message"),
        promptTitle=options.get("input_title"),
        prompt=options.get("input_message"),
    )
    return dv
