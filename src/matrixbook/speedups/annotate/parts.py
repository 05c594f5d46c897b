"""What the patching writer shares: the XML namespaces, the cells it marks, the Findings sheet
it adds, and small readers of the package's XML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = f"{REL}/worksheet"
COMMENTS_TYPE = f"{REL}/comments"
VML_TYPE = f"{REL}/vmlDrawing"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"


class CannotPatch(Exception):
    """The file holds something this writer does not patch; openpyxl writes the copy."""


@dataclass
class Mark:
    """A marked cell: the worse severity's fill colour, its comment and the comment's size."""

    fill: str  # RRGGBB
    comment: str
    width: int
    height: int


@dataclass
class FindingsRow:
    values: list[Any]
    fill: str  # RRGGBB of the severity cell
    link: str | None  # "'Sheet'!B7" or None
    height: float


@dataclass
class FindingsSheet:
    name: str
    headers: list[str]
    header_fill: str
    header_font: str  # RRGGBB, bold
    link_font: str  # RRGGBB, underlined
    widths: Sequence[float]
    rows: list[FindingsRow]


# -- reading the package ---------------------------------------------------------------------

_ATTR = re.compile(rb'\s([A-Za-z_:][\w:.-]*)="([^"]*)"')
_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>)")
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w:.-]*)\b[^>]*?(/?)>")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LETTERS = re.compile(r"([A-Z]+)(\d+)")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(tag))


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _part(base: str, target: str) -> str:
    """A relationship's target as a zip member name."""
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = []
    for piece in (PurePosixPath(base).parent / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels_name(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / f"{p.name}.rels")


def _relative(base: str, part: str) -> str:
    """`part` as a target relative to the folder of `base` (both in the same tree)."""
    here = PurePosixPath(base).parent.parts
    there = PurePosixPath(part).parts
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + list(there[common:]))


