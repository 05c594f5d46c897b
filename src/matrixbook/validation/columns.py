"""Column checks, as pandera schemas generated from the sheet declarations.

Two passes per sheet. The first runs on the raw cells: a required cell left empty, a value of the
wrong type (text where a date or number belongs is never coerced), stray spaces. The second runs
on the typed values: duplicate keys, vocabularies (every item of a list), patterns, ranges,
country codes and references to IDs of other sheets. Each pandera failure becomes a Finding
with its Excel cell and a message in plain words; no pandas or pandera text reaches a person.
The checks of each pass are declared here (`raw_checks`, `typed_checks`); `passes` runs them
and gives pandera the columns that have a failing cell; `hints` words the messages, once per
distinct value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from matrixbook.cells import column_letter
from matrixbook.reading import SheetData
from matrixbook.report import Finding, Rule, rule_of
from matrixbook.report.catalogue import (
    CELL_TOO_LONG,
    DUPLICATE_KEY,
    OUT_OF_RANGE,
    PATTERN,
    REQUIRED,
    UNKNOWN_COUNTRY,
    UNKNOWN_REFERENCE,
    VOCABULARY,
    WHITESPACE,
    WRONG_TYPE,
)
from matrixbook.report.message import Help, Message, Num, msg, msgp
from matrixbook.schema import Column, Schema
from matrixbook.validation.hints import (
    INNER_NBSP,
    brief,
    clean_text,
    spaces_message,
    type_hint,
    typed_messages,
)
from matrixbook.validation.passes import ColumnChecks, Test, failures, to_pandera
from matrixbook.values import Items

if TYPE_CHECKING:
    import pandera.pandas as pa

_EDGE_SPACE = re.compile(r"^[\s\u00a0]|[\s\u00a0]$")
_TRUE = {"yes", "true", "y", "oui", "1"}
_FALSE = {"no", "false", "n", "non", "0"}

_DATE_TYPES = (datetime, date, pd.Timestamp)


def _is_text(v: Any) -> bool:
    return isinstance(v, str)


# What pandas' infer_dtype (one pass in C, empty cells skipped) may say of a column whose every
# non-empty cell passes the type check; any other answer (e.g. "mixed") is checked cell by cell.
_KINDS_OK = {
    "date": frozenset({"empty", "datetime", "date"}),
    "integer": frozenset({"empty", "integer"}),
    "number": frozenset({"empty", "integer", "floating", "mixed-integer-float"}),
    "boolean": frozenset({"empty", "boolean"}),
    "string": frozenset({"empty", "string", "integer", "floating", "mixed-integer-float"}),
}
_KINDS_OK["list"] = _KINDS_OK["string"]
# Kinds of column that hold no text at all, so no stray space either.
_NO_TEXT = frozenset({"empty", "datetime", "date", "integer", "floating", "mixed-integer-float",
                      "boolean"})


@dataclass(frozen=True)
class Profile:
    """What one pass over a raw column tells both passes of the checks.

    At 100,000 rows each pass over a column of Python objects costs about as much as reading
    it, so the kind of the cells and whether their text is clean are found once per column,
    not once per check."""

    kind: str  # pandas' infer_dtype of the non-empty cells: "string", "date", "mixed", ...
    clean: bool  # no text cell with a leading/trailing or non-breaking space
    longest: int = 0  # characters in the longest text cell
    empty: bool | None = None  # some cell is empty (None: not found by the pass)


# Excel keeps at most this many characters in a cell and cuts the rest: a longer cell (saved by
# LibreOffice or a program) is an error at its cell, never cut silently in an output.
EXCEL_CELL_LIMIT = 32_767


def profile(s: pd.Series) -> Profile:
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind in _NO_TEXT:
        return Profile(kind, True)
    # the text cells: empty ones (None as read, NaN in a pandas text column) left out
    cells = s.to_numpy() if s.dtype == object else s.to_numpy(dtype=object, na_value=None)
    texts = list(filter(None, cells))
    try:
        if kind != "string":
            raise TypeError
        clean = _all_clean(texts)
        longest = max(map(len, texts), default=0)
    except (AttributeError, TypeError):  # an empty cell held as NaN, or a number
        texts = [v for v in texts if v.__class__ is str]
        clean = _all_clean(texts) if kind == "string" else False
        longest = max(map(len, texts), default=0)
        return Profile(kind, clean, longest)
    # every cell left out was empty (None): every other one is a text
    return Profile(kind, clean, longest, empty=len(texts) != len(cells))


def profile_sheet(data: SheetData) -> dict[str, Profile]:
    return {c.field: profile(data.frame[c.field]) for c in data.sheet.columns
            if data.has(c.field)}


def _all_true(s: pd.Series) -> pd.Series:
    return pd.Series(True, index=s.index)


def _all_clean(texts: list[str]) -> bool:
    """No text with a leading or trailing space (of any kind) or a non-breaking space.

    str.strip() hands back the very same object when there is nothing to strip, so comparing
    the two lists is a pointer comparison; this is the cost of one pass in the common case."""
    return list(map(str.strip, texts)) == texts and INNER_NBSP not in "".join(texts)


def _ok_type(col: Column, prof: Profile | None = None):
    """A vectorised test: is each non-empty raw cell of the declared type? (Empty cells pass.)"""
    kinds_ok = _KINDS_OK[col.type]

    def check(s: pd.Series) -> pd.Series:
        p = prof or profile(s)
        if p.kind in kinds_ok:
            return _all_true(s)
        if col.type == "boolean" and p.kind == "string":  # each distinct text once
            words = {v.strip().casefold() for v in set(s.to_numpy().tolist())
                     if v.__class__ is str}
            if words <= _TRUE | _FALSE:
                return _all_true(s)
        filled = s.notna()
        if col.type == "integer" and p.kind in ("floating", "mixed-integer-float"):
            vals = s[filled].astype(float)
            if (vals == vals.round()).all():
                return _all_true(s)
        return _ok_type_cells(col, s) | ~filled

    return check


def _ok_type_cells(col: Column, s: pd.Series) -> pd.Series:
    """The type test cell by cell, for a column whose cells are not all of one kind."""
    types = s.map(type)
    if col.type == "date":
        return types.isin([datetime, date, pd.Timestamp])
    if col.type == "integer":
        ok = types.isin([int])
        floats = types.eq(float)
        if floats.any():
            vals = s[floats].astype(float)
            ok[floats] = (vals == vals.round()).to_numpy()
        return ok
    if col.type == "number":
        return types.isin([int, float])
    if col.type == "boolean":
        ok = types.eq(bool)
        text = types.eq(str)
        if text.any():
            low = s[text].str.strip().str.casefold()
            ok[text] = low.isin(_TRUE | _FALSE).to_numpy()
        return ok
    # text and lists: text, or a number typed into the cell (e.g. a code 13)
    return ~types.isin([datetime, date, pd.Timestamp, bool])


def _spaces_check(prof: Profile | None = None):
    def check(s: pd.Series) -> pd.Series:
        if (prof or profile(s)).clean:
            return _all_true(s)
        return _clean_spaces(s)

    return check


def _clean_spaces(s: pd.Series) -> pd.Series:
    """True where a text cell has no leading/trailing space and no non-breaking space."""
    text = s.map(_is_text)
    ok = pd.Series(True, index=s.index)
    if text.any():
        t = s[text].astype(str)
        bad = t.str.contains(_EDGE_SPACE) | t.str.contains(INNER_NBSP, regex=False)
        ok[text] = ~bad.to_numpy()
    return ok


def raw_checks(data: SheetData,
               profiles: dict[str, Profile] | None = None) -> list[ColumnChecks]:
    """The first pass. A check the column's profile already passes (every cell of the declared
    kind, every text clean, no empty cell) is left out, and so is a column with nothing left to
    check: pandera spends about a millisecond on each column it is given, whatever the column
    holds, and a sheet has up to 30 of them."""
    profiles = profiles or {}
    cols = []
    for col in data.sheet.columns:
        if not data.has(col.field):
            continue
        prof = profiles.get(col.field)
        checks: list[tuple[str, Test]] = []
        if prof is None or prof.kind not in _KINDS_OK[col.type]:
            checks.append((WRONG_TYPE.code, _ok_type(col, prof)))
        if prof is None or not prof.clean:
            checks.append((WHITESPACE.code, _spaces_check(prof)))
        # a required column the profile found no empty cell in has nothing to fail either
        required = col.required and (prof is None or prof.empty is not False)
        if checks or required:
            cols.append(ColumnChecks(col.field, tuple(checks), nullable=not required))
    return cols


def raw_schema(data: SheetData,
               profiles: dict[str, Profile] | None = None) -> pa.DataFrameSchema:
    """The first pass as a pandera schema (every column `raw_checks` declares)."""
    return to_pandera(data.sheet.name, raw_checks(data, profiles))


def raw_findings(data: SheetData,
                 profiles: dict[str, Profile] | None = None) -> list[Finding]:
    """The first pass's findings, in pandera's order; each message written once per distinct
    value of a column, then given its cells. The required cells of rows that hold only an ID
    (many such rows: junk far below the data) are one entry in the text (`group`)."""
    sheet = data.sheet
    fc = failures(sheet.name, raw_checks(data, profiles), data.frame)
    out = _too_long(data, profiles or profile_sheet(data))
    said: dict[tuple[str, str, Any], Any] = {}
    bare, group = _only_an_id(data)
    for col, check, row, cell, value in _cases(data, fc, data.frame):
        if check == "not_nullable":
            key = (col.field, check, None)
            message = said.get(key)
            if message is None:
                message = said[key] = msg(
                    "required", "{column} is required: {description}", column=col.name,
                    description=Help(sheet.name, col.name, col.description))
            out.append(REQUIRED.at(sheet.name, message, cell, row, col.name, None,
                                   group=group if row in bare else None))
            continue
        if check not in (WRONG_TYPE.code, WHITESPACE.code):
            continue
        key = (col.field, check, _value_key(value))
        message = said.get(key)
        if message is None:
            message = said[key] = (type_hint(col, value) if check == WRONG_TYPE.code
                                   else spaces_message(value))
        out.append(rule_of(check).at(sheet.name, message, cell, row, col.name, value))
    return out


BARE_ROWS_FROM = 3  # rows holding only an ID told as one entry from this many


def _only_an_id(data: SheetData) -> tuple[set[int], Message | None]:
    """The Excel rows whose only filled cell is the key (an ID and nothing else, as a stray
    fill-down leaves far below the data), when there are at least BARE_ROWS_FROM of them, and
    the text of the one entry their required cells make."""
    sheet = data.sheet
    key = sheet.key_column
    frame = data.frame
    if key is None or not data.has(key.field) or len(frame) < BARE_ROWS_FROM:
        return set(), None
    filled = frame[key.field].notna().to_numpy().copy()
    for name in frame.columns:  # column by column: most sheets are done at the first
        if name != key.field:
            filled &= frame[name].isna().to_numpy()
            if np.count_nonzero(filled) < BARE_ROWS_FROM:
                return set(), None
    if np.count_nonzero(filled) < BARE_ROWS_FROM:
        return set(), None
    missing = [c.name for c in sheet.columns
               if c.required and c.field != key.field and data.has(c.field)]
    if not missing:
        return set(), None
    names: Message | str = (msg("required", "{items} and {last}", items=", ".join(missing[:-1]),
                                last=missing[-1]) if len(missing) > 1 else missing[0])
    # {rows}, {records} and {n} are filled in by the report, which knows the rows of the group
    if key.name[:1].upper() in "AEIOU":
        group = msg("required", "Rows {rows} hold only an {key}: {records} records with no "
                    "{names} ({n} required cells empty). If they are not records (a stray "
                    "fill-down leaves such rows), delete the rows; otherwise fill in their "
                    "required cells.", key=key.name, names=names)
    else:
        group = msg("required", "Rows {rows} hold only a {key}: {records} records with no "
                    "{names} ({n} required cells empty). If they are not records (a stray "
                    "fill-down leaves such rows), delete the rows; otherwise fill in their "
                    "required cells.", key=key.name, names=names)
    return set(frame.index[filled].tolist()), group


def _too_long(data: SheetData, profiles: dict[str, Profile]) -> list[Finding]:
    """Cells over Excel's limit. python-calamine cuts an .xlsx cell at the limit as it reads
    it, so a cell read at exactly 32,767 characters is measured again in the file itself."""
    out = []
    for field_name, prof in profiles.items():
        if prof.longest < EXCEL_CELL_LIMIT:
            continue
        col = data.sheet.by_field[field_name]
        for row, text in data.frame[field_name].items():
            if text.__class__ is not str or len(text) < EXCEL_CELL_LIMIT:
                continue
            n: int | None = len(text)
            if n == EXCEL_CELL_LIMIT:
                n = _length_in_file(data, field_name, int(row))
                if n is not None and n <= EXCEL_CELL_LIMIT:
                    continue  # exactly at the limit: Excel keeps it whole
            limit = Num(EXCEL_CELL_LIMIT)
            size = (msg("cell-too-long", "{n} characters", n=Num(n)) if n else
                    msg("cell-too-long", "at least {limit} characters", limit=limit))
            shorten = (msgp("cell-too-long", "Shorten it by {n} character",
                            "Shorten it by {n} characters", n=Num(n - EXCEL_CELL_LIMIT)) if n else
                       msg("cell-too-long", "Shorten it to {limit} characters or fewer",
                           limit=limit))
            out.append(CELL_TOO_LONG.at(
                data.sheet.name,
                msg("cell-too-long", "The cell holds {size}; Excel keeps at most {limit} in a "
                    "cell and cuts the rest. {shorten} (or keep the long text in a document and "
                    "give its link here).", size=size, limit=limit, shorten=shorten),
                data.cell(field_name, int(row)), int(row), col.name, brief(text)))
    return out


def _length_in_file(data: SheetData, field_name: str, row: int) -> int | None:
    """The cell's length as the .xlsx file holds it (None when it cannot be told)."""
    if data.source is None or data.source.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    import openpyxl

    try:
        wb = openpyxl.load_workbook(data.source, read_only=True, data_only=True)
        try:
            value = wb[data.title].cell(row=row, column=data.positions[field_name] + 1).value
        finally:
            wb.close()
    except Exception:  # the file was read once already; a second reader's trouble is no finding
        return None
    return len(value) if isinstance(value, str) else None


