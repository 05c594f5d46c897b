"""The one audience filter every output goes through: an external build never sees a column
declared internal (internal notes, focal points, interviewee names, contacts, interview notes),
nor a row its sheet keeps internal (a recommendation not marked Shareable)."""

from __future__ import annotations

import pandas as pd

from matrixbook.schema import Schema

AUDIENCES = ("internal", "external")


def filter_tables(schema: Schema, tables: dict[str, pd.DataFrame],
                  audience: str) -> dict[str, pd.DataFrame]:
    """Tables as an output for `audience` may see them.

    Staff's own extra columns carry no declaration, so an external build drops them too.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if audience == "internal":
        return dict(tables)
    out = {}
    for sheet in schema.sheets:
        keep = [c.field for c in sheet.columns_for("external")]
        frame = tables[sheet.name]
        if sheet.external_rows and sheet.external_rows in frame:
            # An empty Shareable cell keeps the row internal (pandas' NA is neither True nor 1).
            shared = [v is True or (v is not pd.NA and v == 1)
                      for v in frame[sheet.external_rows].tolist()]
            frame = frame[pd.Series(shared, index=frame.index, dtype=bool)]
        out[sheet.name] = frame[keep].copy()
    return out
