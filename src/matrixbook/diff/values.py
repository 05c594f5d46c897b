"""Cell values typed for comparison and shown: 3 and 3.0 equal, Yes and TRUE equal in a yes/no
column, text stays text; white space only is its own kind of change.

Not the validator's typing (validation.columns): that converts whole columns for the checks
(numbers as read, bad cells emptied); here two cells are compared, each tagged with its kind,
so '2018' typed as text is not the number 2018. Only the yes/no words are the same."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Any

import pandas as pd

from matrixbook.diff.model import CHANGED, WHITESPACE

_SPACES = re.compile(r"[\s\u00a0]+")
_TRUE = frozenset({"yes", "true", "y", "oui", "1"})
_FALSE = frozenset({"no", "false", "n", "non", "0"})


# ---------------------------------------------------------------------------------------------
# Values


def _classify(old: Any, new: Any, old_type: str | None, new_type: str | None,
              separator: str) -> str | None:
    """None if the two cells hold the same typed value; else "whitespace" or "changed"."""
    texts = (isinstance(old, str) or old is None) and (isinstance(new, str) or new is None)
    if texts and _squash(old, old_type, separator) == _squash(new, new_type, separator):
        return WHITESPACE if old != new else None
    if _typed(old, old_type, separator) == _typed(new, new_type, separator):
        return None
    return CHANGED


def _squash(text: str | None, ctype: str | None, separator: str) -> str:
    """Text with its white space made uniform: what is left when only spacing changed."""
    if text is None:
        return ""
    squashed = _SPACES.sub(" ", text).strip()
    if ctype == "list":
        squashed = separator.join(p.strip() for p in squashed.split(separator))
    return squashed


def _typed(value: Any, ctype: str | None, separator: str) -> Any:
    """The value as the workbook means it, for equality: numbers as floats, dates as
    timestamps, yes/no as booleans in a yes/no column, numbers as text in a text column."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        if ctype in ("string", "list"):
            return _typed(_number_text(value), ctype, separator)
        return ("number", float(value))
    if isinstance(value, datetime | date | pd.Timestamp):
        return ("date", pd.Timestamp(value))
    if isinstance(value, time):
        return ("time", value)
    if isinstance(value, str):
        if ctype == "boolean":
            low = value.strip().casefold()
            if low in _TRUE or low in _FALSE:
                return ("bool", low in _TRUE)
        if ctype == "list":
            return ("list", tuple(p.strip() for p in value.split(separator) if p.strip()))
        return ("text", value)
    return ("other", str(value))


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> Any:
    """A cell value as a person reads it: 2018 not 2018.0, a date without 00:00."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _key_text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None