def typed_frame(data: SheetData, schema: Schema, bad: set[tuple[int, str]],
                profiles: dict[str, Profile] | None = None) -> pd.DataFrame:
    """The sheet's values in their declared types; cells that failed their type become empty."""
    frame = data.frame
    profiles = profiles or {}
    bad_rows: dict[str, list[int]] = {}
    for r, f in bad:
        bad_rows.setdefault(f, []).append(r)
    out = {}
    for col in data.sheet.columns:
        if not data.has(col.field):
            out[col.field] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            continue
        s = frame[col.field]
        prof = profiles.get(col.field)
        if col.field in bad_rows:
            s = s.copy()
            s.loc[bad_rows[col.field]] = None
            prof = None  # the profile was of the cells before they were emptied
        out[col.field] = _convert(col, s, schema.separator, prof)
        if col.vocabulary == "countries":
            out[col.field] = _choices_as_codes(out[col.field], schema)
    for header in data.extra_headers:
        out[header] = frame[header]
    return pd.DataFrame(out, index=frame.index)


def _convert(col: Column, s: pd.Series, separator: str,
             prof: Profile | None = None) -> pd.Series:
    if col.type == "date":
        return pd.to_datetime(s, errors="coerce")
    if col.type == "integer":
        return pd.to_numeric(s, errors="coerce").astype("Int64")
    if col.type == "number":
        return pd.to_numeric(s, errors="coerce").astype("Float64")
    if col.type == "boolean":
        def to_bool(v: Any) -> Any:
            if v is None or isinstance(v, bool):
                return v
            if isinstance(v, float) and pd.isna(v):
                return None
            return str(v).strip().casefold() in _TRUE
        # A yes/no column holds a handful of distinct cells: convert each once. Only yes/no
        # values and text are left here (a number was a wrong-type finding and is emptied),
        # so no two distinct cells compare equal (as True == 1 would).
        codes, distinct = pd.factorize(s.to_numpy(dtype=object))
        if set(map(type, distinct)) <= {bool, str}:
            table = np.array([*map(to_bool, distinct), None], dtype=object)
            return pd.Series(table[codes], index=s.index, name=s.name, dtype="boolean")
        return s.map(to_bool).astype("boolean")
    if col.type == "list":
        return _split_lists(s, separator)
    prof = prof or profile(s)
    if prof.kind == "string" and prof.clean:
        return s.astype("str")  # clean text already: what mapping clean_text would give
    return s.map(clean_text)


