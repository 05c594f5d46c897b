"""The import layers of docs/architecture.md: each module imports only from its own layer or the
layers below; validation and outputs never import each other; speedups/ is importable by anything
but imports only the base layer. Every import counts, at any depth (inside a function too)."""

from __future__ import annotations

import ast
from pathlib import Path

import matrixbook

PACKAGE = Path(matrixbook.__file__).parent

# Layer of each module, by the longest matching name (a package's modules share its layer).
LAYERS: dict[str, int] = {
    # 1. base
    "matrixbook.errors": 1, "matrixbook.files": 1, "matrixbook.cells": 1, "matrixbook.values": 1,
    "matrixbook.resources": 1, "matrixbook.report": 1, "matrixbook.outfolder": 1,
    # 2. declarations
    "matrixbook.schema": 2, "matrixbook.i18n": 2,
    "matrixbook.schema_climb": 2,
    # 3. reading
    "matrixbook.reading": 3, "matrixbook.loading": 3, "matrixbook.filecheck": 3,
    # 4. model: what the records mean
    "matrixbook.model": 4, "matrixbook.audience": 4,
    # 5. writing kits
    "matrixbook.xlsx": 5, "matrixbook.documents": 5, "matrixbook.pictures": 5,
    # 6. rules and outputs (never each other)
    "matrixbook.validation": 6, "matrixbook.outputs": 6,
    # 7. commands' machinery
    "matrixbook.build": 7, "matrixbook.annotate": 7, "matrixbook.diff": 7,
    "matrixbook.diff_workbook": 7, "matrixbook.merge": 7, "matrixbook.repair": 7,
    "matrixbook.newbook": 7,
    "matrixbook.lists": 7, "matrixbook.dictionary": 7, "matrixbook.seed": 7,
    # 8. the library's entry points, 9. the command line
    "matrixbook.api": 8,
    "matrixbook.cli": 9, "matrixbook.cli_diff": 9, "matrixbook.cli_merge": 9,
    "matrixbook.cli_errors": 9,
    "matrixbook.__main__": 9, "matrixbook": 9,
}
SPEEDUPS = "matrixbook.speedups"
# Plain helpers a fast path reuses as they are (the fast Word writer zips with the same
# deterministic writer as the plain one, so both give the same bytes; the reading threads
# open and read the sheets with the plain reader's functions).
SPEEDUPS_MAY_USE = {"matrixbook.documents.zipping", "matrixbook.filecheck", "matrixbook.loading"}
APART = ("matrixbook.validation", "matrixbook.outputs")  # same layer, never importing each other



def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The matrixbook modules `path` imports, at any depth; `from a import b` names a.b when b
    is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[:len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {m for m in found if m == "matrixbook" or m.startswith("matrixbook.")}


def layer_of(name: str) -> int | None:
    """The layer of a module or of its package; the top package's own layer is its alone."""
    if name == "matrixbook":
        return LAYERS[name]
    while "." in name:
        if name in LAYERS:
            return LAYERS[name]
        name = name.rpartition(".")[0]
    return None


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(found: dict[str, Path] | None = None) -> list[str]:
    found = found if found is not None else modules()
    known = set(found)
    out = []
    for name, path in found.items():
        here = layer_of(name)
        if here is None and not under(name, SPEEDUPS):
            out.append(f"{name}: not in any layer; add it to LAYERS in tests/test_layers.py")
            continue
        for target in sorted(imported(path, name, known)):
            if under(target, SPEEDUPS) or target == name:
                continue
            there = layer_of(target)
            if under(name, SPEEDUPS):
                if there != 1 and target not in SPEEDUPS_MAY_USE:
                    out.append(f"{name} imports {target}: speedups import only the base layer")
                continue
            if there is None:
                continue  # reported as a module of no layer
            apart = [p for p in APART if under(name, p) or under(target, p)]
            if len(apart) == 2 and apart[0] != apart[1]:
                out.append(f"{name} imports {target}: validation and outputs never import "
                           "each other")
            elif there > here:
                out.append(f"{name} (layer {here}) imports {target} (layer {there}): a lower "
                           "layer imports a higher one")
    return out


def test_no_module_imports_a_higher_layer() -> None:
    assert violations() == []


def test_a_rule_importing_an_output_inside_a_function_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "rules_x.py"
    source.write_text("def rule():\n    from matrixbook.outputs import briefs\n",
                      encoding="utf-8")
    found = {**modules(), "matrixbook.validation.rules_x": source}
    assert violations(found) == [
        "matrixbook.validation.rules_x imports matrixbook.outputs.briefs: validation and "
        "outputs never import each other"]


def test_a_model_module_importing_a_kit_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "bodies.py"
    source.write_text("import matrixbook.xlsx\n", encoding="utf-8")
    found = {**modules(), "matrixbook.model.bodies": source}
    assert violations(found) == [
        "matrixbook.model.bodies (layer 4) imports matrixbook.xlsx (layer 5): a lower layer "
        "imports a higher one"]


def test_speedups_import_only_the_base_layer(tmp_path: Path) -> None:
    source = tmp_path / "pools.py"
    source.write_text("from matrixbook.schema import Schema\nfrom matrixbook import errors\n",
                      encoding="utf-8")
    found = {**modules(), "matrixbook.speedups.pools": source}
    assert violations(found) == [
        "matrixbook.speedups.pools imports matrixbook.schema: speedups import only the base "
        "layer"]


def test_a_module_of_no_layer_is_named(tmp_path: Path) -> None:
    source = tmp_path / "stray.py"
    source.write_text("", encoding="utf-8")
    found = {**modules(), "matrixbook.stray": source}
    assert violations(found) == [
        "matrixbook.stray: not in any layer; add it to LAYERS in tests/test_layers.py"]
