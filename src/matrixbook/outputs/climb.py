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
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from matrixbook import memberships as membership_rule
from matrixbook import xlsx
from matrixbook.build import BuildContext, Output
from matrixbook.errors import OutputError
from matrixbook.memberships import Doubt
from matrixbook.schema import Schema, SchemaError
from matrixbook.values import is_blank as is_missing

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
    keep = policies[mapping.select_field].map(lambda v: isinstance(v, list) and len(v) > 0)
    return policies[keep.astype(bool)]


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


@dataclass(frozen=True)
class Members:
    countries: list[str]
    doubts: list[Doubt]


class Roster:
    """Members of each body on a day, by the shared rule of matrixbook.memberships (read once:
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

    The roles are those of the shared rule (matrixbook.memberships). Where a missing date
    leaves it open, the CLIMB export counts the country (better a country to check than one
    silently dropped): a membership marked Ended with no end date may still have held, a
    suspension with a date missing may not have. The doubt is returned, for the export's basis
    column and for a finding of `matrixbook validate` at the empty date. Without a day, every
    country with a member role counts.
    """
    member, excluded = mapping.member_roles, mapping.excluded_roles
    if on is None:
        rows = roster.by_body.get(body_id, {})
        return Members(sorted(c for c, rs in rows.items() if any(r.role in member for r in rs)),
                       [])
    countries: list[str] = []
    left: list[Doubt] = []  # memberships that ended on a date not recorded
    suspended: list[Doubt] = []  # suspensions with a date missing
    for seat in roster.seats(body_id, on):
        holds_member = any(r in member for r in seat.held)
        may_hold = [d for d in seat.doubts if d.role in member and not d.held]
        if not (holds_member or may_hold) or any(r in excluded for r in seat.certain):
            continue
        countries.append(seat.country)
        if not holds_member:
            left.append(may_hold[0])
        suspended += [d for d in seat.doubts if d.role in excluded][:1]
    doubts = sorted(left, key=lambda d: d.country) + sorted(suspended, key=lambda d: d.country)
    return Members(sorted(countries), doubts)


@dataclass(frozen=True)
class Coverage:
    codes: list[str]  # every code, grouping codes included, in the order of their names
    basis: str
    doubts: list[Doubt]


