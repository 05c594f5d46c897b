"""Text and JSON renderings of reports: the text a person reads, the JSON a program reads.

Every command's report prints through `text_report` (an opening, sections of lines and
entries, a closing) and `to_json`: validate and build with `findings_text`, diff with its own
change records (`matrixbook.diff.render`)."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_string
from typing import Any

from matrixbook.cells import column_letters
from matrixbook.report.catalogue import CANNOT_RUN
from matrixbook.report.message import Words
from matrixbook.report.model import ERROR, WARNING, Finding, json_value


def say(words: Words | None, text: str, **args: Any) -> str:
    """A fixed text of the report (context 'report' in the catalogues), in the language of
    `words` (English when None), its {placeholders} filled in."""
    template = words.t(text, "report") if words is not None else text
    return template.format(**args)


def count(words: Words | None, n: int) -> str:
    """A count with the separators of the language: 1,234 / 1 234."""
    return words.number(n) if words is not None else f"{n:,}"


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


def findings_text(summary: str, findings: list[Finding], width: int = 100,
                  words: Words | None = None) -> str:
    """`summary` on the first line, then the errors, then the warnings, each sheet by
    sheet in row order. The same finding in many cells of one column (a whole column
    typed the wrong way) is one entry naming the cells, and a finding that repeats record
    after record in the same words (empty brief sections) is one entry naming the records:
    a global workbook would print thousands of lines and bury its errors. (JSON and
    --annotate keep every finding.) `words`: the fixed texts in another language (the
    findings' messages are already in it, see matrixbook.i18n.findings)."""
    labels = {ERROR: say(words, "error"), WARNING: say(words, "warning")}
    label_width = max(len(label) for label in labels.values())
    sections = []
    for severity, title in ((ERROR, say(words, "Errors")), (WARNING, say(words, "Warnings"))):
        of_kind = [f for f in findings if f.severity == severity]
        if not of_kind:
            continue
        section = Section(f"{title} ({count(words, len(of_kind))})")
        current = None
        for place, f, message in _entries(of_kind, words):
            if f.sheet != current:
                if current is not None:
                    section.lines.append("")
                current = f.sheet
                section.lines.append(f"{f.sheet or say(words, '(workbook)')}")
            label = labels[f.severity].ljust(label_width)
            section.lines.append(Entry(f"  {place:<7} {label} ", message))
        sections.append(section)
    # The summary is one line, never wrapped: the path is as long as the person's folders
    # make it, and it never decides where the verdict breaks.
    return text_report([summary], sections, width=width)


def report_json(ok: bool, errors: int, warnings: int, findings: list[Finding]) -> str:
    """The JSON of validate, exactly as `json.dumps(..., ensure_ascii=False, indent=2)` writes
    it (tests/test_report_speed.py compares them), written finding by finding with the json
    module's own string escaping: the standard encoder works in pure Python when it indents,
    about twenty times slower on a workbook with hundreds of thousands of findings."""
    parts = [f'{{\n  "ok": {"true" if ok else "false"},\n  "errors": {errors},\n'
             f'  "warnings": {warnings},\n  "findings": ']
    if not findings:
        parts.append("[]\n}")
        return "".join(parts)
    parts.append("[\n")
    last = len(findings) - 1
    for i, f in enumerate(findings):
        parts.append(
            f'    {{\n      "severity": {_json(f.severity.value)},\n'
            f'      "sheet": {_json(f.sheet)},\n'
            f'      "cell": {_json(f.cell)},\n'
            f'      "row": {_json(f.row)},\n'
            f'      "column": {_json(f.column)},\n'
            f'      "value": {_json(json_value(f.value))},\n'
            f'      "rule": {_json(f.rule)},\n'
            f'      "message": {_json(f.message)}\n    }}' + (",\n" if i < last else "\n"))
    parts.append("  ]\n}")
    return "".join(parts)


def _json(v: Any) -> str:
    """One value of a finding at the depth of its key, as json.dumps(indent=2) writes it."""
    if v.__class__ is str:
        return _encode_string(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float) and math.isfinite(v):
        return float.__repr__(v)
    # lists, NaN, a subclass of str: the standard encoder, indented to the key's depth
    return json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n      ")


def cannot_run_json(message: str) -> str:
    """The JSON of a run that could not read the workbook (exit status 2)."""
    finding = CANNOT_RUN.at("", message)
    return to_json({"ok": False, "errors": 1, "warnings": 0, "findings": [finding.as_dict()]})


GROUP_FROM = 3  # identical findings printed as one entry from this many cells or records
MAX_RANGES = 4  # cell ranges named in such an entry before "and N more"
MAX_ITEMS = 20  # records named in such an entry before "and N more"


def _entries(findings: list[Finding],
             words: Words | None = None) -> list[tuple[str, Finding, str]]:
    """The text entries of `findings` (already in order) as (place, first finding, message).

    Findings with the same sheet, column, severity, rule and message are one entry naming
    their cells; findings of one rule that share a `group` text in a sheet, when there are at
    least GROUP_FROM of them, are one entry naming their records. Each entry stands where its
    first finding stands."""
    sizes: dict[tuple[Any, ...], int] = {}
    key: tuple[Any, ...]
    for f in findings:
        if f.group:
            key = (f.sheet, f.severity, f.rule, f.group)
            sizes[key] = sizes.get(key, 0) + 1
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        if f.group and sizes[key := (f.sheet, f.severity, f.rule, f.group)] >= GROUP_FROM:
            key = ("records", *key)
        elif f.cell:
            key = ("cells", f.sheet, _letters(f.cell), f.severity, f.rule, f.message)
        else:
            key = ("one", id(f))
        members = groups.get(key)
        if members is None:
            groups[key] = [f]
        else:
            members.append(f)
    out = []
    for key, members in groups.items():
        first = members[0]
        if key[0] == "records":
            out.append(_records_entry(first.group or "", members, words))
        elif len(members) >= GROUP_FROM:
            cells = [m.cell or "-" for m in members]
            out.append((_cell_ranges(cells, words), first,
                        say(words, "{message} (The same in {n} cells.)", message=first.message,
                            n=count(words, len(cells)))))
        else:
            out.extend((m.cell or "-", m, m.message) for m in members)
    return out


def _letters(cell: str) -> str:
    """The column letters of a cell reference: 'AB12' -> 'AB'."""
    letters = cell.rstrip("0123456789")
    return letters if letters.isalpha() else "".join(ch for ch in cell if ch.isalpha())


def _records_entry(group: str, members: list[Finding],
                   words: Words | None) -> tuple[str, Finding, str]:
    """One entry for findings that share a `group` text: "{n}" the number of findings,
    "{items}" the records they name, "{rows}" the Excel rows they stand in (as ranges) and
    "{records}" how many rows that is; the place is the number of rows."""
    message = group.replace("{n}", count(words, len(members)))
    number = len(members)
    if "{items}" in message:
        items = [m.item or m.where for m in members]
        shown = "; ".join(items[:MAX_ITEMS])
        if len(items) > MAX_ITEMS:
            shown += say(words, "; and {n} more", n=count(words, len(items) - MAX_ITEMS))
        message = message.replace("{items}", shown)
    if "{rows}" in message or "{records}" in message:
        rows = sorted({m.row for m in members if m.row is not None})
        number = len(rows)
        message = message.replace("{rows}", _row_ranges(rows, words)).replace(
            "{records}", count(words, number))
    rows_head = (f"{number:,} row{'' if number == 1 else 's'}" if words is None
                 else words.plural(number, "{n} row", "{n} rows", "report"))
    return rows_head, members[0], message


def _row_ranges(rows: list[int], words: Words | None = None) -> str:
    """3, 4, 5, 9 -> '3 to 5 and 9'; runs of consecutive rows as ranges, in the language of
    `words` (French: '3 à 5 et 9', numbers with its separators)."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    shown = [count(words, a) if a == b else
             say(words, "{first} to {last}", first=count(words, a), last=count(words, b))
             for a, b in runs[:MAX_RANGES]]
    more = len(runs) - MAX_RANGES
    if more > 0:
        return ", ".join(shown) + say(words, " and {n} more", n=count(words, more))
    if len(shown) > 1:
        return say(words, "{items} and {last}", items=", ".join(shown[:-1]), last=shown[-1])
    return shown[0]


def _cell_ranges(cells: list[str], words: Words | None = None) -> str:
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
    return ", ".join(shown) + (say(words, " and {n} more", n=count(words, more)) if more > 0
                               else "")


