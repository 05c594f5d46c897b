"""The message catalogues: gettext .po files under `i18n/locale/<code>/LC_MESSAGES/`, read at
run time with Babel (no compile step), and the French labels of the schema under
`schemas/i18n/<code>/`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from matrixbook.resources import schemas_dir

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_files(code: str) -> list[Path]:
    return sorted((LOCALE_DIR / code / "LC_MESSAGES").glob("*.po"))


@dataclass(frozen=True)
class Plurals:
    """The plural entries of a language's catalogues (msgid / msgid_plural, msgstr[0..]):
    (context, English singular) -> the forms, and the language's gettext rule that picks the
    form's index for a number (`Plural-Forms` of the catalogues' header; French: 0 and 1
    take the first form)."""

    forms: dict[tuple[str | None, str], tuple[str, ...]] = field(default_factory=dict)
    expression: str = "(n != 1)"

    def index(self, n: int) -> int:
        return _plural_rule(self.expression)(abs(int(n)))


@lru_cache(maxsize=8)
def _plural_rule(expression: str) -> Callable[[int], int]:
    import gettext

    return gettext.c2py(expression)


@lru_cache(maxsize=8)
def _read(code: str) -> tuple[dict[tuple[str | None, str], str], Plurals]:
    from babel.messages.pofile import read_po

    found: dict[tuple[str | None, str], str] = {}
    forms: dict[tuple[str | None, str], tuple[str, ...]] = {}
    expressions = set()
    for path in po_files(code):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=code)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, str):
                text = message.string if isinstance(message.string, str) else ""
                if text:
                    found[(message.context, message.id)] = text
                continue
            strings = tuple(str(s) for s in message.string or ())
            if strings and all(strings):
                forms[(message.context, str(message.id[0]))] = strings
                expressions.add(catalog.plural_expr)
    if len(expressions) > 1:
        raise ValueError(f"The {code} catalogues disagree on their Plural-Forms: "
                         f"{sorted(expressions)}")
    return found, Plurals(forms, expressions.pop() if expressions else "(n != 1)")


def messages(code: str) -> dict[tuple[str | None, str], str]:
    """(context, English text) -> translation, over every .po file of `code`; fuzzy and empty
    entries are left out (so they fall back to English, and tests/test_i18n.py names them).
    Plural entries are in `plurals`."""
    return _read(code)[0]


def plurals(code: str) -> Plurals:
    """The plural entries of every .po file of `code` and the rule that picks their forms."""
    return _read(code)[1]


@dataclass(frozen=True)
class SheetLabels:
    """What a sheet is called in a language: its name, description, and each column's header
    and help text (keyed by the column's declared English name)."""

    name: str | None = None
    description: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemaLabels:
    """The labels of the schema in one language: vocabularies, sheets, countries, the title
    and the workbook's own texts."""

    vocabularies: dict[str, dict[str, str]] = field(default_factory=dict)
    sheets: dict[str, SheetLabels] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    workbook: dict[str, Any] = field(default_factory=dict)
    # vocabulary -> the terms whose label is not checked against an official text
    unconfirmed: dict[str, frozenset[str]] = field(default_factory=dict)


def _yaml(path: Path) -> Any:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def labels_dir(code: str) -> Path:
    return schemas_dir() / "i18n" / code


@lru_cache(maxsize=8)
def schema_labels(code: str) -> SchemaLabels:
    """The labels of `schemas/i18n/<code>/` (empty for English, the declared language)."""
    root = labels_dir(code)
    vocab = _yaml(root / "vocabularies.yaml") or {}
    vocabularies = {str(name): {str(k): str(v) for k, v in (terms or {}).items()}
                    for name, terms in vocab.items() if not str(name).startswith("_")}
    unconfirmed = {str(name): frozenset(str(v) for v in values or ())
                   for name, values in (vocab.get("_unconfirmed") or {}).items()}
    book = _yaml(root / "workbook.yaml") or {}
    countries = {str(k): str(v) for k, v in (book.get("countries") or {}).items()}
    sheets: dict[str, SheetLabels] = {}
    for path in sorted((root / "sheets").glob("*.yaml")):
        raw = _yaml(path) or {}
        english = str(raw.get("sheet", path.stem.title()))
        columns = raw.get("columns") or {}
        sheets[english] = SheetLabels(
            name=raw.get("name"), description=raw.get("description"),
            headers={str(k): str(v["name"]) for k, v in columns.items() if v.get("name")},
            helps={str(k): str(v["description"]) for k, v in columns.items()
                   if v.get("description")})
    return SchemaLabels(vocabularies, sheets, countries, book, unconfirmed)
