"""How tall a briefing note's cover prints, and so how it is laid out: on its own page as drawn,
closer set when it would not fit, or run on into the note when even that would not fit.

The cover (title, key facts, the "not yet confirmed" and "internal use" boxes) is followed by
a forced page break. A cover one line too long for its page then spills that line onto page 2,
and the break leaves page 2 nearly blank: the French internal notes of the League of Arab
States and the Rabat Process did, and the English internal notes of the Doha, Khartoum and
Rabat dialogues. So the cover is measured first, in points, from its text: the lines each
piece wraps to at the template's widths and type sizes (A4, 2 cm margins, Arial as
LibreOffice prints it: Liberation Sans), checked against the default notes printed by
LibreOffice (within about 20 points of the print, English and French).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The height of the page's text area: A4 (842 pt) less 2 cm at the top, 1.8 cm at the foot.
PAGE_POINTS = 734.0
# Room kept free below a cover laid out as drawn: what the measure can be off by (about 20
# points on the default notes) and a translated fixed text a line longer than the English.
SAFETY_POINTS = 40.0
# What the closer-set cover saves: the three empty lines above the title (3 x 19.2 pt) and
# each empty line that separates a box from the table above it, set 6 points high.
GAP_POINTS = 57.6
BOX_GAP_SAVED = 13.2

# The HTML twin printed by a browser (Chromium) sets its cover taller than Word does: on the
# default notes every cover measured above 680 points here spilled onto page 2 there. It runs
# on after a cover measured above this (the margin below 680 is what the measure is off by).
HTML_BREAK_POINTS = 640.0

# Characters a line holds (an average Arial character is about half its size wide).
TITLE_CHARS = 32  # the name, 26 pt bold, across 17 cm
SUBTITLE_CHARS = 74  # the acronym and other names, 13 pt
LABEL_CHARS = 24  # a key fact's label, 8.5 pt bold, 4.5 cm column
VALUE_CHARS = 78  # its value, 8.5 pt, 12.5 cm column
BOX_CHARS = 104  # a box's text, 9 pt, 17 cm
# Heights in points (Liberation Sans: a line is 1.15 times the size, times the paragraph's
# line spacing).
TITLE_LINE = 34.4
SUBTITLE_LINE = 17.2
TABLE_LINE = 9.8  # 8.5 pt, single spacing
ROW_PADDING = 3.5  # the cell's padding above and below, and its rule
BOX_LINE = 11.9  # 9 pt at 1.15 spacing
BOX_PARAGRAPH = 3.0  # the space after each paragraph of a box
BOX_FRAME = 24.0  # the box's title, its padding and frame
EMPTY_LINE = 19.2  # an empty 10 pt paragraph and the space after it
# Everything else: organisation and office, the three empty lines, the kicker, the space
# after the title and the subtitle, the date/audience/reference table, the empty line after
# it and the "Key facts" heading (measured on the default notes).
FIXED_POINTS = 205.0
# The fixed sentence at the foot of the "not yet confirmed" box, in English (one line).
BOX_FOOT_LINES = 1


def wrapped(text: str, chars: int) -> int:
    """Lines `text` wraps to, `chars` characters a line, word by word (a word longer than a
    line takes a line of its own); each line break in the text starts a new line."""
    if not text:
        return 0
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        if len(paragraph) <= chars:  # most cells of a note's tables: one line, as counted
            continue
        used = -1
        for word in paragraph.split():
            if used < 0:
                used = len(word)
            elif used + 1 + len(word) <= chars:
                used += 1 + len(word)
            else:
                lines += 1
                used = len(word)
    return lines


def _box(paragraphs: Iterable[str], foot_lines: int = 0) -> float:
    texts = [t for t in paragraphs if t]
    if not texts:
        return 0.0
    lines = sum(wrapped(t, BOX_CHARS) for t in texts) + foot_lines
    paragraphs_ = len(texts) + bool(foot_lines)
    return EMPTY_LINE + BOX_FRAME + lines * BOX_LINE + paragraphs_ * BOX_PARAGRAPH


@dataclass(frozen=True)
class Cover:
    """A note's cover: its height in points as drawn, and how it is laid out."""

    points: float  # as drawn, with the empty lines above the title
    boxes: int  # how many boxes it holds (each after an empty line)

    @property
    def compact_points(self) -> float:
        return self.points - GAP_POINTS - self.boxes * BOX_GAP_SAVED

    @property
    def compact(self) -> bool:
        """Set closer (no empty lines above the title, thin ones above the boxes): the cover
        as drawn might not fit its page."""
        return self.points > PAGE_POINTS - SAFETY_POINTS

    @property
    def page_break(self) -> bool:
        """Whether the note starts on a new page after the cover; not when even the closer
        cover might not fit, so that no page is left nearly blank (the note runs on)."""
        return self.compact_points <= PAGE_POINTS - SAFETY_POINTS

    @property
    def html_page_break(self) -> bool:
        """Whether the HTML twin starts its note on a new page after the cover when printed."""
        return self.points <= HTML_BREAK_POINTS

    @property
    def printed_points(self) -> float:
        return self.compact_points if self.compact else self.points

    def as_dict(self) -> dict[str, Any]:
        return {"compact": self.compact, "page_break": self.page_break,
                "html_page_break": self.html_page_break}


def cover(content: dict[str, Any]) -> Cover:
    """The cover of a note's `content` (model.briefs.note_content), measured."""
    subtitle = " · ".join([content.get("acronym") or ""]
                          + [n["value"] for n in content.get("other_names", [])])
    points = FIXED_POINTS + wrapped(content["name"], TITLE_CHARS) * TITLE_LINE
    points += max(wrapped(subtitle, SUBTITLE_CHARS), 1) * SUBTITLE_LINE
    for fact in content["facts"]:
        lines = max(wrapped(fact["label"], LABEL_CHARS), wrapped(fact["value"], VALUE_CHARS), 1)
        points += lines * TABLE_LINE + ROW_PADDING
    unconfirmed = content["unconfirmed"]
    internal = [f"{i['label']}: {i['value']}" for i in content["internal_items"]]
    points += _box(unconfirmed, BOX_FOOT_LINES) + _box(internal)
    return Cover(points, bool(unconfirmed) + bool(internal))
