"""The mapping report (internal): out/mapping_report.docx and .html, built around the terms of
reference.

An executive summary written from the data (what was mapped, coverage, the high-relevance pairs,
the gaps, the High-priority recommendations); the matrix by theme and geography and the
membership overlaps; one section each for "Climate action and mobility" and "Data" (the bodies
assessed, their relevance and evidence, the instruments and the recommendations on the theme);
the other themes; the regional engagement strategy (Strategy rows); the entry points of every
body; the key recommendations by priority and their alignment with the GCM, the SDGs and IOM's
frameworks. Recommendations come from the Recommendations sheet through
matrixbook.model.recommendations, the same reading as the briefing notes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook.documents import (
    as_text,
    common_context,
    is_blank,
    long_day,
    paragraphs,
    write_pair,
)
from matrixbook.i18n import Texts
from matrixbook.model import language, memberships, relevance
from matrixbook.model import recommendations as recs
from matrixbook.model.context import BuildContext
from matrixbook.outputs import Output, figures, mapping_words
from matrixbook.outputs.mapping_words import Words
from matrixbook.schema import Meaning, Schema

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


def _relevance(themes: pd.DataFrame | None) -> dict[tuple[str, str], dict[str, Any]]:
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
             on: date | None, words: Words | None = None) -> tuple[list[dict[str, str]], str]:
    """Countries in the most bodies on `on`, and the rule used to count them: the one definition
    of matrixbook.model.memberships (member or participant; observer seats and suspensions shown
    beside), the list the mapping matrix's Summary shows too."""
    order = [as_text(b) for b in bodies["body_id"]]
    labels = {as_text(b["body_id"]): _label(b) for b in _rows(bodies)}
    roster = memberships.Roster(tables.get(schema.names.memberships))
    roles = memberships.roles_on(tables, on, roster)
    names = memberships.country_names(schema)
    if words is not None:
        names = {c: memberships.without_note(c, words.texts.country(c), schema) for c in names}
    ranked = memberships.tallies(roles, order, names)
    listed, bar = memberships.most_shared(ranked, LEAST_ROWS, MOST_ROWS)
    if not listed:
        return [], ""
    out = []
    for t in listed:
        other = [f"{role}: {', '.join(labels[b] for b in held)}" if words is None else
                 f"{words.term('membership_roles', role)}{words(': ')}"
                 f"{', '.join(labels[b] for b in held)}"
                 for role, held in t.by_role.items() if role not in memberships.SHARED_ROLES]
        sep = "; " if words is None else words.texts.list_separator
        out.append({"country": t.name, "code": t.country, "count": str(t.count),
                    "bodies": ", ".join(labels[b] for b in t.shared),
                    "other": sep.join(other) or "–"})
    rule = (f"counting {memberships.shared_rule(on, long_day)}. The list keeps the countries in "
            f"{bar} or more of the {len(order)} bodies")
    if words is not None:
        rule = mapping_words.overlap_rule(words, on, bar, len(order))
    return out, rule


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# A summary names at most this many bodies in a list, then says how many more: a global mapping
# of a thousand bodies must not turn one sentence into a page.
LISTED = 12


def _listed(names: list[str], limit: int = LISTED) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"


