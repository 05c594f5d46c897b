"""The *Matrix* sheet: one row per body, a column per theme shaded by relevance, evidence as
cell comments; printed at a fixed, readable scale."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from matrixbook import xlsx
from matrixbook.model import language, relevance
from matrixbook.model.context import BuildContext
from matrixbook.outputs.matrix import widths
from matrixbook.outputs.matrix.data import (
    GROUPS,
    NOT_RECORDED,
    Mapping,
    list_sep,
)
from matrixbook.outputs.matrix.layout import (
    BODY_WIDTH,
    ENGAGEMENT_WIDTH,
    ENTRY_POINTS_WIDTH,
    GEOGRAPHY_WIDTH,
    HEADER_MARGIN,
    INTERNAL_SHARE,
    KIND_WIDTH,
    LINE_HEIGHT,
    NAME_WIDTH,
    SMALLEST_SCALE,
    THEME_HEADER_LINES,
    THEME_HEADER_POINTS_PER_CHAR,
    THEME_WIDTH,
    TITLE,
    TOP_MARGIN,
    Formats,
    cell_text,
    data_date,
    level_label,
    row_height,
    say,
    setup,
    text_lines,
)
from matrixbook.schema import Column


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
    entities = ctx.schema.sheet(ctx.schema.names.entities)
    texts = ctx.texts

    def header(sheet: str, c: Column) -> str:
        return c.name if texts.english else texts.header(sheet, c.name)

    cols = [MatrixColumn(say(ctx, "Body"), BODY_WIDTH, "acronym"),
            MatrixColumn(say(ctx, "Name"), NAME_WIDTH, "name_en")]
    cols += [MatrixColumn(t if texts.english else texts.term("themes", t), THEME_WIDTH,
                          theme=t) for t in mapping.theme_names]
    for name, width in (("geographic_focus", GEOGRAPHY_WIDTH),
                        ("iom_engagement", ENGAGEMENT_WIDTH),
                        ("entry_points", ENTRY_POINTS_WIDTH)):
        c = entities.column(name)
        cols.append(MatrixColumn(header(ctx.schema.names.entities, c), width, c.field))
    cols.append(MatrixColumn(say(ctx, "Kind"), KIND_WIDTH, "kind"))
    names = ctx.schema.names
    internal = [(s, c) for s in (names.entities, names.dialogues)
                for c in ctx.schema.sheet(s).columns
                if c.internal and c.field in mapping.bodies.columns]
    unique: dict[str, tuple[str, Column]] = {}
    for s, c in internal:
        unique.setdefault(c.field, (s, c))
    for s, c in unique.values():
        cols.append(MatrixColumn(header(s, c), c.width * INTERNAL_SHARE, c.field,
                                 internal=True))
    return cols


def _shown(ctx: BuildContext, field: str | None, value: Any, sep: str) -> str:
    """A body's cell in the build's language: terms by their labels, the kind of body in
    words, English free text marked [EN]."""
    if ctx.texts.english or field is None:
        return cell_text(value, sep)
    texts = ctx.texts
    if field == "kind":
        return say(ctx, str(value))
    column = ctx.schema.sheet(ctx.schema.names.entities).by_field.get(field)
    if column is not None and column.vocabulary:
        return language.value_text(texts, column, value, sep)
    text = cell_text(value, sep)
    return language.marked(text, field not in ("acronym", "name_en") and len(text.split()) > 6)


@dataclass(frozen=True)
class BodyRow:
    """A body's row: its kind, the text of each column (a theme's level as its label), the
    relevance cell of each theme column."""

    kind: str
    texts: list[str]
    cells: list[Any]


def body_rows(ctx: BuildContext, m: Mapping, cols: list[MatrixColumn]) -> list[BodyRow]:
    """The bodies' rows, entities first, then dialogues."""
    sep = list_sep(ctx)
    lines = []
    for kind, _label in GROUPS:
        for body in m.bodies.loc[m.bodies["kind"] == kind].to_dict("records"):
            cells = [m.cells.get((str(body["body_id"]), c.theme)) if c.theme else None
                     for c in cols]
            texts = [(level_label(ctx, cell.relevance) if cell else "") if c.theme
                     else _shown(ctx, c.field, body.get(c.field), sep)
                     for c, cell in zip(cols, cells, strict=True)]
            lines.append(BodyRow(kind, texts, cells))
    return lines


