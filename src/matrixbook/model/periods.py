"""Periods of the work plan: the data-collection period, read by validation (interviews inside
it), the workplan and the inception report."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matrixbook.schema import Meaning


def collection_period(source: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The data-collection period: from the first to the last day of the Interviews phase.

    `source`: a rule or build context (its schema and typed tables)."""
    schema = source.schema
    t = source.tables[schema.names.workplan]
    if t.empty:
        return None
    collection = schema.codes("workplan_phases", Meaning.COLLECTION)
    dropped = schema.codes("workplan_status", Meaning.DROPPED)
    phase = t[t["phase"].isin(collection) & ~t["status"].isin(dropped)]
    if phase.empty or phase["start_date"].isna().all():
        return None
    return phase["start_date"].min(), phase["end_date"].max()
