"""The language layer: the languages of `schemas/languages.yaml` and, for each, the texts the
outputs and messages are written with (`texts(code)`). Layer 2, beside `schema`.

    from matrixbook.i18n import texts
    fr = texts("fr")
    fr.t("Data")                       # 'Données'
    fr.date(date(2025, 9, 12))         # '12 septembre 2025'
    fr.term("relevance", "High")       # 'Élevée'
    fr.header("Policies", "Title")     # the column's French header
    fr.body_name(row)                  # Localized('Ligue des États arabes')

Right-to-left languages: `matrixbook.i18n.direction`. The texts live in `matrixbook.i18n.words`."""

from typing import TYPE_CHECKING, Any

from matrixbook.i18n.languages import (
    DEFAULT,
    Language,
    UnknownLanguage,
    language,
    languages,
    offered,
    written,
)

if TYPE_CHECKING:
    from matrixbook.i18n.words import Localized, Texts, field_of, texts, translation_fields

__all__ = ["DEFAULT", "Language", "Localized", "Texts", "UnknownLanguage", "field_of",
           "language", "languages", "offered", "texts", "translation_fields", "written"]

_WORDS = ("Localized", "Texts", "field_of", "texts", "translation_fields")


def __getattr__(name: str) -> Any:
    """The texts (`matrixbook.i18n.words`) are imported when first asked for: they import
    pandas and Babel, and `--lang` is checked (and the workbook's reading threads started)
    before that."""
    if name in _WORDS:
        from matrixbook.i18n import words

        return getattr(words, name)
    raise AttributeError(f"module 'matrixbook.i18n' has no attribute {name!r}")
