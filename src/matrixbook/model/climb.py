"""What CLIMB needs of a policy: the export mapping declared in `schemas/climb.yaml` (checked
against the sheet declarations), which policies go to CLIMB (a non-empty Climate context) and
the fields CLIMB cannot take a record without. Read by the CLIMB output and by the validation
rules that say where a policy is not ready for CLIMB."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matrixbook.schema import Schema, SchemaError
from matrixbook.values import blank_mask

EXPORT_TYPES = ("string", "integer", "date", "list")
# Values computed from other sheets rather than read from a Policies field.
DERIVED = frozenset({
    "issuing_body", "issuing_body_acronym", "countries_expanded", "country_names",
    "countries_basis", "region",
})


@dataclass(frozen=True)
class ExportColumn:
    label: str
    source: str
    type: str
    required: bool = False
    vocabulary: str | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    width: float = 14
    labels_of: str | None = None  # a label column: the labels of this vocabulary's codes


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

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def join(self, items: Iterable[Any]) -> str | None:
        text = self.separator.join(str(i) for i in items)
        return text or None


def load_mapping(schema: Schema) -> ClimbMapping:
    """Read `schema.extra["climb"]`; a malformed declaration is a SchemaError naming the column."""
    raw = schema.extra.get("climb")
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
    )


def _export_columns(entry: dict[str, Any], schema: Schema,
                    fields: dict[str, Any]) -> list[ExportColumn]:
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
    allowed = entry.get("allowed")
    column = ExportColumn(
        label=str(label), source=source, type=kind,
        required=bool(entry.get("required", False)), vocabulary=vocab,
        allowed=tuple(str(a) for a in allowed) if allowed else None,
        pattern=entry.get("pattern"), minimum=entry.get("min"), maximum=entry.get("max"),
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


def climate_policies(policies: pd.DataFrame, mapping: ClimbMapping) -> pd.DataFrame:
    """The Policies rows CLIMB is about: a non-empty Climate context (or the declared field)."""
    if policies.empty or mapping.select_field not in policies:
        return policies.iloc[0:0]
    return policies[~blank_mask(policies[mapping.select_field]).to_numpy()]


# What CLIMB cannot take a record without: (Policies field, what to call it).
CLIMB_NEEDS = (
    ("source_url", "Source URL"),
    ("date_accessed", "Date accessed"),
    ("provisions", "Relevant provisions"),
    ("mobility_types", "Mobility types"),
)

