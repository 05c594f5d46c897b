"""Workbook values as the text people read in documents: one style of date (12 September
2025), lists joined, control characters removed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from matrixbook.schema import Schema
from matrixbook.values import is_blank

# Characters XML 1.0 cannot hold (and \a, \f, which docxtpl would turn into paragraph and page
# breaks): a stray one pasted into Excel must not corrupt a Word file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")



def clean(text: str) -> str:
    """Text safe for Word and HTML: no control characters, Windows line ends made plain."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def long_day(value: Any, texts: Any = None) -> str:
    """A date as people write it: 12 September 2025 (the one style of every document), or ''
    when empty; text that is not a date is kept as it is. With `texts` (matrixbook.i18n) in
    another language than English, in that language through Babel: 12 septembre 2025."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if texts is not None and texts.language.code != "en":
        return str(texts.date(value))
    return f"{value.day} {value.strftime('%B %Y')}"


def day(value: Any, texts: Any = None) -> str:
    """A date in a document: 12 September 2025, like the cover, never 2025-09-12 beside it."""
    return long_day(value, texts)


def as_text(value: Any, separator: str = "; ") -> str:
    """Any cell value as the text a reader sees."""
    kind = type(value)  # the common cases first: a report calls this for every cell it lists
    if kind is str:
        return clean(value)  # blank text cleans to ""
    if kind is int:
        return str(value)
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return separator.join(as_text(v) for v in value if not is_blank(v))
    if isinstance(value, pd.Timestamp | datetime):
        if (value.hour, value.minute) != (0, 0):
            return f"{long_day(value)} {value:%H:%M}"
        return long_day(value)
    if isinstance(value, date):
        return long_day(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def paragraphs(value: Any) -> list[str]:
    """A text cell as paragraphs: one per line staff typed (Alt+Enter in Excel)."""
    text = as_text(value)
    return [p.strip() for p in text.split("\n") if p.strip()]


def record(frame: pd.DataFrame, row: Any) -> dict[str, Any]:
    """One row as {field: text}, only for the columns the (audience-filtered) table has.

    A template that wants an internal field asks `{% if body.internal_notes is defined %}`:
    in an external build the key is simply not there.
    """
    rec = frame.loc[row]
    return {k: as_text(rec[k]) for k in frame.columns if isinstance(k, str)}


def country_names(schema: Schema) -> dict[str, str]:
    """ISO code -> the name a reader sees, from the schema's vocabulary (one place for names:
    matrixbook.model.memberships.country_names)."""
    from matrixbook.model.memberships import country_names as names

    return names(schema)


def words(value: Any) -> int:
    """Words in every string inside `value` (nested lists and dicts included)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, Mapping):
        return sum(words(v) for v in value.values())
    if isinstance(value, Iterable):
        return sum(words(v) for v in value)
    return 0
