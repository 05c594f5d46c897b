"""The CLIMB import sheet: `out/climb_policies.xlsx` and `out/climb_policies.csv`.

One row per policy of the workbook that concerns human mobility in the context of disasters,
climate change or environmental degradation (a non-empty Climate context), ready to be handed
to the team that runs IOM's CLIMB database. CLIMB has not published its import labels, so the
columns, their labels and their sources are declared in `schemas/climb.yaml` (loaded into
`schema.extra["climb"]`): aligning with CLIMB later means editing that file, not this one.

The export frame is checked by a pandera schema built from the same declaration before anything
is written: the workbook's own validation already guarantees what is required here, so a failure
is a bug in matrixbook, reported as one clear error rather than a half-written file. Gaps CLIMB
cannot take (no source, no provision...) are `matrixbook validate` findings
(`validation/rules_climb.py`) and are listed on the sheet's About page.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from matrixbook import xlsx
from matrixbook.errors import OutputError
from matrixbook.model import memberships as membership_rule
from matrixbook.model.context import BuildContext
from matrixbook.model.memberships import Doubt
from matrixbook.outputs import Output
from matrixbook.schema import Schema, SchemaError
from matrixbook.values import blank_mask
from matrixbook.values import is_blank as is_missing
from matrixbook.xlsx import row_height, row_heights

EXPORT_TYPES = ("string", "integer", "date", "list")
# Values computed from other sheets rather than read from a Policies field.
DERIVED = frozenset({
    "issuing_body", "issuing_body_acronym", "countries_expanded", "country_names",
    "countries_basis", "region",
})


class ClimbExportError(OutputError):
    """The export failed its own checks: a bug in matrixbook, never a problem of the data."""


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
class Mapping:
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


def load_mapping(schema: Schema) -> Mapping:
    """Read `schema.extra["climb"]`; a malformed declaration is a SchemaError naming the column."""
    raw = schema.extra.get("climb")
    if not isinstance(raw, dict):
        raise SchemaError("schemas/climb.yaml is missing or empty")
    policies = schema.sheet("Policies")
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
    return Mapping(
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


# --- which rows, which countries --------------------------------------------------------------


def climate_policies(policies: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """The Policies rows CLIMB is about: a non-empty Climate context (or the declared field)."""
    if policies.empty or mapping.select_field not in policies:
        return policies.iloc[0:0]
    return policies[~blank_mask(policies[mapping.select_field]).to_numpy()]


def reference_date(record: Any) -> pd.Timestamp | None:
    """The day membership is read on: the Adoption date, else 31 December of the Year adopted."""
    day = getattr(record, "adoption_date", None)
    if not is_missing(day):
        return pd.Timestamp(day).normalize()
    year = getattr(record, "year_adopted", None)
    if not is_missing(year):
        return pd.Timestamp(year=int(year), month=12, day=31)
    return None


def reference_dates(policies: pd.DataFrame) -> pd.Series:
    """reference_date of every row at once; NaT where neither date nor year is known."""
    days = pd.Series(pd.NaT, index=policies.index, dtype="datetime64[s]")
    if "adoption_date" in policies:
        days = pd.to_datetime(policies["adoption_date"], errors="coerce").dt.normalize()
    if "year_adopted" in policies:
        years = pd.to_numeric(policies["year_adopted"], errors="coerce").astype("Int64")
        year_end = pd.to_datetime(years.astype("string") + "-12-31", format="%Y-%m-%d",
                                  errors="coerce")
        days = days.fillna(year_end)
    return days


IMPORT_ROW_LINES = 6  # lines shown of a long cell of the import sheet
UNCONFIRMED = " (not confirmed)"  # after a country name whose membership no source confirms


@dataclass(frozen=True)
class Members:
    countries: list[str]
    doubts: list[Doubt]
    unconfirmed: tuple[str, ...] = ()  # countries whose member role no source confirms


class Roster:
    """Members of each body on a day, by the shared rule of matrixbook.model.memberships (read once:
    a workbook with thousands of climate policies asks for the same bodies' members on the same
    days again and again)."""

    def __init__(self, memberships: pd.DataFrame | None, mapping: Mapping) -> None:
        self.mapping = mapping
        self.roster = membership_rule.Roster(memberships)
        self._cache: dict[tuple[str, int | None], Members] = {}

    def members_on(self, body_id: str, day: pd.Timestamp | date | None) -> Members:
        on = membership_rule.to_day(day)
        # The members change only on the body's membership dates: one answer per period.
        key = self.roster.period(str(body_id), on)
        if key not in self._cache:
            self._cache[key] = _members_on(self.roster, str(body_id), on, self.mapping)
        return self._cache[key]


def _members_on(roster: membership_rule.Roster, body_id: str, on: date | None,
                mapping: Mapping) -> Members:
    """Countries in one of the member roles on `on`, less those suspended then.

    The roles are those of the shared rule (matrixbook.model.memberships). Where a missing date
    leaves it open, the CLIMB export counts the country (better a country to check than one
    silently dropped): a membership marked Ended with no end date may still have held, a
    suspension with a date missing may not have. The doubt is returned, for the export's basis
    column and for a finding of `matrixbook validate` at the empty date. Without a day, every
    country with a member role counts.
    """
    member, excluded = mapping.member_roles, mapping.excluded_roles
    if on is None:
        rows = roster.by_body.get(body_id, {})
        held = {c: [r for r in rs if r.role in member] for c, rs in rows.items()}
        return Members(sorted(c for c, rs in held.items() if rs), [],
                       tuple(sorted(c for c, rs in held.items()
                                    if rs and not all(r.confirmed for r in rs))))
    countries: list[str] = []
    unconfirmed: list[str] = []
    left: list[Doubt] = []  # memberships that ended on a date not recorded
    suspended: list[Doubt] = []  # suspensions with a date missing
    for seat in roster.seats(body_id, on):
        holds_member = any(r in member for r in seat.held)
        may_hold = [d for d in seat.doubts if d.role in member and not d.held]
        if not (holds_member or may_hold) or any(r in excluded for r in seat.certain):
            continue
        countries.append(seat.country)
        if not seat.confirmed:
            unconfirmed.append(seat.country)
        if not holds_member:
            left.append(may_hold[0])
        suspended += [d for d in seat.doubts if d.role in excluded][:1]
    doubts = sorted(left, key=lambda d: d.country) + sorted(suspended, key=lambda d: d.country)
    return Members(sorted(countries), doubts, tuple(sorted(unconfirmed)))


@dataclass(frozen=True)
class Coverage:
    codes: list[str]  # every code, grouping codes included, in the order of their names
    basis: str
    doubts: list[Doubt]
    unconfirmed: tuple[str, ...] = ()  # codes whose membership no source confirms


def coverage(record: Any, roster: Roster, acronym: str, names: dict[str, str]) -> Coverage:
    """The countries a policy covers: its own list, else its body's members on adoption."""
    day = reference_date(record)
    dated = not is_missing(getattr(record, "adoption_date", None))
    return _coverage(record.countries, str(record.body_id), day, dated, roster, acronym,
                     _NameOrder(names))


