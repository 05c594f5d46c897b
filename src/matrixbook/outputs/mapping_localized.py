"""The mapping report's content (matrixbook.outputs.mapping_report.report_content) in another
language than English: the same figures and rows, every word from the catalogue or a
vocabulary's labels, the workbook's English text marked [EN] where it has no French."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matrixbook.documents import as_text, paragraphs
from matrixbook.model import recommendations as recs
from matrixbook.model import relevance
from matrixbook.outputs import mapping_words
from matrixbook.outputs.mapping_words import Words
from matrixbook.schema import Meaning, Schema

FOCUS_THEMES = ("Climate action and mobility", "Data")  # as in mapping_report
LISTED = 12


def _relevance_row(w: Words, row: dict[str, Any]) -> None:
    row["relevance"] = w.term("relevance", row["level"])
    for field in ("evidence", "entry_points"):
        if row[field] and row[field] != "–":
            row[field] = w.marked(row[field])


def _recommendation(w: Words, row: dict[str, Any], rec: recs.Recommendation) -> None:
    text, untranslated = rec.text_in(w.texts)
    row["text"] = w.marked(text) if untranslated else text
    rationale, untranslated = rec.text_in(w.texts, "rationale")
    row["rationale"] = w.marked(rationale) if untranslated else rationale
    if not rec.bodies:
        row["bodies"] = w("Regional")
    row["themes"] = w.terms("themes", rec.themes) or "–"
    row["entry_point"] = w.marked(rec.entry_point) if rec.entry_point else "–"
    row["modality"] = w.term("engagement_modalities", rec.modality) or "–"
    row["priority"] = w.term("priorities", rec.priority) if rec.priority else w("Not set")
    row["timeframe"] = w.term("timeframes", rec.timeframe) or "–"
    row["status"] = w.term("review_status", rec.status)
    row["shareable"] = w("Yes" if rec.shareable else "No")
    row["frameworks"] = w.terms("iom_frameworks", rec.frameworks) or "–"
    if row.get("internal_notes"):
        row["internal_notes"] = w.marked(row["internal_notes"])


def localize(content: dict[str, Any], w: Words, schema: Schema, tables: dict[str, pd.DataFrame],
             bodies: list[dict[str, Any]], order: list[str],
             levels: dict[tuple[str, str], dict[str, Any]], items: list[recs.Recommendation],
             counts: dict[str, int]) -> None:
    """Turn `content`, built in English, into the language of `w`, in place."""
    from matrixbook.outputs.mapping_report import _theme_rows, _unassessed

    content["theme_names"] = [w.term("themes", t) for t in order]
    for row in content["matrix"]:
        row["kind"] = w(row["kind"])
        for cell in row["cells"]:
            cell["text"] = w.term("relevance", cell["level"]) if cell["level"] else ""
    for entry in content["legend"]:
        entry["shown"] = w.term("relevance", entry["level"])
    content["legend_text"] = ", ".join(
        f"{w.term('relevance', code)} ({w(lv.meaning)})" if lv.meaning
        else w.term("relevance", code) for code, lv in relevance.RELEVANCE.items()) + w(
        "; a blank cell: the body and theme have not been looked at")
    for g in content["geography"]:
        g["region"] = w.term("geographic_focus", g["region"])
    by_id = {r.id: r for r in items}
    for row in content["recommendations"]:  # the focus sections and priorities share them
        _recommendation(w, row, by_id[row["id"]])
    for f in content["focus"]:
        theme = f["theme"]
        f["intro"] = mapping_words.focus_intro(
            w, len(f["rows"]), sorted({r["level"] for r in f["rows"]},
                                      key=lambda code: relevance.RANK.get(code, 99)),
            _unassessed(bodies, theme, levels), len(f["policies"]), len(f["recommendations"]),
            LISTED)
        f["theme"] = w.term("themes", theme)
        for row in f["rows"]:
            _relevance_row(w, row)
        for pol in f["policies"]:
            flagged = pol["status"].endswith(" (not confirmed)")
            status = pol["status"].removesuffix(" (not confirmed)")
            pol["status"] = w.term("policy_status", status) + (
                " " + w("(not confirmed)") if flagged else "")
            if pol["climate"] != "–":
                pol["climate"] = w.terms("climate_contexts", pol["climate"].split("; "))
    for th in content["strategy"]:
        th["theme"] = w.term("themes", th["theme"])
        for row in th["rows"]:
            _relevance_row(w, row)
    strategy = tables.get(schema.names.strategy)
    rows_of = ({as_text(r.get("section_id")): r for r in strategy.to_dict("records")}
               if strategy is not None and not strategy.empty else {})
    for s in content["engagement"]:
        s["heading"] = w.term("strategy_sections", s["heading"])
        found = w.texts.content(rows_of.get(s["id"], {}), "text", schema.names.strategy)
        found_paragraphs = paragraphs(found.text)
        if (found.untranslated or found_paragraphs == s["paragraphs"]) and found_paragraphs:
            found_paragraphs[0] = w.marked(found_paragraphs[0])
        s["paragraphs"] = found_paragraphs
    for b in content["entry_points"]:
        b["kind"] = w(b["kind"])
        b["engagement"] = (w("Not recorded") if b["engagement"] == "Not recorded"
                           else w.term("iom_engagement", b["engagement"]))
        b["entry_points"] = (w("Not recorded") if b["entry_points"] == "Not recorded"
                             else w.marked(b["entry_points"]))
        if b["recommendations"] == "None yet":
            b["recommendations"] = w("None yet")
    for g in content["priorities"]:
        g["title"] = w(g["title"])
    content["alignment_totals"] = _alignment(w, schema, items)
    content["summary"] = _summary(w, content, schema, tables, bodies, order, levels, items,
                                  counts, _theme_rows, _unassessed)


def _alignment(w: Words, schema: Schema, items: list[recs.Recommendation]) -> list[str]:
    lines = []
    for title, vocab, get in (("GCM objectives", "gcm_objectives", lambda r: r.gcm),
                              ("SDGs", "sdgs", lambda r: r.sdgs),
                              ("IOM and global frameworks", "iom_frameworks",
                               lambda r: r.frameworks)):
        tally: dict[str, int] = {}
        for r in items:
            for code in get(r):
                tally[code] = tally.get(code, 0) + 1
        served = [(w.term(vocab, c) if vocab == "iom_frameworks" else c, tally[c])
                  for c in schema.vocabulary(vocab).codes if c in tally]
        lines.append(mapping_words.alignment_line(w, title, served))
    return lines


def _summary(w: Words, content: dict[str, Any], schema: Schema,
             tables: dict[str, pd.DataFrame],
             bodies: list[dict[str, Any]], order: list[str],
             levels: dict[tuple[str, str], dict[str, Any]], items: list[recs.Recommendation],
             counts: dict[str, int], theme_rows: Any, unassessed: Any) -> dict[str, Any]:
    """The executive summary's facts, as the English summary counts them, in words."""
    names = schema.names
    policies, sources, interviews = (tables.get(n) for n in (names.policies, names.sources,
                                                             names.interviews))
    done = schema.codes("interview_status", Meaning.DONE)
    labels = {as_text(b["body_id"]): as_text(b.get("acronym")) or as_text(b["body_id"])
              for b in bodies}
    high: dict[str, list[str]] = {}
    for b in bodies:
        for theme in order:
            r = levels.get((as_text(b["body_id"]), theme))
            if r is not None and as_text(r["relevance"]) == "High":
                high.setdefault(labels[as_text(b["body_id"])], []).append(theme)
    named = {b for r in items for b in r.bodies}
    untouched = [t for t in order if not any(
        as_text((levels.get((as_text(b["body_id"]), t)) or {}).get("relevance"))
        in relevance.COVERED for b in bodies)]
    facts = {
        "entities": counts["entities"], "dialogues": counts["dialogues"],
        "themes": counts["themes"], "bodies": len(bodies),
        "sources": 0 if sources is None else int(sources["source_id"].notna().sum()),
        "policies": 0 if policies is None else int(policies["policy_id"].notna().sum()),
        "climate": 0 if policies is None or policies.empty else int(
            policies["climate_context"].map(lambda v: isinstance(v, list) and bool(v)).sum()),
        "interviews": 0 if interviews is None else int(interviews["interview_id"].notna().sum()),
        "done": 0 if interviews is None or interviews.empty else int(
            interviews["status"].isin(done).sum()),
        "assessed": counts["assessed"], "cells": counts["cells"],
        "share": round(100 * counts["assessed"] / counts["cells"]) if counts["cells"] else 0,
        "focus": [(t, len(bodies) - len(unassessed(bodies, t, levels)))
                  for t in FOCUS_THEMES if t in order],
        "high": high, "high_pairs": counts["high"],
        "gaps": [(t, len(theme_rows(bodies, t, levels)), len(unassessed(bodies, t, levels)))
                 for t in FOCUS_THEMES if t in order],
        "others": [t for t in untouched if t not in FOCUS_THEMES],
        "without": [labels[as_text(b["body_id"])] for b in bodies
                    if as_text(b["body_id"]) not in named],
        "recommendations": len(items), "top": sum(1 for r in items if r.priority == "High"),
        "regional": sum(1 for r in items if r.regional),
        "drafts": sum(1 for r in items if r.draft),
    }
    said = mapping_words.summary(w, facts, LISTED)
    by_id = {r["id"]: r for r in content["recommendations"]}
    said["high"] = [{"id": r.id, "text": by_id[r.id]["text"], "bodies": by_id[r.id]["bodies"],
                     "line": f"{by_id[r.id]['text']} ({by_id[r.id]['bodies']} ; {r.id})"}
                    for r in items if r.priority == "High"]
    return said
