"""`matrixbook validate`: read the workbook, run the column checks generated from the schemas,
then the rules that span rows and sheets; collect every finding (never stop at the first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from matrixbook.reading import Book, SheetData, read_book
from matrixbook.report import Finding, Report
from matrixbook.report.catalogue import WRONG_TYPE
from matrixbook.schema import Schema
from matrixbook.speedups import collector
from matrixbook.validation import columns
from matrixbook.validation.hints import USED_TWICE
from matrixbook.validation.rules import RULES, Context


def _load_rule_modules() -> None:
    """Modules named rules_*.py beside this one add their rules to RULES when imported."""
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("rules_"):
            importlib.import_module(f"{__name__}.{info.name}")


_load_rule_modules()


@dataclass
class Checked:
    """The outcome of a check: the report, and the typed tables the outputs are built from."""

    report: Report
    tables: dict[str, pd.DataFrame]
    book: Book


def check_workbook(path: Path, schema: Schema, *, stage: str = "draft",
                   keep_extra_sheets: bool = False,
                   today: date | None = None, lang: str = "en") -> Checked:
    """Read and check the workbook; `keep_extra_sheets` also keeps staff's own sheets in
    `Checked.book` (for diff).
    `today`: also warn on statuses its date has left behind (validate gives it). `lang`: the
    language of the build checked for (texts it would show in English, at the final stage)."""
    with collector.paused():
        return _check_workbook(path, schema, stage, keep_extra_sheets, today, lang)


def _check_workbook(path: Path, schema: Schema, stage: str, keep_extra_sheets: bool,
                    today: date | None = None,
                    lang: str = "en") -> Checked:
    typed: dict[str, pd.DataFrame] = {}
    unreadable: dict[str, set[tuple[int, str]]] = {}  # cells emptied for a wrong type
    raw: dict[str, list[Finding]] = {}

    def check_sheet(data: SheetData) -> None:
        """The checks of one sheet alone, run as soon as it is read (while the reading
        threads may still parse the others)."""
        name = data.sheet.name
        profiles = columns.profile_sheet(data)
        raw[name] = columns.raw_findings(data, profiles)
        bad = {(f.row, data.sheet.by_name[f.column].field) for f in raw[name]
               if f.kind is WRONG_TYPE and f.row is not None and f.column is not None}
        unreadable[name] = bad
        typed[name] = columns.typed_frame(data, schema, bad, profiles)

    book = read_book(path, schema, keep_extra_sheets=keep_extra_sheets, on_sheet=check_sheet)
    report = Report(str(path))
    report.extend(book.findings)
    for name in book.sheets:
        report.extend(raw[name])
    typed = {name: typed[name] for name in book.sheets}  # in the schema's order
    for sheet in schema.sheets:
        if sheet.name not in typed:
            typed[sheet.name] = pd.DataFrame({c.field: pd.Series(dtype=object)
                                              for c in sheet.columns})
    keys = key_sets(schema, typed, book)
    for name, data in book.sheets.items():
        report.extend(columns.typed_findings(data, typed[name], schema, keys))
    ctx = Context(schema, book, typed, stage, unreadable, today, lang)
    for rule in RULES:
        report.extend(rule(ctx))
    return Checked(report, typed, book)


def key_sets(schema: Schema, typed: dict[str, pd.DataFrame],
             book: Book | None = None) -> dict[str, set[str]]:
    """Every ID defined by each sheet's key column: 'Entities.Entity ID' -> {...}; only for
    sheets that were read with their key column."""
    keys = {}
    for sheet in schema.sheets:
        data = book.sheets.get(sheet.name) if book is not None else None
        key = sheet.key_column
        if key is None or (book is not None and (data is None or not data.has(key.field))):
            continue
        values = typed[sheet.name][key.field].dropna().astype(str)
        keys[f"{sheet.name}.{sheet.key}"] = set(values.tolist())
        twice = set(values[values.duplicated()].tolist())
        if twice:  # a copied ID may have taken the place of one that other sheets refer to
            keys[f"{sheet.name}.{sheet.key}{USED_TWICE}"] = twice
    return keys
