"""What a map of one frame looks like before any country is coloured, drawn once per frame and
process: which country every pixel belongs to, the borders and coast on top, the marker places
of the small states, and the outlines of the same shapes for the SVG twin.

Each map of the frame is then a table lookup (one colour per country) plus the borders, in
numpy: a few milliseconds, where drawing it again with matplotlib costs a few hundred. So a
build of 280 briefing notes draws the world a handful of times, not 280."""

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


def _paths(shapes: list[world.Country]) -> list:
    from matplotlib.path import Path

    out = []
    for country in shapes:
        pieces = []
        for ring in country.rings:
            codes = np.full(len(ring), Path.LINETO, dtype=np.uint8)
            codes[0] = Path.MOVETO
            codes[-1] = Path.CLOSEPOLY
            pieces.append(Path(ring, codes))
        out.append(Path.make_compound_path(*pieces))
    return out


def _canvas(width_in: float, height_in: float, bounds: tuple[float, float, float, float],
            transparent: bool):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=style.DPI)
    if transparent:
        fig.patch.set_alpha(0)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.patch.set_alpha(0)
    return fig, canvas, ax


@lru_cache(maxsize=16)
def base(name: str, bounds: tuple[float, float, float, float]) -> MapBase:
    """The frame drawn once: country of each pixel, borders, marker places, SVG outlines."""
    style.configure()
    from matplotlib.collections import PathCollection

    shapes = [c for c in world.countries().values() if world.in_frame(c, bounds)]
    ratio = world.aspect(bounds)
    width_cm = min(style.TEXT_WIDTH_CM, MAX_HEIGHT_CM / ratio)
    width_in = width_cm / 2.54
    height_in = width_in * ratio
    paths = _paths(shapes)

    # Which country each pixel belongs to: each drawn in a colour that spells its index.
    fig, canvas, ax = _canvas(width_in, height_in, bounds, transparent=False)
    fig.patch.set_facecolor((0, 0, 0))
    index_colours = [((i + 1) % 256 / 255, (i + 1) // 256 / 255, 0, 1)
                     for i in range(len(shapes))]
    ax.add_collection(PathCollection(paths, facecolors=index_colours, edgecolors="none",
                                     antialiaseds=False, linewidths=0))
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    ids = rgba[:, :, 0].astype(np.uint16) + rgba[:, :, 1].astype(np.uint16) * 256

    # The borders and coast: thin white lines over any colour.
    fig, canvas, ax = _canvas(width_in, height_in, bounds, transparent=True)
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=style.BORDER,
                                     linewidths=0.35))
    canvas.draw()
    lines = np.asarray(canvas.buffer_rgba()).astype(np.uint16)
    alpha = lines[:, :, 3:4]
    over = lines[:, :, :3] * alpha // 255
    keep = 255 - alpha

    frame = MapBase(name, bounds, [c.code for c in shapes], ids, over, keep, [], {}, {},
                    round(width_cm, 2))
    w, h = frame.size
    per_degree = (w / (bounds[1] - bounds[0])) * (h / (bounds[3] - bounds[2]))
    for country in shapes:
        lon, lat = country.centre
        if country.largest * per_degree >= SMALL_PIXELS or not (
                bounds[0] <= lon <= bounds[1] and bounds[2] <= lat <= bounds[3]):
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


def _svg_paths(frame: MapBase, shapes: list[world.Country]) -> dict[str, str]:
    """Each country's outline in the SVG's units, to half a unit (far below what shows)."""
    x0, x1, y0, y1 = frame.bounds
    w, h = frame.size
    sx = SVG_WIDTH / (x1 - x0)
    sy = SVG_WIDTH * h / w / (y1 - y0)
    step = 1.0 if x1 - x0 > 150 else 0.5  # a world map's coasts to a unit: 0.2 mm printed
    out = {}
    for country in shapes:
        parts = []
        for ring in country.rings:
            pts = np.round(np.column_stack(((ring[:, 0] - x0) * sx, (y1 - ring[:, 1]) * sy))
                           / step) * step
            moved = np.any(np.diff(pts, axis=0) != 0, axis=1)
            pts = pts[np.concatenate(([True], moved))]
            if len(pts) < 3:
                continue
            xs, ys = pts[:, 0], pts[:, 1]
            if xs.max() < -5 or xs.min() > SVG_WIDTH + 5 or ys.max() < -5 \
                    or ys.min() > SVG_WIDTH * h / w + 5:
                continue
            coords = " ".join(f"{x:g} {y:g}" for x, y in pts)
            parts.append(f"M{coords}Z")
        if parts:
            out[country.code] = "".join(parts)
    return out
