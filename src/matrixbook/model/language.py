"""What a record says, in the build's language: every output asks here for a cell as the words
of a reader of that language (vocabulary labels, countries, dates, yes and no), for a free text
in that language where the workbook has it, and for the mark of an English text left
untranslated.

English builds never come here for a word they already had: each caller keeps its English path
as it was, so an English output keeps its bytes; these helpers serve the other languages.

Untranslated text: a free text (a brief section, a recommendation, evidence, a workplan task)
the workbook has only in English is shown in English after the mark "[EN]" in a French output,
and every French document says once what the mark means (`UNTRANSLATED_NOTE`).

A name the workbook declares a counterpart for (a body's name and acronym or short name, a
seat city) and has only in English carries the mark once, *after* it, so a title or a list
still reads from the name: « Gulf Health Council for Cooperation Council States [EN] »,
« Cairo [EN] ». Each cell, label, caption or sentence that shows one is marked on its own (a
cell is filtered, sorted and copied alone); where a name and its acronym are read as one
(« Name (ACR) », « ACR — Name », a note's title and the acronym under it), one mark
(`named`, `name_with_acronym`, `acronym_dash_name`, `name_and_acronym`). Names of
instruments, URLs and other names with no declared counterpart are not marked.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from matrixbook.i18n import Localized, Texts
from matrixbook.schema import Column
from matrixbook.values import is_blank

MARK = "[EN]"  # before an English text in another language's output
UNTRANSLATED_NOTE = "[EN]: English text, not yet translated."
CONTEXT = "documents"


def marked(text: str, untranslated: bool) -> str:
    """`text` with the mark of an English text left untranslated."""
    return f"{MARK} {text}" if untranslated and text else text


def named(found: Localized) -> str:
    """A name in the build's language; one left in English with the mark after it
    ('Abu Dhabi Dialogue [EN]'). English builds never have an untranslated name."""
    return f"{found.text} {MARK}" if found.untranslated and found.text else found.text


def name_with_acronym(name: Localized, acronym: Localized) -> str:
    """'Name (ACR)' (the acronym left out when the name holds it), with one mark after both
    when either is left in English."""
    text = (f"{name.text} ({acronym.text})" if acronym.text and acronym.text not in name.text
            else name.text)
    return named(Localized(text, name.untranslated or acronym.untranslated))


def acronym_dash_name(name: Localized, acronym: Localized) -> str:
    """'ACR — Name' (a heading that names a body), one mark after both when either is in
    English."""
    return named(Localized(f"{acronym.text} — {name.text}",
                           name.untranslated or acronym.untranslated))


def name_and_acronym(name: Localized, acronym: Localized) -> tuple[str, str]:
    """A name and its acronym read as one (a note's title and the line under it): one mark,
    after the name when it is in English, else after the acronym."""
    if name.untranslated:
        return named(name), acronym.text
    return name.text, named(acronym)


def yes_no(texts: Texts, value: bool) -> str:
    return texts.t("Yes" if value else "No", CONTEXT)


def day_text(texts: Texts, value: Any) -> str:
    """A date in the words of the language (12 septembre 2025); '' when empty; a text that is
    not a date as it is."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, pd.Timestamp | datetime) and (value.hour, value.minute) != (0, 0):
        return f"{texts.date(value)} {value:%H:%M}"
    return texts.date(value)


def value_text(texts: Texts, column: Column | None, value: Any,
               separator: str | None = None) -> str:
    """A cell as a reader of the language reads it: vocabulary terms by their label,
    countries by name, dates in words, yes and no, lists joined (by the language's list
    separator unless `separator` is given); other text as it is."""
    if is_blank(value):
        return ""
    if isinstance(value, list | tuple):
        separator = texts.list_separator if separator is None else separator
        return separator.join(value_text(texts, column, v) for v in value if not is_blank(v))
    if isinstance(value, bool):
        return yes_no(texts, value)
    if isinstance(value, pd.Timestamp | datetime | date):
        return day_text(texts, value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column is not None and column.vocabulary:
        return texts.term(column.vocabulary, str(value))
    return str(value).strip()


def free_text(texts: Texts, row: Any, field: str, sheet: str) -> tuple[str, bool]:
    """A free-text cell in the language: its declared counterpart (Mandate (French)) where
    filled, else the English text and True (untranslated). A column with no counterpart is
    English text too in a French build."""
    found = texts.content(row, field, sheet)
    if texts.english:
        return found.text, False
    has_counterpart = any(c.translation_of == field and c.language == texts.code
                          for c in texts.schema.sheet(sheet).columns)
    return found.text, bool(found.text) and (found.untranslated or not has_counterpart)
