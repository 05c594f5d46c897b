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
    # Not in the JSON contract: other cells the message names (each is marked by --annotate),
    # and, for a finding that repeats record after record in the same words, the text of the
    # one entry they collapse into ("{n}" and "{items}" filled in) and this record's item.
    also: tuple[str, ...] = ()
    group: str | None = None
    item: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = json_value(self.value)
        return {k: d[k] for k in ("severity", "sheet", "cell", "row", "column", "value", "rule",
                                  "message")}

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    @property
    def cells(self) -> list[str]:
        """Every cell the finding names: its own, then the others its message names."""
        own = [self.cell] if self.cell else []
        return own + [c for c in self.also if c != self.cell]


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
        """Errors first, then warnings; each in the order of the sheets in the schema (staff's
        own sheets after them), then by row and column."""
        order = {name: i for i, name in enumerate(sheet_order or [])}
        return sorted(
            self.findings,
            key=lambda f: (f.severity != ERROR, order.get(f.sheet, len(order)), f.sheet,
                           f.row or 0, _col_index(f.cell), f.rule),
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
        """The summary on the first line, then the errors, then the warnings, each sheet by
        sheet in row order. The same finding in many cells of one column (a whole column
        typed the wrong way) is one entry naming the cells, and a finding that repeats record
        after record in the same words (empty brief sections) is one entry naming the records:
        a global workbook would print thousands of lines and bury its errors. (JSON and
        --annotate keep every finding.)"""
        # One line, never wrapped: the path is as long as the person's folders make it, and
        # it never decides where the verdict breaks.
        lines = [self.summary()]
        findings = self.sorted(sheet_order)
        for severity, title in ((ERROR, "Errors"), (WARNING, "Warnings")):
            of_kind = [f for f in findings if f.severity == severity]
            if not of_kind:
                continue
            lines += ["", f"{title} ({len(of_kind):,})"]
            current = None
            for place, f, message in _entries(of_kind):
                if f.sheet != current:
                    if current is not None:
                        lines.append("")
                    current = f.sheet
                    lines.append(f"{f.sheet or '(workbook)'}")
                label = "error  " if f.severity == ERROR else "warning"
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
    finding = Finding(ERROR, "", "cannot-run", message)
    return json.dumps({"ok": False, "errors": 1, "warnings": 0,
                       "findings": [finding.as_dict()]}, ensure_ascii=False, indent=2)


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
                shown += f"; and {len(items) - MAX_ITEMS:,} more"
            message = first.group.replace("{n}", f"{len(members):,}").replace("{items}", shown)
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
