"""What the four sheets of the mapping matrix share: sizes, formats (as data), row heights,
date lines and page set-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from xlsxwriter.format import Format

from matrixbook import xlsx
from matrixbook.model import memberships, relevance
from matrixbook.model.context import BuildContext
from matrixbook.outputs.matrix.data import ROLE_STYLE, Mapping
from matrixbook.values import is_blank as _blank

TITLE = "Mapping matrix of regional entities and inter-regional dialogues"
FONT_SIZE = 10
# Theme columns are narrow, under headers turned 90 degrees, so the matrix prints large.
THEME_WIDTH = 7
BODY_WIDTH, NAME_WIDTH = 8, 22  # with 14 themes, one page across at SMALLEST_SCALE
# The least width of the columns printed after the themes; `widths.fill` widens them to fill
# their pages across.
ENTRY_POINTS_WIDTH = 30
KIND_WIDTH = 12  # "Inter-regional dialogue" on two lines
GEOGRAPHY_WIDTH, ENGAGEMENT_WIDTH = 12, 10
INTERNAL_SHARE = 0.75  # of an internal column's declared width
# The Matrix prints at a fixed scale, never shrunk below this (text of FONT_SIZE points prints
# at FONT_SIZE * scale / 100, at least 8 points); a page holds the body and name columns and
# every theme column, the other columns follow on the next pages across, widened to fill
# them (so long texts take few lines and rows stay short).
SMALLEST_SCALE = 80
# The title and subtitle print in the page header (the repeated body and name columns would
# clip them on the pages across), so the top margin leaves room for two lines.
TOP_MARGIN, HEADER_MARGIN = 0.85, 0.3  # inches
THEME_HEADER_POINTS_PER_CHAR = 7.5
THEME_HEADER_LINES = 3  # theme headers read bottom-up on up to three lines
LINE_HEIGHT = 13.5  # points per wrapped line at FONT_SIZE
# Row heights: about 1.25 characters of FONT_SIZE text per width unit.
SIZING = xlsx.Sizing(chars_per_unit=1.25, spare=1, fewest=4, line=LINE_HEIGHT, extra=2,
                     most_points=None)
COUNTRY_WIDTH = 28  # the Membership sheet's country names wrap within it
UPRIGHT_POINTS_PER_CHAR = 6.5  # a character of an upright header, bold, along the row height


BASE = {"font_size": FONT_SIZE, "valign": "top"}
GRID_EDGE = {"border": 1, "border_color": xlsx.GRID}
WHITE_EDGE = {"border": 1, "border_color": "#FFFFFF"}
ON_BLUE = {"bold": True, "font_color": xlsx.HEADER_FONT, "bg_color": xlsx.IOM_BLUE}
CELL = {**BASE, "align": "center", **GRID_EDGE}
RULE = {"top": 2, "top_color": xlsx.IOM_BLUE}  # between the entities and the dialogues
# The workbook's named formats, as data.
STYLES: dict[str, dict[str, Any]] = {
    "title": xlsx.TITLE,
    "subtitle": {"font_size": FONT_SIZE, **xlsx.NOTE},
    "section": {"bold": True, "font_size": 12, "font_color": xlsx.IOM_BLUE},
    "header": {**BASE, **xlsx.HEADER, "valign": "bottom"},
    # The Membership sheet's upright headers: on two lines, so the row they repeat on every
    # page is half as tall ("RCC (Northern / Africa) [EN]").
    "header_rotated": {**BASE, **ON_BLUE, "rotation": 90, "text_wrap": True, "align": "center",
                       "valign": "bottom", **WHITE_EDGE},
    # Theme headers read bottom-up, on up to three lines, so theme columns can stay narrow.
    "header_theme": {**BASE, **ON_BLUE, "rotation": 90, "text_wrap": True, "align": "center",
                     "valign": "vcenter", **WHITE_EDGE},
    "legend_label": {**BASE, "bold": True, "align": "right", "text_wrap": True},
    "header_internal": {**BASE, "bold": True, "text_wrap": True, "valign": "bottom",
                        "bg_color": xlsx.TINTS["orange"], **WHITE_EDGE},
    "group": {**BASE, "bold": True, "font_color": xlsx.IOM_BLUE, "bg_color": xlsx.BAND,
              "top": 1, "top_color": xlsx.IOM_BLUE},
    "text": {**BASE, "text_wrap": True, **GRID_EDGE},
    "bold": {**BASE, "text_wrap": True, "bold": True, **GRID_EDGE},
    "first_text": {**BASE, "text_wrap": True, **GRID_EDGE, **RULE},
    "first_bold": {**BASE, "text_wrap": True, "bold": True, **GRID_EDGE, **RULE},
    "number": CELL,
    "total": {**CELL, "bold": True, "bg_color": xlsx.BAND},
    "label": {**BASE, "bold": True, "text_wrap": True},
    "plain": {**BASE, "text_wrap": True},
    "unwrapped": BASE,
    "note": {**BASE, **xlsx.NOTE},
    "note_wrapped": {**BASE, **xlsx.NOTE, "text_wrap": True},
    "empty": CELL,
    "country": {**BASE, "text_wrap": True, **GRID_EDGE, "valign": "vcenter"},
}


class Formats:
    """Every cell format of the workbook, made once: the named ones of STYLES, and one per
    relevance level and per membership role."""

    title: Format
    subtitle: Format
    section: Format
    header: Format
    header_rotated: Format
    header_theme: Format
    legend_label: Format
    header_internal: Format
    group: Format
    text: Format
    bold: Format
    first_text: Format
    first_bold: Format
    number: Format
    total: Format
    label: Format
    plain: Format
    unwrapped: Format
    note: Format
    note_wrapped: Format
    empty: Format
    country: Format

    def __init__(self, wb: Any) -> None:
        self.kit = xlsx.Formats(wb)
        for name, format_ in self.kit.named(STYLES).items():
            setattr(self, name, format_)
        self.relevance = {code: self.kit.exact({**CELL, "text_wrap": True, "bg_color": lv.fill,
                                            "font_color": relevance.TEXT})
                          for code, lv in relevance.RELEVANCE.items()}
        self.relevance_other = self.kit.exact({**CELL, "text_wrap": True})
        self.role = {role: self.kit.exact({**CELL, **style}) for role, style in ROLE_STYLE.items()}

    def for_relevance(self, level: str) -> Format:
        return self.relevance.get(level, self.relevance_other)

    def for_role(self, role: str) -> Format:
        return self.role.get(role, self.kit.exact(CELL))

def text_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide."""
    return SIZING.lines_of(text, width)