def coverage(record: Any, roster: Roster, acronym: str, names: dict[str, str]) -> Coverage:
    """The countries a policy covers: its own list, else its body's members on adoption."""
    listed = record.countries if isinstance(record.countries, list) else []
    doubts: list[Doubt] = []
    if listed:
        codes = list(dict.fromkeys(str(c) for c in listed))
        basis = "Listed in the master workbook"
    else:
        day = reference_date(record)
        found = roster.members_on(record.body_id, day)
        codes, doubts = list(found.countries), found.doubts
        when = day.strftime("%Y-%m-%d") if day is not None else "any date"
        if day is not None and is_missing(getattr(record, "adoption_date", None)):
            when += " (end of the year adopted)"
        basis = f"Members of {acronym} on {when}"
        if not codes:
            basis += ": none recorded"
        for doubt in doubts:
            basis += f"; {doubt.country} counted although {doubt.reason}"
    codes.sort(key=lambda c: (membership_rule.sort_key(names.get(c, c)), c))
    return Coverage(codes, basis, doubts)


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
    """
    rows = climate_policies(policies, mapping)
    roster = Roster(memberships, mapping)
    groupings = grouping_codes(schema)
    countries = membership_rule.country_names(schema)
    label_maps = {c.labels_of: labels(schema, c.labels_of) for c in mapping.columns
                  if c.labels_of}
    records: list[dict[str, Any]] = []
    for rec in rows.itertuples():
        body = bodies.get(str(rec.body_id), {})
        acronym = body.get("acronym") or rec.body_id
        cover = coverage(rec, roster, acronym, countries)
        regions = [mapping.regions.get(f, f) for f in body.get("focus", [])]
        derived = {
            "issuing_body": _text(body.get("name")),
            "issuing_body_acronym": _text(body.get("acronym")),
            "countries_expanded": [c for c in cover.codes if c not in groupings],
            "country_names": [countries.get(c, c) for c in cover.codes],
            "countries_basis": cover.basis,
            "region": list(dict.fromkeys(regions)),
        }
        row: dict[str, Any] = {}
        for col in mapping.columns:
            value = derived[col.source] if col.source in DERIVED else getattr(rec, col.source)
            row[col.label] = _export_value(col, value, label_maps, mapping)
        records.append(row)
    frame = pd.DataFrame(records, columns=mapping.labels, index=rows.index)
    for col in mapping.columns:
        if col.type == "integer":
            frame[col.label] = pd.array(frame[col.label].tolist(), dtype="Int64")
        elif col.type == "date":
            frame[col.label] = pd.to_datetime(frame[col.label].tolist()).as_unit("ns")
        else:
            frame[col.label] = pd.Series(frame[col.label].tolist(), index=frame.index,
                                         dtype=object)
    return frame


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
            checks.append(pa.Check(_each(col, mapping, lambda v, a=allowed: v in a),
                                   element_wise=True, name="allowed values"))
        if col.pattern:
            rx = re.compile(col.pattern)
            checks.append(pa.Check(_each(col, mapping, lambda v, rx=rx: bool(rx.fullmatch(v))),
                                   element_wise=True, name=f"pattern {col.pattern}"))
        if col.type in ("string", "list"):
            checks.append(pa.Check(_each(col, mapping, _clean_item), element_wise=True,
                                   name="no empty item, no stray separator"))
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


def _each(col: ExportColumn, mapping: Mapping, test: Any) -> Any:
    """An element check: the value itself, or each item of a joined list."""

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        items = value.split(mapping.separator) if col.type == "list" else [value]
        return all(test(i) for i in items)

    return check


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


def write_csv(path: Path, frame: pd.DataFrame, mapping: Mapping) -> None:
    """UTF-8 with a byte-order mark (Excel then reads the accents and Arabic right), CRLF
    line ends, quotes only where needed, injection guard on every cell."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([neutralise(label, mapping.csv_guard) for label in frame.columns])
        for values in frame.itertuples(index=False, name=None):
            writer.writerow([csv_cell(v, mapping.csv_guard) for v in values])


def write_xlsx(path: Path, frame: pd.DataFrame, ctx: BuildContext, mapping: Mapping,
               about: list[tuple[str, str]], names: dict[str, str] | None = None) -> None:
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
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        ws.set_row(r, row_height(values, widths))
        for c, value in enumerate(values):
            fmt = formats[c]
            if is_missing(value):
                ws.write_blank(r, c, None, fmt)
            elif kinds[c] == "integer":
                ws.write_number(r, c, int(value), fmt)
            elif kinds[c] == "date":
                ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), fmt)
            else:
                ws.write_string(r, c, str(value), fmt)  # text stays text, never a formula
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
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title="CLIMB records",
                     landscape=False)
    ws.hide_gridlines(2)


def row_height(values: Iterable[Any], widths: Iterable[float], minimum: int = 1,
               line: float = 15.0) -> float:
    """Points for a row whose wrapped text fits: neither Excel nor LibreOffice grows a row
    written by xlsxwriter, so the lines are counted by wrapping the words at the column width
    (about 1.2 characters of text per width unit: right for the wide fallback fonts of
    LibreOffice, a little loose in Calibri)."""
    lines = minimum
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            lines = max(lines, wrapped_lines(value, max(int(width * 1.2) - 1, 1)))
    return min(line * lines + 3, 409.0)


