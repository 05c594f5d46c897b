"""The pictures each output places, from what the model says the records mean: a body's members
on the reference date (a map per briefing note), how many of the mapped bodies each country
belongs to (the overlap map of the mapping report and the matrix's Summary sheet), the matrix
as a heat-map, the policies by body and year, and the workplan as a Gantt chart.

matrixbook.pictures draws them; this module only gathers the data and the words around a
picture (its alt text and caption), in the build's language (`texts`; English without one):
fixed texts through the catalogue (msgctxt "pictures"), countries, roles, phases and dates as
matrixbook.i18n names them. Not an output: it has no OUTPUT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from matrixbook.documents import as_text, is_blank, long_day
from matrixbook.i18n import Texts
from matrixbook.model import memberships, relevance
from matrixbook.pictures import charts, maps, world
from matrixbook.pictures.style import Picture, say, term
from matrixbook.schema import Schema

MARKER_NOTE = "a dot marks a state too small to see at this scale"


def _language(texts: Texts | None) -> Texts | None:
    """None for English (the texts as written here), else the build's texts."""
    return None if texts is None or texts.english else texts


_NAMES: dict[tuple[int, str], tuple[Schema, dict[str, str]]] = {}


def country_names(schema: Schema, texts: Texts | None = None) -> dict[str, str]:
    """Code -> the country's name in the build's language (memberships.country_names in
    English), read once per schema and language."""
    texts = _language(texts)
    if texts is None:
        return memberships.country_names(schema)
    key = (id(schema), texts.code)
    if key not in _NAMES or _NAMES[key][0] is not schema:
        names = {c: memberships.without_note(c, texts.country(c), schema)
                 for c in memberships.country_names(schema)}
        _NAMES[key] = (schema, names)
    return _NAMES[key][1]


def _names(codes: Sequence[str], names: Mapping[str, str]) -> str:
    listed = sorted((names.get(c, c) for c in codes), key=memberships.sort_key)
    return ", ".join(listed)


def _on(on: date | None, texts: Texts | None) -> str:
    if not on:
        return say(texts, "with no date of the data")
    return say(texts, "on {date}").format(date=long_day(on, texts))


def body_map(schema: Schema, roster: memberships.Roster, body_id: str, label: str,
             on: date | None, texts: Texts | None = None) -> tuple[Picture | None, str]:
    """A body's members by role on `on`, and its caption; (None, "") when no state holds a
    role."""
    texts = _language(texts)
    organisations = memberships.organisations(schema)
    names = country_names(schema, texts)
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
    if texts is None:
        counted = "; ".join(f"{len(c)} {role.lower()}{'s' if len(c) != 1 else ''}: "
                            f"{_names(c, names)}" for role, c in by_role.items())
    else:  # "Membre (6) : ..." : the vocabulary's label, no plural to guess
        counted = say(texts, "; ").join(say(texts, "{role} ({n}): {names}").format(
            role=term(texts, "membership_roles", role), n=len(c), names=_names(c, names))
            for role, c in by_role.items())
    when = _on(on, texts)
    alt = say(texts, "Map of the states that hold a role in {body} {on}. {counted}.").format(
        body=label, on=when, counted=counted)
    picture = maps.membership_map(f"map-{body_id}", roles, alt, texts)
    caption = say(texts, "States holding a role in {body} {on}, by role, from the mapping's "
                         "Memberships records; {marker}").format(
        body=label, on=when, marker=say(texts, MARKER_NOTE))
    if any(not confirmed for _, confirmed in roles.values()):
        caption += say(texts, "; a lighter shade: the role is not confirmed")
    beyond = maps.outside(picture, sorted(roles))
    if beyond:
        caption += say(texts, ". Beyond the map: {list}").format(list=", ".join(
            f"{names.get(c, c)} ({term(texts, 'membership_roles', roles[c][0]).lower()})"
            for c in sorted(beyond, key=lambda c: memberships.sort_key(names.get(c) or c))))
    if missing:
        caption += say(texts, ". Not drawn (no boundary at this scale): {list}").format(
            list=_names(missing, names))
    seats_of_bodies = [s for s in roster.seats(body_id, on) if s.role and s.country in
                       organisations]
    if seats_of_bodies:
        caption += say(texts, ". Organisations holding a role are not drawn: {list}").format(
            list=_names([s.country for s in seats_of_bodies], names))
    return picture, caption + "."


