"""The declaration of the master workbook, loaded from `schemas/`.

Everything else derives from this: the pandera checks, the drop-downs and input messages of a
new workbook, the data dictionary, the audience filter and the output columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from matrixbook.resources import schemas_dir

if TYPE_CHECKING:
    from matrixbook.schema_climb import ClimbMapping

COLUMN_TYPES = ("string", "integer", "number", "date", "boolean", "list")
AUDIENCES = ("internal", "external")


class SchemaError(Exception):
    """A declaration in `schemas/` is malformed (a developer's error, not a user's)."""


class Meaning(StrEnum):
    """What a term means to the code, declared as a flag on the term (`{code: Done, done:
    true}`; each flag is explained at the top of vocabularies.yaml): code asks for the meaning,
    never for the word. PENDING: still ahead (see Column.pending_until)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DONE = "done"
    DROPPED = "dropped"
    WITHDRAWN = "withdrawn"
    DRAFT = "draft"
    FINAL = "final"
    OPEN = "open"
    COLLECTION = "collection"
    DELIVERABLE = "deliverable"


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    meanings: frozenset[Meaning] = frozenset()

    @property
    def pending(self) -> bool:
        return Meaning.PENDING in self.meanings


# A drop-down choice that shows the name beside the code: "SAU — Saudi Arabia".
CHOICE_DASH = " \u2014 "
_CHOICE = re.compile(r"\s*([A-Za-z]{3})\s+[\u2014\u2013-]\s+(.+?)\s*")


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    terms: tuple[Term, ...]

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    @cached_property
    def code_set(self) -> frozenset[str]:
        return frozenset(self.codes)

    @cached_property
    def by_lower(self) -> dict[str, str]:
        return {c.lower(): c for c in self.codes}

    @cached_property
    def labels(self) -> dict[str, str]:
        return {t.code: t.label for t in self.terms}

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    def having(self, meaning: Meaning) -> tuple[str, ...]:
        """The codes of the terms declared with `meaning`, in the vocabulary's order."""
        return tuple(t.code for t in self.terms if meaning in t.meanings)

    @property
    def pending_codes(self) -> tuple[str, ...]:
        return self.having(Meaning.PENDING)

    def choice(self, code: str) -> str:
        """How a drop-down shows a code with its name: 'SAU — Saudi Arabia'."""
        return f"{code}{CHOICE_DASH}{self.label(code)}"

    def code_of_choice(self, text: str) -> str | None:
        """The code of a drop-down choice ('SAU — Saudi Arabia', any dash, any case), or None
        when `text` is not one (the name must be the code's own: 'SAU — Egypt' is not)."""
        m = _CHOICE.fullmatch(text)
        if m is None:
            return None
        code = m.group(1).upper()
        if code not in self.code_set:
            return None
        same = " ".join(m.group(2).split()).casefold() == self.label(code).casefold()
        return code if same else None


@dataclass(frozen=True)
class Reference:
    sheet: str
    column: str

    def __str__(self) -> str:
        return f"{self.sheet}.{self.column}"


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    vocabulary: str | None = None
    pattern: str | None = None
    references: tuple[Reference, ...] = ()
    audience: str = "external"
    personal: bool = False
    section: bool = False
    time: bool = False
    minimum: Any = None
    maximum: Any = None
    width: float = 14
    # A status column: the date column (field) after which a pending status is out of date.
    pending_until: str | None = None
    # A free-text column's counterpart in another language: the field it translates and the
    # language code ("Mandate (French)": translation_of mandate, language fr).
    translation_of: str | None = None
    language: str | None = None
    # What an empty cell is read as (an interview's Time zone, its Duration); the cell itself
    # stays empty: the default is applied where the value is used.
    default: Any = None

    @property
    def is_list(self) -> bool:
        return self.type == "list"

    @property
    def internal(self) -> bool:
        return self.audience == "internal"

    @property
    def references_text(self) -> str | None:
        return " | ".join(str(r) for r in self.references) or None

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None


