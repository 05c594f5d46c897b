"""The one audience filter every output goes through: an external build never sees a column
declared internal (internal notes, focal points, interviewee names, contacts, interview notes)."""

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
        out[sheet.name] = tables[sheet.name][keep].copy()
    return out