class _NameOrder:
    """Countries in the order of their names (Côte d'Ivoire between Congo and Croatia), each
    name's sort key computed once and each list of codes sorted once a build: thousands of
    policies share a few hundred member lists."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self._keys: dict[str, tuple[str, str]] = {}
        self._sorted: dict[tuple[str, ...], list[str]] = {}

    def key(self, code: str) -> tuple[str, str]:
        found = self._keys.get(code)
        if found is None:
            found = self._keys[code] = (membership_rule.sort_key(self.names.get(code, code)),
                                        code)
        return found

    def sort(self, codes: list[str]) -> list[str]:
        """A new list, sorted (the caller may keep or change it)."""
        key = tuple(codes)
        found = self._sorted.get(key)
        if found is None:
            found = self._sorted[key] = sorted(codes, key=self.key)
        return list(found)


def _coverage(listed: Any, body_id: str, day: pd.Timestamp | None, dated: bool,
              roster: Roster, acronym: str, order: _NameOrder) -> Coverage:
    """coverage() from its parts: the policy's own countries, its body, the day membership is
    read on (reference_date) and whether that day is the Adoption date itself."""
    listed = listed if isinstance(listed, list) else []
    doubts: list[Doubt] = []
    unconfirmed: tuple[str, ...] = ()
    if listed:
        codes = list(dict.fromkeys(str(c) for c in listed))
        basis = "Listed in the master workbook"
    else:
        found = roster.members_on(body_id, day)
        codes, doubts = list(found.countries), found.doubts
        unconfirmed = found.unconfirmed
        when = day.strftime("%Y-%m-%d") if day is not None else "any date"
        if day is not None and not dated:
            when += " (end of the year adopted)"
        basis = f"Members of {acronym} on {when}"
        if not codes:
            basis += ": none recorded"
        for doubt in doubts:
            basis += f"; {doubt.country} counted although {doubt.reason}"
        if unconfirmed:
            basis += f"; membership not confirmed by a source: {', '.join(unconfirmed)}"
    return Coverage(order.sort(codes), basis, doubts, unconfirmed)


def labels(schema: Schema, vocabulary: str) -> dict[str, str]:
    """Code -> label of a vocabulary, as a dict: Vocabulary.label scans the terms each time, and
    an export of thousands of rows asks for thousands of labels."""
    return {t.code: t.label for t in schema.vocabulary(vocabulary).terms}


def grouping_codes(schema: Schema) -> frozenset[str]:
    """Codes of workbook.yaml beside ISO 3166-1 (XEU...): named in the export, never as ISO3."""
    return frozenset(schema.extra_country_codes)


# --- the export frame ----------------------------------------------------------------------


def _bodies(ctx: BuildContext) -> dict[str, dict[str, Any]]:
    frame = ctx.bodies()
    out = {}
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
                 memberships: pd.DataFrame, schema: Schema, mapping: Mapping) -> pd.DataFrame:
    """One row per climate policy, one column per export label; lists already joined.

    The index stays the Excel row number of the Policies sheet, so a check can name the row.
    Built a column at a time: a column holds few distinct values (a vocabulary, a body's
    members), so each distinct value is turned into its export text once.
    """
    rows = climate_policies(policies, mapping)
    derived = _derived_columns(rows, bodies, Roster(memberships, mapping), schema, mapping)
    label_maps = {c.labels_of: labels(schema, c.labels_of) for c in mapping.columns
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


def _derived_columns(rows: pd.DataFrame, bodies: dict[str, dict[str, Any]], roster: Roster,
                     schema: Schema, mapping: Mapping) -> dict[str, list[Any]]:
    """The values computed from other sheets (DERIVED), one list per source, in row order."""
    groupings = grouping_codes(schema)
    countries = membership_rule.country_names(schema)
    order = _NameOrder(countries)
    days = reference_dates(rows) if len(rows) else pd.Series([], dtype="datetime64[ns]")
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
        cover = _coverage(own, str(body_id), day, bool(on_adoption), roster, acronym, order)
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
                   mapping: Mapping) -> list[Any]:
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
                  mapping: Mapping) -> Any:
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


def export_schema(schema: Schema, mapping: Mapping) -> pa.DataFrameSchema:
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


def _each(col: ExportColumn, mapping: Mapping, test: Any, name: str) -> pa.Check:
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


def check_export(frame: pd.DataFrame, schema: Schema, mapping: Mapping) -> pd.DataFrame:
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


# --- writers --------------------------------------------------------------------------------


def neutralise(text: str, guard: tuple[str, ...]) -> str:
    """A CSV cell that a spreadsheet could run as a formula gets a leading single quote."""
    return "'" + text if text.startswith(guard) else text


def csv_cell(value: Any, guard: tuple[str, ...]) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return neutralise(str(value), guard)


def write_csv(path: Path, frame: pd.DataFrame, mapping: Mapping,
              cells: list[list[Any]] | None = None) -> None:
    """UTF-8 with a byte-order mark (Excel then reads the accents and Arabic right), CRLF
    line ends, quotes only where needed, injection guard on every cell (csv_cell, a column at
    a time)."""
    guard = mapping.csv_guard
    columns = []
    for values in cells if cells is not None else export_cells(frame, mapping):
        column = []
        for value in values:
            if value is None:
                column.append("")
            elif isinstance(value, datetime):
                column.append(value.strftime("%Y-%m-%d"))
            else:
                column.append(neutralise(str(value), guard))
        columns.append(column)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([neutralise(label, guard) for label in frame.columns])
        writer.writerows(zip(*columns, strict=True))


def export_cells(frame: pd.DataFrame, mapping: Mapping) -> list[list[Any]]:
    """Each column of the export as the values a writer takes: None where the cell is empty
    (is_blank), else an int (integer columns), a datetime (date columns) or a str."""
    columns = []
    for col, label in zip(mapping.columns, frame.columns, strict=True):
        series = frame[label]
        if col.type in ("integer", "date"):
            convert = int if col.type == "integer" else _datetime
            columns.append([None if empty else convert(v) for v, empty
                            in zip(series.tolist(), series.isna().tolist(), strict=True)])
            continue
        column: list[Any] = []
        for value in series.tolist():
            if value.__class__ is str:  # nearly every cell: no need for is_blank's checks
                column.append(value if value.strip() else None)
            else:
                column.append(None if is_missing(value) else str(value))
        columns.append(column)
    return columns


def _datetime(value: Any) -> datetime:
    return pd.Timestamp(value).to_pydatetime()


def write_xlsx(path: Path, frame: pd.DataFrame, ctx: BuildContext, mapping: Mapping,
               about: list[tuple[str, str]], names: dict[str, str] | None = None,
               cells: list[list[Any]] | None = None) -> None:
    import xlsxwriter

    # Rows are written in order, so constant memory keeps a 100,000-policy workbook small.
    wb = xlsxwriter.Workbook(str(path), xlsx.workbook_options(constant_memory=True))
    xlsx.set_properties(wb, "CLIMB import sheet", "Regional policies on human mobility in the "
                        "context of disasters, climate change and environmental degradation")
    header = wb.add_format({"bold": True, "font_color": xlsx.HEADER_FONT,
                            "bg_color": xlsx.IOM_BLUE, "text_wrap": True, "valign": "vcenter",
                            "border": 1, "border_color": "#FFFFFF"})
    plain = wb.add_format({"valign": "top", "border": 1, "border_color": "#D9D9D9"})
    wrap = wb.add_format({"valign": "top", "text_wrap": True, "border": 1,
                          "border_color": "#D9D9D9"})
    day = wb.add_format({"valign": "top", "num_format": xlsx.DATE_FORMAT, "border": 1,
                         "border_color": "#D9D9D9"})
    ws = wb.add_worksheet(mapping.sheet_title)
    for c, col in enumerate(mapping.columns):
        ws.set_column(c, c, col.width)
        ws.write_string(0, c, col.label, header)
    widths = [col.width for col in mapping.columns]
    ws.set_row(0, row_height(mapping.labels, widths, minimum=3))
    kinds = [col.type for col in mapping.columns]
    formats = [{"date": day, "integer": plain}.get(kind, wrap) for kind in kinds]
    # Typed writers only: text stays text, never a formula.
    writers = [{"date": ws.write_datetime, "integer": ws.write_number}.get(kind, ws.write_string)
               for kind in kinds]
    columns = cells if cells is not None else export_cells(frame, mapping)
    # At most a few lines a row: a record's full text is in its cells and on the Records sheet;
    # a row as tall as a list of 57 countries would print two records a page.
    heights = [min(h, IMPORT_ROW_LINES * 15.0) for h in row_heights(columns, widths)]
    blank = ws.write_blank
    for r, (height, *values) in enumerate(zip(heights, *columns, strict=True), start=1):
        ws.set_row(r, height)
        for c, value in enumerate(values):
            if value is None:
                blank(r, c, None, formats[c])
            else:
                writers[c](r, c, value, formats[c])
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(frame), 1), len(mapping.columns) - 1)
    xlsx.print_setup(ws, header_rows=1, audience=ctx.audience, title="CLIMB import sheet")
    # The import sheet is for import: on paper it runs several pages wide at a readable size,
    # the Record ID repeated on each, rather than 30 columns shrunk onto one page. The Records
    # sheet is the one to print.
    ws.fit_to_pages(import_pages_wide(widths), 0)
    ws.repeat_columns(0, 0)
    ws.print_across()
    write_records(wb, frame, ctx, mapping, names)
    _about_sheet(wb, about, ctx)
    wb.close()


# --- the Records sheet: one block per policy, to print and read --------------------------------

A4_POINTS = (595.3, 841.9)  # portrait width, height
MARGINS = (0.4 * 72, 0.6 * 72)  # left/right and top/bottom, as xlsx.print_setup sets them
RECORD_WIDTHS = (24, 72)  # field label, value
RECORD_FONT, RECORD_LINE = 10, 13.0  # points: 10 pt text keeps a long record on one page
FIRST_RECORD = 4  # row of the first record, under the title, two lines of introduction, a gap
TO_COMPLETE = "To be completed before import"
# The Records sheet is for reading and printing: past a few hundred records nobody reads it on
# paper, and 20,000 records of 12 rows each took most of the export's time. Beyond this many,
# only the first are written there; every record is in the import sheet (and the CSV).
RECORDS_LIMIT = 500


def records_note(total: int, mapping: Mapping, limit: int | None = None) -> str | None:
    """What the Records sheet leaves out, in words; None when it holds every record."""
    limit = RECORDS_LIMIT if limit is None else limit
    if total <= limit:
        return None
    other = "the other one is" if total - limit == 1 else f"the other {total - limit:,} are"
    return (f"The Records sheet shows the first {limit:,} of the {total:,} records; {other} in "
            f"the import sheet '{mapping.sheet_title}' (and the CSV file), which holds every "
            "record.")


def _points(width: float) -> float:
    """Points a column `width` characters wide takes in Excel (7 pixels a character, plus 5)."""
    return int(width * 7 + 5) * 0.75


def import_pages_wide(widths: list[float]) -> int:
    """Pages across the import sheet prints on at about its real size, the Record ID column
    repeated on each: a sensible print for a sheet made for import, not for paper."""
    printable = A4_POINTS[1] - 2 * MARGINS[0]
    first, rest = _points(widths[0]), sum(_points(w) for w in widths[1:])
    return max(1, math.ceil(rest / (printable - first)))


def record_fields(values: dict[str, Any], mapping: Mapping,
                  names: dict[str, str]) -> list[tuple[str, str]]:
    """One record as (field, value) pairs, for reading: a code and its label on one line
    ("fr – French", "2 – Minimize the adverse drivers..."), the countries named with their
    ISO3 code, an empty field marked as to be completed."""
    columns = list(mapping.columns)
    out: list[tuple[str, str]] = []
    codes_of = {n: c for c, n in names.items()}
    def items(label: str) -> list[str]:
        value = values.get(label)
        return [] if is_missing(value) else str(value).split(mapping.separator)

    for i, col in enumerate(columns):
        if col.labels_of or col.source == "countries_expanded":
            continue
        value = values.get(col.label)
        label = col.label
        if col.source == "country_names":
            iso = set(items(_label_of(mapping, "countries_expanded")))
            text = mapping.separator.join(
                f"{n} ({codes_of[n]})" if codes_of.get(n) in iso else n for n in items(label))
        elif i + 1 < len(columns) and columns[i + 1].labels_of:
            label = label.removesuffix(" code")
            codes = items(col.label)
            shown = items(columns[i + 1].label)
            text = "\n".join(f"{c} – {t}" if t and t != c else c
                             for c, t in zip(codes, shown + [""] * len(codes), strict=False))
        elif isinstance(value, pd.Timestamp):
            text = value.strftime("%Y-%m-%d")
        else:
            text = "" if is_missing(value) else str(value)
        out.append((label, text or TO_COMPLETE))
    return out


def _label_of(mapping: Mapping, source: str) -> str:
    return next((c.label for c in mapping.columns if c.source == source and not c.labels_of),
                "")


def write_records(wb: Any, frame: pd.DataFrame, ctx: BuildContext, mapping: Mapping,
                  names: dict[str, str] | None) -> None:
    """The sheet to print: portrait, one block per policy (field | value), text wrapped, and a
    page break before a record that would not fit on what is left of the page."""
    ws = wb.add_worksheet("Records")
    names = names or {}
    widths = list(RECORD_WIDTHS)
    ws.set_column(0, 0, widths[0])
    ws.set_column(1, 1, widths[1])
    border = {"border": 1, "border_color": "#D9D9D9", "valign": "top", "text_wrap": True,
              "font_size": RECORD_FONT}
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": xlsx.IOM_BLUE})
    note = wb.add_format({"italic": True, "font_color": "#404040"})
    head = wb.add_format({**border, "bold": True, "font_color": xlsx.HEADER_FONT,
                          "bg_color": xlsx.IOM_BLUE, "border_color": "#FFFFFF"})
    label_fmt = wb.add_format({**border, "bold": True, "bg_color": xlsx.BAND})
    value_fmt = wb.add_format(border)
    todo_fmt = wb.add_format({**border, "italic": True, "font_color": "#9A3400",
                              "bg_color": "#FDE2D2"})
    ws.write_string(0, 0, "CLIMB records, one block per policy", title)
    total = len(frame)
    left_out = total > RECORDS_LIMIT
    if left_out:
        # Short lines: a note runs on across the value column and must not pass its edge.
        frame = frame.iloc[:RECORDS_LIMIT]
        other = ("The other record is" if total - RECORDS_LIMIT == 1
                 else f"The other {total - RECORDS_LIMIT:,} records are")
        rest = f"{other} in the import sheet '{mapping.sheet_title}' and the CSV file."
        intro = [f"The first {RECORDS_LIMIT:,} of the {total:,} records of the import sheet, "
                 "field by field, to read and check.", rest]
    else:
        intro = [f"The {len(frame)} record{'s' if len(frame) != 1 else ''} of the import "
                 "sheet, field by field, to read and check before import.",
                 f"Codes stand beside their labels; an empty field reads '{TO_COMPLETE}'."]
    for i, text in enumerate(intro, start=1):
        ws.write_string(i, 0, text, note)  # runs on across the value column
    capacity = (A4_POINTS[1] - 2 * MARGINS[1]) * 0.92
    used = 4 * 15.0
    breaks: list[int] = []
    row = FIRST_RECORD
    id_label = mapping.columns[0].label
    for values in frame.to_dict("records"):
        fields = record_fields(values, mapping, names)
        name = next((t for lb, t in fields if lb == "Title (English)" and t != TO_COMPLETE),
                    str(values.get(mapping.columns[1].label) or ""))
        heights = [row_height([str(values[id_label]), name], widths, line=RECORD_LINE)]
        heights += [row_height([lb, t], widths, line=RECORD_LINE) for lb, t in fields]
        block = sum(heights)
        # A record that fits on a page starts on a new page rather than run over two (the
        # first one stays under the sheet's title).
        if row > FIRST_RECORD and used + block > capacity and block <= capacity:
            breaks.append(row)
            used = 0.0
        ws.write_string(row, 0, str(values[id_label]), head)
        ws.write_string(row, 1, name, head)
        ws.set_row(row, heights[0])
        for (lb, text), height in zip(fields, heights[1:], strict=True):
            row += 1
            ws.write_string(row, 0, lb, label_fmt)
            ws.write_string(row, 1, text, todo_fmt if text == TO_COMPLETE else value_fmt)
            ws.set_row(row, height)
        row += 2
        used = (used + block + 15.0) % capacity if block > capacity else used + block + 15.0
    if left_out:
        ws.write_string(row, 0, rest, note)  # after the last record too, where a reader stops
    if not len(frame):
        ws.write_string(FIRST_RECORD, 0, "No policy with a Climate context: nothing to import.",
                        note)
    if breaks:
        ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, max(row, FIRST_RECORD), 1)  # the two columns, not notes running on
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title="CLIMB records",
                     landscape=False)
    ws.hide_gridlines(2)


def _about_sheet(wb: Any, lines: list[tuple[str, str]], ctx: BuildContext) -> None:
    ws = wb.add_worksheet("About")
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": xlsx.IOM_BLUE})
    bold = wb.add_format({"bold": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "CLIMB import sheet: regional policies on human mobility in the "
                    "context of disasters, climate change and environmental degradation", title)
    for r, (label, text) in enumerate(lines, start=2):
        ws.set_row(r, row_height([label, text], [26, 100]))
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, text, wrap)
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title="CLIMB import sheet",
                     landscape=True)


def about_lines(ctx: BuildContext, frame: pd.DataFrame, rows: pd.DataFrame,
                mapping: Mapping) -> list[tuple[str, str]]:
    """What a reader needs to trust the sheet: where it comes from, how it is coded, and which
    records still carry unconfirmed facts or gaps."""
    sep = mapping.separator
    n = len(frame)
    roles = " or ".join(mapping.member_roles)
    left_out = (f", leaving out those {' or '.join(mapping.excluded_roles)} on that date"
                if mapping.excluded_roles else "")
    return [
        ("Source", f"Master workbook {ctx.source_name}, sheet Policies: the {n:,} "
         f"record{'s' if n != 1 else ''} whose Climate context is not empty (human mobility in "
         "the context of disasters, climate change or environmental degradation)."),
        ("Date of data", ctx.data_date + " (the latest 'Checked on' date of the entities and "
         "dialogues)."),
        ("Audience", f"{ctx.audience_label}."),
        ("Separator", f"Cells holding several values separate them with '{sep}' (semicolon "
         f"and space), e.g. DZA{sep}LBY{sep}MAR."),
        ("Labels", "Column labels and values follow a mapping declared in matrixbook "
         "(schemas/climb.yaml), to be aligned with CLIMB's own labels: CLIMB has not published "
         "its import template. Stable codes stand beside display labels so the two can be "
         "matched: ISO 3166-1 alpha-3 country codes, GCM objective numbers, ISO 639-1 language "
         "codes, acronyms of the issuing bodies."),
        ("Countries covered", "As listed in the master workbook. When a policy lists none: the "
         f"countries whose role in its issuing body was {roles} on the Adoption date (else on "
         f"31 December of the Year adopted){left_out}, read by the same rule as the mapping "
         "matrix and the briefing notes (a role ends on its End date; one with no Start date "
         "dates from the founding). The column 'Countries covered (basis)' "
         "says which, and names any country counted although a suspension or a departure has no "
         "date in the workbook. Groupings without an ISO code (e.g. the European Union) are "
         "named but not given as ISO3. Countries are in the order of their names."),
        ("CSV file", f"{mapping.name}.csv holds the same rows, in UTF-8 with a byte-order mark. "
         "A cell that begins with =, +, -, @, a tab or a carriage return starts with a single "
         "quote ' there, so that no spreadsheet runs it as a formula; remove that quote if the "
         "text is imported elsewhere."),
        ("Unconfirmed facts", _unconfirmed_text(rows) + _unconfirmed_members_text(frame)),
        ("Required by CLIMB", _gaps_text(rows)),
        ("Optional, to complete", _to_complete_text(frame, mapping)),
        ("Printing", "Print the Records sheet: one block per policy, on A4 portrait. The "
         f"import sheet '{mapping.sheet_title}' is laid out for import; it prints "
         "several pages wide, the Record ID repeated on each, and shows the first "
         f"{IMPORT_ROW_LINES} lines of a long cell (the Records sheet shows all of it)."
         + (f" {note}" if (note := records_note(n, mapping)) else "")),
    ]


# What CLIMB cannot take a record without: (Policies field, what to call it).
CLIMB_NEEDS = (
    ("source_url", "Source URL"),
    ("date_accessed", "Date accessed"),
    ("provisions", "Relevant provisions"),
    ("mobility_types", "Mobility types"),
)


# The About sheet lists the records behind each of its remarks up to this many: it is read and
# printed, and a global workbook may have thousands of them (one cell holds at most 32,767
# characters). Beyond, it gives the count, the first ones and where to find the rest.
ABOUT_LIST_LIMIT = 20


def _listed(items: list[str], rest: str = "", limit: int = ABOUT_LIST_LIMIT) -> str:
    """`items` joined; past `limit`, the first ones, how many more and `rest`: where they are."""
    if len(items) <= limit:
        return "; ".join(items) + "."
    return f"{'; '.join(items[:limit])}; and {len(items) - limit:,} more: {rest}."


def _per_record(ids: list[Any], empty: dict[str, np.ndarray]) -> list[str]:
    """'POL-001 (Source URL, Relevant provisions)' for each record with an empty field, in
    order; `empty` maps each field's name to where it is empty."""
    if not empty or not ids:
        return []
    found = np.flatnonzero(np.logical_or.reduce(list(empty.values())))
    return [f"{ids[i]} ({', '.join(n for n, e in empty.items() if e[i])})" for i in found]


