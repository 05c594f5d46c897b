"""The mapping matrix (`mapping_matrix.xlsx`): the terms of reference's "structured matrix
classifying each entity and dialogue by theme and by geographic area", formatted so staff can
email it as it is.

Sheets: *Matrix* (one row per body, a column per theme shaded by relevance, evidence as cell
comments), *Membership* (country x body grid of the roles held at one date), *Summary* (bodies
per theme and per sub-region, the most shared countries, the themes no body covers) and *About*
(source, date of the data, audience, how to read it). Every sheet prints A4 landscape, one page
wide, with the audience and page numbers in the footer.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.model import memberships, relevance
from matrixbook.model.context import BuildContext
from matrixbook.model.memberships import Seat, Tally
from matrixbook.outputs import Output
from matrixbook.schema import Column, Schema
from matrixbook.values import is_blank as _blank

FILE_NAME = "mapping_matrix.xlsx"
TITLE = "Mapping matrix of regional entities and inter-regional dialogues"

# The two kinds of body, in the order the matrix groups them (labels from BuildContext.bodies()).
GROUPS = (("Regional entity", "Regional entities"),
          ("Inter-regional dialogue", "Inter-regional dialogues"))
# Relevance: labels and colours shared with every other output (matrixbook.model.relevance).
COVERED = relevance.COVERED
NOT_RECORDED = relevance.NO_ENTRY_NAME

# Membership roles: a letter (for black-and-white prints) and a colour from the Okabe-Ito tints.
ROLE_STYLE: dict[str, dict[str, Any]] = {
    "Member": {"bg_color": xlsx.TINTS["blue"], "bold": True},
    "Participant": {"bg_color": xlsx.TINTS["green"], "bold": True},
    "Observer": {"bg_color": xlsx.TINTS["yellow"]},
    "Suspended": {"bg_color": xlsx.TINTS["vermillion"], "italic": True},
}
UNCONFIRMED_MARK = "?"

FONT_SIZE = 10
# Theme columns are narrow, under headers turned 90 degrees, so the matrix prints large.
THEME_WIDTH = 7
BODY_WIDTH, NAME_WIDTH = 8, 16
ENTRY_POINTS_WIDTH = 44  # the widest text: wide, so its rows stay short
KIND_WIDTH = 19.5  # "Inter-regional dialogue" on one line
# The Matrix prints at a fixed scale, never shrunk below this (text of FONT_SIZE points prints
# at FONT_SIZE * scale / 100, at least 8 points); a page holds the body and name columns and
# every theme column, the other columns follow on the next page across.
SMALLEST_SCALE = 80
THEME_HEADER_POINTS_PER_CHAR = 7.5
THEME_HEADER_LINES = 3  # theme headers read bottom-up on up to three lines
LINE_HEIGHT = 13.5  # points per wrapped line at FONT_SIZE
# Row heights: about 1.25 characters of FONT_SIZE text per width unit.
SIZING = xlsx.Sizing(chars_per_unit=1.25, spare=1, fewest=4, line=LINE_HEIGHT, extra=2,
                     most_points=None)
COUNTRY_WIDTH = 28  # the Membership sheet's country names wrap within it


# ---------------------------------------------------------------------------------------------
# The facts the sheets show, computed once from the tables.


def role_letter(role: str) -> str:
    return role[:1].upper()


def mark(seat: Seat) -> str:
    """The grid's cell: the role's letter, and '?' when a row behind it is not confirmed."""
    return role_letter(seat.role or "") + ("" if seat.confirmed else UNCONFIRMED_MARK)


def reference_date(ctx: BuildContext) -> date | None:
    """The date the membership grid reflects: the same day every output reads memberships on."""
    return memberships.reference_date(ctx.today, ctx.data_date)


@dataclass(frozen=True)
class ThemeCell:
    relevance: str
    evidence: str  # the cell comment; empty when no evidence was recorded


def theme_cells(themes: pd.DataFrame, separator: str) -> dict[tuple[str, str], ThemeCell]:
    """(body_id, theme) -> relevance and evidence. Should a body carry one theme twice, the
    strongest relevance is shown and every piece of evidence kept."""
    order = relevance.RANK
    grouped: dict[tuple[str, str], list[Any]] = {}
    for rec in themes.itertuples(index=False):
        if _blank(rec.body_id) or _blank(rec.theme) or _blank(rec.relevance):
            continue
        grouped.setdefault((str(rec.body_id), str(rec.theme)), []).append(rec)
    cells = {}
    for key, recs in grouped.items():
        strongest = min((str(r.relevance) for r in recs), key=lambda v: order.get(v, 99))
        parts = []
        for r in recs:
            text = "" if _blank(r.evidence) else str(r.evidence).strip()
            sources = getattr(r, "source_ids", None)
            if isinstance(sources, list) and sources:
                text = (text + "\n" if text else "") + f"Sources: {separator.join(sources)}"
            if text:
                parts.append(text)
        cells[key] = ThemeCell(strongest, "\n\n".join(parts))
    return cells


@dataclass
class Mapping:
    """Everything the four sheets show, so the sheets only lay it out."""

    bodies: pd.DataFrame
    theme_names: list[str]
    cells: dict[tuple[str, str], ThemeCell]
    seats: dict[tuple[str, str], Seat]  # (country, body_id) -> role on `on`
    on: date | None
    ranked: list[Tally]  # every country with a role: most bodies shared first
    shared: list[Tally]  # the most shared countries (memberships.most_shared)
    names: dict[str, str]  # country code -> name
    organisations: frozenset[str] = frozenset()  # codes of organisations, not states

    @property
    def countries(self) -> list[str]:
        return [t.country for t in self.ranked]

    @cached_property
    def _acronyms(self) -> dict[str, str]:
        pairs = zip(self.bodies["body_id"], self.bodies["acronym"], strict=True)
        acronyms: dict[str, str] = {}
        for body_id, acronym in pairs:
            acronyms.setdefault(str(body_id), str(acronym))  # the first row wins, as before
        return acronyms

    def acronym(self, body_id: str) -> str:
        return self._acronyms.get(body_id, body_id)

    def body_ids(self) -> list[str]:
        return [str(b) for b in self.bodies["body_id"]]

    def country_seats(self, country: str) -> dict[str, Seat]:
        return self._seats_by_country.get(country, {})

    @cached_property
    def _seats_by_country(self) -> dict[str, dict[str, Seat]]:
        """Country -> {body_id: seat}, indexed once: the grid asks for every country."""
        by_country: dict[str, dict[str, Seat]] = {}
        for (country, body), seat in self.seats.items():
            by_country.setdefault(country, {})[body] = seat
        return by_country

    def countries_per_body(self) -> Counter[str]:
        return Counter(body for _, body in self.seats)

    def states_per_body(self) -> Counter[str]:
        """Seats of every role held by states (organisations such as the EU counted apart)."""
        return Counter(body for country, body in self.seats
                       if country not in self.organisations)

    def organisations_per_body(self) -> Counter[str]:
        return Counter(body for country, body in self.seats if country in self.organisations)

    def relevance(self, body_id: str, theme: str) -> str:
        cell = self.cells.get((body_id, theme))
        return cell.relevance if cell else NOT_RECORDED


def country_name(schema: Schema, code: str) -> str:
    """The country's name for a cell, from the schema's vocabulary (memberships.country_name)."""
    return memberships.country_name(schema, code)


def gather(ctx: BuildContext) -> Mapping:
    bodies = ctx.bodies()
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not _blank(v)).astype(bool)]
    # Entities first, then dialogues, each in workbook order.
    bodies = pd.concat([bodies.loc[bodies["kind"] == kind] for kind, _ in GROUPS],
                       ignore_index=True)
    order = [str(b) for b in bodies["body_id"]]
    known = set(order)
    on = reference_date(ctx)
    roster = memberships.Roster(ctx.tables["Memberships"])
    seats = {(s.country, s.body_id): s for s in roster.all_seats(on)
             if s.role is not None and s.body_id in known}
    roles = memberships.roles_on(ctx.tables, on, roster)
    names = memberships.country_names(ctx.schema)
    organisations = memberships.organisations(ctx.schema)
    for code in organisations:  # the grid says which rows are organisations, not states
        if code in names:
            names[code] = f"{names[code]} ({memberships.ORGANISATION})"
    ranked = memberships.tallies(roles, order, names)
    # The most shared *countries*: an organisation (the EU) is not one.
    shared, _ = memberships.most_shared([t for t in ranked if t.country not in organisations])
    return Mapping(
        bodies=bodies,
        theme_names=list(ctx.schema.vocabulary("themes").codes),
        cells=theme_cells(ctx.tables["Themes"], ctx.schema.separator + " "),
        seats=seats,
        on=on,
        ranked=ranked,
        shared=shared,
        names=names,
        organisations=organisations,
    )


# ---------------------------------------------------------------------------------------------
# Layout helpers.


class Formats:
    """Every cell format of the workbook, made once (xlsxwriter keeps one per combination)."""

    def __init__(self, wb: Any) -> None:
        base = {"font_size": FONT_SIZE, "valign": "top"}
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": xlsx.IOM_BLUE})
        self.subtitle = wb.add_format({"font_size": FONT_SIZE, "italic": True,
                                       "font_color": "#404040"})
        self.section = wb.add_format({"bold": True, "font_size": 12,
                                      "font_color": xlsx.IOM_BLUE})
        self.header = wb.add_format({**base, "bold": True, "font_color": xlsx.HEADER_FONT,
                                     "bg_color": xlsx.IOM_BLUE, "text_wrap": True,
                                     "valign": "bottom", "border": 1, "border_color": "#FFFFFF"})
        self.header_rotated = wb.add_format({**base, "bold": True, "font_color": xlsx.HEADER_FONT,
                                             "bg_color": xlsx.IOM_BLUE, "rotation": 90,
                                             "align": "center", "valign": "bottom",
                                             "border": 1, "border_color": "#FFFFFF"})
        # Theme headers read bottom-up, on two lines, so theme columns can stay narrow.
        self.header_theme = wb.add_format({**base, "bold": True, "font_color": xlsx.HEADER_FONT,
                                           "bg_color": xlsx.IOM_BLUE, "rotation": 90,
                                           "text_wrap": True, "align": "center",
                                           "valign": "vcenter", "border": 1,
                                           "border_color": "#FFFFFF"})
        self.legend_label = wb.add_format({**base, "bold": True, "align": "right"})
        self.header_internal = wb.add_format({**base, "bold": True, "text_wrap": True,
                                              "valign": "bottom",
                                              "bg_color": xlsx.TINTS["orange"], "border": 1,
                                              "border_color": "#FFFFFF"})
        self.group = wb.add_format({**base, "bold": True, "font_color": xlsx.IOM_BLUE,
                                    "bg_color": xlsx.BAND, "top": 1,
                                    "top_color": xlsx.IOM_BLUE})
        self.text = wb.add_format({**base, "text_wrap": True, "border": 1,
                                   "border_color": "#D9D9D9"})
        self.bold = wb.add_format({**base, "text_wrap": True, "bold": True, "border": 1,
                                   "border_color": "#D9D9D9"})
        rule = {"top": 2, "top_color": xlsx.IOM_BLUE}
        self.first_text = wb.add_format({**base, "text_wrap": True, "border": 1,
                                         "border_color": "#D9D9D9", **rule})
        self.first_bold = wb.add_format({**base, "text_wrap": True, "bold": True, "border": 1,
                                         "border_color": "#D9D9D9", **rule})
        self.number = wb.add_format({**base, "align": "center", "border": 1,
                                     "border_color": "#D9D9D9"})
        self.total = wb.add_format({**base, "align": "center", "bold": True, "border": 1,
                                    "border_color": "#D9D9D9", "bg_color": xlsx.BAND})
        self.label = wb.add_format({**base, "bold": True, "text_wrap": True})
        self.plain = wb.add_format({**base, "text_wrap": True})
        self.unwrapped = wb.add_format(base)
        self.note = wb.add_format({**base, "italic": True, "font_color": "#404040"})
        cell = {**base, "align": "center", "border": 1, "border_color": "#D9D9D9"}
        self.relevance = {code: wb.add_format({**cell, "text_wrap": True, "bg_color": lv.fill,
                                               "font_color": relevance.TEXT})
                          for code, lv in relevance.RELEVANCE.items()}
        self.relevance_other = wb.add_format({**cell, "text_wrap": True})
        self.role = {role: wb.add_format({**cell, **style}) for role, style in ROLE_STYLE.items()}
        self.role_other = wb.add_format(cell)
        self.empty = wb.add_format(cell)
        self.country = wb.add_format({**base, "text_wrap": True, "border": 1,
                                      "border_color": "#D9D9D9", "valign": "vcenter"})

    def for_relevance(self, level: str) -> Any:
        return self.relevance.get(level, self.relevance_other)

    def for_role(self, role: str) -> Any:
        return self.role.get(role, self.role_other)


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    return SIZING.lines_of(text, width)


def _row_height(values: list[tuple[str, float]], minimum: int = 1) -> float:
    return SIZING.row_height(values, minimum)


def _text(value: Any, separator: str) -> str:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if _blank(value) else str(value)


def _as_at(ctx: BuildContext, m: Mapping) -> str:
    """Which date the membership grid reflects, and where that date comes from."""
    if m.on is None:
        return ("with no date to reflect (no --today and no 'Checked on' date): only roles "
                "with no end date are shown")
    since = "the date given to the build" if ctx.today else "the date of the data"
    return f"as at {m.on.isoformat()} ({since})"


def _date_text(on: date | None) -> str:
    return on.isoformat() if on else "not recorded"


def _setup(ws: Any, ctx: BuildContext, footer: str, *, repeat: int | None,
           landscape: bool = True) -> None:
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title=footer,
                     landscape=landscape)
    if repeat is not None:
        ws.repeat_rows(repeat)
    ws.hide_gridlines(2)


DEFAULT_ROW = 15.0  # points
A4_LANDSCAPE = (841.9, 595.3)  # points
MARGINS = (0.4 * 72, 0.6 * 72)  # left/right and top/bottom, as xlsx.print_setup sets them


class Pager:
    """Where the printed pages of a sheet break, estimated from the row heights this module
    sets, so a section title and its header row never sit alone at the foot of a page.

    "Fit to one page wide" shrinks the sheet by a factor that depends on how the office suite
    measures column widths: LibreOffice draws the same widths about a third wider than Excel
    (measured on this workbook), so it shrinks more and fits more rows on a page. The pager
    follows both and breaks where either would orphan a section.
    """

    WIDTH_FACTORS = (1.0, 1.35)  # Excel, LibreOffice

    def __init__(self, widths: list[float]) -> None:
        sheet_width = sum(int(w * 7 + 5) * 0.75 for w in widths)
        printable_w = A4_LANDSCAPE[0] - 2 * MARGINS[0]
        printable_h = A4_LANDSCAPE[1] - 2 * MARGINS[1]
        self.capacity = [printable_h / min(1.0, printable_w / (sheet_width * k)) * 0.95
                         for k in self.WIDTH_FACTORS]
        self.used = [0.0 for _ in self.WIDTH_FACTORS]
        self.breaks: list[int] = []

    def add(self, height: float) -> None:
        self.used = [height if u + height > cap else u + height
                     for u, cap in zip(self.used, self.capacity, strict=True)]

    def keep_together(self, row: int, needed: float) -> None:
        if any(u and u + needed > cap for u, cap in zip(self.used, self.capacity, strict=True)):
            self.breaks.append(row)
            self.used = [0.0 for _ in self.used]


# ---------------------------------------------------------------------------------------------
# The sheets.


@dataclass(frozen=True)
class MatrixColumn:
    header: str
    width: float
    field: str | None = None  # a body column; None for a theme column
    theme: str | None = None
    internal: bool = False


def matrix_columns(ctx: BuildContext, mapping: Mapping) -> list[MatrixColumn]:
    """Body, name, one column per theme (vocabulary order), then the geography and engagement
    columns under their declared headers, then (internal builds only, because the external
    tables no longer hold them) the internal columns."""
    entities = ctx.schema.sheet("Entities")
    cols = [MatrixColumn("Body", BODY_WIDTH, "acronym"),
            MatrixColumn("Name", NAME_WIDTH, "name_en")]
    cols += [MatrixColumn(t, THEME_WIDTH, theme=t) for t in mapping.theme_names]
    for name in ("geographic_focus", "iom_engagement", "entry_points"):
        c = entities.column(name)
        width = ENTRY_POINTS_WIDTH if name == "entry_points" else min(c.width * 0.8, 34)
        cols.append(MatrixColumn(c.name, width, c.field))
    cols.append(MatrixColumn("Kind", KIND_WIDTH, "kind"))
    internal = [c for s in ("Entities", "Dialogues") for c in ctx.schema.sheet(s).columns
                if c.internal and c.field in mapping.bodies.columns]
    unique: dict[str, Column] = {}
    for c in internal:
        unique.setdefault(c.field, c)
    for c in unique.values():
        cols.append(MatrixColumn(c.name, min(c.width * 1.2, 48), c.field, internal=True))
    return cols


def write_matrix(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet("Matrix")
    sep = ctx.schema.separator + " "
    cols = matrix_columns(ctx, m)
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width)
    ws.write_string(0, 0, TITLE, f.title)
    ws.write_string(1, 0, f"Classified by theme and by geographic area. Data as of "
                          f"{ctx.data_date}; source: {ctx.source_name}; audience: "
                          f"{ctx.audience_label}.", f.subtitle)
    # Legend under the theme columns, in the same shading as the cells.
    first_theme = next((i for i, c in enumerate(cols) if c.theme), 2)
    ws.write_string(2, 1, "Relevance of each theme:", f.legend_label)
    legend = [*relevance.RELEVANCE, NOT_RECORDED]
    for j, code in enumerate(legend):
        fmt = f.for_relevance(code) if code in relevance.RELEVANCE else f.empty
        ws.write_string(2, first_theme + j, relevance.level(code).label or code, fmt)
    ws.write_string(2, first_theme + len(legend),
                    "A red corner marks evidence: point at the cell to read it.", f.note)
    ws.set_row(2, LINE_HEIGHT * 2 + 2)
    header = 4
    for i, col in enumerate(cols):
        fmt = (f.header_internal if col.internal
               else f.header_theme if col.theme else f.header)
        ws.write_string(header, i, col.header, fmt)
    longest = max([len(c.header) for c in cols if c.theme], default=10)
    ws.set_row(header, max(_row_height([(c.header, c.width) for c in cols if not c.theme]),
                           THEME_HEADER_POINTS_PER_CHAR * math.ceil(longest / THEME_HEADER_LINES)
                           + 8))
    row = header + 1
    heights: list[float] = []
    firsts: list[int] = []  # row of the first body of each kind
    for kind, _label in GROUPS:
        group = m.bodies.loc[m.bodies["kind"] == kind]
        first = True
        for body in group.to_dict("records"):
            if first:
                firsts.append(row)
            sized = []
            for i, col in enumerate(cols):
                if col.theme:
                    cell = m.cells.get((str(body["body_id"]), col.theme))
                    level = relevance.level(cell.relevance).label if cell else ""
                    fmt = f.for_relevance(cell.relevance) if cell else f.empty
                    xlsx.write_value(ws, row, i, level, fmt)
                    if cell and cell.evidence:
                        ws.write_comment(row, i, cell.evidence, _comment_options(cell.evidence))
                    sized.append((level, col.width))
                    continue
                text = _text(body.get(col.field), sep)
                fmt = f.bold if col.field == "acronym" else f.text
                if first and firsts[:-1]:  # a rule between entities and dialogues
                    fmt = f.first_bold if col.field == "acronym" else f.first_text
                xlsx.write_value(ws, row, i, text, fmt)
                sized.append((text, col.width))
            height = _row_height(sized)
            ws.set_row(row, height)
            heights.append(height)
            row += 1
            first = False
    if row == header + 1:
        ws.write_string(row, 0, "No entity or dialogue recorded yet.", f.note)
    last = row - 1
    # The filter covers the header and the bodies' rows only: every row under it is a body.
    ws.autofilter(header, 0, max(last, header), len(cols) - 1)
    ws.freeze_panes(header + 1, 2)
    _setup(ws, ctx, f"Mapping matrix, data as of {ctx.data_date}", repeat=header)
    _matrix_pages(ws, cols, header, heights, firsts)
    ws.activate()


def _pixels(width: float) -> int:
    """A column's width in pixels, as Excel draws it (LibreOffice prints a pixel as a point,
    a third wider than Excel: the scale is set for LibreOffice, so Excel has room to spare)."""
    return int(width * 7 + 5)


def matrix_scale(cols: list[MatrixColumn]) -> int:
    """The print scale at which the body, name and theme columns fill one page across."""
    first_page = sum(_pixels(c.width) for c in cols if c.theme or c.field in ("acronym",
                                                                              "name_en"))
    printable = A4_LANDSCAPE[0] - 2 * MARGINS[0]
    return max(SMALLEST_SCALE, min(100, int(100 * printable / first_page)))


def _matrix_pages(ws: Any, cols: list[MatrixColumn], header: int, heights: list[float],
                  firsts: list[int]) -> None:
    """Print the Matrix at a readable fixed scale (Excel ignores page breaks in a sheet fitted
    to the page, and fitting 20 columns to one page prints 5-point text): the body and name
    columns and the header row repeated on every page; the themes on the first page across,
    the other columns after them; a page break before the dialogues when they do not fit under
    the entities, and never inside a body's row."""
    scale = matrix_scale(cols)
    ws.fit_to_pages(1, 0)  # print_setup's, undone by the scale below (xlsxwriter: one or other)
    ws.set_print_scale(scale)
    ws.repeat_columns(0, 1)
    ws.print_across()
    printable_w = (A4_LANDSCAPE[0] - 2 * MARGINS[0]) * 100 / scale
    repeated = _pixels(cols[0].width) + _pixels(cols[1].width)
    used, v_breaks = 0, []
    for i, col in enumerate(cols):
        width = _pixels(col.width)
        after_themes = i > 0 and cols[i - 1].theme is not None and col.theme is None
        if i > 1 and (used + width > printable_w or after_themes):
            v_breaks.append(i)
            used = repeated
        used += width
    if v_breaks:
        ws.set_v_pagebreaks(v_breaks)
    printable_h = (A4_LANDSCAPE[1] - 2 * MARGINS[1]) * 100 / scale * 0.97
    top = header + 1  # title, subtitle, legend and header rows on the first page
    header_height = ws.row_sizes.get(header, [DEFAULT_ROW])[0]
    used_h = sum(ws.row_sizes.get(r, [DEFAULT_ROW])[0] for r in range(top))
    h_breaks = []
    group_ends = [*(f - top for f in firsts[1:]), len(heights)]
    start = 0
    for end in group_ends:  # each kind of body: on pages of its own when it does not fit
        group = sum(heights[start:end])
        room = printable_h - header_height
        if start and used_h + group > printable_h:
            h_breaks.append(top + start)
            used_h = header_height
        # A kind that needs several pages is shared evenly among them: no page of two rows.
        pages = math.ceil((used_h - header_height + group) / room) if group else 1
        share = (used_h - header_height + group) / max(pages, 1)
        on_page = used_h - header_height
        for r in range(start, end):
            full = used_h + heights[r] > printable_h
            if used_h > header_height and (full or (pages > 1 and on_page >= share)):
                h_breaks.append(top + r)
                used_h, on_page = header_height, 0.0
            used_h += heights[r]
            on_page += heights[r]
        start = end
    if h_breaks:
        ws.set_h_pagebreaks(h_breaks)


