"""What a map of one frame looks like before any country is coloured, drawn once per frame and
process: which country every pixel belongs to, the borders and coast on top, the marker places
of the small states, and the outlines of the same shapes for the SVG twin.

Each map of the frame then sets the pixels of its coloured countries in a palette image, in
numpy: a few milliseconds, where drawing it again costs tens. So a build of 280 briefing notes
draws the world a handful of times, not 280."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from matrixbook.pictures import style, world

MARKER_RADIUS = 6.0  # pixels at DPI: a dot of about 1.5 mm
MARKER_RING = 1.6
SMALL_PIXELS = 80.0  # a country whose largest piece covers fewer pixels gets a marker
MAX_HEIGHT_CM = 10.5
SVG_WIDTH = 800  # units of the SVG's viewBox


@dataclass
class Marker:
    code: str
    rows: slice
    cols: slice
    disc: np.ndarray  # alpha 0..255 of the marker's fill (uint16)
    ring: np.ndarray  # alpha 0..255 of its outline
    centre: tuple[float, float]  # pixels


@dataclass
class MapBase:
    name: str
    bounds: tuple[float, float, float, float]
    codes: list[str]  # index i + 1 in `ids`; 0 is the sea
    ids: np.ndarray  # (h, w) uint16
    over: np.ndarray  # (h, w, 3) uint16: borders' colour times their alpha
    keep: np.ndarray  # (h, w, 1) uint16: 255 - the borders' alpha
    markers: list[Marker]
    svg_paths: dict[str, str]
    svg_markers: dict[str, tuple[float, float]]
    width_cm: float
    _levels: dict[int, np.ndarray] = field(default_factory=dict)
    _order: np.ndarray | None = None
    _starts: np.ndarray | None = None
    _index: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        return self.ids.shape[1], self.ids.shape[0]

    def pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """The (x, y) pixel of a place on the map's PNG."""
        x0, x1, y0, y1 = self.bounds
        w, h = self.size
        return int((lon - x0) / (x1 - x0) * w), int((y1 - lat) / (y1 - y0) * h)

    def country_at(self, x: int, y: int) -> str | None:
        """The country drawn at pixel (x, y) of the map; None for the sea."""
        index = int(self.ids[y, x])
        return self.codes[index - 1] if index else None

    def plain(self, n: int) -> np.ndarray:
        """The palette indices of the frame with no country coloured: the sea (colour 0) and
        the land (colour 1), each with its border shades (n of them)."""
        key = -n
        if key not in self._levels:
            self._levels[key] = ((self.ids > 0).astype(np.uint8) * n + self.levels(n))
        return self._levels[key]

    def pixels_of(self, code: str) -> np.ndarray:
        """The flat indices of the pixels of a country (empty when the frame holds none)."""
        if self._order is None or self._starts is None:
            flat = self.ids.reshape(-1)
            self._order = np.argsort(flat, kind="stable")
            self._starts = np.searchsorted(flat[self._order], np.arange(len(self.codes) + 2))
            self._index = {c: i + 1 for i, c in enumerate(self.codes)}
        order, starts = self._order, self._starts
        i = self._index.get(code)
        if i is None:
            return order[:0]
        return order[starts[i]:starts[i + 1]]

    def levels(self, n: int) -> np.ndarray:
        """How much of a border line covers each pixel, in n steps (0: none)."""
        if n not in self._levels:
            self._levels[n] = (((255 - self.keep[:, :, 0]) * (n - 1) + 127) // 255).astype(
                np.uint8)
        return self._levels[n]

    @property
    def svg_height(self) -> float:
        w, h = self.size
        return round(SVG_WIDTH * h / w, 1)


BORDER_OVERSAMPLE = 3  # the borders are drawn this many times larger, then shrunk: smooth
BORDER_WIDTH = 3  # pixels of the larger drawing: a line of about 1 pixel, 0.13 mm


