"""The merge report: what came from each side, the conflicts, and the check of MERGED; as
text or JSON, with the exit status (0 merged cleanly, 1 conflicts or MERGED has errors)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matrixbook.merge.decide import COUNTS, Conflict
from matrixbook.report import plural, to_json

if TYPE_CHECKING:
    from matrixbook.report import Report


@dataclass
class MergeResult:
    base: str
    mine: str
    theirs: str
    merged: str
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    validation: Report | None = None

    @property
    def clean(self) -> bool:
        return not self.conflicts

    @property
    def exit_code(self) -> int:
        valid = self.validation is None or self.validation.ok
        return 0 if self.clean and valid else 1

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for n in self.counts.values():
            total.update(n)
        return total

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Short lists for tests: flatten(["kind", "sheet", "cell"])."""
        return [[getattr(c, k) for k in keys] for c in self.conflicts]

    def as_json(self) -> dict[str, Any]:
        report = self.validation
        return {
            "ok": self.exit_code == 0,
            "base": self.base, "mine": self.mine, "theirs": self.theirs,
            "merged": self.merged,
            "counts": {sheet: {k: n[k] for k in COUNTS} for sheet, n in self.counts.items()
                       if any(n.values())},
            "conflicts": [c.as_dict() for c in self.conflicts],
            "notes": self.notes,
            "validation": None if report is None else {
                "ok": report.ok, "errors": len(report.errors),
                "warnings": len(report.warnings), "summary": report.summary()},
        }

    def to_json(self) -> str:
        return to_json(self.as_json())

    def summary(self) -> str:
        if self.conflicts:
            return (f"{plural(len(self.conflicts), 'conflict')}: MERGED keeps MINE's value "
                    f"in each. Open {self.merged}, settle each one listed on its "
                    "'Merge conflicts' sheet (then delete that sheet), and validate again.")
        if self.validation is not None and not self.validation.ok:
            return (f"Merged without conflict, but {self.merged} breaks rules that each copy "
                    "kept: run `matrixbook validate` on it and fix them.")
        return f"Merged cleanly into {self.merged}."

    def to_text(self) -> str:
        lines = [f"Base:   {self.base}", f"Mine:   {self.mine} (its layout is kept)",
                 f"Theirs: {self.theirs}", f"Merged: {self.merged}", ""]
        rows = [(sheet, _side(n, "mine"), _side(n, "theirs"), _alike(n), str(n["conflicts"]))
                for sheet, n in self.counts.items() if any(n.values())]
        if rows:
            head = ("Sheet", "From MINE", "From THEIRS", "Alike in both", "Conflicts")
            widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
            for r in [head, *rows]:
                lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True))
                             .rstrip())
        else:
            lines.append("Neither copy changed anything since BASE.")
        if self.notes:
            lines += ["", "Notes"] + [f"  {n}" for n in self.notes]
        if self.conflicts:
            lines += ["", f"Conflicts ({len(self.conflicts)}), MINE's value kept in each:"]
            where = max(len(_where(c)) for c in self.conflicts)
            for c in self.conflicts:
                lines.append(f"  {_where(c):<{where}}  {c.message}")
        if self.validation is not None:
            lines += ["", "Validation of MERGED: " + self.validation.summary()]
        lines += ["", self.summary()]
        return "\n".join(lines)


def _where(c: Conflict) -> str:
    return f"{c.sheet}!{c.cell}" if c.cell else c.sheet


def _side(n: Counter[str], side: str) -> str:
    parts = []
    if n[f"{side}_cells"]:
        parts.append(plural(n[f"{side}_cells"], "cell"))
    if n[f"{side}_added"]:
        parts.append(f"{n[f'{side}_added']} added")
    if n[f"{side}_deleted"]:
        parts.append(f"{n[f'{side}_deleted']} deleted")
    if side == "theirs" and n["theirs_columns"]:
        parts.append(plural(n["theirs_columns"], "column"))
    return ", ".join(parts) or "-"


def _alike(n: Counter[str]) -> str:
    parts = []
    if n["alike_cells"]:
        parts.append(plural(n["alike_cells"], "cell"))
    if n["alike_added"]:
        parts.append(f"{n['alike_added']} added")
    if n["alike_deleted"]:
        parts.append(f"{n['alike_deleted']} deleted")
    return ", ".join(parts) or "-"