def _counted(counts: dict[str, int]) -> str:
    """'Language 1,200 records, Hazard types 1 record', in the order given."""
    return ", ".join(f"{name} {k:,} record{'s' if k != 1 else ''}"
                     for name, k in counts.items() if k)


def _unconfirmed_text(rows: pd.DataFrame) -> str:
    if "confirmed" not in rows:
        return "Every record is marked as confirmed by a source."
    found = [f"{pid} ({title})" for pid, title, confirmed
             in zip(rows["policy_id"], rows["title"], rows["confirmed"], strict=True)
             if not is_missing(confirmed) and not confirmed]
    what = ("whose title, year or status no source confirms yet (Confirmed = No in the master "
            "workbook)")
    if not found:
        return "Every record is marked as confirmed by a source."
    if len(found) <= ABOUT_LIST_LIMIT:
        return f"Records {what}: {_listed(found)}"
    return (f"{len(found):,} records {what}, the first {ABOUT_LIST_LIMIT}: "
            + _listed(found, "filter the Confirmed column of the Policies sheet on No to list "
                      "them all"))


def _unconfirmed_members_text(frame: pd.DataFrame) -> str:
    """The records whose countries covered include a member no source confirms (from the basis
    column, which names them), as a sentence to follow the unconfirmed records."""
    basis = "Countries covered (basis)"
    if basis not in frame or "Record ID" not in frame:
        return ""
    marker = "; membership not confirmed by a source: "
    found = [f"{rid} ({text.split(marker, 1)[1]})"
             for rid, text in zip(frame["Record ID"], frame[basis], strict=True)
             if isinstance(text, str) and marker in text]
    if not found:
        return ""
    return (" Countries covered that no source confirms as members, marked '(not confirmed)' "
            "in the list of names: " + _listed(found, "see the column 'Countries covered "
                                                      "(basis)'"))


