"""The mapping report (internal): out/mapping_report.docx and .html.

The matrix of bodies by theme with their relevance, the geography, the countries that sit in the
most bodies, the engagement strategy theme by theme ("Climate action and mobility" and "Data"
first, as the terms of reference ask) and the recommendations and entry points of every body.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook import memberships, relevance
from matrixbook.build import BuildContext, Output
from matrixbook.documents import (
    as_text,
    common_context,
    is_blank,
    long_day,
    paragraphs,
    write_pair,
)
from matrixbook.schema import Schema

# The focus of the terms of reference: first in every list, whatever the vocabulary's order.
FOCUS_THEMES = ("Climate action and mobility", "Data")
MOST_ROWS, LEAST_ROWS = 20, 10


def theme_order(schema: Schema) -> list[str]:
    codes = list(schema.vocabulary("themes").codes)
    return [t for t in FOCUS_THEMES if t in codes] + [t for t in codes if t not in FOCUS_THEMES]


def _label(body: dict[str, Any]) -> str:
    return as_text(body.get("acronym")) or as_text(body.get("body_id"))


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts: what iterrows gives, without a Series a row (a global
    workbook has a thousand bodies and thousands of theme rows)."""
    return frame.to_dict("records")


def _relevance(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], dict[str, Any]]:
    themes = tables.get("Themes")
    if themes is None or themes.empty:
        return {}
    return {(as_text(r["body_id"]), as_text(r["theme"])): r for r in _rows(themes)}


def _matrix(bodies: list[dict[str, Any]], order: list[str],
            levels: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for b in bodies:
        cells = []
        for theme in order:
            r = levels.get((as_text(b["body_id"]), theme))
            level = relevance.level(as_text(r["relevance"]) if r is not None else "")
            cells.append({"text": level.label, "level": level.code, "fill": level.hex})
        rows.append({"acronym": _label(b), "id": as_text(b["body_id"]), "kind": b["kind"],
                     "cells": cells})
    return rows


def _geography(schema: Schema, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for region in schema.vocabulary("geographic_focus").codes:
        hits = [_label(b) for b in bodies
                if isinstance(b.get("geographic_focus"), list) and region in b["geographic_focus"]]
        if hits:
            out.append({"region": region, "count": str(len(hits)), "bodies": ", ".join(hits)})
    return out


def overlaps(schema: Schema, tables: dict[str, pd.DataFrame], bodies: pd.DataFrame,
             on: date | None) -> tuple[list[dict[str, str]], str]:
    """Countries in the most bodies on `on`, and the rule used to count them: the one definition
    of matrixbook.memberships (member or participant; observer seats and suspensions shown
    beside), the list the mapping matrix's Summary shows too."""
    order = [as_text(b) for b in bodies["body_id"]]
    labels = {as_text(b["body_id"]): _label(b) for b in _rows(bodies)}
    roles = memberships.roles_on(tables, on)
    ranked = memberships.tallies(roles, order, memberships.country_names(schema))
    listed, bar = memberships.most_shared(ranked, LEAST_ROWS, MOST_ROWS)
    if not listed:
        return [], ""
    out = []
    for t in listed:
        other = [f"{role}: {', '.join(labels[b] for b in held)}"
                 for role, held in t.by_role.items() if role not in memberships.SHARED_ROLES]
        out.append({"country": t.name, "code": t.country, "count": str(t.count),
                    "bodies": ", ".join(labels[b] for b in t.shared),
                    "other": "; ".join(other) or "–"})
    rule = (f"counting {memberships.shared_rule(on, long_day)}. The list keeps the countries in "
            f"{bar} or more of the {len(order)} bodies")
    return out, rule


def _strategy(bodies: list[dict[str, Any]], order: list[str],
              levels: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for theme in order:
        rows = []
        for b in bodies:
            r = levels.get((as_text(b["body_id"]), theme))
            if r is None or as_text(r["relevance"]) not in relevance.COVERED:
                continue
            level = relevance.level(as_text(r["relevance"]))
            rows.append({"acronym": _label(b), "relevance": level.label, "fill": level.hex,
                         "level": level.code, "evidence": as_text(r.get("evidence")) or "–",
                         "entry_points": as_text(b.get("entry_points")) or "–"})
        rows.sort(key=lambda x: relevance.RANK[x["level"]])
        out.append({"theme": theme, "rows": rows})
    return out


def _body_summaries(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for b in bodies:
        item = {k: as_text(v) for k, v in b.items() if isinstance(k, str)}
        name, acronym = as_text(b.get("name_en")), _label(b)
        item.update({
            "display_name": f"{acronym}: {name}" if name and name != acronym else acronym,
            "kind": b["kind"],
            "engagement": as_text(b.get("iom_engagement")) or "not recorded",
            "entry_points": as_text(b.get("entry_points")),
            "recommendations": paragraphs(b.get("recommendations")),
        })
        out.append(item)
    return out


def report_content(schema: Schema, tables: dict[str, pd.DataFrame],
                   bodies: pd.DataFrame, on: date | None = None) -> dict[str, Any]:
    """Everything the report shows; `on` is the day memberships are read on (the same day as
    the mapping matrix's)."""
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not is_blank(v)).astype(bool)]
    order = theme_order(schema)
    levels = _relevance(tables)
    known = set(bodies["body_id"].astype(str))
    assessed = [r for (body, _), r in levels.items()
                if body in known and as_text(r["relevance"]) not in ("", "Not assessed")]
    overlap_rows, rule = overlaps(schema, tables, bodies, on)
    rows = _rows(bodies)
    return {
        "counts": {
            "entities": int((bodies["kind"] == "Regional entity").sum()),
            "dialogues": int((bodies["kind"] == "Inter-regional dialogue").sum()),
            "themes": len(order),
            "cells": len(bodies) * len(order),
            "assessed": len(assessed),
            "high": sum(as_text(r["relevance"]) == "High" for r in assessed),
        },
        "theme_names": order,
        "matrix": _matrix(rows, order, levels),
        "legend": [{"level": lv.code, "fill": lv.hex, "shown": lv.label}
                   for lv in relevance.RELEVANCE.values()],
        "legend_text": relevance.legend_text(),
        "geography": _geography(schema, rows),
        "overlaps": overlap_rows,
        "overlap_rule": rule,
        "strategy": _strategy(rows, order, levels),
        "bodies": _body_summaries(rows),
    }


def write(ctx: BuildContext) -> list[Path]:
    title = "Mapping report"
    context = common_context(ctx, title)
    context["workbook_title"] = ctx.schema.title
    on = memberships.reference_date(ctx.today, ctx.data_date)
    context.update(report_content(ctx.schema, ctx.tables, ctx.bodies(), on))
    return write_pair(ctx, "mapping_report", "mapping_report", context, title)


OUTPUT = Output(
    name="mapping_report",
    audience="internal",
    description="Mapping report: matrix, overlaps, engagement strategy (internal; .docx, .html).",
    write=write,
    order=50,
)
