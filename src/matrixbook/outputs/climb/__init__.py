"""The CLIMB import sheet: `out/climb_policies.xlsx` and `out/climb_policies.csv`.

One row per policy of the workbook that concerns human mobility in the context of disasters,
climate change or environmental degradation (a non-empty Climate context), ready to be handed
to the team that runs IOM's CLIMB database. CLIMB has not published its import labels, so the
columns, their labels and their sources are declared in `schemas/climb.yaml` (read into
`schema.climb`, a typed ClimbMapping): aligning with CLIMB later means editing that file, not
this one.

The export frame is checked by a pandera schema built from the same declaration before anything
is written: the workbook's own validation already guarantees what is required here, so a failure
is a bug in matrixbook, reported as one clear error rather than a half-written file. Gaps CLIMB
cannot take (no source, no provision...) are `matrixbook validate` findings
(`validation/rules_climb.py`) and are listed on the sheet's About page.

Modules: `frame` (the export frame and its checks), `records` (the Records sheet), `about` (the
About sheet), `writer` (the CSV and the workbook). What CLIMB needs of a policy is in
matrixbook.model.climb, the countries a policy covers in matrixbook.model.coverage.
"""

from __future__ import annotations

from pathlib import Path

from matrixbook.model import memberships as membership_rule
from matrixbook.model.climb import climate_policies, load_mapping
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output
from matrixbook.outputs.climb.about import about_lines
from matrixbook.outputs.climb.frame import (
    ClimbExportError,
    bodies_of,
    check_export,
    export_frame,
)
from matrixbook.outputs.climb.writer import csv_cell, export_cells, write_csv, write_xlsx

__all__ = ["OUTPUT", "ClimbExportError", "check_export", "csv_cell", "load_mapping", "write"]


def write(ctx: BuildContext) -> list[Path]:
    mapping = load_mapping(ctx.schema)
    names = ctx.schema.names
    policies = ctx.tables[names.policies]
    frame = export_frame(policies, bodies_of(ctx), ctx.tables[names.memberships], ctx.schema,
                         mapping)
    frame = check_export(frame, ctx.schema, mapping)
    rows = climate_policies(policies, mapping)
    about = about_lines(ctx, frame, rows, mapping)
    countries = membership_rule.country_names(ctx.schema)
    cells = export_cells(frame, mapping)
    written = []
    with ctx.writing(f"{mapping.name}.xlsx") as tmp:
        write_xlsx(tmp, frame, ctx, mapping, about, countries, cells)
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
    apart="climb",
    # The file feeds IOM's CLIMB database: its columns and values are CLIMB's own fields and
    # terms (schemas/climb.yaml), the same whatever the language of the other outputs.
    only_english="its columns are the fields of IOM's CLIMB database",
)