def fitted(cols: list[MatrixColumn], lines: list[BodyRow]) -> list[MatrixColumn]:
    """The columns after the themes widened to fill their pages across (`widths.fill`), at
    the scale the themes page prints at."""
    room = PRINTABLE_WIDTH * 100 / matrix_scale(cols) - widths.pixels([c.width for c in cols[:2]])
    groups = [[i for i, c in enumerate(cols) if i > 1 and not c.theme and not c.internal],
              [i for i, c in enumerate(cols) if c.internal]]
    shown = {i for g in groups for i in g}
    fixed = [[text_lines(t, c.width) if t else 1
              for i, (t, c) in enumerate(zip(line.texts, cols, strict=True)) if i not in shown]
             for line in lines]
    found = widths.fill(room, fixed, [g for g in groups if g], [c.width for c in cols],
                        lambda i, w: [text_lines(line.texts[i], w) if line.texts[i] else 1
                                      for line in lines])
    return [replace(c, width=w) for c, w in zip(cols, found, strict=True)]


def write_matrix(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet(say(ctx, "Matrix"))
    cols = matrix_columns(ctx, m)
    lines = body_rows(ctx, m, cols)
    cols = fitted(cols, lines)
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width)
    title = say(ctx, TITLE)
    subtitle = say(ctx, "Classified by theme and by geographic area. Data as of {date}; "
                        "source: {source}; audience: {audience}.").format(
        date=data_date(ctx), source=ctx.source_name, audience=say(ctx, ctx.audience_label))
    ws.write_string(0, 0, title, f.title)
    ws.write_string(1, 0, subtitle, f.subtitle)
    _legend(ws, f, ctx, cols)
    header = 4
    for i, col in enumerate(cols):
        fmt = (f.header_internal if col.internal
               else f.header_theme if col.theme else f.header)
        ws.write_string(header, i, col.header, fmt)
    longest = max([len(c.header) for c in cols if c.theme], default=10)
    header_height = max(row_height([(c.header, c.width) for c in cols if not c.theme]),
                        THEME_HEADER_POINTS_PER_CHAR * math.ceil(longest / THEME_HEADER_LINES)
                        + 8)
    ws.set_row(header, header_height)
    row = header + 1
    heights: list[float] = []
    firsts: list[int] = []  # row of the first body of each kind
    for n, line in enumerate(lines):
        first = n == 0 or lines[n - 1].kind != line.kind
        if first:
            firsts.append(row)
        for i, (col, text, cell) in enumerate(zip(cols, line.texts, line.cells, strict=True)):
            if col.theme:
                fmt = f.for_relevance(cell.relevance) if cell else f.empty
                xlsx.write_value(ws, row, i, text, fmt)
                if cell and cell.evidence:
                    ws.write_comment(row, i, cell.evidence, _comment_options(cell.evidence))
                continue
            fmt = f.bold if col.field == "acronym" else f.text
            if first and firsts[:-1]:  # a rule between entities and dialogues
                fmt = f.first_bold if col.field == "acronym" else f.first_text
            xlsx.write_value(ws, row, i, text, fmt)
        height = row_height([(t, c.width) for t, c in zip(line.texts, cols, strict=True)])
        ws.set_row(row, height)
        heights.append(height)
        row += 1
    if row == header + 1:
        ws.write_string(row, 0, say(ctx, "No entity or dialogue recorded yet."), f.note)
    last = row - 1
    # The filter covers the header and the bodies' rows only: every row under it is a body.
    ws.autofilter(header, 0, max(last, header), len(cols) - 1)
    ws.freeze_panes(header + 1, 2)
    setup(ws, ctx, say(ctx, "Mapping matrix, data as of {date}").format(date=data_date(ctx)),
          repeat=header)
    _print_header(ws, title, subtitle)
    ws.print_area(LEGEND_ROW, 0, max(last, header), len(cols) - 1)
    _matrix_pages(ws, cols, header, header_height, heights, firsts)
    ws.activate()