def _theme_rows(bodies: list[dict[str, Any]], theme: str,
                levels: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """The bodies that work on `theme` (High, Medium or Low), most relevant first."""
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
    return rows


def _unassessed(bodies: list[dict[str, Any]], theme: str,
                levels: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    out = []
    for b in bodies:
        r = levels.get((as_text(b["body_id"]), theme))
        if r is None or as_text(r["relevance"]) in ("", "Not assessed"):
            out.append(_label(b))
    return out


# The columns of Policies the report's lists of instruments read.
POLICY_FIELDS = ("policy_id", "title", "title_en", "body_id", "year_adopted", "status",
                 "confirmed", "themes", "climate_context")


def _policy_records(policies: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The rows of Policies as dicts of the columns the report reads (each value as the whole
    row's dict gives it): the sheet of a global mapping has tens of thousands of rows and many
    more columns, read once for both focus themes."""
    if policies is None or policies.empty:
        return []
    return _rows(policies[[c for c in POLICY_FIELDS if c in policies.columns]])


def _policy_rows(policies: pd.DataFrame | list[dict[str, Any]] | None, labels: dict[str, str],
                 theme: str) -> list[dict[str, str]]:
    """The instruments on `theme` (their Themes name it; for climate action and mobility, an
    instrument with a climate context counts too), by year then ID. `policies`: the sheet, or
    its rows as `_policy_records` gives them."""
    records = policies if isinstance(policies, list) else _policy_records(policies)
    out: list[dict[str, Any]] = []
    for p in records:
        themes, climate = _list(p.get("themes")), _list(p.get("climate_context"))
        if theme not in themes and not (theme == FOCUS_THEMES[0] and climate):
            continue
        english, original = as_text(p.get("title_en")), as_text(p.get("title"))
        confirmed = p.get("confirmed")
        flagged = not is_blank(confirmed) and not bool(confirmed)
        out.append({"id": as_text(p.get("policy_id")), "title": english or original,
                    "body": labels.get(as_text(p.get("body_id")), as_text(p.get("body_id"))),
                    "year": as_text(p.get("year_adopted")),
                    "status": as_text(p.get("status")) + (" (not confirmed)" if flagged else ""),
                    "climate": as_text(climate) or "–",
                    "_key": (p.get("year_adopted") if not is_blank(p.get("year_adopted"))
                             else 9999, as_text(p.get("policy_id")))})
    out.sort(key=lambda r: r["_key"])
    for r in out:
        del r["_key"]
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _bodies_text(rec: recs.Recommendation, labels: dict[str, str]) -> str:
    return ", ".join(labels.get(b, b) for b in rec.bodies) if rec.bodies else "Regional"


def _recommendation(rec: recs.Recommendation, labels: dict[str, str],
                    schema: Schema) -> dict[str, Any]:
    gcm = schema.vocabulary("gcm_objectives")
    return {
        "id": rec.id, "text": rec.text, "bodies": _bodies_text(rec, labels),
        "themes": "; ".join(rec.themes) or "–", "entry_point": rec.entry_point or "–",
        "modality": rec.modality or "–", "priority": rec.priority or "Not set",
        "timeframe": rec.timeframe or "–", "rationale": rec.rationale,
        "evidence": ", ".join(rec.evidence), "status": rec.status,
        "shareable": "Yes" if rec.shareable else "No",
        "gcm": ", ".join(rec.gcm) or "–",
        "gcm_long": "; ".join(f"{c}. {gcm.label(c)}" for c in rec.gcm),
        "sdgs": ", ".join(rec.sdgs) or "–", "frameworks": "; ".join(rec.frameworks) or "–",
        "internal_notes": rec.internal_notes,
    }


def _by_priority(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The key recommendations in groups, High first; a priority with none is left out."""
    groups = []
    for name in (*recs.PRIORITY_ORDER, "Not set"):
        members = [r for r in rows if r["priority"] == name]
        if members:
            title = f"{name} priority" if name != "Not set" else "Priority not set"
            groups.append({"priority": name, "title": title, "rows": members})
    return groups


def _focus_sections(schema: Schema, tables: dict[str, pd.DataFrame],
                    bodies: list[dict[str, Any]], levels: dict[tuple[str, str], dict[str, Any]],
                    all_recs: list[dict[str, Any]], themes_of: dict[str, tuple[str, ...]],
                    labels: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    records = _policy_records(tables.get(schema.names.policies))
    for theme in FOCUS_THEMES:
        if theme not in schema.vocabulary("themes").codes:
            continue
        rows = _theme_rows(bodies, theme, levels)
        missing = _unassessed(bodies, theme, levels)
        policies = _policy_rows(records, labels, theme)
        tagged = [r for r in all_recs if theme in themes_of[r["id"]]]
        levels_seen = sorted({r["level"] for r in rows}, key=relevance.RANK.__getitem__)
        parts = [f"{_count(len(rows), 'body works', 'bodies work')} on the theme in the "
                 f"evidence gathered ({_join(levels_seen)} relevance)." if rows else
                 "No body is yet shown to work on the theme in the evidence gathered."]
        if missing:
            parts.append(f"Not yet assessed for {_count(len(missing), 'body', 'bodies')}: "
                         f"{_listed(missing)}.")
        said = _join([_count(len(policies), "instrument") if policies else "",
                      _count(len(tagged), "recommendation") if tagged else ""])
        parts.append(f"{said} concern{'s' if len(policies) + len(tagged) == 1 else ''} it."
                     if said else "No instrument or recommendation concerns it yet.")
        out.append({"theme": theme, "intro": " ".join(parts), "rows": rows,
                    "unassessed": ", ".join(missing), "policies": policies,
                    "recommendations": tagged})
    return out


def _strategy_sections(schema: Schema, tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The regional engagement strategy: the Strategy rows in the order of their Section ID."""
    t = tables.get(schema.names.strategy)
    if t is None or t.empty:
        return []
    rows = [r for r in _rows(t) if not is_blank(r.get("section_id"))]
    rows.sort(key=lambda r: as_text(r.get("section_id")))
    out = []
    for r in rows:
        ids = _list(r.get("recommendation_ids"))
        out.append({"id": as_text(r.get("section_id")), "heading": as_text(r.get("section")),
                    "paragraphs": paragraphs(r.get("text")),
                    "recommendations": ", ".join(str(i) for i in ids),
                    "status": as_text(r.get("status"))})
    return out


def _entry_points(bodies: list[dict[str, Any]],
                  named: dict[str, list[recs.Recommendation]]) -> list[dict[str, str]]:
    out = []
    for b in bodies:
        body_id = as_text(b["body_id"])
        out.append({"acronym": _label(b), "id": body_id, "kind": b["kind"],
                    "engagement": as_text(b.get("iom_engagement")) or "Not recorded",
                    "entry_points": as_text(b.get("entry_points")) or "Not recorded",
                    "recommendations": ", ".join(r.id for r in named.get(body_id, []))
                    or "None yet"})
    return out


def _alignment_totals(schema: Schema, items: list[recs.Recommendation]) -> list[str]:
    """One line per framework family: which objectives, goals and frameworks the
    recommendations serve, each with how many recommendations serve it."""
    lines = []
    for title, vocab, get in (("GCM objectives", "gcm_objectives", lambda r: r.gcm),
                              ("SDGs", "sdgs", lambda r: r.sdgs),
                              ("IOM and global frameworks", "iom_frameworks",
                               lambda r: r.frameworks)):
        counts: dict[str, int] = {}
        for r in items:
            for code in get(r):
                counts[code] = counts.get(code, 0) + 1
        codes = [c for c in schema.vocabulary(vocab).codes if c in counts]
        if codes:
            lines.append(f"{title} served (number of recommendations): "
                         + "; ".join(f"{c} ({counts[c]})" for c in codes) + ".")
        else:
            lines.append(f"{title}: none named yet.")
    return lines


def _summary(counts: dict[str, int], bodies: list[dict[str, Any]], order: list[str],
             levels: dict[tuple[str, str], dict[str, Any]], tables: dict[str, pd.DataFrame],
             items: list[recs.Recommendation], labels: dict[str, str],
             schema: Schema) -> dict[str, Any]:
    """The executive summary, every sentence from the data: no placeholder."""
    ent, dlg = counts["entities"], counts["dialogues"]
    names = schema.names
    policies = tables.get(names.policies)
    n_pol = 0 if policies is None else int(policies["policy_id"].notna().sum())
    n_climate = 0 if policies is None or policies.empty else int(
        policies["climate_context"].map(lambda v: isinstance(v, list) and bool(v)).sum())
    sources = tables.get(names.sources)
    n_src = 0 if sources is None else int(sources["source_id"].notna().sum())
    interviews = tables.get(names.interviews)
    n_int = 0 if interviews is None else int(interviews["interview_id"].notna().sum())
    done = schema.codes("interview_status", Meaning.DONE)
    n_done = 0 if interviews is None or interviews.empty else int(
        interviews["status"].isin(done).sum())
    mapped = (f"The mapping covers {_count(ent, 'regional entity', 'regional entities')} and "
              f"{_count(dlg, 'inter-regional dialogue')} that shape migration governance in "
              f"the Middle East and North Africa, across {_count(counts['themes'], 'theme')}. "
              f"It rests on {_count(n_src, 'source')} of the documentary review, "
              f"{_count(n_pol, 'regional instrument')} on migration, climate change or "
              f"disasters ({n_climate:,} of them linking climate or disasters with human "
              f"mobility) and {_count(n_int, 'key-informant interview')} in the interview plan "
              f"({n_done:,} held so far).")
    share = round(100 * counts["assessed"] / counts["cells"]) if counts["cells"] else 0
    focus = []
    for theme in FOCUS_THEMES:
        if theme in order:
            assessed = len(bodies) - len(_unassessed(bodies, theme, levels))
            focus.append(f"{theme.lower()} for all {assessed:,} bodies" if assessed == len(bodies)
                         else f"{theme.lower()} for {assessed:,} of the {len(bodies):,} bodies"
                         if assessed else f"{theme.lower()} for none yet")
    coverage = (f"{counts['assessed']:,} of the {counts['cells']:,} pairs of a body and a theme "
                f"have been assessed ({share}%)"
                + (f". Of the two focus themes of the terms of reference, "
                   f"{_join(focus).replace(' for ', ' has been assessed for ', 1)}."
                   if focus else "."))
    high: dict[str, list[str]] = {}
    for b in bodies:
        for theme in order:
            r = levels.get((as_text(b["body_id"]), theme))
            if r is not None and as_text(r["relevance"]) == "High":
                high.setdefault(_label(b), []).append(theme)
    if high:
        shown = [f"{body} ({', '.join(themes)})" for body, themes in high.items()]
        pairs = "; ".join(shown[:LISTED]) + (
            f"; and {len(shown) - LISTED:,} more bodies" if len(shown) > LISTED else "")
        high_text = (f"{_count(counts['high'], 'pair is', 'pairs are')} of high relevance: "
                     f"{pairs}.")
    else:
        high_text = "No pair of a body and a theme is of high relevance in the evidence so far."
    gaps = []
    for theme in FOCUS_THEMES:
        if theme not in order:
            continue
        rows = _theme_rows(bodies, theme, levels)
        missing = _unassessed(bodies, theme, levels)
        if not rows:
            gaps.append(f"no body is yet shown to work on {theme.lower()}"
                        + (f" (not assessed for {len(missing):,} of {len(bodies):,})"
                           if missing else ""))
        elif missing:
            gaps.append(f"{theme.lower()} is not yet assessed for {len(missing):,} "
                        f"of {len(bodies):,} bodies")
    untouched = [t for t in order if not any(
        as_text((levels.get((as_text(b["body_id"]), t)) or {}).get("relevance"))
        in relevance.COVERED for b in bodies)]
    others = [t for t in untouched if t not in FOCUS_THEMES]
    if others:
        gaps.append(f"no body is yet shown to work on {_count(len(others), 'other theme')} "
                    f"({_listed(others)})")
    named = {b for r in items for b in r.bodies}
    without = [_label(b) for b in bodies if as_text(b["body_id"]) not in named]
    if without:
        gaps.append(f"{_count(len(without), 'body has', 'bodies have')} no recommendation "
                    f"of {'its' if len(without) == 1 else 'their'} own yet "
                    f"({_listed(without)})")
    gaps_text = ("Gaps: " + "; ".join(gaps) + ".") if gaps else (
        "Every body is assessed on both focus themes and has a recommendation of its own.")
    top = [r for r in items if r.priority == "High"]
    n_reg = sum(1 for r in items if r.regional)
    split = ("all regional" if n_reg == len(items) else
             f"{n_reg:,} regional, {len(items) - n_reg:,} for named bodies")
    recs_text = (f"The mapping makes {_count(len(items), 'recommendation')} ({split}), "
                 f"{len(top):,} of them High priority"
                 + (":" if top else "."))
    if not items:
        recs_text = "No recommendation has been recorded yet."
    drafts = sum(1 for r in items if r.draft)
    return {
        "paragraphs": [mapped, coverage, high_text, gaps_text],
        "recommendations_intro": recs_text,
        "high": [{"id": r.id, "text": r.text, "bodies": _bodies_text(r, labels),
                  "line": f"{r.text} ({_bodies_text(r, labels)}; {r.id})"} for r in top],
        "review_note": (f"{_count(drafts, 'recommendation is', 'recommendations are')} still "
                        "in draft, to be reviewed before the final version." if drafts else ""),
    }


def report_content(schema: Schema, tables: dict[str, pd.DataFrame],
                   bodies: pd.DataFrame, on: date | None = None,
                   texts: Texts | None = None) -> dict[str, Any]:
    """Everything the report shows; `on` is the day memberships are read on (the same day as
    the mapping matrix's); in the language of `texts` (default English)."""
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not is_blank(v)).astype(bool)]
    words = Words(texts) if texts is not None and not texts.english else None
    if words is not None:  # the bodies by their acronym in the language, marked if English
        bodies = bodies.assign(acronym=[language.named(words.texts.body_acronym(b))
                                        or b["acronym"] for b in bodies.to_dict("records")])
    order = theme_order(schema)
    levels = _relevance(tables.get(schema.names.themes))
    known = set(bodies["body_id"].astype(str))
    assessed = [r for (body, _), r in levels.items()
                if body in known and as_text(r["relevance"]) not in ("", "Not assessed")]
    overlap_rows, rule = overlaps(schema, tables, bodies, on, words)
    rows = _rows(bodies)
    labels = {as_text(b["body_id"]): _label(b) for b in rows}
    items = recs.read(tables.get(schema.names.recommendations), schema)
    rec_rows = [_recommendation(r, labels, schema) for r in items]
    themes_of = {r.id: r.themes for r in items}
    counts = {
        "entities": int((bodies["kind"] == "Regional entity").sum()),
        "dialogues": int((bodies["kind"] == "Inter-regional dialogue").sum()),
        "themes": len(order),
        "cells": len(bodies) * len(order),
        "assessed": len(assessed),
        "high": sum(as_text(r["relevance"]) == "High" for r in assessed),
        "recommendations": len(items),
    }
    content = {
        "counts": counts,
        "summary": _summary(counts, rows, order, levels, tables, items, labels, schema),
        "theme_names": order,
        "matrix": _matrix(rows, order, levels),
        "legend": [{"level": lv.code, "fill": lv.hex, "shown": lv.label}
                   for lv in relevance.RELEVANCE.values()],
        "legend_text": relevance.legend_text("the body and theme have not been looked at"),
        "geography": _geography(schema, rows),
        "overlaps": overlap_rows,
        "overlap_rule": rule,
        "focus": _focus_sections(schema, tables, rows, levels, rec_rows, themes_of, labels),
        "strategy": [{"theme": t, "rows": _theme_rows(rows, t, levels)}
                     for t in order if t not in FOCUS_THEMES],
        "engagement": _strategy_sections(schema, tables),
        "entry_points": _entry_points(rows, recs.by_body(items)),
        "recommendations": rec_rows,
        "priorities": _by_priority(rec_rows),
        "alignment_totals": _alignment_totals(schema, items),
    }
    if words is not None:
        from matrixbook.outputs.mapping_localized import localize

        localize(content, words, schema, tables, rows, order, levels, items, counts)
    return content


def write(ctx: BuildContext) -> list[Path]:
    texts = ctx.texts
    title = "Mapping report" if texts.english else Words(texts)("Mapping report")
    context = common_context(ctx, title)
    context["workbook_title"] = ctx.schema.title
    on = memberships.reference_date(ctx.today, ctx.data_date)
    bodies = ctx.bodies()
    context.update(report_content(ctx.schema, ctx.tables, bodies, on, texts))
    context["pictures"], context["captions"] = _pictures(ctx, bodies, context, on)
    return write_pair(ctx, "mapping_report", "mapping_report", context, title)


def _pictures(ctx: BuildContext, bodies: pd.DataFrame, context: dict[str, Any],
              on: date | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's pictures and their captions, in the build's language: the bodies by their
    acronym in that language, the matrix's themes as the report names them."""
    texts = ctx.texts
    rows = [b for b in _rows(bodies) if not is_blank(b["body_id"])]
    body_ids = [as_text(b["body_id"]) for b in rows]
    labels = {as_text(b["body_id"]): (language.named(texts.body_acronym(b)) or _label(b))
              for b in rows}
    overlap, overlap_caption = figures.overlap(ctx.schema, ctx.tables, body_ids, on, texts)
    heat, heat_caption = figures.heatmap(context["matrix"], context["theme_names"], texts)
    chart, chart_caption = figures.policies(ctx.tables, body_ids, labels, texts)
    return ({"overlap": overlap, "heatmap": heat, "policies": chart},
            {"overlap": overlap_caption, "heatmap": heat_caption, "policies": chart_caption})


OUTPUT = Output(
    name="mapping_report",
    audience="internal",
    description="Mapping report: summary, matrix, climate and data, strategy, recommendations "
                "(internal; .docx, .html).",
    write=write,
    order=50,
    apart="reports",
    languages=("en", "fr"),
)