@dataclass(frozen=True)
class Sheet:
    name: str
    description: str
    key: str | None
    columns: tuple[Column, ...]
    header_row: int = 1
    # A boolean column: external outputs carry only the rows where it is Yes (Shareable).
    external_rows: str | None = None
    id: str = ""  # the stem of its file in schemas/sheets/ (see SheetNames)

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def key_column(self) -> Column | None:
        return self.by_name.get(self.key) if self.key else None

    @property
    def key_field(self) -> str:
        """The field of the key column, for a sheet declared with one."""
        if self.key_column is None:
            raise SchemaError(f"{self.name} declares no key column")
        return self.key_column.field

    def column(self, name_or_field: str) -> Column:
        col = self.by_name.get(name_or_field) or self.by_field.get(name_or_field)
        if col is None:
            raise KeyError(f"{self.name} has no column {name_or_field!r}")
        return col

    def columns_for(self, audience: str) -> tuple[Column, ...]:
        """The columns an output for `audience` may carry: external outputs drop internal ones."""
        if audience == "internal":
            return self.columns
        return tuple(c for c in self.columns if not c.internal)


@dataclass(frozen=True)
class SheetNames:
    """The name of each sheet the code reads, as `schemas/` declares it. A declared sheet goes
    by the stem of its file in sheets/ (`names.policies` is the `name:` of policies.yaml);
    `lists` (the hidden drop-down lists) and `about` (what the workbook is) are named in
    workbook.yaml. Code writes `tables[schema.names.policies]`, never the name itself."""

    entities: str
    dialogues: str
    memberships: str
    themes: str
    policies: str
    interviews: str
    workplan: str
    sources: str
    recommendations: str
    strategy: str
    review: str
    lists: str
    about: str


@dataclass(frozen=True)
class Schema:
    version: str
    title: str
    separator: str
    sheets: tuple[Sheet, ...]
    names: SheetNames
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    extra_country_codes: dict[str, Any] = field(default_factory=dict)  # name, or {name, note}
    extra: dict[str, Any] = field(default_factory=dict)
    climb: ClimbMapping | None = None  # climb.yaml (matrixbook.schema_climb)

    @cached_property
    def by_name(self) -> dict[str, Sheet]:
        return {s.name: s for s in self.sheets}

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> Sheet:
        return self.by_name[name]

    def vocabulary(self, name: str) -> Vocabulary:
        if name == "countries":
            return countries_vocabulary(tuple(
                (code, v["name"] if isinstance(v, dict) else v)
                for code, v in self.extra_country_codes.items()))
        return self.vocabularies[name]

    def codes(self, vocabulary: str, meaning: Meaning) -> tuple[str, ...]:
        """The codes of `vocabulary` that mean `meaning`: `codes("interview_status", DONE)`."""
        return self.vocabularies[vocabulary].having(meaning)

    def allowed(self, column: Column) -> tuple[str, ...] | None:
        return self.vocabulary(column.vocabulary).codes if column.vocabulary else None

    @cached_property
    def publisher(self) -> Publisher:
        """Who the deliverables are from (workbook.yaml's `publisher`)."""
        declared = self.extra.get("publisher") or {}
        return Publisher(**{k: str(v) for k, v in declared.items()
                            if k in Publisher.__dataclass_fields__})


@dataclass(frozen=True)
class Publisher:
    """The organisation every deliverable names: on covers and page headers, and as the
    author, company and language of each file's properties. Declared once, in
    schemas/workbook.yaml; these defaults hold when a schema of one's own leaves it out."""

    organisation: str = "International Organization for Migration (IOM)"
    company: str = "International Organization for Migration"
    office: str = "Regional Office for the Middle East and North Africa"
    author: str = "IOM MENA Regional Office"
    language: str = "en-GB"
    keywords: str = "IOM; migration"


@lru_cache(maxsize=4)
def countries_vocabulary(extra: tuple[tuple[str, str], ...]) -> Vocabulary:
    """ISO 3166-1 alpha-3 codes from pycountry, then the extra grouping codes."""
    import pycountry

    terms = [Term(c.alpha_3, _display_name(c)) for c in pycountry.countries]
    terms.sort(key=lambda t: t.code)
    terms += [Term(code, str(label["name"] if isinstance(label, dict) else label))
              for code, label in extra]
    return Vocabulary("countries", "ISO 3166-1 alpha-3 country codes", tuple(terms))


def _display_name(country: Any) -> str:
    """The name a reader expects: the common name where ISO has one, and ISO's inverted forms
    turned round ("Palestine, State of" -> "State of Palestine")."""
    name = getattr(country, "common_name", None) or country.name
    if ", " in name and "(" not in name:
        head, tail = name.split(", ", 1)
        tail = tail.removeprefix("The ")
        name = f"{tail} {head}"
    return name