def two_lines(text: str) -> int:
    """The characters of the longer line of `text` broken between words onto two lines as
    evenly as it goes (a single word: its length)."""
    words = text.split()
    if len(words) < 2:
        return len(text)
    return min(max(len(" ".join(words[:i])), len(" ".join(words[i:])))
               for i in range(1, len(words)))


def upright_header_height(labels: Sequence[str]) -> float:
    """The height in points of a row of upright headers that wrap onto two lines."""
    longest = max((two_lines(label) for label in labels), default=0)
    return max(40.0, UPRIGHT_POINTS_PER_CHAR * longest + 6)


def row_height(values: list[tuple[str, float]], minimum: int = 1) -> float:
    return SIZING.row_height(values, minimum)


def cell_text(value: Any, separator: str) -> str:
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    return "" if _blank(value) else str(value)


def as_at(ctx: BuildContext, m: Mapping) -> str:
    """Which date the membership grid reflects, and where that date comes from."""
    if m.on is None:
        return say(ctx, "with no date to reflect (no --today and no 'Checked on' date): only "
                        "roles with no end date are shown")
    since = say(ctx, "the date given to the build" if ctx.today else "the date of the data")
    return say(ctx, "as at {date} ({since})").format(date=date_text(m.on, ctx), since=since)


def date_text(on: date | None, ctx: BuildContext | None = None) -> str:
    """2025-09-12, or 12 septembre 2025 in another language; 'not recorded' without a date."""
    english = ctx is None or ctx.texts.english
    if on is None:
        return "not recorded" if english or ctx is None else say(ctx, "not recorded")
    return on.isoformat() if english or ctx is None else ctx.texts.date(on)


def data_date(ctx: BuildContext) -> str:
    """The date of the data as the sheets say it."""
    if ctx.texts.english:
        return ctx.data_date
    if ctx.data_date == "not recorded":
        return say(ctx, "not recorded")
    return ctx.texts.date(date.fromisoformat(ctx.data_date))


CONTEXT = "matrix"  # the msgctxt of the matrix's texts


def say(ctx: BuildContext, text: str) -> str:
    """A fixed text of the matrix in the build's language."""
    return xlsx.say(ctx.texts, text, CONTEXT)


def shared_rule(ctx: BuildContext, on: date | None, *, dated: bool = True) -> str:
    """memberships.shared_rule, in the build's language."""
    if ctx.texts.english:
        return memberships.shared_rule(on, dated=dated)
    if not dated:
        text = say(ctx, "the bodies in which the country is a member or participant; observer "
                        "seats and suspensions are shown separately")
    elif on:
        text = say(ctx, "the bodies in which the country is a member or participant on {date}; "
                        "observer seats and suspensions are shown separately").format(
            date=date_text(on, ctx))
    else:
        text = say(ctx, "the bodies in which the country is a member or participant with no "
                        "end date recorded; observer seats and suspensions are shown "
                        "separately")
    return text


def level_label(ctx: BuildContext, code: str) -> str:
    """What a relevance cell says ('High', 'Élevée'); 'No entry' for a body and theme with no
    row in the Themes sheet."""
    if code == relevance.NO_ENTRY_NAME:
        return say(ctx, code)
    label = relevance.level(code).label or code
    return label if ctx.texts.english else ctx.texts.term("relevance", code)


def setup(ws: Any, ctx: BuildContext, footer: str, *, repeat: int | None,
          landscape: bool = True) -> None:
    """The kit's page set-up, the `repeat` row repeated on every page, no gridlines."""
    xlsx.print_setup(ws, header_rows=0, audience=ctx.audience, title=footer,
                     landscape=landscape, repeat_row=repeat, gridlines=False,
                     texts=ctx.texts)


def wide_note(ws: Any, f: Formats, row: int, text: str, widths: Sequence[float]) -> float:
    """A note or caption wrapped across the sheet's printed width (it would run off the page
    and be cut there); returns the row's height."""
    ws.merge_range(row, 0, row, len(widths) - 1, "", f.note_wrapped)
    ws.write_string(row, 0, text, f.note_wrapped)  # typed: text never becomes a formula
    height = max(xlsx.DEFAULT_ROW, row_height([(text, sum(widths))]))
    ws.set_row(row, height)
    return float(height)
