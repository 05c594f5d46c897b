"""Two versions of the workbook read (side by side when large, see matrixbook.speedups.pool)
and compared: sheets, columns, records, and the findings each version has."""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path

from matrixbook import speedups
from matrixbook.diff.matching import _compare_tables, _match_tables
from matrixbook.diff.model import SHEET_ADDED, SHEET_REMOVED, Change, Comparison, FindingChange
from matrixbook.diff.tables import _tables
from matrixbook.diff.values import _key_text
from matrixbook.reading import Book, SheetData, read_book
from matrixbook.report import ERROR, Finding
from matrixbook.schema import Schema

# ---------------------------------------------------------------------------------------------
# Comparing


def compare(old: Path | str, new: Path | str, schema: Schema, *,
            findings: bool = True) -> Comparison:
    """Compare two versions of the workbook. Raises InputError when either cannot be read."""
    old, new = Path(old), Path(new)
    (old_book, old_found), (new_book, new_found) = _read_both(old, new, schema, findings)
    result = compare_books(old_book, new_book)
    result.old_path, result.new_path = str(old), str(new)
    if findings:
        result.findings = _finding_delta(old_found, new_found, schema, set(new_book.sheets))
    return result


FindingKey = tuple[str, str | None, str | None, str]  # sheet, record key, column, rule
Side = tuple[Book, list[tuple[FindingKey, Finding]]]


def _side(path: Path, schema: Schema, findings: bool) -> Side:
    """One version: its sheets as read_book gives them, and its findings keyed by record.

    check_workbook reads the file once and hands back what it read, staff's own sheets included.
    """
    if not findings:
        return read_book(path, schema, keep_extra_sheets=True), []
    from matrixbook.validation import check_workbook

    checked = check_workbook(path, schema, keep_extra_sheets=True)
    return checked.book, _keyed_findings(checked.report.findings, checked.book)


def _read_both(old: Path, new: Path, schema: Schema, findings: bool) -> tuple[Side, Side]:
    """Read and check both versions, one after the other; two large files are read on two
    cores at once when matrixbook.speedups is on (the versions do not depend on each other)."""
    if speedups.enabled():
        from matrixbook.speedups.pool import both, both_large

        if both_large(old, new):
            return both(partial(_side, schema=schema, findings=findings), old, new)
    return _side(old, schema, findings), _side(new, schema, findings)


def compare_books(old: Book, new: Book) -> Comparison:
    """Compare two workbooks already read (read_book with keep_extra_sheets=True)."""
    old_tables = _tables(old)
    new_tables = _tables(new)
    result = Comparison(str(old.path), str(new.path))
    pairs, gone, fresh = _match_tables(old_tables, new_tables)
    for o, n in pairs:
        result.titles[n.name] = n.title
        result.changes.extend(_compare_tables(o, n))
    for n in fresh:
        result.titles[n.name] = n.title
        result.changes.append(Change(SHEET_ADDED, n.name, new=n.title, cell="A1"))
    for o in gone:
        result.changes.append(Change(SHEET_REMOVED, o.name, old=o.title, old_cell="A1"))
    order: dict[str, int] = {}
    for t in new_tables + old_tables:
        order.setdefault(t.name, len(order))
    result.changes.sort(key=lambda c: order.get(c.sheet, len(order)))  # stable within a sheet
    return result



def _finding_delta(old_keyed: list[tuple[FindingKey, Finding]],
                   new_keyed: list[tuple[FindingKey, Finding]],
                   schema: Schema, new_sheets: set[str]) -> list[FindingChange]:
    """Matched as a multiset. A finding in a declared sheet the new version lacks (deleted,
    renamed) is not "fixed": that sheet could not be checked; its absence is the finding."""
    declared = {s.name for s in schema.sheets}
    old_keyed = [(k, f) for k, f in old_keyed if f.sheet not in declared or f.sheet in new_sheets]
    old_count = Counter(k for k, _ in old_keyed)
    new_count = Counter(k for k, _ in new_keyed)
    out: list[FindingChange] = []
    extra_new = new_count - old_count
    for k, f in new_keyed:
        if extra_new[k] > 0:
            extra_new[k] -= 1
            out.append(FindingChange("introduced", k[1], f))
    extra_old = old_count - new_count
    for k, f in old_keyed:
        if extra_old[k] > 0:
            extra_old[k] -= 1
            out.append(FindingChange("fixed", k[1], f))
    order = {s.name: i for i, s in enumerate(schema.sheets)}
    out.sort(key=lambda c: (c.status != "introduced", order.get(c.finding.sheet, len(order)),
                            c.finding.severity != ERROR, c.finding.row or 0))
    return out


def _keyed_findings(findings: list[Finding], book: Book) -> list[tuple[FindingKey, Finding]]:
    out = []
    for f in findings:
        key = None
        data = book.sheets.get(f.sheet)
        if data is not None and f.row is not None:
            key = _record_key(data, f.row)
        out.append(((f.sheet, key, f.column, f.rule), f))
    return out


def _record_key(data: SheetData, row: int) -> str | None:
    key = data.sheet.key_column
    if key is None or key.field not in data.frame.columns or row not in data.frame.index:
        return None
    return _key_text(data.frame.at[row, key.field])