def _load_yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


def _bound(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return value


COLUMN_KEYS = frozenset({
    "name", "field", "type", "description", "required", "unique", "vocabulary", "pattern",
    "references", "audience", "personal", "section", "time", "min", "max", "width",
    "pending_until", "default", "translation_of", "language"})


def _column(sheet: str, raw: dict[str, Any]) -> Column:
    unknown = sorted(set(raw) - COLUMN_KEYS)
    if unknown:
        raise SchemaError(f"{sheet}.{raw.get('name')}: unknown key {', '.join(unknown)}")
    try:
        refs = tuple(
            Reference(*part.strip().split(".", 1))
            for part in str(raw.get("references") or "").split("|")
            if part.strip()
        )
        col = Column(
            name=raw["name"],
            field=raw["field"],
            type=raw["type"],
            description=raw["description"],
            required=bool(raw.get("required", False)),
            unique=bool(raw.get("unique", False)),
            vocabulary=raw.get("vocabulary"),
            pattern=raw.get("pattern"),
            references=refs,
            audience=raw.get("audience", "external"),
            personal=bool(raw.get("personal", False)),
            section=bool(raw.get("section", False)),
            time=bool(raw.get("time", False)),
            minimum=_bound(raw.get("min")),
            maximum=_bound(raw.get("max")),
            width=float(raw.get("width", 14)),
            pending_until=raw.get("pending_until"),
            translation_of=raw.get("translation_of"),
            language=raw.get("language"),
            default=raw.get("default"),
        )
    except KeyError as exc:
        raise SchemaError(f"{sheet}: a column lacks {exc}") from exc
    if col.type not in COLUMN_TYPES:
        raise SchemaError(f"{sheet}.{col.name}: unknown type {col.type!r}")
    if col.audience not in AUDIENCES:
        raise SchemaError(f"{sheet}.{col.name}: unknown audience {col.audience!r}")
    if col.personal and col.audience != "internal":
        raise SchemaError(f"{sheet}.{col.name}: personal data must be internal")
    return col


def _term(vocabulary: str, raw: dict[str, Any]) -> Term:
    flags = {k: v for k, v in raw.items() if k not in ("code", "label")}
    unknown = sorted(set(flags) - set(Meaning))
    if unknown:
        raise SchemaError(f"{vocabulary}: {raw.get('code')}: unknown flag {', '.join(unknown)} "
                          f"(known: {', '.join(Meaning)})")
    return Term(str(raw["code"]), str(raw.get("label", raw["code"])),
                frozenset(Meaning(k) for k, v in flags.items() if v is True))


def load_schema(directory: Path | None = None) -> Schema:
    """Read and cross-check every declaration under `directory` (default: the shipped one)."""
    return _load_schema(str(directory or schemas_dir()))


@lru_cache(maxsize=4)
def _load_schema(directory: str) -> Schema:
    root = Path(directory)
    book = _load_yaml(root / "workbook.yaml")
    vocab_raw = _load_yaml(root / "vocabularies.yaml")
    vocabularies = {}
    for name, body in vocab_raw.items():
        terms = [_term(name, v) if isinstance(v, dict) else Term(str(v), str(v))
                 for v in body["values"]]
        vocabularies[name] = Vocabulary(name, body.get("description", ""), tuple(terms))
    sheets = []
    header_row = int(book.get("header_row", 1))
    for stem in book["sheets"]:
        raw = _load_yaml(root / "sheets" / f"{stem}.yaml")
        cols = tuple(_column(raw["name"], c) for c in raw["columns"])
        sheets.append(
            Sheet(raw["name"], raw.get("description", ""), raw.get("key"), cols, header_row,
                  raw.get("external_rows"), stem)
        )
    extra = {k: v for k, v in book.items() if k not in {"version", "title", "separator", "sheets"}}
    for path in sorted(root.glob("*.yaml")):
        if path.name not in {"workbook.yaml", "vocabularies.yaml", "climb.yaml"}:
            extra[path.stem] = _load_yaml(path)
    schema = Schema(
        version=str(book["version"]),
        title=book.get("title", ""),
        separator=book.get("separator", ";"),
        sheets=tuple(sheets),
        names=_sheet_names(book, sheets),
        vocabularies=vocabularies,
        extra_country_codes=dict(book.get("extra_country_codes") or {}),
        extra=extra,
    )
    _cross_check(schema)
    if (root / "climb.yaml").exists():
        from matrixbook.schema_climb import parse_mapping

        schema = replace(schema, climb=parse_mapping(_load_yaml(root / "climb.yaml"), schema))
    return schema


def _sheet_names(book: dict[str, Any], sheets: list[Sheet]) -> SheetNames:
    declared: dict[str, Any] = {s.id: s.name for s in sheets}
    declared |= {"lists": book.get("lists_sheet"), "about": book.get("about_sheet")}
    missing = [f for f in SheetNames.__dataclass_fields__ if not declared.get(f)]
    if missing:
        raise SchemaError(f"workbook.yaml declares no sheet {', '.join(missing)}")
    return SheetNames(**{f: str(declared[f]) for f in SheetNames.__dataclass_fields__})


def _cross_check(schema: Schema) -> None:
    for sheet in schema.sheets:
        names = [c.name for c in sheet.columns]
        if len(set(names)) != len(names):
            raise SchemaError(f"{sheet.name}: duplicated column name")
        if sheet.key and sheet.key not in sheet.by_name:
            raise SchemaError(f"{sheet.name}: key {sheet.key!r} is not a column")
        if sheet.external_rows and (sheet.external_rows not in sheet.by_field
                                    or sheet.by_field[sheet.external_rows].type != "boolean"):
            raise SchemaError(f"{sheet.name}: external_rows {sheet.external_rows!r} is not a "
                              "boolean column")
        for col in sheet.columns:
            vocab = col.vocabulary
            if vocab and vocab != "countries" and vocab not in schema.vocabularies:
                raise SchemaError(f"{sheet.name}.{col.name}: no vocabulary {col.vocabulary!r}")
            if col.pending_until:
                until = sheet.by_field.get(col.pending_until)
                if until is None or until.type != "date" or not vocab or vocab == "countries":
                    raise SchemaError(f"{sheet.name}.{col.name}: pending_until must name a date "
                                      "column of the sheet, on a column with a vocabulary")
                if not schema.vocabulary(vocab).pending_codes:
                    raise SchemaError(f"{sheet.name}.{col.name}: pending_until, but no term of "
                                      f"{vocab!r} is marked pending")
            if col.translation_of is not None:
                english = sheet.by_field.get(col.translation_of)
                if english is None or english.type != "string" or col.type != "string" \
                        or not col.language or english.audience != col.audience \
                        or english.personal != col.personal:
                    raise SchemaError(f"{sheet.name}.{col.name}: translation_of must name a "
                                      "text column of the sheet with the same audience, "
                                      "and language a language code")
            if col.default is not None:
                _check_default(schema, sheet, col)
            for ref in col.references:
                target = schema.by_name.get(ref.sheet)
                if target is None or ref.column not in target.by_name:
                    raise SchemaError(f"{sheet.name}.{col.name}: bad reference {ref}")


def _check_default(schema: Schema, sheet: Sheet, col: Column) -> None:
    value, where = col.default, f"{sheet.name}.{col.name}: default {col.default!r}"
    if col.type not in ("string", "integer") or col.is_list:
        raise SchemaError(f"{where}: only a string or integer column may have a default")
    if col.type == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        raise SchemaError(f"{where} is not an integer")
    if col.type == "string" and not isinstance(value, str):
        raise SchemaError(f"{where} is not text")
    if col.vocabulary and value not in schema.vocabulary(col.vocabulary).code_set:
        raise SchemaError(f"{where} is not in {col.vocabulary}")
    if (col.minimum is not None and value < col.minimum) or (
            col.maximum is not None and value > col.maximum):
        raise SchemaError(f"{where} is outside {col.minimum}..{col.maximum}")


def schema_json(schema: Schema) -> dict[str, Any]:
    """The data dictionary as JSON, as `matrixbook schema --format json` prints it."""
    return {
        "version": schema.version,
        "sheets": [
            {
                "name": s.name,
                "key": s.key,
                "header_row": s.header_row,
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "required": c.required,
                        "unique": c.unique,
                        "allowed": list(schema.allowed(c) or ()) if c.vocabulary else None,
                        "pattern": c.pattern,
                        "references": c.references_text,
                        "separator": schema.separator if c.is_list else None,
                        "audience": c.audience,
                        "description": c.description,
                    }
                    for c in s.columns
                ],
            }
            for s in schema.sheets
        ],
    }