def _comment_options(text: str) -> dict[str, Any]:
    lines = _lines(text, 48)
    return {"author": "IOM", "x_scale": 2.5, "y_scale": max(1.0, lines / 3.5),
            "font_size": 9}


def write_membership(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet("Membership")
    roles = [r for r in ctx.schema.vocabulary("membership_roles").codes]
    bodies = m.bodies.to_dict("records")
    totals = ["Bodies", *roles]
    first_body = 2 + len(totals)
    ws.set_column(0, 0, COUNTRY_WIDTH)
    ws.set_column(1, 1, 6)
    ws.set_column(2, first_body - 1, 5)
    ws.set_column(first_body, first_body + max(len(bodies), 1) - 1, 4.5)
    on = _date_text(m.on)
    ws.write_string(0, 0, "Membership: who sits where", f.title)
    ws.write_string(1, 0, f"Roles {_as_at(ctx, m)}. Bodies counts "
                          f"{memberships.shared_rule(m.on, dated=False)}. Audience: "
                          f"{ctx.audience_label}.", f.subtitle)
    # Legend: the letter of each role in its own colour.
    ws.write_string(2, 0, "Legend", f.label)
    col = 2
    for role in roles:
        ws.write_string(2, col, role_letter(role), f.for_role(role))
        ws.write_string(2, col + 1, role, f.unwrapped)  # runs on over the empty cells
        col += 4
    ws.write_string(2, col, f"{UNCONFIRMED_MARK} after a letter: not confirmed by a source",
                    f.unwrapped)
    # A band naming the groups of bodies above their columns (no merged cells).
    band = 3
    for i in range(first_body + len(bodies)):
        ws.write_blank(band, i, None, f.group)
    ws.write_string(band, 2, "Totals", f.group)
    start = first_body
    for kind, label in GROUPS:
        count = sum(1 for b in bodies if b["kind"] == kind)
        if count:
            ws.write_string(band, start, label, f.group)
        start += count
    header = 4
    ws.write_string(header, 0, "Country", f.header)
    ws.write_string(header, 1, "Code", f.header)
    for j, label in enumerate(totals):
        ws.write_string(header, 2 + j, label, f.header_rotated)
    for j, body in enumerate(bodies):
        ws.write_string(header, first_body + j, str(body["acronym"]), f.header_rotated)
    longest = max([len(t) for t in totals] + [len(str(b["acronym"])) for b in bodies])
    ws.set_row(header, max(40, 6.5 * longest + 6))
    row = header + 1
    for tally in m.ranked:
        seats = m.country_seats(tally.country)
        name = m.names.get(tally.country, tally.country)
        ws.write_string(row, 0, name, f.country)
        ws.write_string(row, 1, tally.country, f.text)
        ws.write_number(row, 2, tally.count, f.total)
        for j, role in enumerate(roles):
            ws.write_number(row, 3 + j, len(tally.by_role.get(role, [])), f.number)
        for j, body in enumerate(bodies):
            seat = seats.get(str(body["body_id"]))
            if seat:
                ws.write_string(row, first_body + j, mark(seat), f.for_role(seat.role or ""))
            else:
                ws.write_blank(row, first_body + j, None, f.empty)
        if _lines(name, COUNTRY_WIDTH) > 1:  # a long name wraps within its row
            ws.set_row(row, _row_height([(name, COUNTRY_WIDTH)]))
        row += 1
    last = row - 1
    ws.autofilter(header, 0, max(last, header), first_body + len(bodies) - 1)
    # Per-body totals, below the filtered range so sorting the grid leaves them in place.
    row += 1
    for label, per_body in (("States per body (every role)", m.states_per_body()),
                            ("Organisations per body (every role)",
                             m.organisations_per_body())):
        ws.write_string(row, 0, label, f.label)
        for j, body in enumerate(bodies):
            ws.write_number(row, first_body + j, per_body[str(body["body_id"])], f.total)
        row += 1
    if not m.countries:
        ws.write_string(header + 1, 0, "No current membership recorded.", f.note)
    ws.freeze_panes(header + 1, 2)
    _setup(ws, ctx, f"Membership as at {on}" if m.on else "Membership", repeat=header)


def write_summary(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    """Four small tables stacked on one sheet, each with its own header row; the last column
    of each names the bodies or countries behind the counts. The gaps follow the themes they
    are about; the long list of shared countries comes last."""
    ws = wb.add_worksheet("Summary")
    sep = ", "
    widths = [34, 11, 11, 11, 11, 11, 11, 62]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.write_string(0, 0, "Summary of the mapping", f.title)
    ws.write_string(1, 0, f"Data as of {ctx.data_date}; memberships as at {_date_text(m.on)}. "
                          f"Audience: {ctx.audience_label}.", f.subtitle)
    row = 3
    ids = m.body_ids()
    pager = Pager(widths)
    pager.add(3 * DEFAULT_ROW)

    def table(title: str, first: str, counts: list[str], listed: str, note: str) -> None:
        """Section title, a note, then a header: first column, counts in B..G, list in H."""
        nonlocal row
        pager.keep_together(row, 2 * DEFAULT_ROW + 2 * LINE_HEIGHT + 4 * 2 * LINE_HEIGHT)
        pager.add(2 * DEFAULT_ROW)
        ws.write_string(row, 0, title, f.section)
        ws.write_string(row + 1, 0, note, f.note)
        row += 2
        headers = [first, *counts]
        for i, h in enumerate(headers):
            ws.write_string(row, i, h, f.header)
        _listed(row, len(counts), listed, f.header)
        height = _row_height([*((h, w) for h, w in zip(headers, widths, strict=False)),
                              (listed, _list_width(len(counts)))])
        ws.set_row(row, height)
        pager.add(height)
        row += 1

    def _list_width(counts: int) -> float:
        return sum(widths[1 + counts:])

    def _listed(at: int, counts: int, text: str, fmt: Any) -> None:
        """The list column right after the counts: a table with fewer counts than the widest
        spreads its list over the columns it leaves, so no empty column sits between."""
        first_col = 1 + counts
        if first_col < len(widths) - 1:
            ws.merge_range(at, first_col, at, len(widths) - 1, "", fmt)
        ws.write_string(at, first_col, text, fmt)  # typed: text never becomes a formula

    def line(first: str, counts: list[int], listed: str) -> None:
        nonlocal row
        ws.write_string(row, 0, first, f.bold)
        for i, count in enumerate(counts):
            ws.write_number(row, 1 + i, count, f.number)
        _listed(row, len(counts), listed, f.text)
        height = _row_height([(first, widths[0]), (listed, _list_width(len(counts)))])
        ws.set_row(row, height)
        pager.add(height)
        row += 1

    def spacer() -> None:
        nonlocal row
        row += 1
        pager.add(DEFAULT_ROW)

    levels = [*relevance.RELEVANCE, NOT_RECORDED]
    table("Bodies per theme", "Theme", levels, "Bodies covering the theme",
          "Number of bodies at each level of relevance, and the bodies at High, Medium or Low.")
    for theme in m.theme_names:
        counts = Counter(m.relevance(b, theme) for b in ids)
        covering = "; ".join(
            f"{lv}: {sep.join(m.acronym(b) for b in ids if m.relevance(b, theme) == lv)}"
            for lv in COVERED if counts[lv])
        line(theme, [counts[lv] for lv in levels], covering or "None")
    spacer()

    gaps = [t for t in m.theme_names if not any(m.relevance(b, t) in COVERED for b in ids)]
    uncovered = ["None", "Not assessed", NOT_RECORDED]
    table("Gaps: themes no body covers", "Theme", uncovered, "Bodies still to assess on the theme",
          "Themes with no body at High, Medium or Low relevance.")
    for theme in gaps:
        counts = Counter(m.relevance(b, theme) for b in ids)
        pending = [f"{lv}: {sep.join(m.acronym(b) for b in ids if m.relevance(b, theme) == lv)}"
                   if counts[lv] < len(ids) else f"{lv}: all {len(ids)} bodies"
                   for lv in ("Not assessed", NOT_RECORDED) if counts[lv]]
        line(theme, [counts[lv] for lv in uncovered], "; ".join(pending) or "None")
    if not gaps:
        ws.write_string(row, 0, "None: every theme is covered by at least one body.", f.plain)
        spacer()
    spacer()

    kinds = [label for _, label in GROUPS]
    table("Bodies per sub-region", "Sub-region", [*kinds, "Total"], "Bodies",
          "From the geographic focus of each body; a body covering several sub-regions counts "
          "in each.")
    for region in ctx.schema.vocabulary("geographic_focus").codes:
        inside = m.bodies.loc[m.bodies["geographic_focus"].map(
            lambda v, r=region: isinstance(v, list) and r in v).astype(bool)]
        per_kind = Counter(inside["kind"])
        line(region, [*(per_kind[kind] for kind, _ in GROUPS), len(inside)],
             sep.join(str(a) for a in inside["acronym"]) or "None")
    spacer()

    roles = list(ctx.schema.vocabulary("membership_roles").codes)
    table("Most shared countries", "Country", ["Bodies", *roles], "Bodies, by role",
          f"Bodies counts {memberships.shared_rule(m.on)}. The ten countries in the most "
          "bodies, and any tied with them.")
    for tally in m.shared:
        by_role = [f"{role}: {sep.join(m.acronym(b) for b in tally.by_role[role])}"
                   for role in roles if tally.by_role.get(role)]
        line(f"{m.names.get(tally.country, tally.country)} ({tally.country})",
             [tally.count, *(len(tally.by_role.get(r, [])) for r in roles)],
             "; ".join(by_role))
    if not m.shared:
        ws.write_string(row, 0, "No current membership recorded.", f.note)
        spacer()
    spacer()

    if pager.breaks:
        ws.set_h_pagebreaks(pager.breaks)
    _setup(ws, ctx, f"Mapping matrix summary, data as of {ctx.data_date}", repeat=None)


def write_about(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, TITLE, f.title)
    facts = [
        ("Source workbook", ctx.source_name),
        ("Date of the data", f"{ctx.data_date} (the latest 'Checked on' date of the entities "
                             "and dialogues)"),
        ("Membership date", f"Roles {_as_at(ctx, m)}"),
        ("Audience", ctx.audience_label),
        ("Bodies", f"{sum(m.bodies['kind'] == GROUPS[0][0])} regional entities and "
                   f"{sum(m.bodies['kind'] == GROUPS[1][0])} inter-regional dialogues"),
    ]
    row = 2
    for label, value in facts:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, value, f.plain)
        row += 1
    row += 1
    ws.write_string(row, 0, "How to read it", f.section)
    row += 1
    audience_note = ("Internal: includes the columns for IOM staff only (shaded orange in the "
                     "Matrix). Do not send this copy outside IOM; build an external copy with "
                     "`matrixbook build --audience external`."
                     if ctx.audience == "internal" else
                     "External: columns for IOM staff only (focal points, internal notes) are "
                     "left out. This copy may be shared with partners.")
    notes = [
        ("Matrix", "One row per regional entity, then per inter-regional dialogue (the Kind "
                   "column says which; filter or sort on any column). Each "
                   "theme column gives how strongly the body works on the theme: "
                   + relevance.legend_text() + f" (named '{NOT_RECORDED}' in the Summary). A "
                   "red corner marks a cell with evidence: point at it (or use Review > Show "
                   "comments) to read it. The last columns give the sub-regions covered, IOM's "
                   "level of engagement and the key entry points for IOM."),
        ("Membership", "Countries down, bodies across. Each cell shows the role the country "
                       "holds on the membership date: "
                       + ", ".join(f"{role_letter(r)} = {r}" for r in ROLE_STYLE)
                       + f"; '{UNCONFIRMED_MARK}' after the letter means no source confirms "
                       "it. A suspension in force on that date shows as S in place of the "
                       "membership. Roles that ended earlier are not shown, nor those marked "
                       "Ended whose end date is not recorded. A role with no start date is "
                       "taken to date from the founding. Bodies counts "
                       + memberships.shared_rule(m.on) + ". Organisations that take part "
                       "as a bloc (the European Union) are marked '(organisation)', are not "
                       "among the most shared countries and are counted apart from states: "
                       "'States per body' and 'Organisations per body' count every role. The "
                       "briefing notes and the "
                       "mapping report read memberships by the same rule, on the same date."),
        ("Country codes", "ISO 3166-1 alpha-3, with these codes for parties that have none: "
                          + "; ".join(f"{code} = {v['name']} ({v['note']})" for code, v
                                      in ctx.schema.extra_country_codes.items()) + "."),
        ("Summary", "Bodies per theme and per sub-region, the countries in the most bodies "
                    "(member or participant, as in the mapping report), and the gaps: themes "
                    "that no body covers at High, Medium or Low."),
        ("Who may see it", audience_note),
        ("Colours", "Relevance is one blue getting lighter as relevance falls (None grey, Not "
                    "assessed white), the same colours as in the mapping report and the "
                    "briefing notes. Colours are chosen to be read by colour-blind readers, and "
                    "every shaded cell also carries a word or a letter, so the sheets print in "
                    "black and white."),
        ("Regenerate", "This file is generated from the master workbook of the mapping: "
                       "corrections go into the master workbook, not into this file."),
    ]
    for label, text in notes:
        ws.write_string(row, 0, label, f.label)
        ws.write_string(row, 1, text, f.plain)
        ws.set_row(row, _row_height([(text, 100)]))
        row += 1
    row += 1
    ws.write_string(row, 0, "Relevance legend", f.section)
    row += 1
    for code, lv in relevance.RELEVANCE.items():
        ws.write_string(row, 0, lv.label, f.for_relevance(code))
        if lv.meaning:
            ws.write_string(row, 1, lv.meaning.capitalize(), f.plain)
        row += 1
    ws.write_blank(row, 0, None, f.empty)
    ws.write_string(row, 1, f"{NOT_RECORDED}: {relevance.NO_ENTRY.meaning}", f.plain)
    row += 1
    row += 1
    ws.write_string(row, 0, "Membership legend", f.section)
    row += 1
    for role in ROLE_STYLE:
        ws.write_string(row, 0, role_letter(role), f.for_role(role))
        ws.write_string(row, 1, role, f.plain)
        row += 1
    _setup(ws, ctx, "About the mapping matrix", repeat=None)
    ws.fit_to_pages(1, 1)  # one page: its legends never left alone on a page of their own


def write(ctx: BuildContext) -> list[Path]:
    """Write `mapping_matrix.xlsx` for the context's audience."""
    import xlsxwriter

    mapping = gather(ctx)
    with ctx.writing(FILE_NAME) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, TITLE, f"Mapping matrix ({ctx.audience_label}), data as of "
                                       f"{ctx.data_date}")
        formats = Formats(wb)
        write_matrix(wb, formats, ctx, mapping)
        write_membership(wb, formats, ctx, mapping)
        write_summary(wb, formats, ctx, mapping)
        write_about(wb, formats, ctx, mapping)
        wb.close()
    return [ctx.path(FILE_NAME)]


OUTPUT = Output(
    name="matrix",
    audience="external",
    description="mapping_matrix.xlsx: bodies by theme and geography, membership grid, summary.",
    write=write,
    order=10,
)
