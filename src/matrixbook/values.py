"""Cell values as the typed tables hold them."""

from __future__ import annotations

from typing import Any

import pandas as pd


def is_blank(value: Any) -> bool:
    """Empty in any of the ways a typed table holds it: None, NaN, NaT, pd.NA, blank text, []."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, list | tuple):
        return len(value) == 0
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