def _legend(ws: Any, f: Formats, ctx: BuildContext, cols: list[MatrixColumn]) -> None:
    """The legend above the theme columns only, in the same shading as the cells: the body
    and name columns repeat on every page across, so whatever stood in them would print
    there too, cut at their edge."""
    themes = [i for i, c in enumerate(cols) if c.theme]
    first, last = (themes[0], themes[-1]) if themes else (2, 9)
    ws.merge_range(LEGEND_ROW, first, LEGEND_ROW, first + 1, "", f.legend_label)
    ws.write_string(LEGEND_ROW, first, say(ctx, "Relevance of each theme:"), f.legend_label)
    legend = [*relevance.RELEVANCE, NOT_RECORDED]
    for j, code in enumerate(legend):
        fmt = f.for_relevance(code) if code in relevance.RELEVANCE else f.empty
        ws.write_string(LEGEND_ROW, first + 2 + j, level_label(ctx, code), fmt)
    note = first + 2 + len(legend)
    if note < last:  # wrapped within the themes' width, so it never runs off the page
        ws.merge_range(LEGEND_ROW, note, LEGEND_ROW, last, "", f.note_wrapped)
    ws.write_string(LEGEND_ROW, note,
                    say(ctx, "A red corner marks evidence: point at the cell to read it."),
                    f.note_wrapped if note < last else f.note)
    ws.set_row(LEGEND_ROW, LEGEND_HEIGHT)
    ws.set_row(LEGEND_ROW + 1, GAP_HEIGHT)


HEADER_LIMIT = 255  # characters of a page header (Excel's limit; xlsxwriter drops a longer one)


def _header_escape(text: str) -> str:
    return text.replace("&", "&&")


def _print_header(ws: Any, title: str, subtitle: str) -> None:
    """The title (bold) and the subtitle (italic) at the top of every printed page, above
    the margin the rows print in."""
    header = f"&L&B&12{_header_escape(title)}&B&10\n&I{_header_escape(subtitle)}&I"
    if len(header) > HEADER_LIMIT:  # a long source file name: the title alone
        header = f"&L&B&12{_header_escape(title)}"
    ws.set_header(header, {"margin": HEADER_MARGIN})
    side = xlsx.MARGINS[0] / 72
    ws.set_margins(left=side, right=side, top=TOP_MARGIN, bottom=BOTTOM_MARGIN)


PRINTABLE_WIDTH = xlsx.A4_LANDSCAPE[0] - 2 * xlsx.MARGINS[0]  # points
BOTTOM_MARGIN = xlsx.MARGINS[1] / 72  # inches
MIN_ROWS = 3  # bodies on a page at the least, when the page before can spare them
LEGEND_HEIGHT = LINE_HEIGHT * 2 + 2
GAP_HEIGHT = 6.0  # between the legend and the header
LEGEND_ROW = 2  # the first printed row: the title and subtitle print in the page header


def matrix_scale(cols: list[MatrixColumn]) -> int:
    """The print scale at which the body, name and theme columns fill one page across (set
    for LibreOffice, which prints a pixel as a point, a third wider than Excel: Excel has room
    to spare)."""
    first_page = widths.pixels([c.width for c in cols
                                if c.theme or c.field in ("acronym", "name_en")])
    return max(SMALLEST_SCALE, min(100, int(100 * PRINTABLE_WIDTH / first_page)))


