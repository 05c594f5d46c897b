"""The writing kit of every workbook matrixbook generates: palette, formats, typed writing
(text never becomes a formula), row heights, column letters, print set-up and fixed document
properties so two builds of the same data are byte-identical."""

from matrixbook.xlsx.formats import EDGE, HEADER, NOTE, TITLE, Formats
from matrixbook.xlsx.heights import (
    BREAKS,
    KIT,
    TEXTWRAP,
    WORDS,
    Sizing,
    count_lines,
    row_height,
    row_heights,
)
from matrixbook.xlsx.language import date_format, right_to_left, say, yes_no
from matrixbook.xlsx.pages import (
    A4_LANDSCAPE,
    DEFAULT_ROW,
    MARGINS,
    Pager,
    column_pixels,
    print_setup,
)
from matrixbook.xlsx.palette import BAND, GRID, HEADER_FONT, IOM_BLUE, NOTE_TEXT, OKABE_ITO, TINTS
from matrixbook.xlsx.workbook import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FIXED_CREATED,
    set_properties,
    workbook_options,
    write_value,
)

__all__ = [
    "A4_LANDSCAPE", "BAND", "BREAKS", "DATETIME_FORMAT", "DATE_FORMAT", "DEFAULT_ROW", "EDGE",
    "FIXED_CREATED", "GRID", "HEADER", "HEADER_FONT", "IOM_BLUE", "KIT", "MARGINS", "NOTE",
    "NOTE_TEXT", "OKABE_ITO", "TEXTWRAP", "TINTS", "TITLE", "WORDS", "Formats", "Pager",
    "Sizing", "column_pixels", "count_lines", "date_format", "print_setup", "right_to_left",
    "row_height", "row_heights", "say", "set_properties", "workbook_options", "write_value",
    "yes_no",
]