def _choices_as_codes(s: pd.Series, schema: Schema) -> pd.Series:
    """Country cells picked from the drop-down ('SAU — Saudi Arabia') read as their code, so
    that checks and outputs see SAU. Each distinct cell is looked at once (rows with the same
    text share one list of items), and only one with a space can be such a choice."""
    vocab = schema.vocabulary("countries")

    def code(v: Any) -> Any:
        if isinstance(v, str):
            return (vocab.code_of_choice(v) or v) if " " in v else v
        if isinstance(v, list) and any(" " in item for item in v):
            return Items(vocab.code_of_choice(item) or item for item in v)
        return v

    values = s.to_numpy(dtype=object)
    if len(values) and isinstance(next((v for v in values if v is not None), None), list):
        distinct = {id(v): v for v in values}
        fixed = {k: code(v) for k, v in distinct.items()}
        if all(fixed[k] is distinct[k] for k in fixed):
            return s
        return pd.Series([fixed[id(v)] for v in values], index=s.index, name=s.name,
                         dtype=object)
    codes, uniques = pd.factorize(values)
    table = np.array([*map(code, uniques), None], dtype=object)
    if all(a is b for a, b in zip(table[:-1], uniques, strict=True)):
        return s
    return pd.Series(table[codes], index=s.index, name=s.name, dtype=object)