def _matrix_pages(ws: Any, cols: list[MatrixColumn], header: int, header_height: float,
                  heights: list[float], firsts: list[int]) -> None:
    """Print the Matrix at a readable fixed scale (Excel ignores page breaks in a sheet fitted
    to the page, and fitting 20 columns to one page prints 5-point text): the body and name
    columns and the header row repeated on every page; the themes on the first page across,
    the other columns after them; a page break before the dialogues when they do not fit under
    the entities, and never inside a body's row."""
    scale = matrix_scale(cols)
    ws.set_print_scale(scale)  # in place of print_setup's fit to one page wide
    ws.repeat_columns(0, 1)
    ws.print_across()
    printable_w = (xlsx.A4_LANDSCAPE[0] - 2 * xlsx.MARGINS[0]) * 100 / scale
    repeated = xlsx.column_pixels(cols[0].width) + xlsx.column_pixels(cols[1].width)
    used, v_breaks = 0, []
    for i, col in enumerate(cols):
        width = xlsx.column_pixels(col.width)
        after_themes = i > 0 and cols[i - 1].theme is not None and col.theme is None
        if i > 1 and (used + width > printable_w or after_themes):
            v_breaks.append(i)
            used = repeated
        used += width
    if v_breaks:
        ws.set_v_pagebreaks(v_breaks)
    printable_h = ((xlsx.A4_LANDSCAPE[1] - (TOP_MARGIN + BOTTOM_MARGIN) * 72) * 100 / scale
                   * 0.97)
    top = header + 1  # legend and header rows on the first page
    # The rows above the first body: the legend, a thin gap, the header.
    first_page = LEGEND_HEIGHT + GAP_HEIGHT * (header - LEGEND_ROW - 1) + header_height
    ws.set_h_pagebreaks([top + r for r in page_starts(heights, [f - top for f in firsts],
                                                      printable_h, first_page, header_height)])


def page_starts(heights: list[float], groups: list[int], page: float, first: float,
                repeated: float) -> list[int]:
    """The rows (counted from the first body) that start a printed page: as many bodies on a
    page as fit (`first`: what the first page holds above its first body, `repeated`: the
    header row on the others). A kind of body (each of `groups` after the first) that does
    not fit under the one before starts a page, unless that costs a page; the last page
    never holds fewer than MIN_ROWS bodies when the page before can spare them."""
    if not heights:
        return []
    kinds = {g for g in groups if g}
    for g in sorted(kinds):
        flowing = kinds - {g}
        if len(_paginate(heights, groups, page, first, repeated, flowing)) < len(
                _paginate(heights, groups, page, first, repeated, kinds)):
            kinds = flowing
    return _paginate(heights, groups, page, first, repeated, kinds)


def _paginate(heights: list[float], groups: list[int], page: float, first: float,
              repeated: float, kinds: set[int]) -> list[int]:
    starts: list[int] = []
    ends = dict(zip(groups, [*groups[1:], len(heights)], strict=True))
    used, top = first, 0
    for r, height in enumerate(heights):
        kind_apart = r in kinds and used + sum(heights[r:ends[r]]) > page
        if r > top and (kind_apart or used + height > page):
            starts.append(r)
            used, top = repeated, r
        used += height
    if starts:  # no last page of one or two bodies: take them from the page before
        before = starts[-2] if len(starts) > 1 else 0
        last = starts[-1]
        while (len(heights) - last < MIN_ROWS and last - 1 > before + MIN_ROWS - 1
               and last not in kinds and repeated + sum(heights[last - 1:]) <= page):
            last -= 1
        starts[-1] = last
    return starts


def _comment_options(text: str) -> dict[str, Any]:
    lines = text_lines(text, 48)
    return {"author": "IOM", "x_scale": 2.5, "y_scale": max(1.0, lines / 3.5),
            "font_size": 9}
