"""What every picture shares: the colours, the fonts, the disclaimer, the print size, and the
`Picture` the outputs place (a PNG for Word, an SVG for the HTML twin, an alt text).

Pictures are byte-identical for the same data: matplotlib draws with its own bundled font
(DejaVu Sans, the same on every machine), writes no date or software name into a PNG or SVG
and a fixed salt for the ids of an SVG."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matrixbook.i18n import Texts

DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not "
              "imply official endorsement or acceptance by IOM.")
BOUNDARY_CREDIT = "Boundaries: Natural Earth (public domain)."
CONTEXT = "pictures"  # msgctxt of the pictures' texts (i18n/locale/<code>/LC_MESSAGES/pictures.po)
DPI = 200  # print resolution of every PNG
PNG_COMPRESSION = 1  # zlib level of a map's PNG: 6 writes a fifth smaller, twice slower
# zlib's strategy for a map's PNG: Z_RLE (3), runs of one colour, which is what a map's
# rows are: a fifth smaller than the default strategy at level 1, and a little faster.
PNG_STRATEGY = 3
TEXT_WIDTH_CM = 16.0  # a picture's width in a Word document: the text width of an A4 page
FONT = "DejaVu Sans"
INK = "#1A1A1A"
GREY_TEXT = "#595959"
SEA = (234, 241, 248)
LAND = (221, 221, 221)  # a country with no role
BORDER = "#FFFFFF"
BLUE = "#0033A0"  # IOM blue, as in the documents


def say(texts: Texts | None, text: str) -> str:
    """A fixed text of a picture in the language of `texts` (English without one)."""
    return text if texts is None else texts.t(text, CONTEXT)


def plural(texts: Texts | None, n: int, one: str, other: str, **parts: object) -> str:
    """'1 body' / '3 bodies' in the language of `texts`, in the form its plural rule takes
    for `n` (English without one)."""
    if texts is None:
        return (one if n == 1 else other).format(n=n, **parts)
    return texts.plural(n, one, other, CONTEXT, **parts)


def term(texts: Texts | None, vocabulary: str, code: str) -> str:
    """A vocabulary term as a picture names it: the code in English (as the workbook has it),
    the term's label in another language (texts.term: 'Membre', 'Élevée')."""
    return code if texts is None or texts.english else texts.term(vocabulary, code)


def map_note(texts: Texts | None = None) -> str:
    """What every map carries under its legend: the disclaimer and the boundary credit."""
    return f"{say(texts, DISCLAIMER)} {say(texts, BOUNDARY_CREDIT)}"


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def lighter(rgb: tuple[int, int, int], share: float = 0.55) -> tuple[int, int, int]:
    """The colour mixed with white: what is not confirmed is drawn lighter."""
    r, g, b = (round(c + (255 - c) * share) for c in rgb)
    return r, g, b


# Membership roles (the membership_roles vocabulary) and their colours: Okabe-Ito-safe blues
# and orange, distinguishable by readers with colour-blindness and in greyscale.
ROLE_COLOURS: dict[str, tuple[int, int, int]] = {
    "Member": hex_rgb(BLUE),
    "Participant": hex_rgb(BLUE),
    "Observer": hex_rgb("#56B4E9"),
    "Suspended": hex_rgb("#D55E00"),
}
OTHER_ROLE = hex_rgb("#009E73")
# How many mapped bodies a country belongs to: light to dark (ColorBrewer Blues, 6 classes).
COUNT_COLOURS: tuple[tuple[int, int, int], ...] = (
    hex_rgb("#C6DBEF"), hex_rgb("#9ECAE1"), hex_rgb("#6BAED6"), hex_rgb("#4292C6"),
    hex_rgb("#2171B5"), hex_rgb("#084594"))


class Picture:
    """One picture as the documents place it: `png` (print resolution) for Word, `svg` inline
    in the HTML twin, `alt` the text a screen reader says, `width_cm` its width on the page,
    `facts` what the drawing was framed on (for captions and tests).

    A map is drawn on first use of its PNG or SVG (`render`): a large build forks its
    documents over two processes (matrixbook.speedups.pool), and each draws its own notes'
    maps."""

    def __init__(self, name: str, alt: str, width_cm: float = TEXT_WIDTH_CM, *,
                 png: bytes = b"", svg: str = "",
                 render: Callable[[], tuple[bytes, str]] | None = None,
                 facts: dict[str, Any] | None = None) -> None:
        self.name, self.alt, self.width_cm = name, alt, width_cm
        self.facts = facts or {}
        self._png, self._svg, self._render = png, svg, render

    def _draw(self) -> None:
        if self._render is not None:
            self._png, self._svg = self._render()
            self._render = None

    @property
    def png(self) -> bytes:
        self._draw()
        return self._png

    @property
    def svg(self) -> str:
        self._draw()
        return self._svg

    def __repr__(self) -> str:
        return f"Picture({self.name!r})"


@lru_cache(maxsize=8)
def font(points: float) -> Any:
    """DejaVu Sans (the font matplotlib ships, so the same on every machine) at `points` at
    the print resolution, for the text Pillow draws under a map."""
    from importlib.util import find_spec
    from pathlib import Path

    from PIL import ImageFont

    spec = find_spec("matplotlib")  # located, not imported: a map needs no matplotlib
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), round(points / 72 * DPI))
    return ImageFont.load_default(round(points / 72 * DPI))


@lru_cache(maxsize=1)
def configure() -> Any:
    """matplotlib, imported on first use (a build without pictures never loads it), on the Agg
    backend with the settings that make its files the same on every run."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({
        "font.family": FONT, "font.size": 8, "svg.hashsalt": "matrixbook",
        "svg.fonttype": "none", "path.simplify": True, "axes.edgecolor": GREY_TEXT,
        "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "text.color": INK,
        "figure.dpi": DPI, "savefig.dpi": DPI})
    return matplotlib


def figure_bytes(fig: Any) -> tuple[bytes, str]:
    """A figure as PNG bytes and SVG text, without dates or software names."""
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg_inline(svg.getvalue())


def svg_inline(svg: str) -> str:
    """An SVG file's text as an element to place inside an HTML page: no XML prologue or
    DOCTYPE, and it scales to the width of the page."""
    start = svg.find("<svg")
    svg = svg[start:]
    head, _, rest = svg.partition(">")
    import re

    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return f'{head} style="width:100%;height:auto">{rest}'.strip()


def png_bytes(rgb: Any) -> bytes:
    """An (h, w, 3) uint8 array as PNG, with the print resolution and nothing else."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(out, format="PNG", compress_level=6,
                                     dpi=(DPI, DPI))
    return out.getvalue()


def png_palette(pixels: Any, palette: list[int]) -> bytes:
    """An (h, w) uint8 array of palette indices as PNG (a byte a pixel: small and fast)."""
    from PIL import Image

    image = Image.fromarray(pixels, "L")
    image = image.convert("P") if image.mode != "P" else image
    image.putpalette(palette)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESSION,
               compress_type=PNG_STRATEGY, dpi=(DPI, DPI))
    return out.getvalue()