def _split_lists(s: pd.Series, separator: str) -> pd.Series:
    """Each cell as its list of items (cleaned text split on the separator; [] when empty).

    A list column repeats the same few cells (Sahel; West Africa) across thousands of rows, so
    each distinct text is split once, and the rows that hold the same text share one read-only
    list (values.Items): a hundred thousand rows cost a few hundred lists, not a hundred
    thousand."""

    def split(v: Any) -> Items:
        v = clean_text(v)
        if not isinstance(v, str):
            return Items()
        return Items(p.strip() for p in v.split(separator) if p.strip())

    codes, distinct = pd.factorize(s.to_numpy(dtype=object))  # empty cells: code -1
    table = np.empty(len(distinct) + 1, dtype=object)
    if set(map(type, distinct)) <= {str}:  # (True == 1 when hashed)
        strip = str.strip
        for i, v in enumerate(distinct):  # as split(v): cleaning the whole text changes no item
            table[i] = Items(filter(None, map(strip, v.replace(INNER_NBSP, " ").split(
                separator))))
    else:
        for i, v in enumerate(distinct):
            table[i] = split(v)
    table[-1] = Items()
    return pd.Series(table[codes], index=s.index, name=s.name)


def typed_checks(data: SheetData, schema: Schema,
                 keys: dict[str, set[str]]) -> list[ColumnChecks]:
    """The second pass: vocabularies, patterns, ranges, references and unique keys."""
    cols = []
    for col in data.sheet.columns:
        if not data.has(col.field):
            continue
        checks: list[tuple[str, Test]] = []
        if col.vocabulary:
            allowed = schema.vocabulary(col.vocabulary).code_set
            name = UNKNOWN_COUNTRY.code if col.vocabulary == "countries" else VOCABULARY.code
            checks.append((name, _member_check(col, allowed)))
        if col.regex is not None:
            rx = col.pattern
            checks.append((PATTERN.code,
                           _row_any(col, lambda s, rx=rx: s.astype(str).str.fullmatch(rx))))
        if col.minimum is not None or col.maximum is not None:
            checks.append((OUT_OF_RANGE.code, _range_check(col)))
        # A reference is checked only when a target sheet could be read with its key column;
        # a missing Entities sheet is one finding, not one per row that points at it.
        if col.references and all(str(r) in keys for r in col.references):
            known = set().union(*(keys.get(str(r), set()) for r in col.references))
            checks.append((UNKNOWN_REFERENCE.code, _member_check(col, known)))
        unique = col.unique and not col.is_list
        if checks or unique:  # (a column with nothing to check would cost pandera's time)
            cols.append(ColumnChecks(col.field, tuple(checks), unique=unique))
    return cols


