"""The CLIMB mapping of `schemas/climb.yaml`, typed and checked against the sheet declarations:
the export columns, which policies go to CLIMB, how their countries are found, and what CLIMB
cannot take a record without (`needs`, with the hint `validate` gives for each).

A column taken from a Policies field takes that field's checks (pattern, min, max) from the
Policies sheet: climb.yaml never repeats them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matrixbook.schema import Column, Schema

EXPORT_TYPES = ("string", "integer", "date", "list")
# Values computed from other sheets rather than read from a Policies field.
DERIVED = frozenset({
    "issuing_body", "issuing_body_acronym", "countries_expanded", "country_names",
    "countries_basis", "region",
})
_CHECKS = ("pattern", "min", "max")


@dataclass(frozen=True)
class ExportColumn:
    label: str
    source: str
    type: str
    required: bool = False
    vocabulary: str | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: Any = None
    maximum: Any = None
    width: float = 14
    labels_of: str | None = None  # a label column: the labels of this vocabulary's codes


@dataclass(frozen=True)
class Need:
    """A Policies field CLIMB cannot take a record without: `validate` reports its empty cells
    with `rule` and `hint`; the export's About sheet lists the records that lack it."""

    field: str
    name: str  # the Policies column's name
    rule: str  # the code of the rule in matrixbook.report.catalogue
    hint: str  # what to type, the end of the finding's message


@dataclass(frozen=True)
class ClimbMapping:
    """schemas/climb.yaml, checked against the sheet declarations."""

    name: str
    sheet_title: str
    separator: str
    select_field: str
    member_roles: tuple[str, ...]
    excluded_roles: tuple[str, ...]
    regions: dict[str, str]
    csv_guard: tuple[str, ...]
    columns: tuple[ExportColumn, ...]
    needs: tuple[Need, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def join(self, items: Iterable[Any]) -> str | None:
        text = self.separator.join(str(i) for i in items)
        return text or None


def parse_mapping(raw: Any, schema: Schema) -> ClimbMapping:
    """climb.yaml as a ClimbMapping; a malformed declaration is a SchemaError naming it."""
    from matrixbook.schema import SchemaError

    if not isinstance(raw, dict):
        raise SchemaError("schemas/climb.yaml is missing or empty")
    policies = schema.sheet(schema.names.policies)
    columns: list[ExportColumn] = []
    for entry in raw.get("columns") or []:
        columns.extend(_export_columns(entry, schema, policies.by_field))
    labels = [c.label for c in columns]
    duplicated = sorted({x for x in labels if labels.count(x) > 1})
    if duplicated:
        raise SchemaError(f"climb.yaml: duplicated column label {', '.join(duplicated)}")
    select = raw.get("select_field", "climate_context")
    if select not in policies.by_field or not policies.by_field[select].is_list:
        raise SchemaError(f"climb.yaml: select_field {select!r} is not a list column of Policies")
    coverage = raw.get("coverage") or {}
    roles = schema.vocabulary("membership_roles").code_set
    member_roles = tuple(coverage.get("member_roles") or ["Member"])
    excluded_roles = tuple(coverage.get("excluded_roles") or [])
    unknown = [r for r in member_roles + excluded_roles if r not in roles]
    if unknown:
        raise SchemaError(f"climb.yaml: unknown membership role {', '.join(unknown)}")
    return ClimbMapping(
        name=str(raw.get("name", "climb_policies")),
        sheet_title=str(raw.get("sheet_title", "CLIMB policies"))[:31],
        separator=str(raw.get("separator", "; ")),
        select_field=select,
        member_roles=member_roles,
        excluded_roles=excluded_roles,
        regions={str(k): str(v) for k, v in (raw.get("regions") or {}).items()},
        csv_guard=tuple(raw.get("csv_guard") or ["=", "+", "-", "@", "\t", "\r"]),
        columns=tuple(columns),
        needs=tuple(_need(entry, policies.by_field) for entry in raw.get("needs") or []),
    )


def _need(entry: Any, fields: dict[str, Column]) -> Need:
    from matrixbook.report import catalogue  # noqa: F401  (declares the rules)
    from matrixbook.report.model import rule_of
    from matrixbook.schema import SchemaError

    field, rule, hint = (entry.get(k) if isinstance(entry, dict) else None
                         for k in ("field", "rule", "hint"))
    if field not in fields or not rule or not hint:
        raise SchemaError(f"climb.yaml: a need must name a Policies field, a rule and a hint: "
                          f"{entry}")
    try:
        rule_of(str(rule))
    except KeyError:
        raise SchemaError(f"climb.yaml: need {field}: no rule {rule!r}") from None
    return Need(str(field), fields[str(field)].name, str(rule), " ".join(str(hint).split()))


def _bound(value: Any) -> Any:
    """A Policies column's bound as the export's values compare with it (a date as the
    datetime at its midnight, what pd.Timestamp(date) is, without importing pandas: the schema
    is loaded before the reading threads start, which pandas' import must not delay)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _export_columns(entry: dict[str, Any], schema: Schema,
                    fields: dict[str, Column]) -> list[ExportColumn]:
    from matrixbook.schema import SchemaError

    label = entry.get("label")
    source = entry.get("source")
    if not label or not source:
        raise SchemaError(f"climb.yaml: a column lacks a label or a source: {entry}")
    if source not in DERIVED and source not in fields:
        raise SchemaError(f"climb.yaml: {label}: {source!r} is neither a Policies field nor one "
                          f"of {', '.join(sorted(DERIVED))}")
    kind = entry.get("type", "string")
    if kind not in EXPORT_TYPES:
        raise SchemaError(f"climb.yaml: {label}: unknown type {kind!r}")
    vocab = entry.get("vocabulary")
    if vocab and vocab != "countries" and vocab not in schema.vocabularies:
        raise SchemaError(f"climb.yaml: {label}: no vocabulary {vocab!r}")
    field = fields.get(source)
    if field is not None:
        repeated = [k for k in _CHECKS if k in entry]
        if repeated:
            raise SchemaError(f"climb.yaml: {label}: {', '.join(repeated)} is declared by "
                              f"{schema.names.policies}.{field.name}; do not repeat it here")
        pattern, minimum, maximum = field.pattern, _bound(field.minimum), _bound(field.maximum)
    else:
        pattern, minimum, maximum = entry.get("pattern"), entry.get("min"), entry.get("max")
    allowed = entry.get("allowed")
    column = ExportColumn(
        label=str(label), source=source, type=kind,
        required=bool(entry.get("required", False)), vocabulary=vocab,
        allowed=tuple(str(a) for a in allowed) if allowed else None,
        pattern=pattern, minimum=minimum, maximum=maximum,
        width=float(entry.get("width", 14)),
    )
    out = [column]
    label_column = entry.get("label_column")
    if label_column:
        if not entry.get("codes") or not vocab:
            raise SchemaError(f"climb.yaml: {label}: a label_column needs codes: true and a "
                              "vocabulary")
        out.append(ExportColumn(
            label=str(label_column["label"]), source=source, type=kind,
            required=column.required, width=float(label_column.get("width", 14)),
            labels_of=vocab,
        ))
    return out