@lru_cache(maxsize=16)
def base(name: str, bounds: tuple[float, float, float, float]) -> MapBase:
    """The frame drawn once (with Pillow, in C): which country each pixel belongs to, the
    borders and coast, the marker places of the small states, the SVG outlines."""
    from PIL import Image, ImageDraw

    shapes = [c for c in world.countries().values() if world.in_frame(c, bounds)]
    ratio = world.aspect(bounds)
    width_cm = min(style.TEXT_WIDTH_CM, MAX_HEIGHT_CM / ratio)
    w = round(width_cm / 2.54 * style.DPI)
    h = round(w * ratio)
    x0, x1, y0, y1 = bounds

    def pixels(ring: np.ndarray, scale: float = 1.0) -> list[tuple[float, float]]:
        xs = (ring[:, 0] - x0) * (w * scale / (x1 - x0))
        ys = (y1 - ring[:, 1]) * (h * scale / (y1 - y0))
        return list(zip(xs.tolist(), ys.tolist(), strict=True))

    # Which country each pixel belongs to: its index, the larger countries first so that an
    # enclave (Lesotho in South Africa, San Marino in Italy) is drawn over its surroundings.
    order = sorted(range(len(shapes)), key=lambda i: -shapes[i].largest)
    index_image = Image.new("I", (w, h), 0)
    draw = ImageDraw.Draw(index_image)
    for i in order:
        for ring in shapes[i].rings:
            draw.polygon(pixels(ring), fill=i + 1)
    ids = np.asarray(index_image, dtype=np.int32).astype(np.uint16)

    # The borders and coast: thin white lines over any colour, smoothed by shrinking.
    k = BORDER_OVERSAMPLE
    line_image = Image.new("L", (w * k, h * k), 0)
    draw = ImageDraw.Draw(line_image)
    for country in shapes:
        for ring in country.rings:
            draw.line(pixels(ring, k), fill=255, width=BORDER_WIDTH)
    alpha = np.asarray(line_image.resize((w, h), Image.Resampling.BOX),
                       dtype=np.uint16)[:, :, None]
    over = np.broadcast_to(np.array(style.hex_rgb(style.BORDER), dtype=np.uint16), (h, w, 3))
    over = over * alpha // 255
    keep = 255 - alpha

    frame = MapBase(name, bounds, [c.code for c in shapes], ids, over, keep, [], {}, {},
                    round(width_cm, 2))
    per_degree = (w / (x1 - x0)) * (h / (y1 - y0))
    for country in shapes:
        lon, lat = country.centre
        if country.largest * per_degree >= SMALL_PIXELS or not (
                x0 <= lon <= x1 and y0 <= lat <= y1):
            continue
        frame.markers.append(_marker(frame, country.code, lon, lat))
    frame.svg_paths.update(_svg_paths(frame, shapes))
    frame.svg_markers.update({m.code: (round(m.centre[0] * SVG_WIDTH / w, 1),
                                       round(m.centre[1] * SVG_WIDTH / w, 1))
                              for m in frame.markers})
    return frame


def _marker(frame: MapBase, code: str, lon: float, lat: float) -> Marker:
    x0, x1, y0, y1 = frame.bounds
    w, h = frame.size
    cx = (lon - x0) / (x1 - x0) * w
    cy = (y1 - lat) / (y1 - y0) * h
    reach = int(MARKER_RADIUS + MARKER_RING + 2)
    top, left = max(int(cy) - reach, 0), max(int(cx) - reach, 0)
    bottom, right = min(int(cy) + reach + 1, h), min(int(cx) + reach + 1, w)
    yy, xx = np.mgrid[top:bottom, left:right]
    dist = np.hypot(xx + 0.5 - cx, yy + 0.5 - cy)
    disc = np.clip(MARKER_RADIUS - dist + 0.5, 0, 1)
    ring = np.clip(0.5 + MARKER_RING / 2 - np.abs(dist - MARKER_RADIUS), 0, 1)
    return Marker(code, slice(top, bottom), slice(left, right),
                  (disc * 255).astype(np.uint16)[:, :, None],
                  (ring * 255).astype(np.uint16)[:, :, None], (cx, cy))


SVG_PATH_SCALE = 2  # outlines are written in half units of the viewBox, as integers


def _svg_paths(frame: MapBase, shapes: list[world.Country]) -> dict[str, str]:
    """Each country's outline in half units of the SVG's viewBox (integers: short to write
    and to read), placed with a scale(0.5); a world map's coasts to a unit, 0.2 mm printed."""
    x0, x1, y0, y1 = frame.bounds
    w, h = frame.size
    k = SVG_PATH_SCALE
    sx = SVG_WIDTH * k / (x1 - x0)
    sy = SVG_WIDTH * k * h / w / (y1 - y0)
    step = 2 if x1 - x0 > 150 else 1
    limit_x, limit_y = (SVG_WIDTH + 5) * k, (SVG_WIDTH * h / w + 5) * k
    out = {}
    for country in shapes:
        parts = []
        for ring in country.rings:
            pts = (np.round(np.column_stack(((ring[:, 0] - x0) * sx, (y1 - ring[:, 1]) * sy))
                            / step) * step).astype(np.int32)
            moved = np.any(np.diff(pts, axis=0) != 0, axis=1)
            pts = pts[np.concatenate(([True], moved))]
            if len(pts) < 3:
                continue
            xs, ys = pts[:, 0], pts[:, 1]
            if xs.max() < -5 * k or xs.min() > limit_x or ys.max() < -5 * k \
                    or ys.min() > limit_y:
                continue
            parts.append("M" + " ".join(map(str, pts.ravel().tolist())) + "Z")
        if parts:
            out[country.code] = "".join(parts)
    return out
