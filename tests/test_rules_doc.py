"""The rule catalogue cannot drift: docs/rules.md is generated from it, every rule the code
emits is declared in it, and every rule declared in it is emitted somewhere."""

from __future__ import annotations

import ast
import re

from click.testing import CliRunner

from conftest import REPO
from matrixbook.cli import cli
from matrixbook.model.climb import load_mapping
from matrixbook.report import Rule, all_rules, catalogue
from matrixbook.schema import load_schema

SRC = REPO / "src" / "matrixbook"


def test_rules_md_is_generated_from_the_catalogue() -> None:
    result = CliRunner().invoke(cli, ["rules", "--format", "markdown"])
    assert result.exit_code == 0
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert result.output == committed, (
        "docs/rules.md is stale: run `matrixbook rules --format markdown > docs/rules.md`")


def _names_used() -> set[str]:
    """Every catalogue constant named outside the report package (RULE.at, ctx.finding(RULE,
    a table of rules), and the check names that columns.py turns into rules by code."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.parent.name == "report":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.alias) and node.name.isupper():
                names.add(node.name)
    return names


PANDERA_OWN = {"field_uniqueness", "not_nullable"}  # pandera's checks, not rule codes


def _pandera_checks() -> set[str]:
    """The check names columns.py gives pandera and turns into findings with rule_of(check):
    the literals of `check == "..."`, `check in (...)` and `_check(fn, "...")`."""
    text = (SRC / "validation" / "columns.py").read_text(encoding="utf-8")
    found = set(re.findall(r'check == "([a-z_-]+)"', text))
    for group in re.findall(r"check in \(([^)]*)\)", text):
        found |= set(re.findall(r'"([a-z_-]+)"', group))
    found |= set(re.findall(r'_check\([^\n]*?, "([a-z_-]+)"\)', text))
    return found - PANDERA_OWN


def test_every_emitted_rule_is_declared() -> None:
    """Every rule a finding is made from is a catalogue object: each `X.at(...)` and
    `ctx.finding(X, ...)` names a catalogue constant, and each pandera check that becomes a
    finding through rule_of is a declared code."""
    declared = {n for n in dir(catalogue) if isinstance(getattr(catalogue, n), Rule)}
    codes = {r.code for r in all_rules()}
    assert _pandera_checks() - codes == set()
    unknown = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "report":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {a.asname: a.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module == "matrixbook.report."
                   "catalogue" for a in node.names if a.asname}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            target = None
            if isinstance(fn, ast.Attribute) and fn.attr == "at" and isinstance(fn.value, ast.Name):
                target = fn.value.id
            elif (isinstance(fn, ast.Attribute) and fn.attr == "finding" and node.args
                  and isinstance(node.args[0], ast.Name)):
                target = node.args[0].id
            if target and aliases.get(target, target) not in declared and target != "rule":
                unknown.append(f"{path.name}:{node.lineno} {target}")
    assert unknown == []


def test_every_declared_rule_is_emitted() -> None:
    used = _names_used()
    checks = _pandera_checks()
    constants = {getattr(catalogue, n).code: n for n in dir(catalogue)
                 if isinstance(getattr(catalogue, n), Rule)}
    # The rules of what CLIMB needs are named by code in schemas/climb.yaml (its `needs`) and
    # emitted by validation/rules_climb.py through rule_of.
    needs = {n.rule for n in load_mapping(load_schema()).needs}
    never = [code for code, name in constants.items()
             if name not in used and code not in checks and code not in needs
             and code != "cannot-run"]
    assert never == [], f"declared in the catalogue but never emitted: {never}"
    # cannot-run is emitted by the report's own JSON of a run that could not read the file.
    assert "CANNOT_RUN" in (SRC / "report" / "render.py").read_text(encoding="utf-8")


def test_no_finding_is_built_from_a_bare_string() -> None:
    """Findings are made from their Rule: no `Finding(` call and no rule code as a literal
    argument of ctx.finding outside the report package."""
    codes = {r.code for r in all_rules()}
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.parent.name == "report":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
            if name == "Finding":
                offenders.append(f"{path.name}:{node.lineno} Finding(...)")
            for arg in node.args:
                if (isinstance(arg, ast.Constant) and arg.value in codes
                        and name in ("finding", "at")):
                    offenders.append(f"{path.name}:{node.lineno} {arg.value!r}")
    assert offenders == []


def test_comparisons_use_rules_not_strings() -> None:
    """No `.rule == "..."` branch on a rule's code outside the report package (diff excepted
    until it moves onto the report machinery)."""
    pattern = re.compile(r"\.rule\s*[!=]=\s*[\"']")
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if p.parent.name != "report" and p.name != "diff.py" and p.parent.name != "diff"
                 and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_rule_has_a_title_description_and_message() -> None:
    for r in all_rules():
        assert r.title and r.description and r.template, r.code
        assert r.severity in ("error", "warning"), r.code
