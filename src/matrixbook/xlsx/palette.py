"""The colours of every generated workbook."""

from __future__ import annotations

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
GRID = "#D9D9D9"  # the light borders of table cells
NOTE_TEXT = "#404040"  # the grey of explanatory lines
