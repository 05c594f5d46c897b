"""The language layer: the languages of `schemas/languages.yaml` and, for each, the texts the
outputs and messages are written with (`texts(code)`). Layer 2, beside `schema`.

    from matrixbook.i18n import texts
    fr = texts("fr")
    fr.t("Data")                       # 'Données'
    fr.date(date(2025, 9, 12))         # '12 septembre 2025'
    fr.term("relevance", "High")       # 'Élevée'
    fr.header("Policies", "Title")     # the column's French header
    fr.body_name(row)                  # Localized('Ligue des États arabes')

Right-to-left languages: `matrixbook.i18n.direction`."""

from matrixbook.i18n.languages import (
    DEFAULT,
    Language,
    UnknownLanguage,
    language,
    languages,
    offered,
)
from matrixbook.i18n.texts import Localized, Texts, field_of, texts, translation_fields

__all__ = ["DEFAULT", "Language", "Localized", "Texts", "UnknownLanguage", "field_of",
           "language", "languages", "offered", "texts", "translation_fields"]
