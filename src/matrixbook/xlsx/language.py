"""A generated workbook in the build's language: its print footer, document properties, yes
and no, the month names of its date formats, and its sheets' direction.

Every helper takes the build's `Texts` (matrixbook.i18n) or None; English (or None) gives what
the kit wrote before languages existed, so an English workbook keeps its bytes."""

from __future__ import annotations

from typing import Any

CONTEXT = "xlsx"  # the msgctxt of the kit's own texts

# Windows language IDs for the locale prefix of a number format ([$-40C]d mmm): Excel and
# LibreOffice then show month and day names in that language whatever the reader's settings.
_LCID = {"fr": "40C", "ar": "401", "es": "C0A"}


def english(texts: Any) -> bool:
    return texts is None or texts.english


def say(texts: Any, text: str, context: str = CONTEXT) -> str:
    """A fixed text of a workbook in the build's language."""
    return text if english(texts) else str(texts.t(text, context))


def yes_no(texts: Any, value: bool) -> str:
    return say(texts, "Yes" if value else "No")


def date_format(num_format: str, texts: Any) -> str:
    """A date format showing month and day names in the build's language."""
    if english(texts) or not any(c in num_format for c in "md"):
        return num_format
    lcid = _LCID.get(texts.code)
    return f"[$-{lcid}]{num_format}" if lcid else num_format


def right_to_left(ws: Any, texts: Any) -> None:
    """Column A on the right, for a language written right to left."""
    if not english(texts):
        from matrixbook.i18n.direction import xlsx_sheet

        xlsx_sheet(ws, texts.language)
