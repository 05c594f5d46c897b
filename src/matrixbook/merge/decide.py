"""The three-way decisions: for every sheet, column, record and cell, what MERGED holds.

A cell changed on one side only takes that change; changed alike on both, once; changed
differently on both, a conflict that keeps MINE's value. A record added on one side is added; on
both with the same ID, its cells are merged as if BASE had the record empty (so cells that
differ are conflicts). A record deleted on one side and unchanged on the other is deleted;
deleted on one side and edited on the other, a conflict that keeps the record. Sheets and
columns follow the same rules.

The decisions are a plan in MINE's coordinates (its rows, its columns); `writing` applies it
with openpyxl and works out where each cell ends up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from matrixbook.errors import InputError
from matrixbook.merge import matching as mt
from matrixbook.merge.matching import Table
from matrixbook.reading import Book

# Kinds of conflict
CHANGED_BOTH = "changed-both"
ADDED_BOTH = "added-both"
DELETED_IN_MINE = "deleted-in-mine"
DELETED_IN_THEIRS = "deleted-in-theirs"
HEADER_BOTH = "header-renamed-both"
COLUMN_DELETED_IN_MINE = "column-deleted-in-mine"
SHEET_DELETED_IN_MINE = "sheet-deleted-in-mine"
SHEET_DELETED_IN_THEIRS = "sheet-deleted-in-theirs"

# Counters kept per sheet
COUNTS = ("mine_cells", "theirs_cells", "alike_cells", "mine_added", "theirs_added",
          "alike_added", "mine_deleted", "theirs_deleted", "alike_deleted", "theirs_columns",
          "conflicts")

Ref = tuple[str, int]  # ("m", MINE's Excel row or 0-based column) or ("n", index of a new one)


@dataclass
class Conflict:
    """One place where MINE and THEIRS disagree. `cell` is its address in MERGED (set when
    MERGED is written; None when the thing is not in MERGED)."""

    kind: str
    sheet: str
    key: str | None
    column: str | None
    mine: Any
    theirs: Any
    base: Any
    message: str
    row_ref: Ref | None = None
    col_ref: Ref | None = None
    cell: str | None = None

    def as_dict(self) -> dict[str, Any]:
        from matrixbook.report import json_value

        return {"kind": self.kind, "sheet": self.sheet, "cell": self.cell, "key": self.key,
                "column": self.column, "mine": json_value(self.mine),
                "theirs": json_value(self.theirs), "base": json_value(self.base),
                "message": self.message}


@dataclass
class MergedColumn:
    base: str | None  # ident in each copy (None: that copy has no such column)
    mine: str | None
    theirs: str | None
    ctype: str | None
    header: str  # as MERGED shows it
    ref: Ref  # where it is in MERGED


@dataclass
class SheetPlan:
    """What to do to one sheet of MINE (or, with `copy_from_theirs`, a sheet of THEIRS to add)."""

    name: str
    title: str  # MINE's title (THEIRS's for a copied sheet)
    header_row: int = 1
    last_row: int = 1  # MINE's last record row (the header row when it has none)
    new_columns: list[str] = field(default_factory=list)  # headers appended after MINE's
    cells: list[tuple[Ref, Ref, Any]] = field(default_factory=list)  # row, column, value
    headers: list[tuple[Ref, str]] = field(default_factory=list)  # header cells renamed
    appended: int = 0  # rows appended below MINE's last record
    deleted: list[int] = field(default_factory=list)  # MINE's rows to delete
    copy_from_theirs: bool = False
    remove: bool = False


@dataclass
class Plan:
    sheets: list[SheetPlan] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(sheet, Counter())[what] += n


def plan_merge(base: Book, mine: Book, theirs: Book) -> Plan:
    """Decide everything. Raises InputError when BASE cannot be the copy both started from."""
    b_tables, m_tables, t_tables = mt.tables(base), mt.tables(mine), mt.tables(theirs)
    _check_declared_sheets(base, mine, theirs, b_tables, m_tables, t_tables)
    plan = Plan()
    bm, _, m_fresh = mt.match_tables(b_tables, m_tables)
    bt, _, t_fresh = mt.match_tables(b_tables, t_tables)
    in_mine = {id(b): m for b, m in bm}
    in_theirs = {id(b): t for b, t in bt}
    for b in b_tables:
        m, t = in_mine.get(id(b)), in_theirs.get(id(b))
        if m is not None and t is not None:
            plan.sheets.append(_SheetMerge(plan, b, m, t).run())
            if t.title != b.title and m.title == b.title:
                plan.notes.append(f"Sheet '{b.title}' was renamed '{t.title}' in THEIRS; "
                                  "MERGED keeps MINE's name.")
        elif m is not None:  # THEIRS deleted the sheet
            if mt.differs(b, m):
                plan.conflicts.append(Conflict(
                    SHEET_DELETED_IN_THEIRS, m.title, None, None, None, None, None,
                    f"THEIRS deleted the sheet '{b.title}', which MINE edited: MERGED keeps "
                    "MINE's sheet. Delete it by hand if it should go.", ("m", 1), None))
                plan.count(m.title, "conflicts")
            else:
                plan.sheets.append(SheetPlan(m.name, m.title, remove=True))
                plan.notes.append(f"Sheet '{m.title}' deleted (by THEIRS).")
        elif t is not None:  # MINE deleted the sheet
            if mt.differs(b, t):
                plan.sheets.append(SheetPlan(t.name, t.title, copy_from_theirs=True))
                plan.conflicts.append(Conflict(
                    SHEET_DELETED_IN_MINE, t.title, None, None, None, None, None,
                    f"MINE deleted the sheet '{b.title}', which THEIRS edited: MERGED has "
                    "THEIRS's sheet back. Delete it again if it should go.", ("t", 1), None))
                plan.count(t.title, "conflicts")
            else:
                plan.notes.append(f"Sheet '{b.title}' deleted (by MINE).")
    by_name = {m.name.casefold(): m for m in m_fresh}
    for t in t_fresh:
        m = by_name.pop(t.name.casefold(), None)
        if m is not None:  # both added a sheet of that name: merged as if BASE had it empty
            plan.sheets.append(_SheetMerge(plan, mt.empty_like(m), m, t).run())
        else:
            plan.sheets.append(SheetPlan(t.name, t.title, copy_from_theirs=True))
            plan.notes.append(f"Sheet '{t.title}' added (from THEIRS).")
    return plan


def _check_declared_sheets(base: Book, mine: Book, theirs: Book, *tables: list[Table]) -> None:
    """BASE must have the workbook's sheets that MINE and THEIRS have, and they BASE's: a
    merge against another workbook would delete or duplicate whole sheets."""
    have = [{t.name for t in ts if t.declared} for ts in tables]
    names = [p.path.name for p in (base, mine, theirs)]
    for sheet in sorted(have[0] ^ have[1] | have[0] ^ have[2]):
        with_it = [n for n, h in zip(names, have, strict=True) if sheet in h]
        without = [n for n, h in zip(names, have, strict=True) if sheet not in h]
        raise InputError(
            f"{' and '.join(without)} {'has' if len(without) == 1 else 'have'} no sheet "
            f"'{sheet}', which {' and '.join(with_it)} {'has' if len(with_it) == 1 else 'have'}:"
            f" BASE ({names[0]}) must be the copy both started from (the version sent round), "
            "and MINE and THEIRS must keep its sheets. Check the three files and run again.")


class _SheetMerge:
    """The three-way merge of one sheet that BASE, MINE and THEIRS all have (BASE may be an
    empty stand-in when both copies added the sheet)."""

    def __init__(self, plan: Plan, b: Table, m: Table, t: Table) -> None:
        self.plan, self.b, self.m, self.t = plan, b, m, t
        last = int(m.frame.index.max()) if len(m.frame) else m.header_row
        self.out = SheetPlan(m.name, m.title, m.header_row, max(last, m.header_row))
        self.sep = m.separator

    def count(self, what: str, n: int = 1) -> None:
        self.plan.count(self.m.title, what, n)

    # --- columns ------------------------------------------------------------------------

    def columns(self) -> list[MergedColumn]:
        b, m, t = self.b, self.m, self.t
        cm, ct = mt.column_pairs(b, m), mt.column_pairs(b, t)
        out: list[MergedColumn] = []
        for bi, mi in cm.pairs:
            ti = ct.new_of(bi)
            col = m.columns[mi]
            out.append(MergedColumn(bi, mi, ti, col.type or b.columns[bi].type, col.header,
                                    ("m", col.position)))
            self._header(b.columns[bi].header, col.header, t.columns[ti].header if ti else None,
                         out[-1])
            if ti is None:
                self.plan.notes.append(
                    f"{m.title}: column '{col.header}' was deleted in THEIRS; MERGED keeps it "
                    "(MINE's layout). Delete it by hand if it should go.")
        for bi, ti in ct.pairs:
            if bi in cm.gone and self._column_edited(bi, ti):
                header = t.columns[ti].header
                self._conflict(Conflict(
                    COLUMN_DELETED_IN_MINE, m.title, None, header, None, None, None,
                    f"MINE deleted the column '{header}', in which THEIRS changed cells: MERGED "
                    "follows MINE (the column stays deleted); copy THEIRS's values by hand if "
                    "they are needed.", None, None))
        m_fresh = {mi: m.columns[mi] for mi in cm.fresh}
        for ti in ct.fresh:
            col = t.columns[ti]
            if ti in m_fresh:  # both added a column of that header
                mc = m_fresh.pop(ti)
                out.append(MergedColumn(None, ti, ti, mc.type or col.type, mc.header,
                                        ("m", mc.position)))
            else:
                out.append(MergedColumn(None, None, ti, col.type, col.header,
                                        ("n", len(self.out.new_columns))))
                self.out.new_columns.append(col.header)
                self.count("theirs_columns")
        for mi, mc in m_fresh.items():
            out.append(MergedColumn(None, mi, None, mc.type, mc.header, ("m", mc.position)))
        return out

    def _header(self, base: str, mine: str, theirs: str | None, col: MergedColumn) -> None:
        """A header renamed in THEIRS only is renamed in MERGED; renamed differently on both
        sides, a conflict."""
        if theirs is None or theirs in (mine, base):
            return
        if mine == base:
            self.out.headers.append((col.ref, theirs))
            col.header = theirs
            self.plan.notes.append(f"{self.m.title}: column '{base}' renamed '{theirs}' "
                                   "(by THEIRS).")
            return
        self._conflict(Conflict(
            HEADER_BOTH, self.m.title, None, mine, mine, theirs, base,
            f"The column '{base}' was renamed differently: '{mine}' in MINE (kept), "
            f"'{theirs}' in THEIRS.", ("m", self.m.header_row), col.ref))

    def _column_edited(self, bi: str, ti: str) -> bool:
        rows = mt.row_map(mt.align(self.b, self.t, mt.column_pairs(self.b, self.t)))
        bv = self.b.frame[bi].to_numpy(dtype=object)
        tv = self.t.frame[ti].to_numpy(dtype=object)
        ctype = self.b.columns[bi].type
        return any(not mt.same(bv[i], tv[j], ctype, self.sep) for i, j in rows.items())

    # --- records ------------------------------------------------------------------------

    def run(self) -> SheetPlan:
        b, m, t = self.b, self.m, self.t
        cols = self.columns()
        self.cols = cols
        am = mt.align(b, m, mt.column_pairs(b, m))
        at = mt.align(b, t, mt.column_pairs(b, t))
        bm, bt = mt.row_map(am), mt.row_map(at)
        self.bv = {c.base: b.frame[c.base].to_numpy(dtype=object) for c in cols if c.base}
        self.mv = {c.mine: m.frame[c.mine].to_numpy(dtype=object) for c in cols if c.mine}
        self.tv = {c.theirs: t.frame[c.theirs].to_numpy(dtype=object) for c in cols if c.theirs}
        m_rows = m.frame.index.to_numpy()
        restored: set[int] = set()  # THEIRS positions put back (deleted in MINE, edited there)
        for i in range(len(b.frame)):
            mi, ti = bm.get(i), bt.get(i)
            if mi is not None and ti is not None:
                self._record(i, mi, ti, ("m", int(m_rows[mi])))
            elif mi is not None:
                self._deleted_in_theirs(i, mi, ("m", int(m_rows[mi])))
            elif ti is not None:
                if self._changed(self.tv, i, ti, "theirs"):
                    restored.add(ti)
                    self._restored_from_theirs(i, ti)
                else:
                    self.count("mine_deleted")
            else:
                self.count("alike_deleted")
        paired = self._pair_added(am, at)
        for mi, ti in paired.items():
            self._record(None, mi, ti, ("m", int(m_rows[mi])), both_added=True)
        self.count("mine_added", len(am.added) - len(paired))
        paired_t = set(paired.values())
        t_added = {int(x) for x in at.added}
        for ti in range(len(t.frame)):  # in THEIRS's order, below MINE's records
            if ti in restored:
                continue
            if ti in t_added and ti not in paired_t:
                self._record(None, None, ti, self._new_row())
                self.count("theirs_added")
        return self.out

    def _new_row(self) -> Ref:
        self.out.appended += 1
        return ("n", self.out.appended - 1)

    def _pair_added(self, am: mt.Alignment, at: mt.Alignment) -> dict[int, int]:
        """Records both copies added: by ID when the sheet has one, else rows alike in every
        cell both copies have."""
        m_added = [int(x) for x in am.added]
        t_added = [int(x) for x in at.added]
        pairs: dict[int, int] = {}
        m_key, t_key = self.m.key, self.t.key
        if m_key and m_key == t_key:
            mk = [mt.key_text(v) for v in self.m.frame[m_key].to_numpy(dtype=object)]
            tk = [mt.key_text(v) for v in self.t.frame[t_key].to_numpy(dtype=object)]
            waiting: dict[str, list[int]] = {}
            for ti in t_added:
                key = tk[ti]
                if key is not None:
                    waiting.setdefault(key, []).append(ti)
            for mi in m_added:
                queue = waiting.get(mk[mi] or "")
                if mk[mi] is not None and queue:
                    pairs[mi] = queue.pop(0)
        both = [(c.ctype, c.mine, c.theirs) for c in self.cols if c.mine and c.theirs]
        signatures: dict[tuple[Any, ...], list[int]] = {}
        for ti in t_added:
            if ti not in pairs.values():
                sig = tuple(mt.typed(self.tv[theirs][ti], ctype, self.sep)
                            for ctype, _, theirs in both)
                signatures.setdefault(sig, []).append(ti)
        for mi in m_added:
            if mi in pairs or not both:
                continue
            sig = tuple(mt.typed(self.mv[mine][mi], ctype, self.sep) for ctype, mine, _ in both)
            queue = signatures.get(sig)
            if queue:
                pairs[mi] = queue.pop(0)
        return pairs

    def _key(self, mi: int | None, ti: int | None) -> str | None:
        for table, pos in ((self.m, mi), (self.t, ti)):
            if pos is not None and table.key:
                return mt.key_text(table.frame[table.key].to_numpy(dtype=object)[pos])
        return None

    def _changed(self, values: dict[str, Any], bi: int, pos: int, side: str) -> bool:
        for c in self.cols:  # a cell of a column the side added counts too
            ident = c.mine if side == "mine" else c.theirs
            if ident is None:
                continue
            before = self.bv[c.base][bi] if c.base else None
            if not mt.same(before, values[ident][pos], c.ctype, self.sep):
                return True
        return False

    def _record(self, bi: int | None, mi: int | None, ti: int | None, row: Ref,
                both_added: bool = False) -> None:
        """The cells of one record MERGED holds (`row` is where it is in MERGED)."""
        conflicted = False
        for c in self.cols:
            if ti is None or c.theirs is None:
                continue  # THEIRS has no say: MINE's cell stays as it is
            t = self.tv[c.theirs][ti]
            if mi is None or c.mine is None:  # a record or a column only THEIRS has
                if not _blank(t):
                    self.out.cells.append((row, c.ref, t))
                continue
            m = self.mv[c.mine][mi]
            b = self.bv[c.base][bi] if bi is not None and c.base is not None else None
            if mt.same(m, b, c.ctype, self.sep):
                if not mt.same(t, b, c.ctype, self.sep):
                    self.out.cells.append((row, c.ref, t))
                    if mi is not None and bi is not None:
                        self.count("theirs_cells")
            elif mt.same(t, b, c.ctype, self.sep):
                if bi is not None:
                    self.count("mine_cells")
            elif mt.same(t, m, c.ctype, self.sep):
                if bi is not None:
                    self.count("alike_cells")
            else:
                conflicted = True
                key = self._key(mi, ti)
                what = (f"Record {key or '(no ID)'} was added in both copies with a different "
                        f"'{c.header}'" if both_added else
                        f"'{c.header}' of {key or 'this record'} was changed in both copies")
                self._conflict(Conflict(
                    ADDED_BOTH if both_added else CHANGED_BOTH, self.m.title, key, c.header,
                    mt.shown(m), mt.shown(t), mt.shown(b),
                    f"{what}: MINE {_brief(m)} (kept), THEIRS {_brief(t)}"
                    + ("" if both_added else f", BASE {_brief(b)}") + ".",
                    row, c.ref))
        if both_added and not conflicted:
            self.count("alike_added")

    def _deleted_in_theirs(self, bi: int, mi: int, row: Ref) -> None:
        if not self._changed(self.mv, bi, mi, "mine"):
            self.out.deleted.append(row[1])
            self.count("theirs_deleted")
            return
        key = self._key(mi, None)
        self._conflict(Conflict(
            DELETED_IN_THEIRS, self.m.title, key, None, None, None, None,
            f"Record {key or '(no ID)'} was deleted in THEIRS and edited in MINE: MERGED keeps "
            "MINE's record. Delete the row by hand if it should go.", row, self._key_ref()))

    def _restored_from_theirs(self, bi: int, ti: int) -> None:
        row = self._new_row()
        self._record(None, None, ti, row)
        key = self._key(None, ti)
        self._conflict(Conflict(
            DELETED_IN_MINE, self.m.title, key, None, None, None, None,
            f"Record {key or '(no ID)'} was deleted in MINE and edited in THEIRS: MERGED has "
            "THEIRS's record back (added at the end of the sheet). Delete the row by hand if "
            "it should go.", row, self._key_ref()))

    def _key_ref(self) -> Ref:
        """The column that names a record: the ID column, else the first."""
        for c in self.cols:
            if c.mine is not None and c.mine == self.m.key:
                return c.ref
        return min((c.ref for c in self.cols if c.ref[0] == "m"), default=("m", 0))

    def _conflict(self, conflict: Conflict) -> None:
        self.plan.conflicts.append(conflict)
        self.count("conflicts")


def _brief(value: Any, room: int = 60) -> str:
    """A value on one line of the report; the whole value is in the cell's comment and on the
    Merge conflicts sheet."""
    text = mt.show(mt.shown(value))
    return text if len(text) <= room else text[:room - 2] + "…'"


def _blank(value: Any) -> bool:
    return mt.typed(value, None, ";") is None
