"""How relevance (High, Medium, Low, None, Not assessed) looks in every output: one label and one
colour per level, the same hex colours in the workbooks, the Word files and the web pages.

Why here: the matrix and the mapping report used to shade the same cells in different colours
(blues in one, green, blue and yellow in the other) and to write "Not assessed" in one and "?"
in the other; a partner comparing the two could not tell they said the same thing.

The palette is one hue getting lighter as relevance falls (tints of the Okabe-Ito blue), with
None in grey and Not assessed in white: the order reads by lightness alone, so it holds for
colour-blind readers and in black-and-white prints, and dark text stays readable on every fill
(contrast 5.7:1 or more), so Word, which can only shade a cell, shows what the workbook shows.
Every cell also carries its word.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "#1A1A1A"  # dark text on every level


@dataclass(frozen=True)
class Level:
    code: str  # the value in the Themes sheet
    label: str  # what a reader sees in the cell
    fill: str  # "#RRGGBB"
    covered: bool  # the body counts as covering the theme
    meaning: str  # for legends, where the word alone does not say it

    @property
    def hex(self) -> str:
        """The fill without '#', as Word's cell shading wants it."""
        return self.fill.lstrip("#")

RELEVANCE: dict[str, Level] = {
    "High": Level("High", "High", "#4C9CC9", True, ""),
    "Medium": Level("Medium", "Medium", "#9CC3E0", True, ""),
    "Low": Level("Low", "Low", "#CBE6F7", True, ""),
    "None": Level("None", "None", "#E6E6E6", False, "the body does not work on the theme"),
    "Not assessed": Level("Not assessed", "Not assessed", "#FFFFFF", False,
                          "the evidence is still to be reviewed"),
}
# A body and theme with no row in the Themes sheet: a blank cell, named in legends.
NO_ENTRY = Level("", "", "#FFFFFF", False, "no row in the Themes sheet")
NO_ENTRY_NAME = "No entry"
COVERED = tuple(code for code, level in RELEVANCE.items() if level.covered)
RANK = {code: i for i, code in enumerate(RELEVANCE)}


def level(code: str | None) -> Level:
    """The level of a Themes cell; an empty one is NO_ENTRY, an unknown one keeps its word."""
    if not code:
        return NO_ENTRY
    return RELEVANCE.get(code) or Level(code, code, "#FFFFFF", False, "")


def legend_text(no_entry: str = NO_ENTRY.meaning) -> str:
    """The legend in words, for an About page or a table's introduction; `no_entry` says what
    a blank cell means in the reader's words."""
    parts = [f"{lv.label} ({lv.meaning})" if lv.meaning else lv.label
             for lv in RELEVANCE.values()]
    return ", ".join(parts) + f"; a blank cell: {no_entry}"
