"""Sheets, columns and records matched across the two versions, and the changes of each pair."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matrixbook.diff.model import (
    ADDED,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RENAMED,
    REMOVED,
    RENAME_NAME_RATIO,
    RENAME_VALUE_SHARE,
    SHEET_RENAMED,
    Change,
)
from matrixbook.diff.tables import _Column, _Table
from matrixbook.diff.values import _blank, _classify, _key_text, _shown, _typed

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
            old_type, new_type = types[j]
            kind = _classify(old_values[i, j], new_values[i, j], old_type, new_type, o.separator)
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


