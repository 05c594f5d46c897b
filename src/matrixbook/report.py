"""Findings and the report that holds them; rendered as text for people or JSON for programs."""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem at one place: a sheet, and where possible a cell, row and column header."""

    severity: str
    sheet: str
    rule: str
    message: str
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = json_value(self.value)
        return {k: d[k] for k in ("severity", "sheet", "cell", "row", "column", "value", "rule",
                                  "message")}

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


def json_value(value: Any) -> Any:
    """Cell values as JSON: dates as ISO text, NaN as null, anything else as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if hasattr(value, "to_pydatetime"):
        try:
            return json_value(value.to_pydatetime())
        except (ValueError, TypeError):
            return None
    return str(value)


@dataclass
class Report:
    """Every finding of a run; the exit status follows from it."""

    path: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def sorted(self, sheet_order: list[str] | None = None) -> list[Finding]:
        order = {name: i for i, name in enumerate(sheet_order or [])}
        return sorted(
            self.findings,
            key=lambda f: (order.get(f.sheet, len(order)), f.sheet, f.row or 0,
                           _col_index(f.cell), f.rule),
        )

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Short lists for tests: report.flatten(["cell", "rule"]) == [["F14", "vocabulary"]]."""
        return [[getattr(f, k) for k in keys] for f in self.findings]

    def as_json(self, sheet_order: list[str] | None = None) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.sorted(sheet_order)],
        }

    def to_json(self, sheet_order: list[str] | None = None) -> str:
        return json.dumps(self.as_json(sheet_order), ensure_ascii=False, indent=2)

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        if not self.ok:
            verdict = "fix the errors before you send it"
        elif w:
            verdict = ("no errors, but review the warnings; before the final version run "
                       "`matrixbook validate --stage final`")
        else:
            verdict = "ready to send"
        return f"{self.path}: {_plural(e, 'error')}, {_plural(w, 'warning')} — {verdict}."

    def to_text(self, sheet_order: list[str] | None = None, width: int = 100) -> str:
        """The findings sheet by sheet, in row order. The same finding in many cells of one
        column (a whole column typed the wrong way) is one entry naming the cells, not one
        line per row: a global workbook would print thousands. (JSON and --annotate keep
        every cell.)"""
        lines: list[str] = []
        current = None
        for f, cells in _grouped(self.sorted(sheet_order)):
            if f.sheet != current:
                current = f.sheet
                if lines:
                    lines.append("")
                lines.append(f"{f.sheet}")
            place = _cell_ranges(cells) if len(cells) >= GROUP_FROM else (f.cell or "-")
            message = (f"{f.message} (The same in {len(cells):,} cells.)"
                       if len(cells) >= GROUP_FROM else f.message)
            label = "error  " if f.severity == ERROR else "warning"
            head = f"  {place:<7} {label} "
            if len(head) > width // 2:  # a long list of cells: the message on the next line
                lines.append(head.rstrip())
                head = " " * 18
            body = textwrap.wrap(message, width=width - len(head)) or [""]
            lines.append(head + body[0])
            lines.extend(" " * len(head) + more for more in body[1:])
        if lines:
            lines.append("")
        # The path is as long as the person's folders make it: it never decides where the
        # verdict breaks (a line break inside it wherever the path ends).
        summary = self.summary()
        if len(summary) <= width:
            lines.append(summary)
        else:
            counts, verdict = summary.split(" — ", 1)
            lines.append(counts + " —")
            lines.extend(textwrap.wrap(verdict, width=width, break_long_words=False,
                                       break_on_hyphens=False))
        return "\n".join(lines)


def cannot_run_json(message: str) -> str:
    """The JSON of a run that could not read the workbook (exit status 2)."""
    finding = Finding(ERROR, "", "cannot-run", message)
    return json.dumps({"ok": False, "errors": 1, "warnings": 0,
                       "findings": [finding.as_dict()]}, ensure_ascii=False, indent=2)


GROUP_FROM = 3  # identical findings in a column printed as one entry from this many cells
MAX_RANGES = 4  # cell ranges named in such an entry before "and N more"


def _grouped(findings: list[Finding]) -> list[tuple[Finding, list[str]]]:
    """Findings with the same sheet, column, severity, rule and message, as (the first of
    them, every cell), in the order of their first cell."""
    groups: dict[tuple[Any, ...], tuple[Finding, list[str]]] = {}
    for f in findings:
        letters = "".join(ch for ch in (f.cell or "") if ch.isalpha())
        key = (f.sheet, letters, f.severity, f.rule, f.message) if f.cell else (id(f),)
        groups.setdefault(key, (f, []))[1].append(f.cell or "-")
    return list(groups.values())


def _cell_ranges(cells: list[str]) -> str:
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
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _col_index(cell: str | None) -> int:
    if not cell:
        return 0
    n = 0
    for ch in cell:
        if ch.isalpha():
            n = n * 26 + (ord(ch.upper()) - 64)
        else:
            break
    return n
