"""Cell values as the typed tables hold them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


class Items(list):
    """The items of a list cell (Countries covered, Themes...), as the typed tables hold them.

    Every row whose cell holds the same text shares one Items object, so it cannot be changed
    in place (that would change every row that shares it): copy it with list(items) first. It
    is a list in every other way: isinstance(items, list), iteration, joining, comparison with
    a plain list, JSON."""

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the items of a cell are shared by every row that holds the same text "
                        "and cannot be changed in place; copy them with list(...) first")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as a copy (the notes' second process)
        return Items, (list(self),)


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


def blank_mask(column: pd.Series) -> pd.Series:
    """is_blank of every cell of a column (True where empty), as a boolean Series.

    Dates, numbers and yes/no columns are empty exactly where pandas says NA; text and list
    columns need a look at each cell (blank text, an empty list)."""
    if column.dtype == object:
        values = column.to_numpy()
        if set(map(type, values)) <= {list, Items}:  # a list column, as typed: [] when empty
            return pd.Series(np.fromiter(map(len, values), dtype=np.int64, count=len(values))
                             == 0, index=column.index)
        return column.map(is_blank).astype(bool)
    if pd.api.types.is_string_dtype(column.dtype):
        return (column.isna() | column.str.strip().eq("")).fillna(True).astype(bool)
    return column.isna()
