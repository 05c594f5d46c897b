"""`matrixbook init`: a new master workbook written from the schemas (and the seed data)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.cells import column_letter
from matrixbook.files import atomic_write, refuse_overwrite
from matrixbook.lists import IdSource, Lists, build_lists, drop_down_source
from matrixbook.schema import Column, Schema, Sheet

if TYPE_CHECKING:
    from matrixbook.i18n import Texts

EMPTY_ROWS_WITH_CHECKS = 500


def _say(words: Texts | None, text: str, context: str = "init") -> str:
    """A fixed text of a new workbook in the language of `words` (English when None)."""
    return words.t(text, context) if words is not None else text


def input_message(col: Column, schema: Schema, words: Texts | None = None,
                  sheet: str | None = None) -> dict[str, Any]:
    """The input message Excel shows on a cell of `col`: its help text, in the language of
    `words` (the title stays the declared header, which the cell's column shows)."""
    message = words.help(sheet, col.name) if words is not None and sheet else col.description
    if col.required:
        message = _say(words, "Required. ") + message
    if col.vocabulary == "countries" and not col.is_list:
        message += _say(words, " Pick it from the list (e.g. SAU \u2014 Saudi Arabia) or type "
                               "the code alone.")
    if col.is_list and col.vocabulary and col.vocabulary != "countries":
        codes = schema.vocabulary(col.vocabulary).codes
        allowed = _say(words, " Allowed: {codes}.").format(codes=", ".join(codes))
        if len(allowed) + len(message) < 240 + len(" Allowed: ."):
            message += allowed
    return {"input_title": col.name[:32], "input_message": message[:255]}


def _about(wb: Any, ws: Any, schema: Schema, seeded: bool,
           about: list[tuple[str, str]] | None = None, words: Texts | None = None) -> None:
    title = wb.add_format({"bold": True, "font_size": 16, "font_color": xlsx.IOM_BLUE,
                           "text_wrap": True, "valign": "top"})
    head = wb.add_format({"bold": True, "font_size": 11, "font_color": xlsx.IOM_BLUE})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    bold = wb.add_format({"bold": True, "valign": "top", "text_wrap": True})
    ws.set_column(0, 0, ABOUT_WIDTHS[0])
    ws.set_column(1, 1, ABOUT_WIDTHS[1])
    t = lambda text: _say(words, text, "about")  # noqa: E731
    # The title across both columns, wrapped: a long one (the French) does not run off the
    # page and shrink the printout.
    heading = _title(schema, words)
    ws.merge_range(0, 0, 0, 1, heading, title)
    ws.set_row(0, 24 * _lines(heading, ABOUT_WIDTHS[0] + ABOUT_WIDTHS[1], 0.55))
    lines: list[tuple[str, str, Any]] = [
        (t("Purpose"), t("The single master record of the mapping: regional entities, "
         "inter-regional dialogues, their memberships and themes, regional policies (and the "
         "climate-mobility instruments that feed IOM's CLIMB database), key-informant "
         "interviews, the workplan, the sources of the documentary review, the recommendations "
         "and the regional engagement strategy, and the comments of the review round. Every "
         "deliverable is regenerated from it with `matrixbook build`."), wrap),
        (t("Schema version"), schema.version, wrap),
        *([(label, text, wrap) for label, text in about] if seeded and about else
          [(t("Contents"), t("Seeded with the entities and dialogues of the terms of reference.")
            if seeded else t("Blank: headers only."), wrap)]),
        ("", "", wrap),
        (t("How to fill it"), "", head),
        (t("One row per record"), t("Each sheet holds one kind of record, one per row, under one "
         "header row. Do not rename or move the headers; add your own columns to the right "
         "and your own sheets if you need them: the tool keeps them."), wrap),
        (t("IDs"), t("Every record has a stable ID (ENT-LAS, DLG-RABAT, POL-001...). Never "
         "change an ID once it is used: other sheets refer to it."), wrap),
        (t("Drop-down lists"), t("Click a cell to see what to type; pick from the drop-down list "
         "where there is one. Cells that hold several values separate them with '{sep}' (e.g. "
         "Gulf{sep} Mashreq). Body ID cells list every entity and dialogue ID, including rows "
         "you add. The lists live on a hidden sheet, '{lists}': do not delete it (if it is "
         "gone, `matrixbook init --repair-lists` rebuilds it into a copy of the workbook).")
         .format(sep=schema.separator, lists=schema.names.lists), wrap),
        (t("Dates"), t("Type dates as real dates, e.g. 2025-09-12 (year-month-day). Text that "
         "looks like a date is reported, never guessed."), wrap),
        (t("Countries"), t("ISO 3166-1 alpha-3 codes (MAR, EGY, SAU...): pick a country from the "
         "list (SAU \u2014 Saudi Arabia) or type its code; both read as the code. XEU stands for "
         "the European Union as a party, XSA for the Sahrawi Arab Democratic Republic."), wrap),
        (t("Unconfirmed facts"), t("A fact no source confirms is marked: Confirmed = No, or "
         "listed in the 'Unconfirmed facts' column. Never present it as confirmed."), wrap),
        (t("Personal data"), t("Interviewee names, e-mails, phones and interview notes are "
         "internal: they never appear in an external output."), wrap),
        (t("French texts"), t("A column whose header ends in (French) holds the French text of "
         "the column before it, for the French outputs (`matrixbook build --lang fr`); left "
         "empty, those outputs show the English text, marked as not translated. Values picked "
         "from a list stay in English: the French outputs translate them."), wrap),
        (t("Before you send it"), t("Run `matrixbook validate` and fix each cell it names."),
         wrap),
        ("", "", wrap),
        (t("Sheets"), "", head),
    ]
    row = 2
    for label, text, fmt in lines:
        if label:
            ws.write_string(row, 0, label, bold if fmt is not head else head)
        if text:
            ws.write_string(row, 1, text, fmt)
        _fit_row(ws, row, label, text)
        row += 1
    for sheet in schema.sheets:
        text = (words.sheet_description(sheet.name) if words is not None
                else sheet.description)
        ws.write_string(row, 0, sheet.name, bold)
        ws.write_string(row, 1, text, wrap)
        _fit_row(ws, row, sheet.name, text)
        row += 1
    xlsx.print_setup(ws, header_rows=0, title=_title(schema, words), landscape=False)


ABOUT_WIDTHS = (24, 100)  # the About sheet's two columns, in characters


def _lines(text: str, width: float, per_char: float = 1.0) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (`per_char`: how
    much of a character each letter takes; a bigger font takes more)."""
    return max(1, -(-int(len(text) / per_char) // int(width * 1.1)))


def _fit_row(ws: Any, row: int, label: str, text: str) -> None:
    """Give a row of the About sheet the height of its wrapped text: LibreOffice does not grow
    rows by itself, and lines printed over each other cannot be read."""
    lines = max(_lines(label, ABOUT_WIDTHS[0]), _lines(text, ABOUT_WIDTHS[1]))
    if lines > 1:
        ws.set_row(row, 15 * lines)


def _title(schema: Schema, words: Texts | None) -> str:
    """The workbook's title (schemas/workbook.yaml, or its translation in schemas/i18n/)."""
    return words.title() if words is not None else schema.title


def _write_lists(wb: Any, lists: Lists) -> None:
    """Long vocabularies and the ID lists live on a hidden sheet, not inline in each
    validation."""
    ws = wb.add_worksheet(lists.title)
    for i, column in enumerate(lists.columns):
        ws.write_string(0, i, column.header)
        for j, value in enumerate(column.values, start=1):
            ws.write_string(j, i, value)
        for j, formula in enumerate(column.formulas, start=1):
            ws.write_array_formula(j, i, j, i, formula, None, "")
    for name, formula in lists.names.items():
        wb.define_name(name, formula)
    ws.hide()


def _id_sources(schema: Schema, rows: dict[str, list[dict[str, Any]]]) -> dict[str, IdSource]:
    """Where each key column stands in a new workbook, over every row that has checks."""
    sources = {}
    for sheet in schema.sheets:
        if sheet.key_column is not None:
            letter = column_letter(sheet.columns.index(sheet.key_column))
            last = max(len(rows.get(sheet.name, [])), 1) + EMPTY_ROWS_WITH_CHECKS + 1
            sources[sheet.name] = IdSource(sheet.name, letter, 2, last)
    return sources


def _data_sheet(wb: Any, sheet: Sheet, schema: Schema, rows: list[dict[str, Any]],
                lists: Lists, formats: dict[str, Any], words: Texts | None = None) -> None:
    ws = wb.add_worksheet(sheet.name)
    last = max(len(rows), 1) + EMPTY_ROWS_WITH_CHECKS
    for c, col in enumerate(sheet.columns):
        fmt = formats["header_internal"] if col.internal else formats["header"]
        ws.write_string(0, c, col.name, fmt)
        if col.type == "date":
            cell_fmt = formats["datetime"] if col.time else formats["date"]
        elif col.type in ("string", "list") and col.width >= 30:
            cell_fmt = formats["wrap"]
        else:
            cell_fmt = formats["cell"]
        ws.set_column(c, c, col.width, cell_fmt)
        for r, record in enumerate(rows, start=1):
            xlsx.write_value(ws, r, c, record.get(col.name), cell_fmt, cell_fmt)
        options = validation_options(col, lists, words)
        options.update(input_message(col, schema, words, sheet.name))
        ws.data_validation(1, c, last, c, options)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(len(rows), 1), len(sheet.columns) - 1)
    ws.set_row(0, 32)
    xlsx.print_setup(ws, header_rows=1, title=sheet.name)


