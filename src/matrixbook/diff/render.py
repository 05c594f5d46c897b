"""A comparison as text for the terminal, laid out by `matrixbook.report.render` (the JSON
form is Comparison.as_json)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from matrixbook.cells import row_number
from matrixbook.diff.model import (
    ADDED,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    FIELD_KINDS,
    REMOVED,
    SHEET_ADDED,
    SHEET_REMOVED,
    SHEET_RENAMED,
    STRUCTURE_KINDS,
    WHITESPACE,
    Change,
    Comparison,
)
from matrixbook.diff.values import _blank
from matrixbook.report import Entry, Section, Wrap, plural, text_report

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
        parts.append(f"{plural(counts['added'], 'record')} added")
    if counts["removed"]:
        parts.append(f"{counts['removed']} removed")
    if counts["records_changed"]:
        parts.append(f"{counts['records_changed']} changed")
    if counts["columns"]:
        parts.append(f"{plural(counts['columns'], 'column change')}")
    return f"{sheet}: {', '.join(parts)}" if parts else sheet


# The validation entries wrap as they always have: beside their head, at least 40 wide.
_VALIDATION_WRAP = Wrap(min_room=40, whole_ids=False, alone_when_wide=False)


def render_text(result: Comparison, width: int) -> str:
    """The comparison as text: a section per sheet with its changes, record by record, then
    the validation findings introduced and fixed, then the summary."""
    counts = result.counts()
    sections = [_sheet_section(result, sheet, counts[sheet], width) for sheet in result.sheets()]
    if result.findings:
        sections.append(_validation_section(result))
    return text_report([f"Old: {result.old_path}", f"New: {result.new_path}"], sections,
                       [result.summary()], width=width, wrap=_VALIDATION_WRAP)


def _sheet_section(result: Comparison, sheet: str, counts: dict[str, int],
                   width: int) -> Section:
    changes = [c for c in result.changes if c.sheet == sheet]
    section = Section(_sheet_heading(sheet, counts, changes))
    lines = section.lines
    fields = [c for c in changes if c.kind in FIELD_KINDS]
    label_width = min(max((len(c.column or "") for c in fields), default=0), 28)
    key_width = min(max((len(c.key or "") for c in changes), default=0), 20)
    current: tuple[str | None, int | None] | None = None
    pad = " " * _INDENT_RECORD
    for c in changes:
        if c.kind in STRUCTURE_KINDS:
            lines.append(pad + _structure_line(c))
        elif c.kind in (ADDED, REMOVED):
            label = c.key or "(no ID)"
            where = f"row {c.row}" if c.kind == ADDED else f"was row {row_number(c.old_cell)}"
            record = c.new if c.kind == ADDED else c.old
            head = f"{pad}{label:<{key_width}}  {c.kind} ({where})"
            summary = _record_summary(record, c.key)
            lines.append(_clip(f"{head}: {summary}", width) if summary else head)
        else:
            if (c.key, c.row) != current:
                current = (c.key, c.row)
                lines.append(f"{pad}{c.key or '(no ID)':<{key_width}}  changed (row {c.row})")
            lines.extend(_field_lines(c, width, label_width))
    return section


def _validation_section(result: Comparison) -> Section:
    section = Section("Validation")
    where_width = min(max(len(f.finding.where) for f in result.findings), 24)
    key_width = min(max(len(f.key or "") for f in result.findings), 16)
    for status, title in (("introduced", plural(len(result.introduced), "new problem")),
                          ("fixed", f"{len(result.fixed)} fixed (cells of the old file)")):
        group = [f for f in result.findings if f.status == status]
        if not group:
            continue
        section.lines.append(f"  {title}")
        for fc in group:
            f = fc.finding
            head = f"    {f.where:<{where_width}}  {fc.key or '':<{key_width}}  {f.severity:<7}  "
            section.lines.append(Entry(head, f.message))
    return section


def _record_summary(record: Any, key: str | None) -> str:
    """The first two filled fields besides the key: enough to recognise the record."""
    if not isinstance(record, dict):
        return ""
    values = [v for v in record.values() if str(v) != str(key)][:2]
    return " | ".join(_clip(show(v).strip("'"), 40) for v in values)
