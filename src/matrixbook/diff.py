"""`matrixbook diff`: what changed between two versions of the workbook, record by record.

A reviewer's first question about a workbook that comes back by email is "what changed since
the version I read?". Comparing two files by eye is where errors slip through, so this module
answers it the way a reviewer thinks: by record, not by row.

- Records are matched by their sheet's key (Policy ID, Entity ID...), never by row position,
  so sorting a sheet or moving a record is not a change. A key used twice is paired in order of
  appearance; rows with an empty key are lined up like the rows of a sheet without key (below).
- Columns are matched by header, so moving a column is not a change. A header that is gone
  from one version and new in the other is a *rename* when the name is close and the column
  sits at the same place or holds the same values, or when it sits at the same place and holds
  the same values (see `_is_rename`); otherwise it is a removed and an added column.
- Values are compared as typed values: 3 and 3.0 are equal, a date and the same date-time at
  midnight are equal, Yes and TRUE are equal in a yes/no column, 13 and '13' in a text column.
  Text stays text: '2018' typed as text in a number column is a change.
- A change in white space only (spaces before or after, doubled, non-breaking, around the ';'
  of a list) has its own kind, "whitespace", so it does not hide the real edits.
- Staff's own columns are compared by header like declared ones. Staff's own sheets have no
  declared key: when their first column is filled and unique in both versions it is used as
  the key. Otherwise their rows are lined up as `diff` lines up lines of text: runs of
  unchanged rows pair up (inserting a row above the others does not shift them), an unchanged
  row found elsewhere is a moved row (not a change), and the rows of a run that was replaced
  pair up in order, so a row edited in place shows as changed cells; the rest are added or
  removed. Rows with an empty key in a declared sheet are matched the same way.
- The validation difference: findings the new version introduces and those it fixes, matched
  by (sheet, key of the record, column, rule) rather than by cell, so that a moved record does
  not make its findings new.

The comparison is vectorised: records are aligned on the key with pandas indexes, every cell
pair is compared at once as numpy object arrays, and only the cells that differ (about 1% in a
real revision) go through the Python code that types and classifies them.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matrixbook.reading import Book, SheetData, column_letter, normalise_header, read_book
from matrixbook.report import ERROR, Finding, json_value
from matrixbook.schema import Schema

# Kinds of change, in the order a sheet's changes are listed.
SHEET_ADDED = "sheet-added"
SHEET_REMOVED = "sheet-removed"
SHEET_RENAMED = "sheet-renamed"
COLUMN_ADDED = "column-added"
COLUMN_REMOVED = "column-removed"
COLUMN_RENAMED = "column-renamed"
ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
WHITESPACE = "whitespace"
KINDS = (SHEET_ADDED, SHEET_REMOVED, SHEET_RENAMED, COLUMN_ADDED, COLUMN_REMOVED,
         COLUMN_RENAMED, ADDED, REMOVED, CHANGED, WHITESPACE)
STRUCTURE_KINDS = frozenset(KINDS[:6])
FIELD_KINDS = frozenset({CHANGED, WHITESPACE})

RENAME_NAME_RATIO = 0.6  # difflib ratio above which two headers (or sheet names) are close
RENAME_VALUE_SHARE = 0.8  # share of records whose values agree for "same values"

_SPACES = re.compile(r"[\s\u00a0]+")
_TRUE = frozenset({"yes", "true", "y", "oui", "1"})
_FALSE = frozenset({"no", "false", "n", "non", "0"})


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Change:
    """One difference between the two versions, at one place.

    `key` is the record's key (None for a change to a sheet or column, or a row of a sheet
    compared by content); `column` the header in the new version (the old one when removed);
    `cell` the cell in the new file (None when the thing is gone), `old_cell` in the old file.
    For an added or removed record `new`/`old` hold the record as {header: value}.
    """

    kind: str
    sheet: str
    key: str | None = None
    column: str | None = None
    old: Any = None
    new: Any = None
    cell: str | None = None
    old_cell: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "key": self.key, "column": self.column,
                "old": _json(self.old), "new": _json(self.new), "kind": self.kind,
                "cell": self.cell, "old_cell": self.old_cell}

    @property
    def row(self) -> int | None:
        """The Excel row of `cell` (in the new file)."""
        return _row_of(self.cell)


@dataclass(frozen=True)
class FindingChange:
    """A validation finding that one version has and the other has not."""

    status: str  # "introduced" (only in the new version) or "fixed" (only in the old one)
    key: str | None
    finding: Finding

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "key": self.key, **self.finding.as_dict()}


@dataclass
class Comparison:
    """Everything that differs between OLD and NEW; renders as text or JSON, gives the exit
    status (0 the same, 1 different, like `diff`)."""

    old_path: str
    new_path: str
    changes: list[Change] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # sheet -> its title in the new file

    @property
    def same(self) -> bool:
        return not self.changes and not self.findings

    @property
    def exit_code(self) -> int:
        return 0 if self.same else 1

    @property
    def introduced(self) -> list[FindingChange]:
        return [f for f in self.findings if f.status == "introduced"]

    @property
    def fixed(self) -> list[FindingChange]:
        return [f for f in self.findings if f.status == "fixed"]

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Short lists for tests: flatten(["kind", "key", "column"]) == [["changed", ...]]."""
        return [[getattr(c, k) for k in keys] for c in self.changes]

    def sheets(self) -> list[str]:
        """The sheets with a change, in the order they are listed."""
        return list(dict.fromkeys(c.sheet for c in self.changes))

    def counts(self) -> dict[str, dict[str, int]]:
        """Per sheet: records added, removed and changed, fields changed, white space only,
        columns added/removed/renamed, and validation findings introduced and fixed."""
        out: dict[str, dict[str, int]] = {}
        blank = dict.fromkeys(("added", "removed", "records_changed", "fields_changed",
                               "whitespace", "columns", "sheet", "introduced", "fixed"), 0)
        changed_records: dict[str, set[Any]] = {}  # a record: its key, or its row if none
        for c in self.changes:
            n = out.setdefault(c.sheet, dict(blank))
            if c.kind == ADDED:
                n["added"] += 1
            elif c.kind == REMOVED:
                n["removed"] += 1
            elif c.kind == CHANGED:
                n["fields_changed"] += 1
                changed_records.setdefault(c.sheet, set()).add(c.key or c.row)
            elif c.kind == WHITESPACE:
                n["whitespace"] += 1
                changed_records.setdefault(c.sheet, set()).add(c.key or c.row)
            elif c.kind.startswith("column-"):
                n["columns"] += 1
            else:
                n["sheet"] += 1
        for sheet, keys in changed_records.items():
            out[sheet]["records_changed"] = len(keys)
        for f in self.findings:
            n = out.setdefault(f.finding.sheet, dict(blank))
            n[f.status] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "old": self.old_path,
            "new": self.new_path,
            "same": self.same,
            "changes": [c.as_dict() for c in self.changes],
            "findings": {
                "introduced": [f.as_dict() for f in self.introduced],
                "fixed": [f.as_dict() for f in self.fixed],
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        if self.same:
            return f"No differences between {self.old_path} and {self.new_path}."
        n = len(self.changes)
        sheets = len(self.sheets())
        text = (f"{_plural(n, 'change')} in {_plural(sheets, 'sheet')}" if n
                else "No change in the data")
        return (f"{text}; validation: {_plural(len(self.introduced), 'new problem')}, "
                f"{len(self.fixed)} fixed.")

    def to_text(self, width: int = 100) -> str:
        return _render_text(self, width)


# ---------------------------------------------------------------------------------------------
# Comparing


PARALLEL_BYTES = 1_000_000  # both files larger than this: each is read on its own core


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


def _ignore_ctrl_c() -> None:
    """The reading worker ignores Ctrl+C: the command stops and says so in one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_both(old: Path, new: Path, schema: Schema, findings: bool) -> tuple[Side, Side]:
    """Read and check both versions; two large files on two cores at once.

    Reading and validating are most of the time of a large comparison and the two versions
    do not depend on each other. A forked process starts at once with everything imported. On
    Windows and macOS, where forking is missing or unsafe (a fresh process would import pandas
    again), and for small files, one after the other.
    """
    import multiprocessing

    large = all(p.is_file() and p.stat().st_size > PARALLEL_BYTES for p in (old, new))
    if not large or not sys.platform.startswith("linux"):
        return _side(old, schema, findings), _side(new, schema, findings)
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                             initializer=_ignore_ctrl_c) as pool:
        first = pool.submit(_side, old, schema, findings)
        try:
            second = _side(new, schema, findings)
        except Exception:
            first.result()  # a problem with OLD is told first, as when read in turn
            raise
        return first.result(), second


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


def finding_changes(old: Path, new: Path, schema: Schema) -> list[FindingChange]:
    """Findings only the new version has (introduced) and only the old one has (fixed).

    Matched by (sheet, record key, column, rule), as a multiset: a record that moved keeps its
    findings, and a second finding of the same kind on the same record still counts.
    """
    from matrixbook.validation import check_workbook

    old_checked = check_workbook(old, schema)
    new_checked = check_workbook(new, schema)
    return _finding_delta(_keyed_findings(old_checked.report.findings, old_checked.book),
                          _keyed_findings(new_checked.report.findings, new_checked.book),
                          schema, set(new_checked.book.sheets))


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


# ---------------------------------------------------------------------------------------------
# One sheet of one version, in the shape the comparison needs


@dataclass
class _Column:
    ident: str  # normalised header: the identity of a column across versions
    header: str  # as the user reads it
    position: int  # 0-based column index in the file
    type: str | None  # declared type, None for staff's own columns


@dataclass
class _Table:
    name: str  # schema name, or the title of a staff's own sheet
    title: str  # the sheet's title in the file
    position: int  # index of the sheet in the file
    frame: pd.DataFrame  # raw cells; index: Excel row; columns: idents
    columns: dict[str, _Column]
    key: str | None  # ident of the key column
    declared: bool
    header_row: int = 1
    separator: str = ";"

    def cell(self, ident: str, row: int) -> str:
        return f"{column_letter(self.columns[ident].position)}{row}"


def _tables(book: Book) -> list[_Table]:
    titles = list(book.sheet_titles)
    out = []
    for name, data in book.sheets.items():
        out.append(_declared_table(book, name, data, titles))
    for title, frame in book.extra_sheets.items():
        out.append(_plain_table(title, frame, titles.index(title) if title in titles else -1))
    return out


def _declared_table(book: Book, name: str, data: SheetData, titles: list[str]) -> _Table:
    sheet = data.sheet
    frame = data.frame
    columns: dict[str, _Column] = {}
    rename: dict[str, str] = {}
    for col in sheet.columns:
        if data.has(col.field):
            ident = normalise_header(col.name)
            columns[ident] = _Column(ident, col.name, data.positions[col.field], col.type)
            rename[col.field] = ident
    for header in data.extra_headers:
        ident = normalise_header(header)
        if ident in columns:  # two extra headers that differ only in spacing or case
            continue
        columns[ident] = _Column(ident, header, data.positions[header], None)
        rename[header] = ident
    frame = frame[list(rename)].set_axis(list(rename.values()), axis=1)
    frame, columns = _recover_misspelt(book, data, frame, columns)
    key = normalise_header(sheet.key) if sheet.key else None
    return _Table(name, data.title, titles.index(data.title) if data.title in titles else -1,
                  frame, columns, key if key in columns else None, True, sheet.header_row,
                  book.schema.separator)


def _recover_misspelt(book: Book, data: SheetData, frame: pd.DataFrame,
                      columns: dict[str, _Column]) -> tuple[pd.DataFrame, dict[str, _Column]]:
    """Put back the columns read_book leaves out because their header looks like a misspelt
    declared one ('Statu' for 'Status'): a renamed header must be compared, not dropped."""
    misspelt = [f for f in book.findings
                if f.sheet == data.sheet.name and f.rule == "misspelt-header" and f.cell
                and isinstance(f.value, str) and normalise_header(f.value) not in columns]
    if not misspelt:
        return frame, columns
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(book.path))  # read_book has already vetted it
    try:
        rows = workbook.get_sheet_by_name(data.title).to_python(skip_empty_area=False)
    finally:
        close = getattr(workbook, "close", None)
        if close:
            close()
    frame = frame.copy()
    columns = dict(columns)
    for f in misspelt:
        position = _column_index(f.cell or "")
        values = {}
        for row in frame.index:  # Excel row numbers of the records read_book kept
            cells = rows[row - 1] if row - 1 < len(rows) else []
            value = cells[position] if position < len(cells) else None
            values[row] = None if value == "" else value
        ident = normalise_header(f.value)
        frame[ident] = pd.Series(values, dtype=object)
        columns[ident] = _Column(ident, str(f.value), position, None)
    return frame, columns


def _plain_table(title: str, frame: pd.DataFrame, position: int) -> _Table:
    columns: dict[str, _Column] = {}
    keep: list[int] = []
    idents: list[str] = []
    for i, header in enumerate(frame.columns):
        ident = normalise_header(header)
        if ident in columns:
            n = 2
            while f"{ident} ({n})" in columns:
                n += 1
            ident = f"{ident} ({n})"
        columns[ident] = _Column(ident, str(header), i, None)
        keep.append(i)
        idents.append(ident)
    frame = frame.iloc[:, keep].set_axis(idents, axis=1) if len(frame.columns) else frame
    if len(frame.columns):
        frame = frame[frame.notna().any(axis=1)]
    key = None
    if idents:
        first = frame[idents[0]].map(_key_text)
        if len(first) and first.notna().all() and first.is_unique:
            key = idents[0]
    return _Table(title, title, position, frame, columns, key, False)


# ---------------------------------------------------------------------------------------------
# Matching sheets and columns across versions


def _match_tables(old: list[_Table], new: list[_Table]
                  ) -> tuple[list[tuple[_Table, _Table]], list[_Table], list[_Table]]:
    by_name = {t.name.casefold(): t for t in old}
    pairs: list[tuple[_Table, _Table]] = []
    fresh: list[_Table] = []
    matched: set[int] = set()
    for n in new:
        o = by_name.get(n.name.casefold())
        if o is not None and id(o) not in matched:
            pairs.append((o, n))
            matched.add(id(o))
        else:
            fresh.append(n)
    gone = [o for o in old if id(o) not in matched]
    if gone and fresh:
        renamed = _pair_renames(
            gone, fresh, name=lambda t: t.name, position=lambda t: t.position,
            agreement=_content_agreement)
        for o, n in renamed:
            pairs.append((o, n))
            gone.remove(o)
            fresh.remove(n)
    return pairs, gone, fresh


def _content_agreement(o: _Table, n: _Table) -> float | None:
    """Share of the old sheet's rows found unchanged in the new one (None if both empty)."""
    common = [i for i in o.columns if i in n.columns]
    if not common or (o.frame.empty and n.frame.empty):
        return None
    old_rows = Counter(_row_signature(o, common))
    new_rows = Counter(_row_signature(n, common))
    total = max(sum(old_rows.values()), sum(new_rows.values()))
    return sum((old_rows & new_rows).values()) / total if total else None


def _row_signature(t: _Table, idents: list[str]) -> list[tuple[Any, ...]]:
    types = [t.columns[i].type for i in idents]
    values = t.frame[idents].to_numpy(dtype=object)
    return [tuple(_typed(v, ty, t.separator) for v, ty in zip(row, types, strict=True))
            for row in values]


def _pair_renames(old: list[Any], new: list[Any], *, name: Any, position: Any,
                  agreement: Any) -> list[tuple[Any, Any]]:
    """Pair things (columns or sheets) gone from OLD with things new in NEW that are the same
    thing under a new name; the best-scoring pairs first, each thing used once."""
    scored = []
    for o in old:
        for n in new:
            ratio = difflib.SequenceMatcher(None, name(o).casefold(), name(n).casefold()).ratio()
            same_place = position(o) == position(n) and position(o) >= 0
            share = agreement(o, n)
            if _is_rename(ratio, same_place, share):
                scored.append((2 * (share or 0) + same_place + ratio, o, n))
    scored.sort(key=lambda s: -s[0])
    pairs, used_o, used_n = [], set(), set()
    for _, o, n in scored:
        if id(o) in used_o or id(n) in used_n:
            continue
        pairs.append((o, n))
        used_o.add(id(o))
        used_n.add(id(n))
    return pairs


def _is_rename(ratio: float, same_place: bool, share: float | None) -> bool:
    """A close name at the same place or with the same values, or a new name at the same place
    with the same values. Values that agree on 80% of records count as the same."""
    close = ratio >= RENAME_NAME_RATIO
    same_values = share is not None and share >= RENAME_VALUE_SHARE
    return (close and (same_place or same_values)) or (same_place and same_values)


# ---------------------------------------------------------------------------------------------
# Comparing one sheet


def _compare_tables(o: _Table, n: _Table) -> list[Change]:
    out: list[Change] = []
    sheet = n.name
    if o.title != n.title:
        out.append(Change(SHEET_RENAMED, sheet, old=o.title, new=n.title, cell="A1",
                          old_cell="A1"))
    pairs = [(i, i) for i in n.columns if i in o.columns]
    gone = [c for i, c in o.columns.items() if i not in n.columns]
    fresh = [c for i, c in n.columns.items() if i not in o.columns]
    if gone and fresh:
        align = _Alignment.of(o, n, pairs)

        def agreement(a: _Column, b: _Column) -> float | None:
            return align.agreement(o, n, a.ident, b.ident)

        for a, b in _pair_renames(gone, fresh, name=lambda c: c.header,
                                  position=lambda c: c.position, agreement=agreement):
            pairs.append((a.ident, b.ident))
            gone.remove(a)
            fresh.remove(b)
            out.append(Change(COLUMN_RENAMED, sheet, column=b.header, old=a.header,
                              new=b.header, cell=_header_cell(n, b.ident),
                              old_cell=_header_cell(o, a.ident)))
    for c in sorted(fresh, key=lambda c: c.position):
        out.append(Change(COLUMN_ADDED, sheet, column=c.header, new=c.header,
                          cell=_header_cell(n, c.ident)))
    for c in sorted(gone, key=lambda c: c.position):
        out.append(Change(COLUMN_REMOVED, sheet, column=c.header, old=c.header,
                          old_cell=_header_cell(o, c.ident)))
    pairs.sort(key=lambda p: n.columns[p[1]].position)
    out.extend(_compare_records(o, n, pairs))
    return out


def _header_cell(t: _Table, ident: str) -> str:
    return t.cell(ident, t.header_row)


@dataclass
class _Alignment:
    """Which old row goes with which new row: by key where both versions have one, else by
    whole-row content. Positions are 0-based into each frame."""

    old_pos: np.ndarray
    new_pos: np.ndarray
    keys: list[str | None]
    added: np.ndarray  # positions in the new frame
    added_keys: list[str | None]
    removed: np.ndarray  # positions in the old frame
    removed_keys: list[str | None]

    @classmethod
    def of(cls, o: _Table, n: _Table, pairs: list[tuple[str, str]]) -> _Alignment:
        key_pair = None
        if o.declared and n.declared:  # the declared key, followed through a renamed header
            key_pair = next(((a, b) for a, b in pairs if a == o.key or b == n.key), None)
        elif o.key and n.key and (o.key, n.key) in pairs:  # a first column unique in both
            key_pair = (o.key, n.key)
        if key_pair is None:
            return cls._by_content(o, n, pairs, np.arange(len(o.frame)),
                                   np.arange(len(n.frame)))
        ok = o.frame[key_pair[0]].map(_key_text)
        nk = n.frame[key_pair[1]].map(_key_text)
        o_has = ok.notna().to_numpy()
        n_has = nk.notna().to_numpy()
        o_index = _occurrence_index(ok[o_has])
        n_index = _occurrence_index(nk[n_has])
        o_rows = np.flatnonzero(o_has)
        n_rows = np.flatnonzero(n_has)
        in_old = n_index.isin(o_index)
        common = n_index[in_old]
        old_pos = o_rows[o_index.get_indexer(common)]
        new_pos = n_rows[np.flatnonzero(in_old)]
        in_new = o_index.isin(n_index)
        added = n_rows[~in_old]
        removed = o_rows[~in_new]
        keyed = cls(old_pos, new_pos, list(nk.to_numpy()[new_pos]), added,
                    list(nk.to_numpy()[added]), removed, list(ok.to_numpy()[removed]))
        if o_has.all() and n_has.all():
            return keyed
        rest = cls._by_content(o, n, pairs, np.flatnonzero(~o_has), np.flatnonzero(~n_has))
        return cls(np.concatenate([keyed.old_pos, rest.old_pos]),
                   np.concatenate([keyed.new_pos, rest.new_pos]), keyed.keys + rest.keys,
                   np.concatenate([keyed.added, rest.added]), keyed.added_keys + rest.added_keys,
                   np.concatenate([keyed.removed, rest.removed]),
                   keyed.removed_keys + rest.removed_keys)

    @classmethod
    def _by_content(cls, o: _Table, n: _Table, pairs: list[tuple[str, str]],
                    o_rows: np.ndarray, n_rows: np.ndarray) -> _Alignment:
        """Rows with no key, lined up like lines of text in `diff`: unchanged runs of rows pair
        up (so rows inserted above do not shift the rest), then an unchanged row found
        elsewhere (a moved row), then the rows of a replaced run in order (rows edited in
        place show as changed cells); the rest are added or removed."""
        if not pairs:  # no column in common: no row can be recognised
            empty = np.array([], dtype=int)
            return cls(empty, empty, [], n_rows, [None] * len(n_rows), o_rows,
                       [None] * len(o_rows))
        old_sig = _signatures(o, [a for a, _ in pairs], o_rows)
        new_sig = _signatures(n, [b for _, b in pairs], n_rows)
        matcher = difflib.SequenceMatcher(None, old_sig, new_sig, autojunk=False)
        matched: list[tuple[int, int]] = []
        runs: list[tuple[list[int], list[int]]] = []  # replaced runs: (old, new) indexes
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                matched.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            else:
                runs.append((list(range(i1, i2)), list(range(j1, j2))))
        waiting: dict[tuple[Any, ...], list[int]] = {}
        for olds, _ in runs:
            for i in olds:
                waiting.setdefault(old_sig[i], []).append(i)
        moved_old: set[int] = set()
        moved_new: set[int] = set()
        for _, news in runs:
            for j in news:
                queue = waiting.get(new_sig[j])
                if queue:
                    i = queue.pop(0)
                    matched.append((i, j))
                    moved_old.add(i)
                    moved_new.add(j)
        added: list[int] = []
        removed: list[int] = []
        for olds, news in runs:
            olds = [i for i in olds if i not in moved_old]
            news = [j for j in news if j not in moved_new]
            matched.extend(zip(olds, news, strict=False))
            removed.extend(olds[len(news):])
            added.extend(news[len(olds):])
        old_pos = np.array([o_rows[i] for i, _ in matched], dtype=int)
        new_pos = np.array([n_rows[j] for _, j in matched], dtype=int)
        return cls(old_pos, new_pos, [None] * len(matched),
                   np.array([n_rows[j] for j in added], dtype=int), [None] * len(added),
                   np.array([o_rows[i] for i in removed], dtype=int), [None] * len(removed))

    def agreement(self, o: _Table, n: _Table, a: str, b: str) -> float | None:
        """Share of matched records whose values in old column `a` and new column `b` agree,
        among those where either is filled (None when both columns are empty)."""
        if len(self.old_pos):
            old_values = o.frame[a].to_numpy(dtype=object)[self.old_pos]
            new_values = n.frame[b].to_numpy(dtype=object)[self.new_pos]
        else:  # nothing matched (no key, or every row edited): line rows up by position
            rows = o.frame.index.intersection(n.frame.index)
            old_values = o.frame.loc[rows, a].to_numpy(dtype=object)
            new_values = n.frame.loc[rows, b].to_numpy(dtype=object)
        filled = ~(pd.isna(old_values) & pd.isna(new_values))
        if not filled.any():
            return None
        differ = filled & (old_values != new_values)  # only these need typing to compare
        ta, tb = o.columns[a].type, n.columns[b].type
        same = int((filled & ~differ).sum()) + sum(
            _typed(x, ta, o.separator) == _typed(y, tb, n.separator)
            for x, y in zip(old_values[differ], new_values[differ], strict=True))
        return same / int(filled.sum())


def _signatures(t: _Table, idents: list[str], rows: np.ndarray) -> list[tuple[Any, ...]]:
    types = [t.columns[i].type for i in idents]
    values = t.frame[idents].to_numpy(dtype=object)[rows] if len(rows) else []
    return [tuple(_typed(v, ty, t.separator) for v, ty in zip(row, types, strict=True))
            for row in values]


def _occurrence_index(keys: pd.Series) -> pd.Index:
    """Keys made unique by their order of appearance: a key used twice is paired in order."""
    occurrence = keys.groupby(keys, sort=False).cumcount().to_numpy()
    values = keys.to_numpy(dtype=object)
    if occurrence.any():
        values = np.array([k if i == 0 else f"{k}\x00{i}" for k, i in
                           zip(values, occurrence, strict=True)], dtype=object)
    return pd.Index(values, dtype=object)


def _compare_records(o: _Table, n: _Table, pairs: list[tuple[str, str]]) -> list[Change]:
    sheet = n.name
    align = _Alignment.of(o, n, pairs)
    o_rows = o.frame.index.to_numpy()
    n_rows = n.frame.index.to_numpy()
    records: list[tuple[int, int, list[Change]]] = []  # (order group, row, changes)
    key_ident = n.key if n.key else (pairs[0][1] if pairs else None)
    for pos, key in zip(align.added, align.added_keys, strict=True):
        row = int(n_rows[pos])
        cell = n.cell(key_ident, row) if key_ident in n.columns else f"A{row}"
        records.append((0, row, [Change(ADDED, sheet, key, new=_record(n, pos), cell=cell)]))
    if pairs and len(align.old_pos):
        old_cols = [a for a, _ in pairs]
        new_cols = [b for _, b in pairs]
        old_values = o.frame[old_cols].to_numpy(dtype=object)[align.old_pos]
        new_values = n.frame[new_cols].to_numpy(dtype=object)[align.new_pos]
        differ = old_values != new_values
        differ &= ~(pd.isna(old_values) & pd.isna(new_values))
        by_record: dict[int, list[Change]] = {}
        types = [(o.columns[a].type, n.columns[b].type) for a, b in pairs]
        for i, j in zip(*np.nonzero(differ), strict=True):
            kind = _classify(old_values[i, j], new_values[i, j], *types[j], o.separator)
            if kind is None:
                continue
            a, b = pairs[j]
            old_row, new_row = int(o_rows[align.old_pos[i]]), int(n_rows[align.new_pos[i]])
            by_record.setdefault(int(i), []).append(Change(
                kind, sheet, align.keys[i], n.columns[b].header, _shown(old_values[i, j]),
                _shown(new_values[i, j]), n.cell(b, new_row), o.cell(a, old_row)))
        for i, changes in by_record.items():
            records.append((0, int(n_rows[align.new_pos[i]]), changes))
    for pos, key in zip(align.removed, align.removed_keys, strict=True):
        row = int(o_rows[pos])
        old_key = o.key if o.key else (pairs[0][0] if pairs else None)
        cell = o.cell(old_key, row) if old_key in o.columns else f"A{row}"
        records.append((1, row, [Change(REMOVED, sheet, key, old=_record(o, pos),
                                        old_cell=cell)]))
    records.sort(key=lambda r: (r[0], r[1]))
    return [c for _, _, changes in records for c in changes]


def _record(t: _Table, pos: int) -> dict[str, Any]:
    """A whole record as {header: value}, empty cells left out, in column order."""
    row = t.frame.iloc[pos]
    cols = sorted(t.columns.values(), key=lambda c: c.position)
    return {c.header: _shown(row[c.ident]) for c in cols if not _blank(row[c.ident])}


# ---------------------------------------------------------------------------------------------
# Values


def _classify(old: Any, new: Any, old_type: str | None, new_type: str | None,
              separator: str) -> str | None:
    """None if the two cells hold the same typed value; else "whitespace" or "changed"."""
    texts = (isinstance(old, str) or old is None) and (isinstance(new, str) or new is None)
    if texts and _squash(old, old_type, separator) == _squash(new, new_type, separator):
        return WHITESPACE if old != new else None
    if _typed(old, old_type, separator) == _typed(new, new_type, separator):
        return None
    return CHANGED


def _squash(text: str | None, ctype: str | None, separator: str) -> str:
    """Text with its white space made uniform: what is left when only spacing changed."""
    if text is None:
        return ""
    squashed = _SPACES.sub(" ", text).strip()
    if ctype == "list":
        squashed = separator.join(p.strip() for p in squashed.split(separator))
    return squashed


def _typed(value: Any, ctype: str | None, separator: str) -> Any:
    """The value as the workbook means it, for equality: numbers as floats, dates as
    timestamps, yes/no as booleans in a yes/no column, numbers as text in a text column."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        if ctype in ("string", "list"):
            return _typed(_number_text(value), ctype, separator)
        return ("number", float(value))
    if isinstance(value, datetime | date | pd.Timestamp):
        return ("date", pd.Timestamp(value))
    if isinstance(value, time):
        return ("time", value)
    if isinstance(value, str):
        if ctype == "boolean":
            low = value.strip().casefold()
            if low in _TRUE or low in _FALSE:
                return ("bool", low in _TRUE)
        if ctype == "list":
            return ("list", tuple(p.strip() for p in value.split(separator) if p.strip()))
        return ("text", value)
    return ("other", str(value))


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> Any:
    """A cell value as a person reads it: 2018 not 2018.0, a date without 00:00."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return json_value(value)


def _key_text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _column_index(cell: str) -> int:
    n = 0
    for ch in cell:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def _row_of(cell: str | None) -> int | None:
    if not cell:
        return None
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------------------------
# Text


_ARROW = " → "
_INDENT_RECORD = 2
_INDENT_FIELD = 6


def show(value: Any, *, exact: bool = False) -> str:
    """One value on one line: text in quotes (so '2018' differs from 2018), dates as ISO,
    (empty) for nothing. `exact` makes every space visible, for white-space changes."""
    if _blank(value):
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return " | ".join(show(v) for v in value.values())
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\n", "↵")
        if exact:
            text = text.replace("\u00a0", "⍽").replace("\t", "→")
        return f"'{text}'"
    return str(value)


def _excerpts(old: str, new: str, room: int) -> tuple[str, str]:
    """The parts of two long texts around where they differ, each at most `room` wide."""
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    start = max(0, p - room // 3)

    def cut(text: str) -> str:
        piece = text[start:start + room - 2]
        return ("…" if start else "") + piece + ("…" if start + room - 2 < len(text) else "")

    return cut(old), cut(new)


def _field_lines(c: Change, width: int, label_width: int) -> list[str]:
    exact = c.kind == WHITESPACE
    old, new = show(c.old, exact=exact), show(c.new, exact=exact)
    note = "white space only: " if exact else ""
    head = f"{' ' * _INDENT_FIELD}{c.column or '':<{label_width}}  {c.cell or '':<6} "
    line = head + note + old + _ARROW + new
    if len(line) <= width:
        return [line]
    pad = " " * (_INDENT_FIELD + 4)
    room = width - len(pad) - 5
    if isinstance(c.old, str) and isinstance(c.new, str) and not exact:
        a, b = _excerpts(c.old.replace("\n", "↵"), c.new.replace("\n", "↵"), room - 2)
        old, new = f"'{a}'", f"'{b}'"
    return [head.rstrip() + (f"  {note.rstrip(': ')}" if note else ""),
            f"{pad}was: {_clip(old, room)}", f"{pad}now: {_clip(new, room)}"]


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"


def _structure_line(c: Change) -> str:
    if c.kind == SHEET_ADDED:
        return f"Sheet '{c.new}' added"
    if c.kind == SHEET_REMOVED:
        return f"Sheet '{c.old}' removed"
    if c.kind == SHEET_RENAMED:
        return f"Sheet renamed: '{c.old}'{_ARROW}'{c.new}'"
    if c.kind == COLUMN_ADDED:
        return f"Column '{c.new}' added ({c.cell})"
    if c.kind == COLUMN_REMOVED:
        return f"Column '{c.old}' removed (was {c.old_cell})"
    return f"Column renamed: '{c.old}'{_ARROW}'{c.new}' ({c.cell})"


def _sheet_heading(sheet: str, counts: dict[str, int], changes: list[Change]) -> str:
    parts = [k.replace("-", " ") for k in (SHEET_ADDED, SHEET_REMOVED, SHEET_RENAMED)
             if any(c.kind == k for c in changes)]
    if counts["added"]:
        parts.append(f"{_plural(counts['added'], 'record')} added")
    if counts["removed"]:
        parts.append(f"{counts['removed']} removed")
    if counts["records_changed"]:
        parts.append(f"{counts['records_changed']} changed")
    if counts["columns"]:
        parts.append(f"{_plural(counts['columns'], 'column change')}")
    return f"{sheet}: {', '.join(parts)}" if parts else sheet


def _render_text(result: Comparison, width: int) -> str:
    lines = [f"Old: {result.old_path}", f"New: {result.new_path}"]
    counts = result.counts()
    for sheet in result.sheets():
        changes = [c for c in result.changes if c.sheet == sheet]
        lines += ["", _sheet_heading(sheet, counts[sheet], changes)]
        fields = [c for c in changes if c.kind in FIELD_KINDS]
        label_width = min(max((len(c.column or "") for c in fields), default=0), 28)
        key_width = min(max((len(c.key or "") for c in changes), default=0), 20)
        current: tuple[str | None, int | None] | None = None
        for c in changes:
            pad = " " * _INDENT_RECORD
            if c.kind in STRUCTURE_KINDS:
                lines.append(pad + _structure_line(c))
            elif c.kind in (ADDED, REMOVED):
                label = c.key or "(no ID)"
                where = f"row {c.row}" if c.kind == ADDED else f"was row {_row_of(c.old_cell)}"
                record = c.new if c.kind == ADDED else c.old
                head = f"{pad}{label:<{key_width}}  {c.kind} ({where})"
                summary = _record_summary(record, c.key)
                lines.append(_clip(f"{head}: {summary}", width) if summary else head)
            else:
                record = (c.key, c.row)
                if record != current:
                    current = record
                    label = c.key or "(no ID)"
                    lines.append(f"{pad}{label:<{key_width}}  changed (row {c.row})")
                lines.extend(_field_lines(c, width, label_width))
    if result.findings:
        lines += ["", "Validation"]
        where_width = min(max(len(f.finding.where) for f in result.findings), 24)
        key_width = min(max(len(f.key or "") for f in result.findings), 16)
        for status, title in (("introduced", _plural(len(result.introduced), "new problem")),
                              ("fixed", f"{len(result.fixed)} fixed (cells of the old file)")):
            group = [f for f in result.findings if f.status == status]
            if not group:
                continue
            lines.append(f"  {title}")
            for fc in group:
                f = fc.finding
                head = f"    {f.where:<{where_width}}  {fc.key or '':<{key_width}}  " \
                       f"{f.severity:<7}  "
                body = textwrap.wrap(f.message, width=max(width - len(head), 40)) or [""]
                lines.append(head + body[0])
                lines.extend(" " * len(head) + more for more in body[1:])
    lines += ["", result.summary()]
    return "\n".join(lines)


def _record_summary(record: Any, key: str | None) -> str:
    """The first two filled fields besides the key: enough to recognise the record."""
    if not isinstance(record, dict):
        return ""
    values = [v for v in record.values() if str(v) != str(key)][:2]
    return " | ".join(_clip(show(v).strip("'"), 40) for v in values)