def typed_schema(data: SheetData, schema: Schema, keys: dict[str, set[str]]) -> pa.DataFrameSchema:
    """The second pass as a pandera schema (every column `typed_checks` declares)."""
    return to_pandera(data.sheet.name, typed_checks(data, schema, keys))


def _row_any(col: Column, test):
    """Apply an item test; for lists a row passes when every item passes. Empty cells pass.

    The test runs once per distinct value, not once per cell: a column of 100,000 cells holds
    a few dozen codes (or, for a key, as many IDs as rows and nothing is lost)."""

    def check(s: pd.Series) -> pd.Series:
        if col.is_list:
            values = s.to_numpy(dtype=object)
            try:
                items = set(chain.from_iterable(values))
            except TypeError:  # a cell that is not a list (none is, once typed)
                items = set(chain.from_iterable(v for v in values if isinstance(v, list)))
            if not items:
                return pd.Series(True, index=s.index)
            distinct = pd.Series(list(items), dtype=object)
            ok = test(distinct.astype(str)).fillna(False).to_numpy(dtype=bool)
            if ok.all():
                return pd.Series(True, index=s.index)
            bad = set(distinct[~ok])
            return pd.Series([not isinstance(v, list) or bad.isdisjoint(v) for v in values],
                             index=s.index)
        if col.unique:  # a key: as many distinct values as cells
            ok = test(s)
            if ok.all():  # (skipping the empty cells, where a test may give NA)
                return pd.Series(True, index=s.index)
            return (ok.fillna(False) | s.isna()).astype(bool)
        # the distinct values by a set (a fifth of pd.factorize's time); empty cells left out
        found = [v for v in set(s.to_numpy(dtype=object).tolist()) if not pd.isna(v)]
        if not found:
            return pd.Series(True, index=s.index)
        passed = test(pd.Series(found, dtype=s.dtype)).fillna(False).to_numpy(dtype=bool)
        if passed.all():
            return pd.Series(True, index=s.index)
        failed = [v for v, good in zip(found, passed.tolist(), strict=True) if not good]
        return pd.Series(~s.isin(failed).to_numpy(dtype=bool), index=s.index)

    return check