def validation_options(col: Column, lists: Lists,
                       words: Texts | None = None) -> dict[str, Any]:
    """The data validation of a column, as xlsxwriter options (repair.py turns them into
    openpyxl's); its messages in the language of `words` (English when None)."""
    if col.type == "boolean":
        return {"validate": "list", "source": ["Yes", "No"],
                "error_message": _say(words, "Choose Yes or No.")}
    source = drop_down_source(col, lists)
    if col.vocabulary == "countries" and source:
        # The list shows "SAU — Saudi Arabia"; the code alone (SAU) is as good.
        return {"validate": "list", "source": source, "error_type": "information",
                "error_title": _say(words, "Not in the list"),
                "error_message": _say(words, "Pick the country from the list, or type its ISO "
                                             "3166-1 alpha-3 code (e.g. SAU). An unknown code is "
                                             "reported by matrixbook validate.")}
    if col.vocabulary and source:
        return {"validate": "list", "source": source,
                "error_title": _say(words, "Not in the list"),
                "error_message": _say(words, "Choose a value from the list for {column}.")
                .format(column=col.name)[:255]}
    if col.references and source:
        # A warning, not a stop: an ID typed before its row exists is reported by validate.
        where = _say(words, " or ").join(r.sheet for r in col.references)
        return {"validate": "list", "source": source, "error_type": "warning",
                "error_title": _say(words, "Not a known ID"),
                "error_message": _say(words, "This is not an ID of {where} yet. Pick one from "
                                             "the list, or add its row on {where} first.")
                .format(where=where)[:255]}
    if col.type == "integer":
        return {"validate": "integer", "criteria": "between",
                "minimum": col.minimum if col.minimum is not None else -(10**9),
                "maximum": col.maximum if col.maximum is not None else 10**9,
                "error_message": _say(words, "Type a whole number for {column}.")
                .format(column=col.name)[:255]}
    if col.type == "date":
        example = "2025-08-26 10:00" if col.time else "2025-09-12"
        return {"validate": "date", "criteria": "between",
                "minimum": pd.Timestamp(col.minimum).to_pydatetime(),
                "maximum": pd.Timestamp(col.maximum).to_pydatetime(),
                "error_message": _say(words, "Type a real date, e.g. {example}.")
                .format(example=example)}
    return {"validate": "any"}


