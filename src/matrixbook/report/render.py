"""Text and JSON renderings of reports: the text a person reads, the JSON a program reads.

Every command's report prints through `text_report` (an opening, sections of lines and
entries, a closing) and `to_json`: validate and build with `findings_text`, diff with its own
change records (`matrixbook.diff.render`)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from matrixbook.cells import column_letters
from matrixbook.report.catalogue import CANNOT_RUN
from matrixbook.report.model import ERROR, WARNING, Finding


def to_json(document: dict[str, Any]) -> str:
    """A report's JSON: UTF-8 text as it is, indented for a person who opens it."""
    return json.dumps(document, ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Entry:
    """One entry of a report: a head (where, what kind) and a message wrapped under itself."""

    head: str
    message: str


@dataclass(frozen=True)
class Wrap:
    """How entries' messages wrap beside their head: at least `min_room` wide; `whole_ids`
    never splits at a hyphen or inside a long word (IDs such as ENT-OIC, cell ranges); a head
    wider than half the page (`alone_when_wide`) stands on its own line, the message under it
    at `alone_indent`."""

    min_room: int = 0
    whole_ids: bool = True
    alone_when_wide: bool = True
    alone_indent: int = 18


@dataclass
class Section:
    """A heading and its lines: text as it is, or entries to wrap."""

    heading: str
    lines: list[str | Entry] = field(default_factory=list)


def text_report(opening: Iterable[str], sections: Iterable[Section],
                closing: Iterable[str] = (), *, width: int = 100, wrap: Wrap = Wrap()) -> str:
    """The opening lines, each section after a blank line, then the closing after another."""
    lines = list(opening)
    for section in sections:
        lines += ["", section.heading]
        for line in section.lines:
            if isinstance(line, Entry):
                lines += entry_lines(line, width, wrap)
            else:
                lines.append(line)
    closing = list(closing)
    if closing:
        lines += ["", *closing]
    return "\n".join(lines)


def entry_lines(entry: Entry, width: int, wrap: Wrap = Wrap()) -> list[str]:
    head = entry.head
    lines = []
    if wrap.alone_when_wide and len(head) > width // 2:
        lines.append(head.rstrip())
        head = " " * wrap.alone_indent
    body = textwrap.wrap(entry.message, width=max(width - len(head), wrap.min_room),
                         break_on_hyphens=not wrap.whole_ids,
                         break_long_words=not wrap.whole_ids) or [""]
    lines.append(head + body[0])
    lines.extend(" " * len(head) + more for more in body[1:])
    return lines


def findings_text(summary: str, findings: list[Finding], width: int = 100) -> str:
    """`summary` on the first line, then the errors, then the warnings, each sheet by
    sheet in row order. The same finding in many cells of one column (a whole column
    typed the wrong way) is one entry naming the cells, and a finding that repeats record
    after record in the same words (empty brief sections) is one entry naming the records:
    a global workbook would print thousands of lines and bury its errors. (JSON and
    --annotate keep every finding.)"""
    sections = []
    for severity, title in ((ERROR, "Errors"), (WARNING, "Warnings")):
        of_kind = [f for f in findings if f.severity == severity]
        if not of_kind:
            continue
        section = Section(f"{title} ({len(of_kind):,})")
        current = None
        for place, f, message in _entries(of_kind):
            if f.sheet != current:
                if current is not None:
                    section.lines.append("")
                current = f.sheet
                section.lines.append(f"{f.sheet or '(workbook)'}")
            label = "error  " if f.severity == ERROR else "warning"
            section.lines.append(Entry(f"  {place:<7} {label} ", message))
        sections.append(section)
    # The summary is one line, never wrapped: the path is as long as the person's folders
    # make it, and it never decides where the verdict breaks.
    return text_report([summary], sections, width=width)


def cannot_run_json(message: str) -> str:
    """The JSON of a run that could not read the workbook (exit status 2)."""
    finding = CANNOT_RUN.at("", message)
    return to_json({"ok": False, "errors": 1, "warnings": 0, "findings": [finding.as_dict()]})


GROUP_FROM = 3  # identical findings printed as one entry from this many cells or records
MAX_RANGES = 4  # cell ranges named in such an entry before "and N more"
MAX_ITEMS = 20  # records named in such an entry before "and N more"


def _entries(findings: list[Finding]) -> list[tuple[str, Finding, str]]:
    """The text entries of `findings` (already in order) as (place, first finding, message).

    Findings with the same sheet, column, severity, rule and message are one entry naming
    their cells; findings of one rule that share a `group` text in a sheet, when there are at
    least GROUP_FROM of them, are one entry naming their records. Each entry stands where its
    first finding stands."""
    def group_key(f: Finding) -> tuple[Any, ...]:
        return (f.sheet, f.severity, f.rule, f.group)

    sizes: dict[tuple[Any, ...], int] = {}
    for f in findings:
        if f.group:
            sizes[group_key(f)] = sizes.get(group_key(f), 0) + 1
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        if f.group and sizes[group_key(f)] >= GROUP_FROM:
            key: tuple[Any, ...] = ("records", *group_key(f))
        elif f.cell:
            key = ("cells", f.sheet, column_letters(f.cell), f.severity, f.rule, f.message)
        else:
            key = ("one", id(f))
        groups.setdefault(key, []).append(f)
    out = []
    for key, members in groups.items():
        first = members[0]
        if key[0] == "records":
            items = [m.item or m.where for m in members]
            shown = "; ".join(items[:MAX_ITEMS])
            if len(items) > MAX_ITEMS:
                shown += f"; and {len(items) - MAX_ITEMS:,} more"
            template = first.group or ""
            message = template.replace("{n}", f"{len(members):,}").replace("{items}", shown)
            out.append((f"{len(members):,} rows", first, message))
        elif len(members) >= GROUP_FROM:
            cells = [m.cell or "-" for m in members]
            out.append((_cell_ranges(cells), first,
                        f"{first.message} (The same in {len(cells):,} cells.)"))
        else:
            out.extend((m.cell or "-", m, m.message) for m in members)
    return out


def _cell_ranges(cells: list[str]) -> str:
    """D2, D3, D4, D7 -> 'D2:D4, D7': runs of consecutive rows as ranges."""
    letters = column_letters(cells[0])
    rows = [int(c[len(letters):]) for c in cells]
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    shown = [f"{letters}{a}" if a == b else f"{letters}{a}:{letters}{b}"
             for a, b in runs[:MAX_RANGES]]
    more = len(runs) - MAX_RANGES
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


