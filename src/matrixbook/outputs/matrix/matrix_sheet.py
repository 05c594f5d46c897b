"""The *Matrix* sheet: one row per body, a column per theme shaded by relevance, evidence as
cell comments; printed at a fixed, readable scale."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from matrixbook import xlsx
from matrixbook.model import language, relevance
from matrixbook.model.context import BuildContext
from matrixbook.outputs.matrix.data import (
    GROUPS,
    NOT_RECORDED,
    Mapping,
    list_sep,
)
from matrixbook.outputs.matrix.layout import (
    BODY_WIDTH,
    ENTRY_POINTS_WIDTH,
    KIND_WIDTH,
    LINE_HEIGHT,
    NAME_WIDTH,
    SMALLEST_SCALE,
    THEME_HEADER_LINES,
    THEME_HEADER_POINTS_PER_CHAR,
    THEME_WIDTH,
    TITLE,
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
    for name in ("geographic_focus", "iom_engagement", "entry_points"):
        c = entities.column(name)
        width = ENTRY_POINTS_WIDTH if name == "entry_points" else min(c.width * 0.8, 34)
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
        cols.append(MatrixColumn(header(s, c), min(c.width * 1.2, 48), c.field, internal=True))
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


def write_matrix(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    ws = wb.add_worksheet(say(ctx, "Matrix"))
    sep = list_sep(ctx)
    cols = matrix_columns(ctx, m)
    for i, col in enumerate(cols):
        ws.set_column(i, i, col.width)
    ws.write_string(0, 0, say(ctx, TITLE), f.title)
    ws.write_string(1, 0, say(ctx, "Classified by theme and by geographic area. Data as of "
                                   "{date}; source: {source}; audience: {audience}.").format(
                        date=data_date(ctx), source=ctx.source_name,
                        audience=say(ctx, ctx.audience_label)), f.subtitle)
    # Legend under the theme columns, in the same shading as the cells.
    first_theme = next((i for i, c in enumerate(cols) if c.theme), 2)
    ws.write_string(2, 1, say(ctx, "Relevance of each theme:"), f.legend_label)
    legend = [*relevance.RELEVANCE, NOT_RECORDED]
    for j, code in enumerate(legend):
        fmt = f.for_relevance(code) if code in relevance.RELEVANCE else f.empty
        ws.write_string(2, first_theme + j, level_label(ctx, code), fmt)
    ws.write_string(2, first_theme + len(legend),
                    say(ctx, "A red corner marks evidence: point at the cell to read it."),
                    f.note)
    ws.set_row(2, LINE_HEIGHT * 2 + 2)
    header = 4
    for i, col in enumerate(cols):
        fmt = (f.header_internal if col.internal
               else f.header_theme if col.theme else f.header)
        ws.write_string(header, i, col.header, fmt)
    longest = max([len(c.header) for c in cols if c.theme], default=10)
    ws.set_row(header, max(row_height([(c.header, c.width) for c in cols if not c.theme]),
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
                    level = level_label(ctx, cell.relevance) if cell else ""
                    fmt = f.for_relevance(cell.relevance) if cell else f.empty
                    xlsx.write_value(ws, row, i, level, fmt)
                    if cell and cell.evidence:
                        ws.write_comment(row, i, cell.evidence, _comment_options(cell.evidence))
                    sized.append((level, col.width))
                    continue
                text = _shown(ctx, col.field, body.get(col.field), sep)
                fmt = f.bold if col.field == "acronym" else f.text
                if first and firsts[:-1]:  # a rule between entities and dialogues
                    fmt = f.first_bold if col.field == "acronym" else f.first_text
                xlsx.write_value(ws, row, i, text, fmt)
                sized.append((text, col.width))
            height = row_height(sized)
            ws.set_row(row, height)
            heights.append(height)
            row += 1
            first = False
    if row == header + 1:
        ws.write_string(row, 0, say(ctx, "No entity or dialogue recorded yet."), f.note)
    last = row - 1
    # The filter covers the header and the bodies' rows only: every row under it is a body.
    ws.autofilter(header, 0, max(last, header), len(cols) - 1)
    ws.freeze_panes(header + 1, 2)
    setup(ws, ctx, say(ctx, "Mapping matrix, data as of {date}").format(date=data_date(ctx)),
          repeat=header)
    _matrix_pages(ws, cols, header, heights, firsts)
    ws.activate()


def matrix_scale(cols: list[MatrixColumn]) -> int:
    """The print scale at which the body, name and theme columns fill one page across (set
    for LibreOffice, which prints a pixel as a point, a third wider than Excel: Excel has room
    to spare)."""
    first_page = sum(xlsx.column_pixels(c.width) for c in cols if c.theme or c.field in ("acronym",
                                                                              "name_en"))
    printable = xlsx.A4_LANDSCAPE[0] - 2 * xlsx.MARGINS[0]
    return max(SMALLEST_SCALE, min(100, int(100 * printable / first_page)))


def _matrix_pages(ws: Any, cols: list[MatrixColumn], header: int, heights: list[float],
                  firsts: list[int]) -> None:
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
    printable_h = (xlsx.A4_LANDSCAPE[1] - 2 * xlsx.MARGINS[1]) * 100 / scale * 0.97
    top = header + 1  # title, subtitle, legend and header rows on the first page
    header_height = ws.row_sizes.get(header, [xlsx.DEFAULT_ROW])[0]
    used_h = sum(ws.row_sizes.get(r, [xlsx.DEFAULT_ROW])[0] for r in range(top))
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
    lines = text_lines(text, 48)
    return {"author": "IOM", "x_scale": 2.5, "y_scale": max(1.0, lines / 3.5),
            "font_size": 9}
