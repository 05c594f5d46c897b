"""The pictures each output places, from what the model says the records mean: a body's members
on the reference date (a map per briefing note), how many of the mapped bodies each country
belongs to (the overlap map of the mapping report and the matrix's Summary sheet), the matrix
as a heat-map, the policies by body and year, and the workplan as a Gantt chart.

matrixbook.pictures draws them; this module only gathers the data and the words around a
picture (its alt text and caption). Not an output: it has no OUTPUT."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from matrixbook.documents import as_text, is_blank, long_day
from matrixbook.i18n import Texts
from matrixbook.model import memberships, relevance
from matrixbook.pictures import charts, maps, world
from matrixbook.pictures.style import Picture
from matrixbook.schema import Schema

MARKER_NOTE = "a dot marks a state too small to see at this scale"


def _names(codes: Sequence[str], names: dict[str, str]) -> str:
    listed = sorted((names.get(c, c) for c in codes), key=memberships.sort_key)
    return ", ".join(listed)


def _on(on: date | None) -> str:
    return f"on {long_day(on)}" if on else "with no date of the data"


def body_map(schema: Schema, roster: memberships.Roster, body_id: str, label: str,
             on: date | None) -> tuple[Picture | None, str]:
    """A body's members by role on `on`, and its caption; (None, "") when no state holds a
    role."""
    organisations = memberships.organisations(schema)
    names = memberships.country_names(schema)
    seats = [s for s in roster.seats(body_id, on) if s.role and s.country not in organisations]
    held = {s.country: s.role or "" for s in seats}
    if not seats:
        return None, ""
    shapes = world.countries()
    roles = {s.country: (held[s.country], s.confirmed) for s in seats if s.country in shapes}
    missing = [s.country for s in seats if s.country not in shapes]
    if not roles:
        return None, ""
    by_role: dict[str, list[str]] = {}
    for s in seats:
        by_role.setdefault(s.role or "", []).append(s.country)
    counted = "; ".join(f"{len(c)} {role.lower()}{'s' if len(c) != 1 else ''}: "
                        f"{_names(c, names)}" for role, c in by_role.items())
    alt = f"Map of the states that hold a role in {label} {_on(on)}. {counted}."
    picture = maps.membership_map(f"map-{body_id}", roles, alt)
    caption = (f"States holding a role in {label} {_on(on)}, by role, from the mapping's "
               f"Memberships records; {MARKER_NOTE}")
    if any(not confirmed for _, confirmed in roles.values()):
        caption += "; a lighter shade: the role is not confirmed"
    beyond = maps.outside(picture, sorted(roles))
    if beyond:
        caption += (". Beyond the map: " + ", ".join(
            f"{names.get(c, c)} ({roles[c][0].lower()})"
            for c in sorted(beyond, key=lambda c: memberships.sort_key(names.get(c) or c))))
    if missing:
        caption += f". Not drawn (no boundary at this scale): {_names(missing, names)}"
    seats_of_bodies = [s for s in roster.seats(body_id, on) if s.role and s.country in
                       organisations]
    if seats_of_bodies:
        caption += (". Organisations holding a role are not drawn: "
                    f"{_names([s.country for s in seats_of_bodies], names)}")
    return picture, caption + "."


def overlap(schema: Schema, tables: dict[str, pd.DataFrame], body_ids: list[str],
            on: date | None, texts: Texts | None = None) -> tuple[Picture | None, str]:
    """How many of the mapped bodies each country is a member or participant of on `on` (the
    one definition of memberships.tallies, as the overlap tables count)."""
    roles = memberships.roles_on(tables, on)
    names = memberships.country_names(schema)
    ranked = memberships.tallies(roles, body_ids, names)
    shapes = world.countries()
    counts = {t.country: t.count for t in ranked if t.count and t.country in shapes}
    if not counts:
        return None, ""
    most = max(counts.values())
    top = [t.name for t in ranked if t.count == most]
    alt = (f"Map of how many of the {len(body_ids)} mapped bodies each country is a member or "
           f"participant of {_on(on)}: {len(counts)} countries in at least one; the most, "
           f"{most}, for {', '.join(top)}.")
    caption = (f"Countries by the number of the {len(body_ids)} mapped bodies they belong to "
               f"(member or participant) {_on(on)}; observer seats and suspensions are not "
               f"counted; {MARKER_NOTE}.")
    # Framed on the countries in several bodies: a state in one global body (an OIC member in
    # South America) does not shrink the region to a corner of a world map.
    bar = max(2, -(-most // 4))
    picture = maps.overlap_map("overlap", counts, alt, [c for c, n in counts.items() if n >= bar])
    beyond = maps.outside(picture, sorted(counts))
    if beyond:
        caption = caption[:-1] + (f"; {len(beyond)} more in fewer bodies lie beyond the map "
                                  f"({_names(beyond[:8], names)}"
                                  + (", …" if len(beyond) > 8 else "") + ").")
    return picture, caption


def heatmap(matrix: list[dict[str, Any]], themes: list[str],
            texts: Texts | None = None) -> tuple[Picture | None, str]:
    """The mapping matrix as a picture: the cells of `matrix` (mapping report's rows)."""
    if not matrix or not themes:
        return None, ""
    levels = [(lv.code, lv.fill) for lv in relevance.RELEVANCE.values()]
    rows = [r["acronym"] for r in matrix]
    cells = [[c["level"] for c in r["cells"]] for r in matrix]
    high = sum(row.count("High") for row in cells)
    alt = (f"Heat-map of the relevance of {len(themes)} themes to {len(rows)} bodies: "
           f"{high} of {len(rows) * len(themes)} cells high. The mapping matrix below gives "
           "every cell in words.")
    if len(rows) > charts.HEATMAP_ROWS:
        caption = (f"How many of the {len(rows)} bodies hold each level of relevance, theme by "
                   "theme (too many bodies for a heat-map of each cell; the matrix lists them).")
    else:
        caption = ("The mapping matrix at a glance: the relevance of each theme to each body, "
                   "darker for higher; “?” marks a cell not yet assessed.")
    return charts.heatmap(rows, themes, cells, levels, alt), caption


def policies(tables: dict[str, pd.DataFrame], body_ids: list[str],
             labels: dict[str, str], texts: Texts | None = None) -> tuple[Picture | None, str]:
    """Instruments by issuing body and year adopted, and the caption."""
    frame = tables.get("Policies")
    if frame is None or frame.empty or "year_adopted" not in frame:
        return None, ""
    counts: dict[str, dict[int, int]] = {}
    undated = 0
    for body, year in zip(frame["body_id"], frame["year_adopted"], strict=True):
        if is_blank(year):
            undated += 1
            continue
        label = labels.get(as_text(body), as_text(body))
        by_year = counts.setdefault(label, {})
        by_year[int(year)] = by_year.get(int(year), 0) + 1
    order = [labels.get(b, b) for b in body_ids]
    order += sorted(set(counts) - set(order))
    dated = sum(sum(v.values()) for v in counts.values())
    alt = (f"Chart of the {dated} dated instruments of the policy database by issuing body and "
           "year adopted.")
    picture = charts.policies_by_year(counts, order, alt)
    if picture is None:
        return None, ""
    caption = (f"When each body adopted the {dated} instruments of the policy database that "
               "carry a year" + (f" ({undated} without a year are left out)" if undated else "")
               + "; the size of a dot (and its number) is the count.")
    return picture, caption


def gantt(schema: Schema, plan: pd.DataFrame | None,
          today: date | None) -> tuple[Picture | None, str]:
    """The workplan as a Gantt chart, the deliverables' deadlines marked."""
    if plan is None or plan.empty:
        return None, ""
    bars = []
    deadlines = []
    number = 0
    for r in plan.sort_values(["start_date", "task_id"]).to_dict("records"):
        start, end = r.get("start_date"), r.get("end_date")
        if is_blank(start) or is_blank(end):
            continue
        start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        kind = as_text(r.get("item_type")) or "Task"
        label = f"{as_text(r.get('task_id'))} {as_text(r.get('task'))}"
        bars.append(charts.Bar(label, as_text(r.get("phase")), start, end, kind))
    for r in plan.sort_values(["end_date", "task_id"]).to_dict("records"):
        if as_text(r.get("item_type")) == "Deliverable" and not is_blank(r.get("end_date")):
            number += 1
            deadlines.append((f"Deliverable {number}", pd.Timestamp(r["end_date"]).date()))
    phases = list(schema.vocabulary("workplan_phases").codes)
    alt = (f"Gantt chart of the workplan: {len(bars)} rows from "
           f"{long_day(min(b.start for b in bars)) if bars else ''} to "
           f"{long_day(max(b.end for b in bars)) if bars else ''}; deadlines: "
           + "; ".join(f"{label} on {long_day(d)}" for label, d in deadlines) + ".")
    picture = charts.gantt(bars, phases, deadlines, alt, today)
    if picture is None:
        return None, ""
    caption = ("The workplan by phase: a bar from the first to the last day of each task, a "
               "diamond for a milestone or a deliverable, a dashed line at each deliverable's "
               "deadline" + (f", a dotted line on {long_day(today)}" if today else "") + ".")
    return picture, caption
