"""Maps: each country coloured by what it is to the mapped bodies, with a legend, the
disclaimer and the boundary credit under the map, and a marker on the small states that hold a
role. `membership_map` draws one body's members by role; `overlap_map` how many of the mapped
bodies each country belongs to.

A map is the frame's base (matrixbook.pictures.mapbase, drawn once per frame) coloured by a
table lookup; maps with the same content are drawn once a process (`_CACHE`)."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from matrixbook.pictures import mapbase, style, world

if TYPE_CHECKING:
    from matrixbook.i18n import Texts

Colour = tuple[int, int, int]
Legend = tuple[tuple[str, Colour], ...]
LEGEND_ROW_IN = 0.19  # a row of the legend under a map
LEGEND_PT, NOTE_PT = 7.5, 6.0  # type sizes of the legend and of the disclaimer
_CACHE: dict[str, style.Picture] = {}


def membership_map(name: str, roles: Mapping[str, tuple[str, bool]], alt: str,
                   texts: Texts | None = None) -> style.Picture:
    """One body's map: `roles` gives each ISO3 code its role (Member, Observer, Participant,
    Suspended...) and whether it is confirmed; unconfirmed roles are drawn lighter. The
    legend names the roles in the language of `texts` (the vocabulary's labels)."""
    fills: dict[str, Colour] = {}
    legend: dict[tuple[str, bool], Colour] = {}
    order = list(style.ROLE_COLOURS)
    for code, (role, confirmed) in sorted(roles.items()):
        colour = style.ROLE_COLOURS.get(role, style.OTHER_ROLE)
        if not confirmed:
            colour = style.lighter(colour)
        fills[code] = colour
        legend[(role, confirmed)] = colour

    def rank(key: tuple[str, bool]) -> tuple[int, str, bool]:
        role, confirmed = key
        return (order.index(role) if role in order else len(order), role, not confirmed)

    def label(key: tuple[str, bool]) -> str:
        role, confirmed = key
        shown = style.term(texts, "membership_roles", role)
        return shown if confirmed else style.say(texts, "{role}, not confirmed").format(
            role=shown)

    entries = tuple((label(key), legend[key]) for key in sorted(legend, key=rank))
    entries += ((style.say(texts, "No role"), style.LAND),)
    core = [code for code, (role, _) in roles.items() if role in FRAMED_ROLES]
    return choropleth(name, fills, entries, alt, core or None, style.map_note(texts))


# The roles a map is framed on: an observer far away (Brazil observing the League of Arab
# States) does not shrink the members to a corner of a world map; the caption names it.
FRAMED_ROLES = ("Member", "Participant", "Suspended")


def outside(picture: style.Picture, codes: Sequence[str]) -> list[str]:
    """The codes whose main territory lies outside the picture's frame."""
    x0, x1, y0, y1 = picture.facts["bounds"]
    shapes = world.countries()
    out = []
    for code in codes:
        if code in shapes:
            lon, lat = shapes[code].centre
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                out.append(code)
    return out


def count_classes(most: int) -> list[tuple[int, int]]:
    """The classes of an overlap map: one per count up to six bodies, else six equal ranges."""
    n = len(style.COUNT_COLOURS)
    if most <= n:
        return [(k, k) for k in range(1, most + 1)]
    step = -(-most // n)
    return [(lo, min(lo + step - 1, most)) for lo in range(1, most + 1, step)]


def overlap_map(name: str, counts: Mapping[str, int], alt: str,
                frame_on: Sequence[str] | None = None,
                texts: Texts | None = None) -> style.Picture:
    """How many of the mapped bodies each country belongs to (0: no colour), framed on the
    countries of `frame_on` (default: every country counted)."""
    most = max(counts.values(), default=0)
    classes = count_classes(most)
    colours = _spread(len(classes))
    fills = {}
    for code, count in counts.items():
        for (lo, hi), colour in zip(classes, colours, strict=True):
            if lo <= count <= hi:
                fills[code] = colour
    def label(lo: int, hi: int) -> str:
        if lo != hi:
            return style.say(texts, "{lo}–{hi} bodies").format(lo=lo, hi=hi)
        return style.plural(texts, lo, "{n} body", "{n} bodies")

    entries = tuple((label(lo, hi), colour)
                    for (lo, hi), colour in zip(classes, colours, strict=True))
    entries += ((style.say(texts, "None"), style.LAND),)
    return choropleth(name, fills, entries, alt, frame_on or None, style.map_note(texts))


def _spread(n: int) -> list[Colour]:
    """n colours of COUNT_COLOURS, light to dark, as far apart as they can be."""
    palette = style.COUNT_COLOURS
    if n <= 1:
        return [palette[-2]][:n]
    return [palette[round(i * (len(palette) - 1) / (n - 1))] for i in range(n)]


def choropleth(name: str, fills: Mapping[str, Colour], legend: Legend,
               alt: str, frame_on: Sequence[str] | None = None,
               note: str | None = None) -> style.Picture:
    """A map framed on the coloured countries (or those of `frame_on`): PNG, SVG and alt text,
    the same bytes for the same content; `note` under the legend (default: the disclaimer and
    the boundary credit in English)."""
    note = note or style.map_note()
    frame_name, bounds = world.frame_for(sorted(frame_on if frame_on is not None else fills))
    key = hashlib.sha256(repr((name, frame_name, sorted(fills.items()), legend, alt, note))
                         .encode("utf-8")).hexdigest()
    if key not in _CACHE:
        if len(_CACHE) > 512:
            _CACHE.clear()
        base = mapbase.base(frame_name, bounds)  # drawn now: shared by the maps of the frame
        fills = dict(fills)

        def render() -> tuple[bytes, str]:
            return _png(base, fills, legend, note), _svg(base, fills, legend, alt, note)

        _CACHE[key] = style.Picture(name, alt, base.width_cm, render=render,
                                    facts={"frame": frame_name, "size": base.size,
                                           "bounds": bounds})
    return _CACHE[key]


LEVELS = 6  # shades of a border line's antialiasing kept in a map's palette
BAND_COLOURS = 64  # colours of the legend band's palette


def _png(base: mapbase.MapBase, fills: Mapping[str, Colour], legend: Legend,
         note: str) -> bytes:
    """The map as a palette PNG: each pixel is (its country's colour, how much of a border line
    or marker outline covers it), so the picture is a lookup in numpy and its file a byte a
    pixel, a few milliseconds for a page-wide map."""
    # The sea first, the land with no role second: the frame's picture of both is made once
    # (MapBase.plain), and only the pixels of the coloured countries are set here.
    colours = [style.SEA, style.LAND, *sorted(set(fills.values()) - {style.SEA, style.LAND})]
    if 2 * len(colours) * LEVELS + BAND_COLOURS > 256:
        return _png_rgb(base, fills, legend, note)
    index = {c: i for i, c in enumerate(colours)}
    levels = base.levels(LEVELS)
    w, h = base.size
    band_pixels, band_palette = _legend_band(w, legend, note)
    image = np.empty((h + band_pixels.shape[0], w), dtype=np.uint8)
    pixels = image[:h]
    pixels[:] = base.plain(LEVELS)
    flat, flat_levels = pixels.reshape(-1), levels.reshape(-1)
    for code, colour in fills.items():
        at = base.pixels_of(code)
        if len(at):
            flat[at] = index[colour] * LEVELS + flat_levels[at]
    ink_block = len(colours) * LEVELS
    for marker in base.markers:
        fill = fills.get(marker.code)
        if fill is None:
            continue
        patch = pixels[marker.rows, marker.cols]
        inside = marker.disc[:, :, 0] > 0
        patch[inside] = index[fill] * LEVELS
        ring = (marker.ring[:, :, 0] * (LEVELS - 1) + 127) // 255
        on = ring > 0
        patch[on] = ink_block + patch[on] // LEVELS * LEVELS + ring[on]
    image[h:] = band_pixels + 2 * ink_block
    return style.png_palette(image, _palette(tuple(colours)) + band_palette)


@lru_cache(maxsize=64)
def _palette(colours: tuple[Colour, ...]) -> list[int]:
    """The map's palette before the legend's: each colour in LEVELS shades towards white
    (a border line), then towards the ink (a marker's outline). The maps of a build share a
    few sets of colours: made once each."""
    palette: list[int] = []
    for over in (np.array((255, 255, 255)), np.array(style.hex_rgb(style.INK))):
        for colour in colours:
            for level in range(LEVELS):
                share = level / (LEVELS - 1)
                palette += [int(round(c * (1 - share) + o * share))
                            for c, o in zip(colour, over, strict=True)]
    return palette


def _png_rgb(base: mapbase.MapBase, fills: Mapping[str, Colour], legend: Legend,
             note: str) -> bytes:
    """The same map in full colour, for a map with more colours than a palette holds."""
    lut = np.empty((len(base.codes) + 1, 3), dtype=np.uint16)
    lut[0] = style.SEA
    for i, code in enumerate(base.codes, start=1):
        lut[i] = fills.get(code, style.LAND)
    rgb = lut[base.ids]
    rgb = (rgb * base.keep + base.over * 255) // 255
    for marker in base.markers:
        colour = fills.get(marker.code)
        if colour is None:
            continue
        patch = rgb[marker.rows, marker.cols]
        patch[:] = (patch * (255 - marker.disc) + np.array(colour) * marker.disc) // 255
        ink = np.array(style.hex_rgb(style.INK))
        patch[:] = (patch * (255 - marker.ring) + ink * marker.ring) // 255
    pixels, palette = _legend_band(base.size[0], legend, note)
    band = np.array(palette, dtype=np.uint8).reshape(-1, 3)[pixels]
    return style.png_bytes(np.concatenate([rgb.astype(np.uint8), band]))


@lru_cache(maxsize=32)
def _legend_band(width: int, legend: Legend, note_text: str) -> tuple[np.ndarray, list[int]]:
    """The legend, the disclaimer and the boundary credit under the map, drawn once per legend
    and width, as palette indices and their palette (BAND_COLOURS colours)."""
    from PIL import Image, ImageDraw

    regular = style.font(LEGEND_PT)
    small = style.font(NOTE_PT)
    swatch_w, swatch_h = round(0.19 * style.DPI), round(0.12 * style.DPI)
    gap, space = 12, round(0.22 * style.DPI)
    places, x, row = [], 10, 0  # the entries flow left to right, a new row when one is full
    for label, colour in legend:
        size = swatch_w + gap + round(regular.getlength(label))
        if x > 10 and x + size > width - 10:
            x, row = 10, row + 1
        places.append((x, row, label, colour))
        x += size + space
    rows = row + 1
    row_px = round(LEGEND_ROW_IN * style.DPI)
    note = _wrap(note_text, small, width - 20)
    note_px = round(NOTE_PT / 72 * style.DPI * 1.3)
    height = 12 + rows * row_px + 6 + len(note) * note_px + 8
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x, row, label, colour in places:
        y = 12 + row * row_px
        draw.rectangle((x, y, x + swatch_w, y + swatch_h), fill=colour, outline=(140, 140, 140))
        draw.text((x + swatch_w + gap, y + swatch_h / 2), label, font=regular,
                  fill=style.hex_rgb(style.INK), anchor="lm")
    y = 12 + rows * row_px + 6
    for line in note:
        draw.text((10, y), line, font=small, fill=style.hex_rgb(style.GREY_TEXT))
        y += note_px
    quantised = image.quantize(BAND_COLOURS, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
    palette = list(quantised.getpalette() or [])[:3 * BAND_COLOURS]
    palette += [255] * (3 * BAND_COLOURS - len(palette))
    return np.asarray(quantised, dtype=np.uint8), palette


def _wrap(text: str, font: Any, width: float) -> list[str]:
    """`text` in lines no wider than `width` pixels in `font`."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _svg(base: mapbase.MapBase, fills: Mapping[str, Colour], legend: Legend,
         alt: str, note_text: str) -> str:
    """The map as inline SVG for the HTML twin: the same colours, legend and disclaimer."""
    width = mapbase.SVG_WIDTH
    height = base.svg_height
    u = style.TEXT_WIDTH_CM / base.width_cm  # a narrow map's legend keeps its printed size
    places, x, row = [], 4.0, 0  # the legend flows as under the PNG (11-unit type)
    for label, colour in legend:
        size = (21 + len(label) * 6.3) * u
        if x > 4 and x + size > width - 4:
            x, row = 4.0, row + 1
        places.append((x, row, label, colour))
        x += size + 18 * u
    note = textwrap.wrap(note_text,
                         int((width - 8) / (8.5 * u * 0.55)))
    band = (18 * (row + 1) + 8 + 11 * len(note)) * u
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + band:g}"'
             f' role="img" aria-label={quoteattr(alt)} style="width:100%;height:auto;'
             f'max-width:{100 * base.width_cm / style.TEXT_WIDTH_CM:.0f}%;margin:0 auto"'
             ' font-family="Arial, Liberation Sans, Helvetica, sans-serif">',
             f"<title>{escape(alt)}</title>",
             f'<rect width="{width}" height="{height:g}" fill="{style.rgb_hex(style.SEA)}"/>',
             f'<g stroke="{style.BORDER}" stroke-width="{0.6 * mapbase.SVG_PATH_SCALE:g}" '
             f'stroke-linejoin="round" transform="scale({1 / mapbase.SVG_PATH_SCALE:g})">']
    groups: dict[Colour, list[str]] = {}
    for code, d in base.svg_paths.items():
        groups.setdefault(tuple(fills.get(code, style.LAND)), []).append(d)  # type: ignore[arg-type]
    for colour in sorted(groups):
        parts.append(f'<path fill="{style.rgb_hex(colour)}" d="{"".join(groups[colour])}"/>')
    parts.append("</g>")
    for code, (x, y) in sorted(base.svg_markers.items()):
        if code in fills:
            parts.append(f'<circle cx="{x:g}" cy="{y:g}" r="4" '
                         f'fill="{style.rgb_hex(fills[code])}" stroke="{style.INK}" '
                         'stroke-width="1"/>')
    parts.append(f'<rect y="{height:g}" width="{width}" height="{band:g}" fill="#FFFFFF"/>')
    for x, row, label, colour in places:
        y = height + (6 + row * 18) * u
        parts.append(f'<rect x="{x:g}" y="{y:g}" width="{16 * u:g}" height="{11 * u:g}" '
                     f'fill="{style.rgb_hex(colour)}" stroke="#8C8C8C" stroke-width="0.6"/>'
                     f'<text x="{x + 21 * u:g}" y="{y + 9.5 * u:g}" font-size="{11 * u:g}">'
                     f"{escape(label)}</text>")
    y = height + (18 * (row + 1) + 14) * u
    for line in note:
        parts.append(f'<text x="4" y="{y:g}" font-size="{8.5 * u:g}" '
                     f'fill="{style.GREY_TEXT}">{escape(line)}</text>')
        y += 11 * u
    parts.append("</svg>")
    return "".join(parts)
