"""Cell formats: the styles every generated workbook shares, and one xlsxwriter format per
combination of properties (made on first use and shared, which keeps a file small)."""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format

from matrixbook.xlsx.palette import GRID, HEADER_FONT, IOM_BLUE, NOTE_TEXT

# A header cell: white bold text on IOM blue, wrapped, with white borders between headers.
HEADER = {"bold": True, "font_color": HEADER_FONT, "bg_color": IOM_BLUE, "text_wrap": True,
          "valign": "vcenter", "border": 1, "border_color": "#FFFFFF"}
TITLE = {"bold": True, "font_size": 14, "font_color": IOM_BLUE}
NOTE = {"italic": True, "font_color": NOTE_TEXT}
# A table cell: light grey borders, text at the top.
EDGE = {"border": 1, "border_color": GRID, "valign": "top"}


class Formats:
    """Formats of one workbook: `f(**props)` is the format with the workbook's `defaults`
    and `props` (props win); `f.exact(props)` leaves the defaults out."""

    def __init__(self, workbook: Any, **defaults: Any) -> None:
        self.workbook = workbook
        self.defaults = defaults
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def __call__(self, **props: Any) -> Format:
        return self.exact({**self.defaults, **props})

    def exact(self, props: dict[str, Any]) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def header(self, **props: Any) -> Format:
        return self(**{**HEADER, **props})

    def named(self, styles: dict[str, dict[str, Any]]) -> dict[str, Format]:
        """An output's formats as data: name -> properties, defaults left out."""
        return {name: self.exact(props) for name, props in styles.items()}
