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

Modules: `model` (changes and the comparison), `tables` (a sheet in the shape compared),
`matching` (sheets, columns and records paired; changes of each pair), `values` (cell values
typed and shown), `compare` (reading both versions and the findings delta), `render` (text,
laid out by matrixbook.report.render like the findings of validate).
"""

from matrixbook.diff.compare import compare, compare_books
from matrixbook.diff.model import (
    ADDED,
    CHANGED,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RENAMED,
    FIELD_KINDS,
    KINDS,
    REMOVED,
    RENAME_NAME_RATIO,
    RENAME_VALUE_SHARE,
    SHEET_ADDED,
    SHEET_REMOVED,
    SHEET_RENAMED,
    STRUCTURE_KINDS,
    WHITESPACE,
    Change,
    Comparison,
    FindingChange,
)
from matrixbook.diff.render import show

__all__ = [
    "ADDED", "CHANGED", "COLUMN_ADDED", "COLUMN_REMOVED", "COLUMN_RENAMED", "FIELD_KINDS",
    "KINDS", "REMOVED", "RENAME_NAME_RATIO", "RENAME_VALUE_SHARE", "SHEET_ADDED",
    "SHEET_REMOVED", "SHEET_RENAMED", "STRUCTURE_KINDS", "WHITESPACE", "Change", "Comparison",
    "FindingChange", "compare", "compare_books", "show",
]
