"""Text and JSON renderings of findings: the text a person reads, the JSON a program reads.

`findings_text` takes a summary line and findings already in order, so any report (validate,
build, or another command with records of its own) prints the same way."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from matrixbook.report.catalogue import CANNOT_RUN
from matrixbook.report.message import Words
from matrixbook.report.model import ERROR, WARNING, Finding


def say(words: Words | None, text: str, **args: Any) -> str:
    """A fixed text of the report (context 'report' in the catalogues), in the language of
    `words` (English when None), its {placeholders} filled in."""
    template = words.t(text, "report") if words is not None else text
    return template.format(**args)


def count(words: Words | None, n: int) -> str:
    """A count with the separators of the language: 1,234 / 1 234."""
    return words.number(n) if words is not None else f"{n:,}"


def findings_text(summary: str, findings: list[Finding], width: int = 100,
                  words: Words | None = None) -> str:
    """`summary` on the first line, then the errors, then the warnings, each sheet by
    sheet in row order. The same finding in many cells of one column (a whole column
    typed the wrong way) is one entry naming the cells, and a finding that repeats record
    after record in the same words (empty brief sections) is one entry naming the records:
    a global workbook would print thousands of lines and bury its errors. (JSON and
    --annotate keep every finding.) `words`: the fixed texts in another language (the
    findings' messages are already in it, see matrixbook.i18n.findings)."""
    # One line, never wrapped: the path is as long as the person's folders make it, and
    # it never decides where the verdict breaks.
    lines = [summary]
    labels = {ERROR: say(words, "error"), WARNING: say(words, "warning")}
    label_width = max(len(label) for label in labels.values())
    for severity, title in ((ERROR, say(words, "Errors")), (WARNING, say(words, "Warnings"))):
        of_kind = [f for f in findings if f.severity == severity]
        if not of_kind:
            continue
        lines += ["", f"{title} ({count(words, len(of_kind))})"]
        current = None
        for place, f, message in _entries(of_kind, words):
            if f.sheet != current:
                if current is not None:
                    lines.append("")
                current = f.sheet
                lines.append(f"{f.sheet or say(words, '(workbook)')}")
            label = labels[f.severity].ljust(label_width)
            head = f"  {place:<7} {label} "
            if len(head) > width // 2:  # a long list of cells: the message on the next line
                lines.append(head.rstrip())
                head = " " * 18
            # IDs (ENT-OIC) and cell ranges never split at their hyphen or colon.
            body = textwrap.wrap(message, width=width - len(head), break_on_hyphens=False,
                                 break_long_words=False) or [""]
            lines.append(head + body[0])
            lines.extend(" " * len(head) + more for more in body[1:])
    return "\n".join(lines)




def cannot_run_json(message: str) -> str:
    """The JSON of a run that could not read the workbook (exit status 2)."""
    finding = CANNOT_RUN.at("", message)
    return json.dumps({"ok": False, "errors": 1, "warnings": 0,
                       "findings": [finding.as_dict()]}, ensure_ascii=False, indent=2)


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
            letters = "".join(ch for ch in f.cell if ch.isalpha())
            key = ("cells", f.sheet, letters, f.severity, f.rule, f.message)
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
                shown += say(words, "; and {n} more", n=count(words, len(items) - MAX_ITEMS))
            message = (first.group.replace("{n}", count(words, len(members)))
                       .replace("{items}", shown))
            out.append((say(words, "{n} rows", n=count(words, len(members))), first, message))
        elif len(members) >= GROUP_FROM:
            cells = [m.cell or "-" for m in members]
            out.append((_cell_ranges(cells, words), first,
                        say(words, "{message} (The same in {n} cells.)", message=first.message,
                            n=count(words, len(cells)))))
        else:
            out.extend((m.cell or "-", m, m.message) for m in members)
    return out


def _cell_ranges(cells: list[str], words: Words | None = None) -> str:
    """D2, D3, D4, D7 -> 'D2:D4, D7': runs of consecutive rows as ranges."""
    letters = "".join(ch for ch in cells[0] if ch.isalpha())
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


