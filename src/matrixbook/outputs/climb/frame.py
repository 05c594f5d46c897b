"""The CLIMB export frame: one row per climate policy, one column per export label, checked by a
pandera schema built from the same declaration before anything is written."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from matrixbook.errors import OutputError
from matrixbook.model import memberships as membership_rule
from matrixbook.model.climb import DERIVED, ClimbMapping, ExportColumn, climate_policies
from matrixbook.model.context import BuildContext
from matrixbook.model.coverage import MemberLookup, NameOrder, adoption_days, policy_coverage
from matrixbook.schema import Schema
from matrixbook.values import blank_mask
from matrixbook.values import is_blank as is_missing

UNCONFIRMED = " (not confirmed)"  # after a country name whose membership no source confirms


class ClimbExportError(OutputError):
    """The export failed its own checks: a bug in matrixbook, never a problem of the data."""


def grouping_codes(schema: Schema) -> frozenset[str]:
    """Codes of workbook.yaml beside ISO 3166-1 (XEU...): named in the export, never as ISO3."""
    return frozenset(schema.extra_country_codes)


# --- the export frame ----------------------------------------------------------------------


def bodies_of(ctx: BuildContext) -> dict[str, dict[str, Any]]:
    frame = ctx.bodies()
    out: dict[str, dict[str, Any]] = {}
    for rec in frame.itertuples(index=False):
        out[str(rec.body_id)] = {
            "name": rec.name_en, "acronym": rec.acronym,
            "focus": rec.geographic_focus if isinstance(rec.geographic_focus, list) else [],
        }
    return out


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _items(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def export_frame(policies: pd.DataFrame, bodies: dict[str, dict[str, Any]],
                 memberships: pd.DataFrame, schema: Schema, mapping: ClimbMapping) -> pd.DataFrame:
    """One row per climate policy, one column per export label; lists already joined.

    The index stays the Excel row number of the Policies sheet, so a check can name the row.
    Built a column at a time: a column holds few distinct values (a vocabulary, a body's
    members), so each distinct value is turned into its export text once.
    """
    rows = climate_policies(policies, mapping)
    derived = _derived_columns(rows, bodies, MemberLookup(memberships, mapping), schema, mapping)
    label_maps = {c.labels_of: schema.vocabulary(c.labels_of).labels for c in mapping.columns
                  if c.labels_of}
    data: dict[str, Any] = {}
    for col in mapping.columns:
        if col.source in DERIVED:
            values = derived[col.source]
        elif col.source in rows:
            values = rows[col.source].tolist()
        else:
            values = [None] * len(rows)
        data[col.label] = _export_column(col, values, label_maps, mapping)
    frame = pd.DataFrame(index=rows.index)
    for col in mapping.columns:
        values = data[col.label]
        if col.type == "integer":
            frame[col.label] = pd.array(values, dtype="Int64")
        elif col.type == "date":
            frame[col.label] = pd.to_datetime(values).as_unit("ns")
        else:
            frame[col.label] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _derived_columns(rows: pd.DataFrame, bodies: dict[str, dict[str, Any]], roster: MemberLookup,
                     schema: Schema, mapping: ClimbMapping) -> dict[str, list[Any]]:
    """The values computed from other sheets (DERIVED), one list per source, in row order."""
    groupings = grouping_codes(schema)
    countries = membership_rule.country_names(schema)
    order = NameOrder(countries)
    days = adoption_days(rows) if len(rows) else pd.Series([], dtype="datetime64[ns]")
    dated = (~blank_mask(rows["adoption_date"]) if "adoption_date" in rows
             else pd.Series(False, index=rows.index))
    listed = rows["countries"].tolist() if "countries" in rows else [None] * len(rows)
    out: dict[str, list[Any]] = {source: [] for source in DERIVED}
    shown: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
    regions_of: dict[str, list[str]] = {}
    for body_id, own, day, on_adoption in zip(rows["body_id"].tolist(), listed,
                                              days.tolist(), dated.tolist(), strict=True):
        body = bodies.get(str(body_id), {})
        acronym = body.get("acronym") or body_id
        day = None if day is None or day is pd.NaT else pd.Timestamp(day)
        cover = policy_coverage(own, str(body_id), day, bool(on_adoption), roster, acronym, order)
        key = (*cover.codes, "?", *cover.unconfirmed)
        if key not in shown:
            doubtful = set(cover.unconfirmed)
            shown[key] = ([c for c in cover.codes if c not in groupings],
                          [countries.get(c, c) + (UNCONFIRMED if c in doubtful else "")
                           for c in cover.codes])
        if str(body_id) not in regions_of:
            regions = [mapping.regions.get(f, f) for f in body.get("focus", [])]
            regions_of[str(body_id)] = list(dict.fromkeys(regions))
        out["issuing_body"].append(_text(body.get("name")))
        out["issuing_body_acronym"].append(_text(body.get("acronym")))
        out["countries_expanded"].append(shown[key][0])
        out["country_names"].append(shown[key][1])
        out["countries_basis"].append(cover.basis)
        out["region"].append(regions_of[str(body_id)])
    return out


def _export_column(col: ExportColumn, values: list[Any], label_maps: dict[str, dict[str, str]],
                   mapping: ClimbMapping) -> list[Any]:
    """_export_value of every value of a column, each distinct value converted once."""
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        # The type is part of the key: True, 1 and 1.0 are equal keys but export differently.
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            out.append(done[key])
        except KeyError:
            out.append(done.setdefault(key, _export_value(col, value, label_maps, mapping)))
        except TypeError:  # a value that cannot be a key
            out.append(_export_value(col, value, label_maps, mapping))
    return out


def _export_value(col: ExportColumn, value: Any, label_maps: dict[str, dict[str, str]],
                  mapping: ClimbMapping) -> Any:
    if col.type != "list" and is_missing(value):
        return None
    if col.type == "integer":
        return int(value)
    if col.type == "date":
        return pd.Timestamp(value)
    if col.type == "list":
        items = _items(value)
        if col.labels_of:
            names = label_maps[col.labels_of]
            items = [names.get(i, i) for i in items]
        return mapping.join(items)
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    text = str(value)
    return label_maps[col.labels_of].get(text, text) if col.labels_of else text


# --- the export's own schema ------------------------------------------------------------------


def export_schema(schema: Schema, mapping: ClimbMapping) -> pa.DataFrameSchema:
    """The pandera schema of the export, built from climb.yaml: what CLIMB gets is what we
    declared, or nothing is written."""
    columns = {}
    for col in mapping.columns:
        checks = []
        allowed = _allowed(col, schema)
        if allowed is not None:
            checks.append(_each(col, mapping, lambda v, a=allowed: v in a, "allowed values"))
        if col.pattern:
            rx = re.compile(col.pattern)
            checks.append(_each(col, mapping, lambda v, rx=rx: bool(rx.fullmatch(v)),
                                f"pattern {col.pattern}"))
        if col.type in ("string", "list"):
            checks.append(_each(col, mapping, _clean_item, "no empty item, no stray separator"))
        if col.minimum is not None:
            checks.append(pa.Check.ge(col.minimum))
        if col.maximum is not None:
            checks.append(pa.Check.le(col.maximum))
        dtype = {"integer": "Int64", "date": "datetime64[ns]"}.get(col.type, object)
        columns[col.label] = pa.Column(dtype, nullable=not col.required, checks=checks)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=mapping.name)


def _allowed(col: ExportColumn, schema: Schema) -> frozenset[str] | None:
    if col.allowed is not None:
        return frozenset(col.allowed)
    if col.vocabulary == "countries":
        return schema.vocabulary("countries").code_set - grouping_codes(schema)
    if col.vocabulary:
        return schema.vocabulary(col.vocabulary).code_set
    return None


def _each(col: ExportColumn, mapping: ClimbMapping, test: Any, name: str) -> pa.Check:
    """A check of the value itself, or of each item of a joined list, that an empty cell
    passes (whether it may be empty is the column's `nullable`).

    Each distinct value is tested once and the answer spread back over the column: the export
    of a global workbook has tens of thousands of rows but few distinct values per column. The
    empty cells are left in (ignore_na=False): pandera would otherwise copy the column without
    them before every check."""

    def passes(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        items = value.split(mapping.separator) if col.type == "list" else [value]
        return all(test(i) for i in items)

    def check(column: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        answers = np.fromiter((passes(u) for u in uniques), dtype=bool, count=len(uniques))
        ok = np.ones(len(column), dtype=bool)  # an empty cell (code -1) passes
        found = codes >= 0
        ok[found] = answers[codes[found]]
        return pd.Series(ok, index=column.index)

    return pa.Check(check, name=name, ignore_na=False)


def _clean_item(item: str) -> bool:
    return item.strip() != "" and item == item.strip()


def check_export(frame: pd.DataFrame, schema: Schema, mapping: ClimbMapping) -> pd.DataFrame:
    """Validate the export frame; a failure is a bug, raised as one readable error."""
    try:
        return export_schema(schema, mapping).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        ids = frame[mapping.columns[0].label] if len(frame.columns) else pd.Series(dtype=object)
        for case in exc.failure_cases.head(10).itertuples(index=False):
            where = ""
            if case.index is not None and not pd.isna(case.index) and case.index in ids.index:
                where = f" (Policies row {int(case.index)}, {ids.loc[case.index]})"
            problems.append(f"column '{case.column}'{where}: {case.check}, found "
                            f"{case.failure_case!r}")
        raise ClimbExportError(
            "The CLIMB export failed its own checks, so it was not written. This is a bug in "
            "matrixbook (the workbook passed validation); please report it with these details: "
            + "; ".join(problems)) from None


