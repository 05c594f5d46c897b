"""The countries every map draws, from the packaged boundary file (Natural Earth 1:50m via
world-atlas, written by scripts/make_boundaries.py; never fetched at run time), and the frames a
map can be drawn in.

A frame is a rectangle of longitudes and latitudes drawn in a plain equirectangular projection
whose horizontal scale is the cosine of the frame's middle latitude: at the scale of a region
the shapes look as on an atlas page, and the projection is a multiplication, so a frame's
geometry is worked out once per build."""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

BOUNDARIES = "countries.json.gz"
# Frames a map may use, from the smallest: the first that holds every member's main territory.
FRAMES: tuple[tuple[str, tuple[float, float, float, float]], ...] = (
    ("Gulf", (33.0, 62.0, 11.0, 33.5)),
    ("Maghreb", (-18.5, 26.0, 18.0, 39.0)),
    ("Middle East and North Africa", (-18.5, 63.5, 10.0, 43.0)),
    ("Arab States", (-18.5, 63.5, -13.5, 43.0)),
    ("Mediterranean", (-25.0, 45.0, 9.0, 62.0)),
    ("Africa and the Middle East", (-26.0, 64.0, -36.0, 43.0)),
    ("Europe, Africa and the Middle East", (-26.0, 64.0, -36.0, 71.5)),
    ("Asia and the Middle East", (25.0, 142.0, -11.0, 45.0)),
    ("Africa, Europe and Asia", (-26.0, 150.0, -36.0, 71.5)),
    ("World", (-170.0, 180.0, -57.0, 83.0)),
)


@dataclass(frozen=True)
class Country:
    code: str
    rings: tuple[np.ndarray, ...]  # each (n, 2): longitude, latitude
    main: tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max of its bulk
    centre: tuple[float, float]  # of its largest piece
    largest: float  # square degrees of its largest piece


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def _country(code: str, raw: list[list[list[float]]]) -> Country:
    rings = tuple(np.asarray(r, dtype=float) for r in raw)
    areas = [_area(r) for r in rings]
    largest = rings[int(np.argmax(areas))]
    # Its bulk: the pieces at least a quarter of the largest and near it (France without
    # Guiana, Norway without Svalbard, the United States without Alaska).
    cx, cy = largest.mean(axis=0)
    true = [a * math.cos(math.radians(r[:, 1].mean())) for r, a in zip(rings, areas,
                                                                       strict=True)]
    bulk = [r for r, a in zip(rings, true, strict=True)
            if a >= max(true) / 4 and abs(r[:, 0].mean() - cx) < 25
            and abs(r[:, 1].mean() - cy) < 20]
    points = np.concatenate(bulk)
    main = (float(points[:, 0].min()), float(points[:, 0].max()),
            float(points[:, 1].min()), float(points[:, 1].max()))
    return Country(code, rings, main, (float(cx), float(cy)), max(areas))


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every shape of the boundary file by ISO3 code (Natural Earth's name for the few without
    one), read once a process."""
    data = resources.files("matrixbook.pictures").joinpath("data").joinpath(BOUNDARIES).read_bytes()
    shapes = json.loads(gzip.decompress(data))["countries"]
    return {code: _country(code, raw) for code, raw in shapes.items()}


def frame_for(codes: list[str]) -> tuple[str, tuple[float, float, float, float]]:
    """The smallest of FRAMES that holds the main territory of every country in `codes` (codes
    the boundary file lacks, such as the EU, are left out); MENA when there are none."""
    shapes = countries()
    boxes = [shapes[c].main for c in codes if c in shapes]
    if not boxes:
        return FRAMES[2]
    for name, (x0, x1, y0, y1) in FRAMES:
        if all(b[0] >= x0 - 1 and b[1] <= x1 + 1 and b[2] >= y0 - 1 and b[3] <= y1 + 1
               for b in boxes):
            return name, (x0, x1, y0, y1)
    return FRAMES[-1]


def aspect(bounds: tuple[float, float, float, float]) -> float:
    """Height over width of a frame on paper."""
    x0, x1, y0, y1 = bounds
    return (y1 - y0) / ((x1 - x0) * x_scale(bounds))


def x_scale(bounds: tuple[float, float, float, float]) -> float:
    return math.cos(math.radians((bounds[2] + bounds[3]) / 2))


def in_frame(country: Country, bounds: tuple[float, float, float, float]) -> bool:
    """Whether any of the country's pieces reaches into the frame."""
    x0, x1, y0, y1 = bounds
    return any(r[:, 0].max() >= x0 and r[:, 0].min() <= x1 and r[:, 1].max() >= y0
               and r[:, 1].min() <= y1 for r in country.rings)
