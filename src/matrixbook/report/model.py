"""Severities, rules, findings and the report that holds them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from matrixbook.cells import column_number
from matrixbook.report.message import Message, Words


class Severity(StrEnum):
    """How bad a finding is; the value is the text of the JSON contract."""

    ERROR = "error"
    WARNING = "warning"


ERROR = Severity.ERROR
WARNING = Severity.WARNING

_BY_CODE: dict[str, Rule] = {}


@dataclass(frozen=True)
class Rule:
    """One kind of finding: its code (the "rule" of the JSON), its severity, what it checks
    and how its message reads (`template`, with {placeholders} for what each finding fills
    in). `final`: a warning while drafting, an error at `--stage final`. `stops`: the
    workbook is not in the shape the schema declares (a sheet or a header missing), so the
    command exits 2, as for a file it cannot read, after saying every finding."""

    code: str
    severity: Severity
    title: str
    description: str
    template: str
    final: bool = False
    stops: bool = False

    def __post_init__(self) -> None:
        if self.code in _BY_CODE:
            raise ValueError(f"rule {self.code!r} declared twice")
        _BY_CODE[self.code] = self

    def severity_at(self, stage: str | None) -> Severity:
        return ERROR if self.final and stage == "final" else self.severity

    def at(self, sheet: str, message: str | Message, cell: str | None = None,
           row: int | None = None, column: str | None = None, value: Any = None,
           also: tuple[str, ...] = (), group: str | Message | None = None,
           item: str | None = None, *, stage: str | None = None) -> Finding:
        """A finding of this rule at one place; see Finding for `also`, `group`, `item`. A
        `Message` (report.message.msg) rather than a plain text can be written in another
        language (matrixbook.i18n.findings)."""
        text = message if isinstance(message, Message) else None
        group_text = group if isinstance(group, Message) else None
        return Finding(self.severity_at(stage), sheet, self.code, str(message), cell, row,
                       column, value, also, None if group is None else str(group), item,
                       text, group_text)


def rule_of(code: str) -> Rule:
    """The rule whose code is `code` (KeyError for a code no rule declares)."""
    return _BY_CODE[code]


def all_rules() -> list[Rule]:
    """Every declared rule, in the order of declaration."""
    return list(_BY_CODE.values())


@dataclass(frozen=True)
class Finding:
    """One problem at one place: a sheet, and where possible a cell, row and column header."""

    severity: Severity
    sheet: str
    rule: str  # the code of its Rule (see `kind`)
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
    # The message and group text as templates and parts, when the rule gave them: the same
    # finding in another language (matrixbook.i18n.findings). Not compared, not in the JSON.
    text: Message | None = field(default=None, compare=False, repr=False)
    group_text: Message | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity.value, "sheet": self.sheet, "cell": self.cell,
                "row": self.row, "column": self.column, "value": json_value(self.value),
                "rule": self.rule, "message": self.message}

    @property
    def kind(self) -> Rule:
        """The Rule this finding is of."""
        return _BY_CODE[self.rule]

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
        """0 no error, 1 errors to fix in the cells, 2 the workbook is not in the schema's shape
        (a rule that `stops`: a missing sheet or header), as DESIGN.md's contract says."""
        if self.ok:
            return 0
        return 2 if any(_BY_CODE[f.rule].stops for f in self.errors if f.rule in _BY_CODE) else 1

    def sorted(self, sheet_order: list[str] | None = None) -> list[Finding]:
        """Errors first, then warnings; each in the order of the sheets in the schema (staff's
        own sheets after them), then by row and column."""
        order = {name: i for i, name in enumerate(sheet_order or [])}
        last = len(order)

        def key(f: Finding) -> tuple[Any, ...]:
            return (f.severity != ERROR, order.get(f.sheet, last), f.sheet, f.row or 0,
                    _column(f.cell), f.rule)

        return sorted(self.findings, key=key)

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
        """`as_json` as JSON text, indented by two spaces."""
        from matrixbook.report.render import report_json

        findings = self.sorted(sheet_order)
        errors = sum(1 for f in findings if f.severity == ERROR)
        return report_json(errors == 0, errors, len(findings) - errors, findings)

    def summary(self, words: Words | None = None) -> str:
        """'PATH: 1 error, 2 warnings — verdict.'; in the language of `words` (English when
        None; matrixbook.i18n.Texts is one)."""
        e, w = len(self.errors), len(self.warnings)
        if not self.ok:
            verdict = "fix the errors before you send it"
        elif w:
            verdict = ("no errors, but review the warnings; before the final version run "
                       "`matrixbook validate --stage final`")
        else:
            verdict = "ready to send"
        if words is None:
            return f"{self.path}: {plural(e, 'error')}, {plural(w, 'warning')} — {verdict}."
        return words.t("{path}: {errors}, {warnings} — {verdict}.", "report").format(
            path=self.path, errors=words.plural(e, "{n} error", "{n} errors", "report"),
            warnings=words.plural(w, "{n} warning", "{n} warnings", "report"),
            verdict=words.t(verdict, "report"))

    def to_text(self, sheet_order: list[str] | None = None, width: int = 100,
                words: Words | None = None) -> str:
        from matrixbook.report.render import findings_text

        return findings_text(self.summary(words), self.sorted(sheet_order), width, words)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_COLUMNS: dict[str, int] = {}  # column letters -> their number, as met


def _column(cell: str | None) -> int:
    """column_number, remembered for each column's letters (sorting meets a few columns a
    hundred thousand times each)."""
    if not cell:
        return 0
    letters = cell.rstrip("0123456789")
    n = _COLUMNS.get(letters)
    if n is None:
        n = column_number(letters)
        if len(letters) <= 3:
            _COLUMNS[letters] = n
    return n
