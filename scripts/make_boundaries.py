"""Write the country boundaries every map draws: src/matrixbook/pictures/data/countries.json.gz.

A developer's script, not part of the installed package: the file it writes is committed and
packaged, so a build never fetches a shape. Run it again only to change the boundary data.

Source: Natural Earth 1:50m admin-0 countries (public domain), as TopoJSON in the npm package
world-atlas 2.0.2 (ISC licence, https://github.com/topojson/world-atlas):

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_boundaries.py /tmp/package/countries-50m.json

What it does: decodes the TopoJSON arcs, simplifies each arc (Douglas-Peucker, TOLERANCE
degrees: well under a pixel on a regional map printed at text width) so neighbours keep one
shared border, rounds coordinates to DIGITS decimals (about 1 km), and keys each shape by its
ISO 3166-1 alpha-3 code (pycountry, from the ISO numeric id). A ring that crosses the
antimeridian has its western longitudes carried past 180. Shapes without an ISO id follow UN
practice: Somaliland is drawn as part of Somalia, Northern Cyprus as part of Cyprus; Kosovo is
kept apart (XKX, the code the workbook uses); Western Sahara (ESH) stays as the data has it.
Other unnamed fragments are kept under their Natural Earth name so the land is drawn in grey.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pycountry

TOLERANCE = 0.02  # degrees
DIGITS = 2
TARGET = Path(__file__).resolve().parents[1] / "src/matrixbook/pictures/data/countries.json.gz"
# Natural Earth shapes that carry no ISO numeric id, and where UN practice draws them.
UNNAMED = {"Somaliland": "SOM", "N. Cyprus": "CYP", "Kosovo": "XKX"}


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Each arc as absolute longitudes and latitudes (quantised TopoJSON is delta-encoded)."""
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate
            for arc in topology["arcs"]]


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker, keeping both ends (so the arcs of neighbours still meet)."""
    if len(points) < 3:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        seg = b - a
        inner = points[first + 1:last] - a
        length = np.hypot(*seg)
        if length == 0:
            dist = np.hypot(inner[:, 0], inner[:, 1])
        else:
            dist = np.abs(seg[0] * inner[:, 1] - seg[1] * inner[:, 0]) / length
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            mid = first + 1 + i
            keep[mid] = True
            stack += [(first, mid), (mid, last)]
    return points[keep]


def ring(arcs: list[np.ndarray], indices: list[int]) -> list[list[float]]:
    """A ring stitched from its arcs (a negative index ~i is arc i reversed)."""
    out: list[np.ndarray] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        out.append(arc if not out else arc[1:])
    points = np.concatenate(out)
    if (np.abs(np.diff(points[:, 0])) > 180).any():
        # A ring across the antimeridian (Chukotka, Fiji): its western longitudes carried past
        # 180 so it stays one shape instead of a band across the whole map.
        points[:, 0] = np.where(points[:, 0] < 0, points[:, 0] + 360, points[:, 0])
    points = np.round(points, DIGITS)
    kept = [points[0]]
    for p in points[1:]:
        if (p != kept[-1]).any():
            kept.append(p)
    return [[float(x), float(y)] for x, y in kept]


def iso3(geometry: dict[str, Any]) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if name in UNNAMED:
        return UNNAMED[name]
    code = geometry.get("id")
    if code:
        country = pycountry.countries.get(numeric=str(code).zfill(3))
        if country is not None:
            return str(country.alpha_3)
    return name or None


def shapes(topology: dict[str, Any]) -> dict[str, list[list[list[float]]]]:
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topology)]
    out: dict[str, list[list[list[float]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        key = iso3(geometry)
        if key is None:
            continue
        polygons = (geometry["arcs"] if geometry["type"] == "MultiPolygon"
                    else [geometry["arcs"]] if geometry["type"] == "Polygon" else [])
        rings = out.setdefault(key, [])
        for polygon in polygons:
            for indices in polygon:
                r = ring(arcs, indices)
                if len(r) >= 4:
                    rings.append(r)
    return {k: v for k, v in sorted(out.items()) if v}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="countries-50m.json of world-atlas 2.0.2")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    data = {"source": "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas "
                      "2.0.2 (ISC); simplified by scripts/make_boundaries.py",
            "countries": shapes(topology)}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    print(f"{args.out}: {len(data['countries'])} shapes, {args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
