"""The mapping report's own sentences in another language than English (msgctxt
"mapping_report"): the executive summary, the introductions of the focus sections, the
overlap rule and the alignment totals are written from the data, so each has its French
form here, sentence by sentence, beside the English one of matrixbook.outputs.mapping_report;
the rest of the report takes the catalogue's words and the vocabularies' labels through
`Words`."""

from __future__ import annotations

from datetime import date
from typing import Any

from matrixbook.i18n import Texts
from matrixbook.model import language

CONTEXT = "mapping_report"


class Words:
    """The report's words in a language other than English."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def __call__(self, text: str) -> str:
        return str(self.texts.t(text, CONTEXT))

    def term(self, vocabulary: str, value: str) -> str:
        return self.texts.term(vocabulary, value) if value else value

    def terms(self, vocabulary: str, values: Any, separator: str | None = None) -> str:
        separator = self.texts.list_separator if separator is None else separator
        return separator.join(self.term(vocabulary, str(v)) for v in values)

    def count(self, n: int, one: str, many: str, **parts: Any) -> str:
        """'1 organisme' / '3 organismes': the catalogue's plural entry (msgid `one`,
        msgid_plural `many`) in the form the language takes for `n` (French: 0 and 1
        singular), {n} and `parts` filled."""
        return self.texts.plural(n, one, many, CONTEXT, **parts)

    def number(self, n: int) -> str:
        return self.texts.number(n)

    def join(self, items: list[str]) -> str:
        items = [i for i in items if i]
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + self(" and ") + items[-1]

    def listed(self, names: list[str], limit: int) -> str:
        if len(names) <= limit:
            return ", ".join(names)
        return ", ".join(names[:limit]) + self(" and {n} more").format(
            n=self.number(len(names) - limit))

    def marked(self, text: str) -> str:
        return language.marked(text, True)

    def date(self, on: date) -> str:
        return self.texts.date(on)


def focus_intro(w: Words, rows: int, levels: list[str], missing: list[str], policies: int,
                recommendations: int, limit: int) -> str:
    """The introduction of a focus theme's section."""
    parts = [w.count(rows, "{n} body works on the theme in the evidence gathered",
                     "{n} bodies work on the theme in the evidence gathered")
             + " (" + w(", ").join(w.term("relevance", lv).lower() for lv in levels) + ")."
             if rows else w("No body is yet shown to work on the theme in the evidence "
                            "gathered.")]
    if missing:
        parts.append(w("Not yet assessed for {bodies}: {names}.").format(
            bodies=w.count(len(missing), "{n} body", "{n} bodies"),
            names=w.listed(missing, limit)))
    said = w.join([w.count(policies, "{n} instrument", "{n} instruments") if policies else "",
                   w.count(recommendations, "{n} recommendation", "{n} recommendations")
                   if recommendations else ""])
    parts.append(w.count(policies + recommendations, "{things} concerns it.",
                         "{things} concern it.", things=said) if said
                 else w("No instrument or recommendation concerns it yet."))
    return " ".join(parts)


def overlap_rule(w: Words, on: date | None, bar: int, bodies: int) -> str:
    when = (w("on {date}").format(date=w.date(on)) if on
            else w("with no end date recorded"))
    return w("counting the bodies in which the country is a member or participant {when}; "
             "observer seats and suspensions are shown separately. The list keeps the "
             "countries in {bar} or more of the {bodies} bodies").format(
        when=when, bar=bar, bodies=bodies)


def alignment_line(w: Words, title: str, served: list[tuple[str, int]]) -> str:
    if served:
        return w("{title} served (number of recommendations): {list}.").format(
            title=w(title), list=w.texts.list_separator.join(f"{c} ({n})" for c, n in served))
    return w("{title}: none named yet.").format(title=w(title))


