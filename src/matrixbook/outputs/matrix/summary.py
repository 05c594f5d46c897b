"""The *Summary* sheet: bodies per theme and per sub-region, the themes no body covers and the
most shared countries."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from matrixbook import xlsx
from matrixbook.model import relevance
from matrixbook.model.context import BuildContext
from matrixbook.outputs import figures
from matrixbook.outputs.matrix.data import (
    COVERED,
    GROUPS,
    NOT_RECORDED,
    Mapping,
    list_sep,
)
from matrixbook.outputs.matrix.layout import (
    CONTEXT,
    LINE_HEIGHT,
    Formats,
    data_date,
    date_text,
    level_label,
    row_height,
    say,
    setup,
    shared_rule,
    wide_note,
)
from matrixbook.pictures import style


def write_summary(wb: Any, f: Formats, ctx: BuildContext, m: Mapping) -> None:
    """Four small tables stacked on one sheet, each with its own header row; the last column
    of each names the bodies or countries behind the counts. The gaps follow the themes they
    are about; the long list of shared countries comes last."""
    ws = wb.add_worksheet(say(ctx, "Summary"))
    texts = ctx.texts

    def term(vocabulary: str, value: str) -> str:
        return value if texts.english else texts.term(vocabulary, value)

    def level(code: str) -> str:
        return level_label(ctx, code) if code in (*relevance.RELEVANCE, NOT_RECORDED) else code

    sep = ", "
    widths = [34, 11, 11, 11, 11, 11, 11, 62]
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.write_string(0, 0, say(ctx, "Summary of the mapping"), f.title)
    ws.write_string(1, 0, say(ctx, "Data as of {date}; memberships as at {on}. Audience: "
                                   "{audience}.").format(
                        date=data_date(ctx), on=date_text(m.on, ctx),
                        audience=say(ctx, ctx.audience_label)), f.subtitle)
    row = 3
    ids = m.body_ids()
    pager = xlsx.Pager(widths)
    pager.add(3 * xlsx.DEFAULT_ROW)

    def table(title: str, first: str, counts: list[str], listed: str, note: str,
              lines: int, **values: str) -> None:
        """Section title, a note, then a header: first column, counts in B..G, list in H;
        `lines`: the rows that follow. The title starts a page when it would not have its
        header and first rows (four, or as many as the table has) under it."""
        nonlocal row
        pager.keep_together(row, 2 * xlsx.DEFAULT_ROW + 2 * LINE_HEIGHT
                            + min(4, max(lines, 1)) * 2 * LINE_HEIGHT)
        pager.add(2 * xlsx.DEFAULT_ROW)
        title, note, first, listed = (say(ctx, t) for t in (title, note, first, listed))
        note = note.format(**values) if values else note
        ws.write_string(row, 0, title, f.section)
        pager.add(wide_note(ws, f, row + 1, note, widths) - xlsx.DEFAULT_ROW)
        row += 2
        headers = [first, *counts]
        for i, h in enumerate(headers):
            ws.write_string(row, i, h, f.header)
        _listed(row, len(counts), listed, f.header)
        height = row_height([*((h, w) for h, w in zip(headers, widths, strict=False)),
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
        height = row_height([(first, widths[0]), (listed, _list_width(len(counts)))])
        ws.set_row(row, height)
        pager.add(height)
        row += 1

    def spacer() -> None:
        nonlocal row
        row += 1
        pager.add(xlsx.DEFAULT_ROW)

    levels = [*relevance.RELEVANCE, NOT_RECORDED]
    none = say(ctx, "None")
    table("Bodies per theme", "Theme", [level(lv) for lv in levels], "Bodies covering the theme",
          "Number of bodies at each level of relevance, and the bodies at High, Medium or Low.",
          len(m.theme_names))
    for theme in m.theme_names:
        counts = Counter(m.relevance(b, theme) for b in ids)
        covering = list_sep(ctx).join(
            f"{level(lv)}{say(ctx, ': ')}"
            f"{sep.join(m.acronym(b) for b in ids if m.relevance(b, theme) == lv)}"
            for lv in COVERED if counts[lv])
        line(term("themes", theme), [counts[lv] for lv in levels], covering or none)
    spacer()

    gaps = [t for t in m.theme_names if not any(m.relevance(b, t) in COVERED for b in ids)]
    uncovered = ["None", "Not assessed", NOT_RECORDED]
    table("Gaps: themes no body covers", "Theme", [level(lv) for lv in uncovered],
          "Bodies still to assess on the theme",
          "Themes with no body at High, Medium or Low relevance.", len(gaps))
    for theme in gaps:
        counts = Counter(m.relevance(b, theme) for b in ids)
        pending = [f"{level(lv)}{say(ctx, ': ')}"
                   f"{sep.join(m.acronym(b) for b in ids if m.relevance(b, theme) == lv)}"
                   if counts[lv] < len(ids) else
                   ctx.texts.plural(len(ids), "{level}: the only body", "{level}: all {n} bodies",
                                    CONTEXT, level=level(lv))
                   for lv in ("Not assessed", NOT_RECORDED) if counts[lv]]
        line(term("themes", theme), [counts[lv] for lv in uncovered],
             list_sep(ctx).join(pending) or none)
    if not gaps:
        ws.write_string(row, 0, say(ctx, "None: every theme is covered by at least one body."),
                        f.plain)
        spacer()
    spacer()

    kinds = [say(ctx, label) for _, label in GROUPS]
    table("Bodies per sub-region", "Sub-region", [*kinds, say(ctx, "Total")], "Bodies",
          "From the geographic focus of each body; a body covering several sub-regions counts "
          "in each.", len(ctx.schema.vocabulary("geographic_focus").codes))
    for region in ctx.schema.vocabulary("geographic_focus").codes:
        inside = m.bodies.loc[m.bodies["geographic_focus"].map(
            lambda v, r=region: isinstance(v, list) and r in v).astype(bool)]
        per_kind = Counter(inside["kind"])
        line(term("geographic_focus", region),
             [*(per_kind[kind] for kind, _ in GROUPS), len(inside)],
             sep.join(str(a) for a in inside["acronym"]) or none)
    spacer()

    roles = list(ctx.schema.vocabulary("membership_roles").codes)
    table("Most shared countries", "Country",
          [say(ctx, "Bodies"), *(term("membership_roles", r) for r in roles)], "Bodies, by role",
          "Bodies counts {rule}. The ten countries in the most bodies, and any tied with them.",
          len(m.shared), rule=shared_rule(ctx, m.on))
    for tally in m.shared:
        by_role = [f"{term('membership_roles', role)}{say(ctx, ': ')}"
                   f"{sep.join(m.acronym(b) for b in tally.by_role[role])}"
                   for role in roles if tally.by_role.get(role)]
        line(f"{m.names.get(tally.country, tally.country)} ({tally.country})",
             [tally.count, *(len(tally.by_role.get(r, [])) for r in roles)],
             list_sep(ctx).join(by_role))
    if not m.shared:
        ws.write_string(row, 0, say(ctx, "No current membership recorded."), f.note)
        spacer()
    spacer()

    row = _overlap_map(ws, f, ctx, m, row, pager, widths)

    if pager.breaks:
        ws.set_h_pagebreaks(pager.breaks)
    setup(ws, ctx, say(ctx, "Mapping matrix summary, data as of {date}").format(
        date=data_date(ctx)), repeat=None)


MAP_SHARE = 0.7  # of the sheet's width: the overlap map, as wide as it prints clearly


def _overlap_map(ws: Any, f: Formats, ctx: BuildContext, m: Mapping, row: int,
                 pager: xlsx.Pager, widths: Sequence[float]) -> int:
    """The overlap map (the mapping report's) under the tables, on a page of its own when it
    would not fit on the current one; the rows it covers are sized so it prints whole."""
    picture, caption = figures.overlap(ctx.schema, ctx.tables, m.body_ids(), m.on,
                                       ctx.texts)
    if picture is None:
        return row
    from PIL import Image

    with Image.open(io.BytesIO(picture.png)) as image:
        w_px, h_px = image.size
    sheet_px = sum(xlsx.column_pixels(w) for w in widths)
    scale = MAP_SHARE * sheet_px / (w_px * 96 / style.DPI)
    height_pt = h_px / style.DPI * 72 * scale
    caption_pt = max(xlsx.DEFAULT_ROW, row_height([(caption, sum(widths))]))
    pager.keep_together(row, xlsx.DEFAULT_ROW + caption_pt + height_pt)
    ws.write_string(row, 0, say(ctx, "Overlap map"), f.section)
    pager.add(xlsx.DEFAULT_ROW + wide_note(ws, f, row + 1, caption, widths))
    row += 2
    ws.insert_image(row, 0, "overlap.png", {
        "image_data": io.BytesIO(picture.png), "x_scale": scale, "y_scale": scale,
        "x_offset": 4, "y_offset": 4, "object_position": 3, "description": picture.alt})
    rows = int(height_pt // xlsx.DEFAULT_ROW) + 2
    for r in range(row, row + rows):
        ws.set_row(r, xlsx.DEFAULT_ROW)
    ws.write_blank(row + rows - 1, 0, None, f.plain)
    pager.add(rows * xlsx.DEFAULT_ROW)
    return row + rows
