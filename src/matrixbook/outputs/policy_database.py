"""The consolidated regional policy database (external): out/policy_database.xlsx.

Every row of the Policies sheet, with the name of the body that issued it, ready to filter,
sort and print: one header row with filters, frozen panes, A4 landscape with the header repeated
on every page. A second sheet counts the instruments by body and theme and by year. The CLIMB
export (`climb`) stays the subset that feeds IOM's CLIMB database; this is the whole database
the terms of reference ask for.

Only external columns are written: an internal note never reaches it, in either build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.i18n import Localized
from matrixbook.model import language, memberships
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output
from matrixbook.values import is_blank

TITLE = "Regional policy database"
FILE = "policy_database.xlsx"
THEME_WIDTH = 13.5  # a column of the counts by theme


@dataclass(frozen=True)
class Field:
    label: str
    width: float
    kind: str = "text"  # text, number, date, url


SHEET = "Policies"  # this output's own sheet, not the workbook's
FIELDS = (
    Field("Policy ID", 10),
    Field("Title (original language)", 40),
    Field("Title (English)", 40),
    Field("Issuing body", 26),
    Field("Level", 12),
    Field("Instrument category", 13),
    Field("Instrument type", 18),
    Field("Status", 13),
    Field("Year adopted", 9, "number"),
    Field("Themes", 30),
    Field("Climate context", 22),
    Field("GCM objectives", 11),
    Field("SDGs", 8),
    Field("Countries covered", 30),
    Field("Source URL", 34, "url"),
    Field("Date accessed", 12, "date"),
    Field("Confirmed", 10),
)


CONTEXT = "policy_database"  # the msgctxt of the database's texts
# Columns of the Policies sheet shown by their vocabulary's labels in another language.
_TERMS = {"level": "policy_levels", "category": "instrument_categories",
          "instrument_type": "instrument_types", "status": "policy_status",
          "themes": "themes", "climate_context": "climate_contexts"}


def _labels(texts: Any, field: str, value: Any) -> Any:
    """A vocabulary column's value(s) by their label in the language of `texts`."""
    if field not in _TERMS or is_blank(value):
        return value
    if isinstance(value, list):
        return [texts.term(_TERMS[field], str(v)) for v in value]
    return texts.term(_TERMS[field], str(value))


def say(ctx: BuildContext, text: str) -> str:
    """A fixed text of the database in the build's language."""
    return xlsx.say(ctx.texts, text, CONTEXT)


def _items(value: Any) -> list[str]:
    if is_blank(value):
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _text(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).strip() or None


def _bodies(ctx: BuildContext) -> dict[str, dict[str, str]]:
    out = {}
    texts = ctx.texts
    for b in ctx.bodies().to_dict("records"):
        body_id = _text(b.get("body_id"))
        if body_id and texts.english:
            name, acronym = _text(b.get("name_en")) or body_id, _text(b.get("acronym")) or body_id
            out[body_id] = {"acronym": acronym, "name": name, "issued": f"{name} ({acronym})"}
        elif body_id:
            found_name, found_acronym = texts.body_name(b), texts.body_acronym(b)
            name, acronym = found_name.text or body_id, found_acronym.text or body_id
            out[body_id] = {"acronym": language.named(found_acronym) or body_id,
                            "name": language.named(found_name) or body_id,
                            # read as one: one mark after both when either is in English
                            "issued": language.named(Localized(
                                f"{name} ({acronym})",
                                found_name.untranslated or found_acronym.untranslated))}
    return out


# The columns of the workbook's Policies sheet each table reads.
ROW_COLUMNS = ("policy_id", "title", "title_en", "body_id", "level", "category",
               "instrument_type", "status", "year_adopted", "themes", "climate_context",
               "gcm_objectives", "sdgs", "countries", "source_url", "date_accessed", "confirmed")
COUNT_COLUMNS = ("policy_id", "body_id", "themes", "year_adopted", "climate_context")


def _records(policies: pd.DataFrame, columns: tuple[str, ...]) -> list[Any]:
    """The rows as dicts of the `columns` the sheet has (each value as the whole row's dict
    gives it): a global mapping's Policies sheet has tens of thousands of rows and 29 columns,
    most of which no table here shows."""
    return policies[[c for c in columns if c in policies.columns]].to_dict("records")


