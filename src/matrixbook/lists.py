"""What the hidden Lists sheet of a master workbook holds, and where each drop-down points.

One column per vocabulary (countries shown as "SAU — Saudi Arabia"), and one column per set
of IDs a column refers to (the bodies: every Entity ID, then every Dialogue ID). An ID column
is made of formulas that read the ID columns of the workbook itself, so its drop-down follows
the workbook as staff add rows; a defined name trims it to the IDs there are. `init` writes
it with xlsxwriter, `init --repair-lists` with openpyxl into a copy of a user's workbook: both
take their cells from here, so the two cannot drift.

`validate` and `build` never read this sheet: it is not one of the declared sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matrixbook.cells import column_letter
from matrixbook.schema import Column, Reference, Schema


@dataclass(frozen=True)
class IdSource:
    """Where the IDs of one referenced sheet stand in the workbook: its title (as in the file),
    the letter of its key column, and the rows that may hold IDs."""

    title: str
    letter: str
    first: int
    last: int

    @property
    def range(self) -> str:
        return f"{_quoted(self.title)}!${self.letter}${self.first}:${self.letter}${self.last}"


@dataclass
class ListColumn:
    header: str
    values: list[str] = field(default_factory=list)  # vocabulary choices, as text
    formulas: list[str] = field(default_factory=list)  # ID lists: one array formula a cell
    count: str | None = None  # ID lists: a formula for how many IDs there are


@dataclass
class Lists:
    title: str  # the sheet's name (workbook.yaml's lists_sheet)
    columns: list[ListColumn]
    ranges: dict[str, str]  # vocabulary name or references text -> drop-down source
    names: dict[str, str]  # defined names of the ID lists -> their formula


def reference_sets(schema: Schema) -> list[tuple[Reference, ...]]:
    """The distinct sets of sheet keys that single-valued columns refer to, in schema order."""
    found: list[tuple[Reference, ...]] = []
    for sheet in schema.sheets:
        for col in sheet.columns:
            if col.references and not col.is_list and col.references not in found:
                keys = all(schema.sheet(r.sheet).key == r.column for r in col.references)
                if keys:
                    found.append(col.references)
    return found


def id_list_name(refs: tuple[Reference, ...]) -> str:
    """The defined name of an ID list: 'Entities_Dialogues_IDs'."""
    return "_".join(r.sheet for r in refs) + "_IDs"


def build_lists(schema: Schema, sources: dict[str, IdSource]) -> Lists:
    """The Lists sheet for a workbook whose key columns stand where `sources` says (by sheet
    name); a referenced sheet missing from `sources` adds no IDs."""
    title = schema.names.lists
    columns: list[ListColumn] = []
    ranges: dict[str, str] = {}
    names: dict[str, str] = {}
    for name in [*schema.vocabularies, "countries"]:
        vocab = schema.vocabulary(name)
        values = ([vocab.choice(c) for c in vocab.codes] if name == "countries"
                  else list(vocab.codes))
        letter = column_letter(len(columns))
        ranges[name] = f"={title}!${letter}$2:${letter}${len(values) + 1}"
        columns.append(ListColumn(name, values))
    for refs in reference_sets(schema):
        parts = [sources[r.sheet] for r in refs if r.sheet in sources]
        letter = column_letter(len(columns))
        size = sum(p.last - p.first + 1 for p in parts)
        counts = [f"COUNTA({p.range})" for p in parts]
        formulas = [_nth_id(parts, i) for i in range(1, size + 1)]
        count = "+".join(counts) or "0"
        defined = id_list_name(refs)
        names[defined] = (f"=OFFSET({title}!${letter}$2,0,0,"
                          f"MAX(1,{count}),1)")
        ranges[" | ".join(str(r) for r in refs)] = f"={defined}"
        columns.append(ListColumn(" | ".join(str(r) for r in refs), formulas=formulas,
                                  count=count))
    return Lists(title, columns, ranges, names)


def _nth_id(parts: list[IdSource], i: int) -> str:
    """The i-th non-empty ID across `parts` in order, or empty text: an array formula that
    skips empty rows (SMALL over the row numbers of the filled cells)."""
    counts = [f"COUNTA({p.range})" for p in parts]
    expr = '""'
    # From the last part outwards: IF(i <= the IDs up to this part, the one in it, <next>).
    for n in range(len(parts) - 1, -1, -1):
        p, before = parts[n], "+".join(counts[:n])
        k = f"{i}-({before})" if before else str(i)
        upto = "+".join(counts[:n + 1])
        pick = (f"INDEX({p.range},SMALL(IF({p.range}<>\"\",ROW({p.range})-{p.first - 1}),"
                f"{k}))")
        expr = f"IF({i}<={upto},{pick},{expr})"
    return "{=" + expr + "}"


def drop_down_source(col: Column, lists: Lists) -> str | None:
    """The source of a column's drop-down list, or None when it has none."""
    if col.is_list:
        return None
    if col.vocabulary:
        return lists.ranges[col.vocabulary]
    if col.references:
        return lists.ranges.get(" | ".join(str(r) for r in col.references))
    return None


def _quoted(title: str) -> str:
    if title.replace("_", "").isalnum():
        return title
    return "'" + title.replace("'", "''") + "'"