def _member_check(col: Column, allowed: set[str] | frozenset[str]):
    return _row_any(col, lambda s: s.isin(allowed))


def _range_check(col: Column):
    lo, hi = col.minimum, col.maximum

    def check(s: pd.Series) -> pd.Series:
        if col.type == "date":
            values = pd.to_datetime(s)
            ok = pd.Series(True, index=s.index)
            if lo is not None:
                ok &= values >= pd.Timestamp(lo)
            if hi is not None:
                ok &= values <= pd.Timestamp(hi) + pd.Timedelta(days=1)
        else:
            values = pd.to_numeric(s)
            ok = pd.Series(True, index=s.index)
            if lo is not None:
                ok &= values >= lo
            if hi is not None:
                ok &= values <= hi
        if ok.all():  # (skipping the empty cells, where a comparison gives NA)
            return pd.Series(True, index=s.index)
        return (ok.fillna(False) | values.isna()).astype(bool)

    return check


def typed_findings(data: SheetData, typed: pd.DataFrame, schema: Schema,
                   keys: dict[str, set[str]]) -> list[Finding]:
    """The second pass's findings, in pandera's order. Each message is written once per
    distinct value of a column (a column with ten thousand failures holds a handful of
    distinct wrong values) and then given its cells."""
    sheet = data.sheet
    fc = failures(sheet.name, typed_checks(data, schema, keys), typed)
    out: list[Finding] = []
    said: dict[tuple[str, str, Any], list[tuple[Rule, Message]]] = {}
    firsts: dict[str, dict[Any, int]] = {}
    duplicated: dict[tuple[str, str, Any], tuple[str, Message]] = {}
    for col, check, row, cell, value in _cases(data, fc, typed):
        if check == "field_uniqueness":
            if col.field not in firsts:
                firsts[col.field] = _first_rows(typed[col.field])
            vkey = (col.field, check, _value_key(value))
            if vkey not in duplicated:  # many copies of one value: one entry in the text
                first = data.cell(col.field, firsts[col.field][vkey[2]])
                duplicated[vkey] = first, msg(
                    "duplicate-key", "'{value}', first in {first}, is used again in rows "
                    "{rows} ({n} more times); each {column} must be unique. Give each record "
                    "its own value.", value=brief(value), first=first, column=col.name)
            first, again = duplicated[vkey]
            out.append(DUPLICATE_KEY.at(
                sheet.name,
                msg("duplicate-key", "'{value}' is used twice, in {first} and {cell}; each "
                    "{column} must be unique. Give one of them another value.",
                    value=brief(value), first=first, cell=cell, column=col.name),
                cell, row, col.name, value, also=(first,), group=again))
            continue
        key = (col.field, check, _value_key(value))
        messages = said.get(key)
        if messages is None:
            messages = said[key] = typed_messages(schema, sheet.name, col, check, value, keys)
        if check == OUT_OF_RANGE.code:
            out.extend(rule.at(sheet.name, message, cell, row, col.name, value)
                       for rule, message in messages)
        else:
            shown = "; ".join(value) if isinstance(value, list) else value
            out.extend(rule.at(sheet.name, message, cell, row, col.name, shown)
                       for rule, message in messages)
    return out


