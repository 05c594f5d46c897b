"""The recommendations of the Recommendations sheet as every output reads them: in one order
(priority, then ID), grouped by the bodies they name, each as the plain text a document prints.

One source of truth: the briefing notes, the mapping report and validation all read the
recommendations through here, so a recommendation reads the same wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from matrixbook.schema import Meaning, Schema
from matrixbook.values import is_blank

PRIORITY_ORDER = ("High", "Medium", "Low")
_TRANSLATED = ("recommendation", "rationale")  # recommendation_fr: the text in French


def _translated(key: Any) -> bool:
    """Whether a field is a translation of the text or rationale: recommendation_fr."""
    if not isinstance(key, str) or "_" not in key:
        return False
    base, _, code = key.rpartition("_")
    return base in _TRANSLATED and len(code) == 2 and code.isalpha()


def _text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value).strip()


def _ids(value: Any) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(str(v).strip() for v in items if not is_blank(v))


@dataclass(frozen=True)
class Recommendation:
    id: str
    text: str
    bodies: tuple[str, ...]
    themes: tuple[str, ...]
    entry_point: str
    modality: str
    priority: str
    timeframe: str
    rationale: str
    evidence: tuple[str, ...]
    gcm: tuple[str, ...]
    sdgs: tuple[str, ...]
    frameworks: tuple[str, ...]
    status: str
    shareable: bool
    sources: tuple[str, ...]
    internal_notes: str = ""
    draft: bool = False  # its status means draft (vocabularies.yaml)
    final: bool = False  # its status means final
    # The free texts in other languages: ("recommendation_fr", "..."), ("rationale_fr", "...")
    translations: tuple[tuple[str, str], ...] = ()

    def text_in(self, texts: Any, field: str = "recommendation") -> tuple[str, bool]:
        """The recommendation's text (or rationale) in the language of `texts`
        (matrixbook.i18n), and whether it is the English text left untranslated."""
        english = self.text if field == "recommendation" else self.rationale
        if texts.english:
            return english, False
        own = dict(self.translations).get(f"{field}_{texts.code}", "")
        return (own, False) if own else (english, bool(english))

    def sentence_in(self, texts: Any) -> str:
        """`sentence` in the language of `texts`: vocabulary terms by their labels, the text
        from its counterpart column, else English after the mark [EN]."""
        if texts.english:
            return self.sentence
        t = texts.t
        text, untranslated = self.text_in(texts)
        text = text.rstrip()
        if text and text[-1] not in ".!?":
            text += "."
        if untranslated:
            text = f"[EN] {text}"
        if self.entry_point:
            text += " " + t("Entry point: {text}.", "documents").format(
                text=self.entry_point.rstrip("."))
        parts = [texts.term("engagement_modalities", self.modality) if self.modality else "",
                 t("{priority} priority", "documents").format(
                     priority=texts.term("priorities", self.priority).lower()) if self.priority
                 else "",
                 texts.term("timeframes", self.timeframe) if self.timeframe else ""]
        how = texts.list_separator.join(p for p in parts if p)
        if how:
            text += f" {how}."
        status = texts.term("review_status", self.status) if self.status else ""
        tag = self.id if not self.status or self.final else f"{self.id}, {status}"
        return f"{text} ({tag})"

    @property
    def regional(self) -> bool:
        return not self.bodies

    @property
    def sort_key(self) -> tuple[int, str]:
        rank = (PRIORITY_ORDER.index(self.priority) if self.priority in PRIORITY_ORDER
                else len(PRIORITY_ORDER))
        return rank, self.id

    @property
    def how(self) -> str:
        """Modality, priority and timeframe in a few words: 'Policy dialogue; High priority;
        Medium term (1–3 years)'."""
        parts = [self.modality, f"{self.priority} priority" if self.priority else "",
                 self.timeframe]
        return "; ".join(p for p in parts if p)

    @property
    def sentence(self) -> str:
        """The recommendation as one paragraph of a note: what, where, how, and its ID (with
        its status while it is not Final)."""
        text = self.text.rstrip()
        if text and text[-1] not in ".!?":
            text += "."
        if self.entry_point:
            text += f" Entry point: {self.entry_point.rstrip('.')}."
        if self.how:
            text += f" {self.how}."
        tag = self.id if not self.status or self.final else f"{self.id}, {self.status}"
        return f"{text} ({tag})"


def read(frame: pd.DataFrame | None, schema: Schema) -> list[Recommendation]:
    """Every recommendation with an ID, by priority (High first) then ID."""
    if frame is None or frame.empty or "recommendation_id" not in frame:
        return []
    drafts = schema.codes("review_status", Meaning.DRAFT)
    finals = schema.codes("review_status", Meaning.FINAL)
    out = []
    for rec in frame.to_dict("records"):
        rid = _text(rec.get("recommendation_id"))
        if not rid:
            continue
        shareable = rec.get("shareable")
        out.append(Recommendation(
            id=rid, text=_text(rec.get("recommendation")), bodies=_ids(rec.get("body_ids")),
            themes=_ids(rec.get("themes")), entry_point=_text(rec.get("entry_point")),
            modality=_text(rec.get("modality")), priority=_text(rec.get("priority")),
            timeframe=_text(rec.get("timeframe")), rationale=_text(rec.get("rationale")),
            evidence=_ids(rec.get("evidence_ids")), gcm=_ids(rec.get("gcm_objectives")),
            sdgs=_ids(rec.get("sdgs")), frameworks=_ids(rec.get("iom_frameworks")),
            status=_text(rec.get("status")),
            draft=rec.get("status") in drafts, final=rec.get("status") in finals,
            shareable=not is_blank(shareable) and bool(shareable),
            sources=_ids(rec.get("source_ids")),
            internal_notes=_text(rec.get("internal_notes")),
            translations=tuple((k, _text(v)) for k, v in rec.items()
                               if _translated(k) and not is_blank(v))))
    out.sort(key=lambda r: r.sort_key)
    return out


def by_body(recommendations: list[Recommendation]) -> dict[str, list[Recommendation]]:
    """The recommendations naming each body, in the shared order."""
    out: dict[str, list[Recommendation]] = {}
    for r in recommendations:
        for body in dict.fromkeys(r.bodies):
            out.setdefault(body, []).append(r)
    return out
