"""What every workbook matrixbook generates shares: the palette, header and cell formats,
typed writing (text never becomes a formula), print set-up and fixed document properties so two
builds of the same data are byte-identical."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from matrixbook.values import is_blank

# IOM blue for headers; the Okabe-Ito palette (safe for colour-blind readers) for categories.
IOM_BLUE = "#0033A0"
HEADER_FONT = "#FFFFFF"
BAND = "#F2F5FA"
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
# Light tints of the same hues, for shading cells behind black text.
TINTS = {
    "blue": "#9CC3E0",
    "sky": "#CBE6F7",
    "green": "#B3E2D5",
    "orange": "#F8D99A",
    "vermillion": "#F2C0A0",
    "yellow": "#FAF5B8",
    "purple": "#F0D2E3",
    "grey": "#E6E6E6",
}

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


def set_properties(workbook: Any, title: str, subject: str = "") -> None:
    workbook.set_properties(
        {
            "title": title,
            "subject": subject,
            "author": "IOM MENA Regional Office",
            "company": "International Organization for Migration",
            "comments": "Generated from the master workbook of the mapping",
            "created": FIXED_CREATED,
        }
    )


def write_value(ws: Any, row: int, col: int, value: Any, fmt: Any = None,
                date_fmt: Any = None) -> None:
    """Write with the typed writer for the value's type; text always as text."""
    if is_blank(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (datetime, date, pd.Timestamp)):
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), date_fmt or fmt)
    elif isinstance(value, (list, tuple)):
        ws.write_string(row, col, "; ".join(str(v) for v in value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def print_setup(ws: Any, *, header_rows: int = 1, audience: str | None = None,
                title: str = "", landscape: bool = True) -> None:
    """A4 landscape, fitted to one page wide, header rows repeated, footer with audience and
    page numbers."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    left = f"&L{_footer_escape(title)}" if title else ""
    centre = f"&C{audience.capitalize()}" if audience else ""
    ws.set_footer(f"{left}{centre}&RPage &P of &N", {"margin": 0.3})


def _footer_escape(text: str) -> str:
    return text.replace("&", "&&")