def _cases(data: SheetData, fc: pd.DataFrame,
           frame: pd.DataFrame) -> Iterator[tuple[Column, str, int, str, Any]]:
    """Each failure of `fc` as (column, check, Excel row, cell, the cell's value in `frame`),
    in the order pandera gave them. The rows are found in the index once for all the failures,
    and each value is taken from its column's array (what `frame.at` would give, without a
    lookup per cell)."""
    if fc.empty:
        return
    rows = fc["index"].to_numpy().astype(np.int64)
    positions = frame.index.get_indexer(rows).tolist()
    arrays: dict[str, Any] = {}
    letters: dict[str, str] = {}
    by_field = data.sheet.by_field
    for name, check, row, pos in zip(fc["column"].tolist(), fc["check"].tolist(),
                                     rows.tolist(), positions, strict=True):
        values = arrays.get(name)
        if values is None:
            column = frame[name]
            # the cells as `frame.at` gives them: the very objects of an object column
            values = arrays[name] = (column.to_numpy() if column.dtype == object
                                     else column.array)
            letters[name] = column_letter(data.positions[name])
        yield by_field[name], check, row, f"{letters[name]}{row}", values[pos]


def _value_key(value: Any) -> Any:
    """A dictionary key that tells two values apart exactly as their messages would (1 and
    True, 1 and 1.0 are different cells); a list stands for itself."""
    if isinstance(value, list):
        return ("list", id(value))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return (value.__class__, value)


def _first_rows(s: pd.Series) -> dict[Any, int]:
    """The Excel row of the first cell holding each value of `s`."""
    firsts: dict[Any, int] = {}
    for row, value in zip(s.index.tolist(), s.array, strict=True):
        firsts.setdefault(_value_key(value), row)
    return firsts


__all__ = ["raw_findings", "typed_frame", "typed_findings"]
