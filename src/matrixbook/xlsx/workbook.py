"""Opening a generated workbook and writing its cells: no string is ever read as a formula or
number, and fixed document properties keep two builds of the same data byte-identical."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from matrixbook.values import is_blank
from matrixbook.xlsx.language import say, yes_no

FIXED_CREATED = datetime(2025, 1, 1)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def workbook_options(constant_memory: bool = False) -> dict[str, Any]:
    """Options for xlsxwriter.Workbook: no string is ever read as a formula or number."""
    return {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "constant_memory": constant_memory,
        "default_date_format": DATE_FORMAT,
    }


def set_properties(workbook: Any, title: str, subject: str = "", texts: Any = None) -> None:
    """The document properties, in the language of `texts` (matrixbook.i18n; None: English)."""
    workbook.set_properties(
        {
            "title": title,
            "subject": subject,
            "author": say(texts, "IOM MENA Regional Office"),
            "company": say(texts, "International Organization for Migration"),
            "comments": say(texts, "Generated from the master workbook of the mapping"),
            "created": FIXED_CREATED,
        }
    )


def write_value(ws: Any, row: int, col: int, value: Any, fmt: Any = None,
                date_fmt: Any = None, texts: Any = None) -> None:
    """Write with the typed writer for the value's type; text always as text (yes and no in
    the language of `texts`)."""
    if is_blank(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, yes_no(texts, value), fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (datetime, date, pd.Timestamp)):
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_fmt or fmt)
    elif isinstance(value, (list, tuple)):
        sep = "; " if texts is None or texts.english else texts.list_separator
        ws.write_string(row, col, sep.join(str(v) for v in value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)
