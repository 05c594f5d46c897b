"""The mapping report (internal): out/mapping_report.docx and .html.

The matrix of bodies by theme with their relevance, the geography, the countries that sit in the
most bodies, the engagement strategy theme by theme ("Climate action and mobility" and "Data"
first, as the terms of reference ask) and the recommendations and entry points of every body.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook.build import BuildContext, Output
from matrixbook.documents import (
    as_text,
    common_context,
    country_names,
    is_blank,
    paragraphs,
    write_pair,
)
from matrixbook.schema import Schema
from matrixbook.xlsx import TINTS

# The focus of the terms of reference: first in every list, whatever the vocabulary's order.
FOCUS_THEMES = ("Climate action and mobility", "Data")
# Shading of the matrix cells: the workbooks' tints, dark text stays readable on all of them.
RELEVANCE_FILL = {"High": TINTS["green"], "Medium": TINTS["sky"], "Low": TINTS["yellow"],
                  "None": TINTS["grey"], "Not assessed": "#FFFFFF"}
RELEVANCE_SHOWN = {"Not assessed": "?"}
RANK = {"High": 0, "Medium": 1, "Low": 2}
ACTIVE_ROLES = ("Member", "Participant")
MOST_ROWS, LEAST_ROWS = 20, 10


def theme_order(schema: Schema) -> list[str]:
    codes = list(schema.vocabulary("themes").codes)
    return [t for t in FOCUS_THEMES if t in codes] + [t for t in codes if t not in FOCUS_THEMES]


def _label(body: pd.Series) -> str:
    return as_text(body.get("acronym")) or as_text(body.get("body_id"))


def _relevance(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], pd.Series]:
    themes = tables.get("Themes")
    if themes is None or themes.empty:
        return {}
    return {(as_text(r.body_id), as_text(r.theme)): r for _, r in themes.iterrows()}


def _matrix(bodies: pd.DataFrame, order: list[str],
            relevance: dict[tuple[str, str], pd.Series]) -> list[dict[str, Any]]:
    rows = []
    for _, b in bodies.iterrows():
        cells = []
        for theme in order:
            r = relevance.get((as_text(b.body_id), theme))
            level = as_text(r.relevance) if r is not None else ""
            cells.append({"text": RELEVANCE_SHOWN.get(level, level) or "–",
                          "level": level,
                          "fill": RELEVANCE_FILL.get(level, "#FFFFFF").lstrip("#")})
        rows.append({"acronym": _label(b), "id": as_text(b.body_id), "kind": b.kind,
                     "cells": cells})
    return rows


def _geography(schema: Schema, bodies: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for region in schema.vocabulary("geographic_focus").codes:
        hits = [_label(b) for _, b in bodies.iterrows()
                if isinstance(b.get("geographic_focus"), list) and region in b.geographic_focus]
        if hits:
            out.append({"region": region, "count": str(len(hits)), "bodies": ", ".join(hits)})
    return out


def overlaps(schema: Schema, tables: dict[str, pd.DataFrame],
             bodies: pd.DataFrame) -> tuple[list[dict[str, str]], str]:
    """Countries that belong to the most bodies today, and the rule used to count them.

    A country counts for a body when it is a Member or Participant with no end date and no
    open suspension; the list keeps the ten countries in most bodies (and ties), at most 20.
    """
    members = tables.get("Memberships")
    if members is None or members.empty:
        return [], ""
    known = set(bodies["body_id"].astype(str))
    labels = {as_text(b.body_id): _label(b) for _, b in bodies.iterrows()}
    open_rows = members[members["end_date"].isna() & members["body_id"].isin(known)]
    suspended = {(r.body_id, r.country) for _, r in open_rows.iterrows()
                 if r.role == "Suspended"}
    active = open_rows[open_rows["role"].isin(ACTIVE_ROLES)]
    per_country: dict[str, set[str]] = {}
    for _, r in active.iterrows():
        if (r.body_id, r.country) not in suspended:
            per_country.setdefault(as_text(r.country), set()).add(as_text(r.body_id))
    if not per_country:
        return [], ""
    names = country_names(schema)
    ranked = sorted(per_country.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0], kv[0])))
    counts = [len(v) for _, v in ranked]
    threshold = counts[min(LEAST_ROWS, len(counts)) - 1]
    while sum(c >= threshold for c in counts) > MOST_ROWS and threshold < counts[0]:
        threshold += 1
    order = {b: i for i, b in enumerate(labels)}
    out = [{"country": names.get(code, code), "code": code, "count": str(len(ids)),
            "bodies": ", ".join(labels[i] for i in sorted(ids, key=order.__getitem__))}
           for code, ids in ranked if len(ids) >= threshold]
    rule = (f"members or participants today (no end date, not suspended) of {threshold} or "
            f"more of the {len(known)} bodies")
    return out, rule


def _strategy(bodies: pd.DataFrame, order: list[str],
              relevance: dict[tuple[str, str], pd.Series]) -> list[dict[str, Any]]:
    out = []
    for theme in order:
        rows = []
        for _, b in bodies.iterrows():
            r = relevance.get((as_text(b.body_id), theme))
            if r is None or as_text(r.relevance) not in RANK:
                continue
            rows.append({"acronym": _label(b), "relevance": as_text(r.relevance),
                         "evidence": as_text(r.evidence) or "–",
                         "entry_points": as_text(b.get("entry_points")) or "–"})
        rows.sort(key=lambda x: RANK[x["relevance"]])
        out.append({"theme": theme, "rows": rows})
    return out


def _body_summaries(bodies: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for _, b in bodies.iterrows():
        item = {k: as_text(v) for k, v in b.items() if isinstance(k, str)}
        name, acronym = as_text(b.get("name_en")), _label(b)
        item.update({
            "display_name": f"{acronym}: {name}" if name and name != acronym else acronym,
            "kind": b.kind,
            "engagement": as_text(b.get("iom_engagement")) or "not recorded",
            "entry_points": as_text(b.get("entry_points")),
            "recommendations": paragraphs(b.get("recommendations")),
        })
        out.append(item)
    return out


def report_content(schema: Schema, tables: dict[str, pd.DataFrame],
                   bodies: pd.DataFrame) -> dict[str, Any]:
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not is_blank(v)).astype(bool)]
    order = theme_order(schema)
    relevance = _relevance(tables)
    known = set(bodies["body_id"].astype(str))
    assessed = [r for (body, _), r in relevance.items()
                if body in known and as_text(r.relevance) not in ("", "Not assessed")]
    overlap_rows, rule = overlaps(schema, tables, bodies)
    return {
        "counts": {
            "entities": int((bodies["kind"] == "Regional entity").sum()),
            "dialogues": int((bodies["kind"] == "Inter-regional dialogue").sum()),
            "themes": len(order),
            "cells": len(bodies) * len(order),
            "assessed": len(assessed),
            "high": sum(as_text(r.relevance) == "High" for r in assessed),
        },
        "theme_names": order,
        "matrix": _matrix(bodies, order, relevance),
        "legend": [{"level": k, "fill": v.lstrip("#"), "shown": RELEVANCE_SHOWN.get(k, k)}
                   for k, v in RELEVANCE_FILL.items()],
        "geography": _geography(schema, bodies),
        "overlaps": overlap_rows,
        "overlap_rule": rule,
        "strategy": _strategy(bodies, order, relevance),
        "bodies": _body_summaries(bodies),
    }


def write(ctx: BuildContext) -> list[Path]:
    title = "Mapping report"
    context = common_context(ctx, title)
    context["workbook_title"] = ctx.schema.title
    context.update(report_content(ctx.schema, ctx.tables, ctx.bodies()))
    return write_pair(ctx, "mapping_report", "mapping_report", context, title)


OUTPUT = Output(
    name="mapping_report",
    audience="internal",
    description="Mapping report: matrix, overlaps, engagement strategy (internal; .docx, .html).",
    write=write,
    order=50,
)