def write_workbook(path: Path, schema: Schema, rows: dict[str, list[dict[str, Any]]] | None,
                   *, force: bool = False, about: list[tuple[str, str]] | None = None,
                   words: Texts | None = None) -> Path:
    """Write a master workbook at `path`; `rows=None` gives headers only. `about`: the lines the
    About sheet says about a seeded workbook (the seed's about.yaml). `words`: write the About
    sheet, the input messages and the validation messages in that language (the sheet names,
    headers and list values stay as declared: they are what every command reads)."""
    import xlsxwriter

    path = Path(path)
    refuse_overwrite(path, force)
    with atomic_write(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, _title(schema, words),
                            _say(words, "Master workbook, schema {version}")
                            .format(version=schema.version))
        formats = {
            "header": wb.add_format({"bold": True, "font_color": xlsx.HEADER_FONT,
                                     "bg_color": xlsx.IOM_BLUE, "text_wrap": True,
                                     "valign": "vcenter", "border": 1}),
            "header_internal": wb.add_format({"bold": True, "font_color": "#000000",
                                              "bg_color": xlsx.TINTS["orange"],
                                              "text_wrap": True, "valign": "vcenter",
                                              "border": 1}),
            "cell": wb.add_format({"valign": "top"}),
            "wrap": wb.add_format({"valign": "top", "text_wrap": True}),
            "date": wb.add_format({"valign": "top", "num_format": xlsx.DATE_FORMAT}),
            "datetime": wb.add_format({"valign": "top", "num_format": xlsx.DATETIME_FORMAT}),
        }
        about_ws = wb.add_worksheet(schema.names.about)
        _about(wb, about_ws, schema, seeded=rows is not None, about=about, words=words)
        lists = build_lists(schema, _id_sources(schema, rows or {}))
        for sheet in schema.sheets:
            _data_sheet(wb, sheet, schema, (rows or {}).get(sheet.name, []), lists, formats,
                        words)
        _write_lists(wb, lists)
        about_ws.activate()
        wb.close()
    return path