def wrapped_lines(text: str, per_line: int) -> int:
    """How many lines `text` takes when wrapped at spaces, long words broken."""
    total = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                count, used = count + 1, 0
            used = used + 1 + size if used else size
            while used > per_line:
                count, used = count + 1, used - per_line
        total += count
    return total


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
    unconfirmed = [f"{r.policy_id} ({r.title})" for r in rows.itertuples()
                   if "confirmed" in rows and not is_missing(r.confirmed) and not r.confirmed]
    gaps = []
    for rec in rows.itertuples():
        missing = climb_gaps(rec)
        if missing:
            gaps.append(f"{rec.policy_id} ({', '.join(missing)})")
    empty = [f"{values[mapping.columns[0].label]} ({', '.join(cols)})"
             for values in frame.to_dict("records") if (cols := empty_optional(values, mapping))]
    n = len(frame)
    roles = " or ".join(mapping.member_roles)
    left_out = (f", leaving out those {' or '.join(mapping.excluded_roles)} on that date"
                if mapping.excluded_roles else "")
    return [
        ("Source", f"Master workbook {ctx.source_name}, sheet Policies: the {n} "
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
        ("Unconfirmed facts", ("Records whose title, year or status no source confirms yet "
         "(Confirmed = No in the master workbook): " + "; ".join(unconfirmed) + ".")
         if unconfirmed else "None: every record is marked as confirmed by a source."),
        ("Gaps for CLIMB", ("Records missing what CLIMB needs (also reported by matrixbook "
         "validate): " + "; ".join(gaps) + ".") if gaps else "None."),
        ("To complete", ("Optional CLIMB columns left empty, to be completed before import, "
         "record by record (an empty Language is also a warning of matrixbook validate): "
         + "; ".join(empty) + ".")
         if empty else "None: every optional CLIMB column is filled."),
        ("Printing", "Print the Records sheet: one block per policy, on A4 portrait. The "
         f"import sheet '{mapping.sheet_title}' is laid out for import; it prints "
         "several pages wide, the Record ID repeated on each."
         + (f" {note}" if (note := records_note(n, mapping)) else "")),
    ]


# What CLIMB cannot take a record without: (Policies field, what to call it).
CLIMB_NEEDS = (
    ("source_url", "Source URL"),
    ("date_accessed", "Date accessed"),
    ("provisions", "Relevant provisions"),
    ("mobility_types", "Mobility types"),
)


def empty_optional(values: dict[str, Any], mapping: Mapping) -> list[str]:
    """The optional export columns a record leaves empty, named once per code and label pair
    ("Language", not "Language code" and "Language"), leaving out what CLIMB cannot do without
    (listed under "Gaps for CLIMB")."""
    needed = {field for field, _ in CLIMB_NEEDS}
    out = []
    for col in mapping.columns:
        if col.required or col.labels_of or col.source in needed:
            continue
        if is_missing(values.get(col.label)):
            name = col.label.removesuffix(" code")
            if name not in out:
                out.append(name)
    return out


def climb_gaps(record: Any) -> list[str]:
    """The names of the fields CLIMB needs that `record` leaves empty."""
    missing = []
    for field, name in CLIMB_NEEDS:
        if is_missing(getattr(record, field, None)):
            missing.append(name)
    return missing


def write(ctx: BuildContext) -> list[Path]:
    mapping = load_mapping(ctx.schema)
    policies = ctx.tables["Policies"]
    frame = export_frame(policies, _bodies(ctx), ctx.tables["Memberships"], ctx.schema, mapping)
    frame = check_export(frame, ctx.schema, mapping)
    rows = climate_policies(policies, mapping)
    about = about_lines(ctx, frame, rows, mapping)
    names = membership_rule.country_names(ctx.schema)
    written = []
    with ctx.writing(f"{mapping.name}.xlsx") as tmp:
        write_xlsx(tmp, frame, ctx, mapping, about, names)
    written.append(ctx.path(f"{mapping.name}.xlsx"))
    with ctx.writing(f"{mapping.name}.csv") as tmp:
        write_csv(tmp, frame, mapping)
    written.append(ctx.path(f"{mapping.name}.csv"))
    return written


OUTPUT = Output(
    name="climb",
    audience="external",
    description="CLIMB import sheet: climate-mobility policies as xlsx and CSV (UTF-8 with BOM)",
    write=write,
    order=30,
)