def database_rows(ctx: BuildContext) -> list[list[Any]]:
    """One row per policy, in the order of the Policies sheet, values as the cells show them."""
    policies = ctx.tables[ctx.schema.names.policies]
    if policies.empty:
        return []
    bodies = _bodies(ctx)
    names = memberships.country_names(ctx.schema)
    texts = ctx.texts
    if not texts.english:
        names = {c: memberships.without_note(c, texts.country(c), ctx.schema) for c in names}
    sep = texts.list_separator
    rows = []
    for p in _records(policies, ROW_COLUMNS):
        if is_blank(p.get("policy_id")):
            continue
        if not texts.english:
            p = {k: _labels(texts, k, v) for k, v in p.items()}
            if isinstance(p.get("confirmed"), bool):
                p["confirmed"] = xlsx.yes_no(texts, p["confirmed"])
        body_id = _text(p.get("body_id")) or ""
        body = bodies.get(body_id)
        issued = body["issued"] if body else body_id or None
        countries = _items(p.get("countries"))
        if countries:
            covered = sep.join(names.get(c, c) for c in countries)
        else:
            covered = say(ctx, "Members of {body} at adoption (not listed)").format(
                body=body["acronym"] if body else body_id)
        year = p.get("year_adopted")
        accessed = p.get("date_accessed")
        rows.append([
            _text(p.get("policy_id")), _text(p.get("title")), _text(p.get("title_en")), issued,
            _text(p.get("level")), _text(p.get("category")), _text(p.get("instrument_type")),
            _text(p.get("status")), int(year) if not is_blank(year) else None,
            sep.join(_items(p.get("themes"))) or None,
            sep.join(_items(p.get("climate_context"))) or None,
            sep.join(_items(p.get("gcm_objectives"))) or None,
            sep.join(_items(p.get("sdgs"))) or None,
            covered, _text(p.get("source_url")),
            pd.Timestamp(accessed).to_pydatetime() if not is_blank(accessed) else None,
            _text(p.get("confirmed")),
        ])
    return rows


def counts(ctx: BuildContext) -> tuple[list[str], list[tuple[str, list[int], int]],
                                       list[tuple[int, int, int]]]:
    """(themes, [(body, count per theme, instruments of the body)], [(year, instruments, with
    a climate context)]): the body × theme table and the table by year."""
    themes = list(ctx.schema.vocabulary("themes").codes)  # the focus themes come first
    policies = ctx.tables[ctx.schema.names.policies]
    records = [] if policies.empty else [p for p in _records(policies, COUNT_COLUMNS)
                                         if not is_blank(p.get("policy_id"))]
    bodies = _bodies(ctx)
    tally: dict[str, list[int]] = {}  # body -> instruments per theme, then in all
    column = {theme: i for i, theme in enumerate(themes)}
    for p in records:
        row = tally.setdefault(_text(p.get("body_id")) or "", [0] * (len(themes) + 1))
        row[-1] += 1
        for theme in set(_items(p.get("themes"))):
            if theme in column:
                row[column[theme]] += 1
    by_body: list[tuple[str, list[int], int]] = []
    for body_id, body in bodies.items():
        row = tally.get(body_id, [0] * (len(themes) + 1))
        by_body.append((body["acronym"], row[:-1], row[-1]))
    years: dict[int, list[int]] = {}
    for p in records:
        year = p.get("year_adopted")
        if is_blank(year):
            continue
        counts = years.setdefault(int(year), [0, 0])
        counts[0] += 1
        counts[1] += 1 if _items(p.get("climate_context")) else 0
    return themes, by_body, [(y, n, c) for y, (n, c) in sorted(years.items())]


def write(ctx: BuildContext) -> list[Path]:
    import xlsxwriter

    rows = database_rows(ctx)
    with ctx.writing(FILE) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, say(ctx, TITLE), say(ctx, "Regional policies and legal "
                                                         "instruments on migration, climate "
                                                         "change and disasters"), ctx.texts)
        _database_sheet(wb, ctx, rows)
        _counts_sheet(wb, ctx)
        wb.close()
    return [ctx.path(FILE)]


def _formats(wb: Any) -> dict[str, Any]:
    edge = xlsx.EDGE
    return xlsx.Formats(wb).named({
        "header": xlsx.HEADER,
        "text": {**edge, "text_wrap": True},
        "number": {**edge, "align": "center"},
        "date": {**edge, "num_format": xlsx.DATE_FORMAT},
        "url": {**edge, "text_wrap": True, "font_color": xlsx.OKABE_ITO["blue"], "underline": 1},
        "title": xlsx.TITLE,
        "note": {"italic": True, "font_color": "#595959", "valign": "top"},
        "total": {**edge, "bold": True, "bg_color": xlsx.BAND, "align": "center"},
        "total_label": {**edge, "bold": True, "bg_color": xlsx.BAND},
        "band": {**edge, "align": "center", "bg_color": xlsx.TINTS["sky"]},
        "zero": {**edge, "align": "center", "font_color": "#A6A6A6"},
    })