def _gaps_text(rows: pd.DataFrame) -> str:
    """The records missing what CLIMB needs (CLIMB_NEEDS), each with the names of its gaps."""
    empty = {name: (blank_mask(rows[field]).to_numpy() if field in rows
                    else np.ones(len(rows), dtype=bool)) for field, name in CLIMB_NEEDS}
    ids = rows["policy_id"].tolist() if "policy_id" in rows else [""] * len(rows)
    found = _per_record(ids, empty)
    if not found:
        names = [name for _, name in CLIMB_NEEDS]
        return (f"Every record has {', '.join(names[:-1])} and {names[-1]}: what CLIMB cannot "
                "take a record without.")
    if len(found) <= ABOUT_LIST_LIMIT:
        return ("Records missing what CLIMB needs (also reported by matrixbook validate): "
                + _listed(found))
    counts = _counted({name: int(e.sum()) for name, e in empty.items()})
    return (f"{len(found):,} records miss what CLIMB needs ({counts}). The first "
            f"{ABOUT_LIST_LIMIT}: " + _listed(found, "matrixbook validate lists every one, at "
                                          "its cell"))


def _to_complete_text(frame: pd.DataFrame, mapping: Mapping) -> str:
    """The optional export columns each record leaves empty, named once per code and label
    pair ("Language", not "Language code" and "Language"), leaving out what CLIMB cannot do
    without (listed under "Required by CLIMB")."""
    needed = {field for field, _ in CLIMB_NEEDS}
    empty: dict[str, np.ndarray] = {}
    for col in mapping.columns:
        if col.required or col.labels_of or col.source in needed or col.label not in frame:
            continue
        name = col.label.removesuffix(" code")
        mask = blank_mask(frame[col.label]).to_numpy()
        empty[name] = empty[name] | mask if name in empty else mask
    ids = frame[mapping.columns[0].label].tolist() if len(frame.columns) else []
    found = _per_record(ids, empty)
    if not found:
        return "Every optional CLIMB column is filled."
    if len(found) <= ABOUT_LIST_LIMIT:
        return ("Optional CLIMB columns left empty, to be completed before import, record by "
                "record (an empty Language is also a warning of matrixbook validate): "
                + _listed(found))
    counts = _counted({name: int(e.sum()) for name, e in empty.items()})
    return (f"{len(found):,} records leave optional CLIMB columns empty, to be completed before "
            f"import ({counts}; an empty Language is also a warning of matrixbook validate). "
            f"The first {ABOUT_LIST_LIMIT}: " + _listed(
                found, f"filter those columns of the import sheet '{mapping.sheet_title}' for "
                "empty cells to list them all"))


def write(ctx: BuildContext) -> list[Path]:
    mapping = load_mapping(ctx.schema)
    policies = ctx.tables["Policies"]
    frame = export_frame(policies, _bodies(ctx), ctx.tables["Memberships"], ctx.schema, mapping)
    frame = check_export(frame, ctx.schema, mapping)
    rows = climate_policies(policies, mapping)
    about = about_lines(ctx, frame, rows, mapping)
    names = membership_rule.country_names(ctx.schema)
    cells = export_cells(frame, mapping)
    written = []
    with ctx.writing(f"{mapping.name}.xlsx") as tmp:
        write_xlsx(tmp, frame, ctx, mapping, about, names, cells)
    written.append(ctx.path(f"{mapping.name}.xlsx"))
    with ctx.writing(f"{mapping.name}.csv") as tmp:
        write_csv(tmp, frame, mapping, cells)
    written.append(ctx.path(f"{mapping.name}.csv"))
    return written


OUTPUT = Output(
    name="climb",
    audience="external",
    description="CLIMB import sheet: climate-mobility policies as xlsx and CSV (UTF-8 with BOM)",
    write=write,
    order=30,
)