def overlap(schema: Schema, tables: dict[str, pd.DataFrame], body_ids: list[str],
            on: date | None, texts: Texts | None = None) -> tuple[Picture | None, str]:
    """How many of the mapped bodies each country is a member or participant of on `on` (the
    one definition of memberships.tallies, as the overlap tables count)."""
    texts = _language(texts)
    roles = memberships.roles_on(tables, on)
    names = country_names(schema, texts)
    ranked = memberships.tallies(roles, body_ids, names)
    shapes = world.countries()
    counts = {t.country: t.count for t in ranked if t.count and t.country in shapes}
    if not counts:
        return None, ""
    most = max(counts.values())
    top = [t.name for t in ranked if t.count == most]
    when = _on(on, texts)
    alt = say(texts, "Map of how many of the {bodies} mapped bodies each country is a member or "
                     "participant of {on}: {countries} countries in at least one; the most, "
                     "{most}, for {top}.").format(
        bodies=len(body_ids), on=when, countries=len(counts), most=most, top=", ".join(top))
    caption = say(texts, "Countries by the number of the {bodies} mapped bodies they belong to "
                         "(member or participant) {on}; observer seats and suspensions are not "
                         "counted; {marker}.").format(
        bodies=len(body_ids), on=when, marker=say(texts, MARKER_NOTE))
    # Framed on the countries in several bodies: a state in one global body (an OIC member in
    # South America) does not shrink the region to a corner of a world map.
    bar = max(2, -(-most // 4))
    picture = maps.overlap_map("overlap", counts, alt, [c for c, n in counts.items() if n >= bar],
                               texts)
    beyond = maps.outside(picture, sorted(counts))
    if beyond:
        caption = caption[:-1] + say(
            texts, "; {n} more in fewer bodies lie beyond the map ({list}).").format(
            n=len(beyond), list=_names(beyond[:8], names) + (", …" if len(beyond) > 8 else ""))
    return picture, caption


def heatmap(matrix: list[dict[str, Any]], themes: list[str],
            texts: Texts | None = None) -> tuple[Picture | None, str]:
    """The mapping matrix as a picture: the cells of `matrix` (mapping report's rows); `themes`
    as the report names them."""
    texts = _language(texts)
    if not matrix or not themes:
        return None, ""
    levels = [(lv.code, lv.fill) for lv in relevance.RELEVANCE.values()]
    rows = [r["acronym"] for r in matrix]
    cells = [[c["level"] for c in r["cells"]] for r in matrix]
    high = sum(row.count("High") for row in cells)
    alt = say(texts, "Heat-map of the relevance of {themes} themes to {bodies} bodies: {high} "
                     "of {cells} cells high. The mapping matrix below gives every cell in "
                     "words.").format(themes=len(themes), bodies=len(rows), high=high,
                                      cells=len(rows) * len(themes))
    if len(rows) > charts.HEATMAP_ROWS:
        caption = say(texts, "How many of the {bodies} bodies hold each level of relevance, "
                             "theme by theme (too many bodies for a heat-map of each cell; the "
                             "matrix lists them).").format(bodies=len(rows))
    else:
        caption = say(texts, "The mapping matrix at a glance: the relevance of each theme to "
                             "each body, darker for higher; “?” marks a cell not yet assessed.")
    return charts.heatmap(rows, themes, cells, levels, alt, texts), caption


def policies(tables: dict[str, pd.DataFrame], body_ids: list[str], labels: dict[str, str],
             texts: Texts | None = None) -> tuple[Picture | None, str]:
    """Instruments by issuing body and year adopted, and the caption."""
    texts = _language(texts)
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
    alt = say(texts, "Chart of the {n} dated instruments of the policy database by issuing "
                     "body and year adopted.").format(n=dated)
    picture = charts.policies_by_year(counts, order, alt, texts)
    if picture is None:
        return None, ""
    caption = (say(texts, "When each body adopted the {n} instruments of the policy database "
                          "that carry a year").format(n=dated)
               + (say(texts, " ({n} without a year are left out)").format(n=undated)
                  if undated else "")
               + say(texts, "; the size of a dot (and its number) is the count."))
    return picture, caption


def gantt(schema: Schema, plan: pd.DataFrame | None, today: date | None,
          texts: Texts | None = None) -> tuple[Picture | None, str]:
    """The workplan as a Gantt chart, the deliverables' deadlines marked. The tasks are named
    in the build's language (Task (French)), else in English marked so, as the report's tables
    do."""
    texts = _language(texts)
    if plan is None or plan.empty:
        return None, ""
    from matrixbook.model import language

    bars = []
    deadlines = []
    number = 0
    for r in plan.sort_values(["start_date", "task_id"]).to_dict("records"):
        start, end = r.get("start_date"), r.get("end_date")
        if is_blank(start) or is_blank(end):
            continue
        start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
        kind = as_text(r.get("item_type")) or "Task"
        if texts is None:
            task = as_text(r.get("task"))
        else:  # Task (French), else the English task marked
            found = texts.content(r, "task", schema.names.workplan)
            task = language.marked(found.text, found.untranslated)
        label = f"{as_text(r.get('task_id'))} {task}"
        bars.append(charts.Bar(label, as_text(r.get("phase")), start, end, kind))
    for r in plan.sort_values(["end_date", "task_id"]).to_dict("records"):
        if as_text(r.get("item_type")) == "Deliverable" and not is_blank(r.get("end_date")):
            number += 1
            deadlines.append((say(texts, "Deliverable {n}").format(n=number),
                              pd.Timestamp(r["end_date"]).date()))
    phases = list(schema.vocabulary("workplan_phases").codes)
    span = ((long_day(min(b.start for b in bars), texts), long_day(max(b.end for b in bars),
                                                                   texts))
            if bars else ("", ""))
    alt = say(texts, "Gantt chart of the workplan: {n} rows from {start} to {end}; deadlines: "
                     "{deadlines}.").format(
        n=len(bars), start=span[0], end=span[1], deadlines=say(texts, "; ").join(
            say(texts, "{label} on {date}").format(label=label, date=long_day(d, texts))
            for label, d in deadlines))
    picture = charts.gantt(bars, phases, deadlines, alt, today, texts)
    if picture is None:
        return None, ""
    caption = (say(texts, "The workplan by phase: a bar from the first to the last day of each "
                          "task, a diamond for a milestone or a deliverable, a dashed line at "
                          "each deliverable's deadline")
               + (say(texts, ", a dotted line on {date}").format(date=long_day(today, texts))
                  if today else "") + ".")
    return picture, caption