def _database_sheet(wb: Any, ctx: BuildContext, rows: list[list[Any]]) -> None:
    f = _formats(wb)
    ws = wb.add_worksheet(say(ctx, SHEET))
    widths = [field.width for field in FIELDS]
    labels = [say(ctx, field.label) for field in FIELDS]
    for c, field in enumerate(FIELDS):
        ws.set_column(c, c, field.width)
        ws.write_string(0, c, labels[c], f["header"])
    ws.set_row(0, xlsx.row_height(labels, widths, minimum=2))
    columns = [list(col) for col in zip(*rows, strict=True)] if rows else []
    heights = xlsx.row_heights(columns, widths) if rows else []
    for r, (values, height) in enumerate(zip(rows, heights, strict=True), start=1):
        ws.set_row(r, height)
        for c, (field, value) in enumerate(zip(FIELDS, values, strict=True)):
            if value is None:
                ws.write_blank(r, c, None, f["text"])
            elif field.kind == "url" and len(value) <= 2000:
                ws.write_url(r, c, value, f["url"], string=value)
            elif field.kind in ("number", "date"):
                xlsx.write_value(ws, r, c, value, f[field.kind], f["date"])
            else:
                ws.write_string(r, c, str(value), f["text"])
    ws.freeze_panes(1, 2)
    # Filters on the header row only (never on a title above it), over every row written.
    ws.autofilter(0, 0, max(len(rows), 1), len(FIELDS) - 1)
    xlsx.print_setup(ws, header_rows=1, audience=ctx.audience, title=say(ctx, TITLE),
                     texts=ctx.texts)
    # 17 columns: two pages wide at a readable size, the ID and title repeated on each.
    ws.fit_to_pages(2, 0)
    ws.repeat_columns(0, 1)
    ws.print_across()


def _counts_sheet(wb: Any, ctx: BuildContext) -> None:
    f = _formats(wb)
    themes, by_body, by_year = counts(ctx)
    if not ctx.texts.english:
        themes = [ctx.texts.term("themes", t) for t in themes]
    ws = wb.add_worksheet(say(ctx, "Counts"))
    ws.write_string(0, 0, say(ctx, "Instruments by body and theme"), f["title"])
    ws.write_string(1, 0, say(ctx, "An instrument counts under each theme it covers, so a row "
                                   "may add up to more than its total."), f["note"])
    # Theme columns wide enough for the longest word of a theme ("Reintegration") to hold.
    ws.set_column(0, 0, 18)
    ws.set_column(1, len(themes) + 1, THEME_WIDTH)
    head = 3
    body, instruments = say(ctx, "Body"), say(ctx, "Instruments")
    ws.set_row(head, xlsx.row_height([body, *themes, instruments],
                                     [18] + [THEME_WIDTH] * (len(themes) + 1), minimum=2))
    ws.write_string(head, 0, body, f["header"])
    for c, theme in enumerate(themes, start=1):
        ws.write_string(head, c, theme, f["header"])
    ws.write_string(head, len(themes) + 1, instruments, f["header"])
    r = head
    for r, (acronym, per_theme, total) in enumerate(by_body, start=head + 1):
        ws.write_string(r, 0, acronym, f["text"])
        for c, n in enumerate(per_theme, start=1):
            ws.write_number(r, c, n, f["band"] if n else f["zero"])
        ws.write_number(r, len(themes) + 1, total, f["total"])
    r += 1
    ws.write_string(r, 0, say(ctx, "Total"), f["total_label"])
    for c in range(len(themes)):
        ws.write_number(r, c + 1, sum(row[1][c] for row in by_body), f["total"])
    ws.write_number(r, len(themes) + 1, sum(row[2] for row in by_body), f["total"])
    r += 3
    ws.write_string(r, 0, say(ctx, "Instruments by year adopted"), f["title"])
    r += 1
    year_headers = [say(ctx, h) for h in ("Year", "Instruments", "With a climate context")]
    for c, h in enumerate(year_headers):
        ws.write_string(r, c, h, f["header"])
    ws.set_row(r, xlsx.row_height(year_headers, [18, THEME_WIDTH, THEME_WIDTH], minimum=2))
    for year, n, climate in by_year:
        r += 1
        ws.write_number(r, 0, year, f["number"])
        ws.write_number(r, 1, n, f["number"])
        ws.write_number(r, 2, climate, f["number"] if climate else f["zero"])
    r += 1
    ws.write_string(r, 0, say(ctx, "Total"), f["total_label"])
    ws.write_number(r, 1, sum(n for _, n, _ in by_year), f["total"])
    ws.write_number(r, 2, sum(c for _, _, c in by_year), f["total"])
    ws.freeze_panes(head + 1, 1)
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience,
                     title=say(ctx, "{title}: counts").format(title=say(ctx, TITLE)),
                     repeat_row=head, texts=ctx.texts)


OUTPUT = Output(
    name="policy_database",
    audience="external",
    description="The consolidated regional policy database, with counts by body, theme and "
                "year (policy_database.xlsx).",
    write=write,
    order=32,
    apart="policy_database",
    languages=("en", "fr"),
)
