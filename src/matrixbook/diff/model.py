"""What `matrixbook diff` finds: changes (kinds, cells, values), findings introduced and fixed,
and the comparison that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matrixbook.cells import row_number
from matrixbook.report import Finding, json_value, plural, to_json

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
        return row_number(self.cell)


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
    """Everything that differs between OLD and NEW; renders as text or JSON (through
    `matrixbook.report.render`), gives the exit status (0 the same, 1 different, like `diff`)."""

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
        return to_json(self.as_json())

    def summary(self) -> str:
        if self.same:
            return f"No differences between {self.old_path} and {self.new_path}."
        n = len(self.changes)
        sheets = len(self.sheets())
        text = (f"{plural(n, 'change')} in {plural(sheets, 'sheet')}" if n
                else "No change in the data")
        return (f"{text}; validation: {plural(len(self.introduced), 'new problem')}, "
                f"{len(self.fixed)} fixed.")

    def to_text(self, width: int = 100) -> str:
        from matrixbook.diff.render import render_text

        return render_text(self, width)


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return json_value(value)
