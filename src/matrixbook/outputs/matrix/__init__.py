"""The mapping matrix (`mapping_matrix.xlsx`): the terms of reference's "structured matrix
classifying each entity and dialogue by theme and by geographic area", formatted so staff can
email it as it is.

Sheets: *Matrix* (one row per body, a column per theme shaded by relevance, evidence as cell
comments), *Membership* (country x body grid of the roles held at one date), *Summary* (bodies
per theme and per sub-region, the most shared countries, the themes no body covers) and *About*
(source, date of the data, audience, how to read it). Every sheet prints A4 landscape with the
audience and page numbers in the footer; the Matrix at a fixed, readable scale (its themes on
the first page across, its other columns widened to fill the next ones, the title in the page
header), the other sheets one page wide.
"""


from __future__ import annotations

from pathlib import Path

from matrixbook import xlsx
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output
from matrixbook.outputs.matrix.about import write_about
from matrixbook.outputs.matrix.data import gather
from matrixbook.outputs.matrix.layout import (
    LINE_HEIGHT,
    SMALLEST_SCALE,
    TITLE,
    Formats,
    data_date,
    say,
)
from matrixbook.outputs.matrix.matrix_sheet import write_matrix
from matrixbook.outputs.matrix.membership import write_membership
from matrixbook.outputs.matrix.summary import write_summary

FILE_NAME = "mapping_matrix.xlsx"

__all__ = ["LINE_HEIGHT", "OUTPUT", "SMALLEST_SCALE"]


def write(ctx: BuildContext) -> list[Path]:
    """Write `mapping_matrix.xlsx` for the context's audience."""
    import xlsxwriter

    mapping = gather(ctx)
    with ctx.writing(FILE_NAME) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, say(ctx, TITLE),
                            say(ctx, "Mapping matrix ({audience}), data as of {date}").format(
                                audience=say(ctx, ctx.audience_label), date=data_date(ctx)),
                            ctx.texts)
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
    languages=("en", "fr"),
)