def summary(w: Words, facts: dict[str, Any], limit: int) -> dict[str, Any]:
    """The executive summary in the language of `w`, from the facts the English one is
    written from (matrixbook.outputs.mapping_report._summary)."""
    mapped = w("The mapping covers {entities} and {dialogues} that shape migration governance "
               "in the Middle East and North Africa, across {themes}. It rests on {sources} of "
               "the documentary review, {policies} on migration, climate change or disasters "
               "({climate} of them linking climate or disasters with human mobility) and "
               "{interviews} in the interview plan ({done} held so far).").format(
        entities=w.count(facts["entities"], "{n} regional entity", "{n} regional entities"),
        dialogues=w.count(facts["dialogues"], "{n} inter-regional dialogue",
                          "{n} inter-regional dialogues"),
        themes=w.count(facts["themes"], "{n} theme", "{n} themes"),
        sources=w.count(facts["sources"], "{n} source", "{n} sources"),
        policies=w.count(facts["policies"], "{n} regional instrument",
                         "{n} regional instruments"),
        climate=w.count(facts["climate"], "{n} of them linking climate or disasters with human "
                        "mobility", "{n} of them linking climate or disasters with human "
                        "mobility"),
        interviews=w.count(facts["interviews"], "{n} key-informant interview in the interview "
                           "plan", "{n} key-informant interviews in the interview plan"),
        done=w.count(facts["done"], "{n} held so far", "{n} held so far"))
    focus = [(w.term("themes", theme), done) for theme, done in facts["focus"]]
    coverage = w.count(facts["assessed"], "{n} of the {cells} pairs of a body and a theme has "
                       "been assessed ({share} %).", "{n} of the {cells} pairs of a body and a "
                       "theme have been assessed ({share} %).",
                       cells=w.number(facts["cells"]), share=facts["share"])
    if focus:
        said = [w.count(done, "{theme}: the only body", "{theme}: all {n} bodies", theme=theme)
                if done == facts["bodies"] else
                w("{theme}: {n} of the {total} bodies").format(theme=theme, n=done,
                                                             total=facts["bodies"])
                if done else w("{theme}: none yet").format(theme=theme)
                for theme, done in focus]
        coverage += " " + w("Assessed on the two focus themes of the terms of reference: "
                            "{list}.").format(list=w("; ").join(said))
    if facts["high"]:
        shown = [f"{body} ({', '.join(w.term('themes', t) for t in themes)})"
                 for body, themes in facts["high"].items()]
        pairs = w.texts.list_separator.join(shown[:limit]) + (
            w.count(len(shown) - limit, "; and {n} more body", "; and {n} more bodies")
            if len(shown) > limit
            else "")
        high = w("{pairs} of high relevance: {list}.").format(
            pairs=w.count(facts["high_pairs"], "{n} pair is", "{n} pairs are"), list=pairs)
    else:
        high = w("No pair of a body and a theme is of high relevance in the evidence so far.")
    gaps = []
    for theme, rows, missing in facts["gaps"]:
        name = w.term("themes", theme)
        if not rows:
            gaps.append(w("no body is yet shown to work on {theme}").format(theme=name)
                        + (w(" (not assessed for {n} of {total})").format(
                            n=missing, total=facts["bodies"]) if missing else ""))
        elif missing:
            gaps.append(w.count(missing, "{theme} is not yet assessed for {n} of {total} body",
                                "{theme} is not yet assessed for {n} of {total} bodies",
                                theme=name, total=w.number(facts["bodies"])))
    if facts["others"]:
        gaps.append(w("no body is yet shown to work on {themes} ({list})").format(
            themes=w.count(len(facts["others"]), "{n} other theme", "{n} other themes"),
            list=w.listed([w.term("themes", t) for t in facts["others"]], limit)))
    if facts["without"]:
        gaps.append(w("{bodies} no recommendation of their own yet ({list})").format(
            bodies=w.count(len(facts["without"]), "{n} body has", "{n} bodies have"),
            list=w.listed(facts["without"], limit)))
    gaps_text = (w("Gaps: {list}.").format(list=w("; ").join(gaps)) if gaps else
                 w("Every body is assessed on both focus themes and has a recommendation of "
                   "its own."))
    items, top, regional = facts["recommendations"], facts["top"], facts["regional"]
    split = (w("all regional") if regional == items else
             w("{regional} regional, {named} for named bodies").format(
                 regional=w.count(regional, "{n} regional", "{n} regional"),
                 named=w.count(items - regional, "{n} for named bodies",
                               "{n} for named bodies")))
    recs = (w("The mapping makes {recommendations} ({split}), {top} of them High priority")
            .format(recommendations=w.count(items, "{n} recommendation",
                                            "{n} recommendations"),
                    split=split, top=top) + (w(":") if top else "."))
    if not items:
        recs = w("No recommendation has been recorded yet.")
    drafts = facts["drafts"]
    return {
        "paragraphs": [mapped, coverage, high, gaps_text],
        "recommendations_intro": recs,
        "review_note": (w("{recommendations} still in draft, to be reviewed before the final "
                          "version.").format(recommendations=w.count(
                              drafts, "{n} recommendation is", "{n} recommendations are"))
                        if drafts else ""),
    }
