"""`Texts`: every text of one language that the outputs and messages need.

The workbook keeps canonical (English) values; a `Texts` turns them into the words of its
language: fixed texts (`t`, gettext with a context), dates and numbers (Babel), countries,
vocabulary terms, sheet names, column headers and help texts, body names and the French
counterparts of free-text columns, falling back to English and saying so (`Localized`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any

from matrixbook.i18n.catalogue import Plurals, SchemaLabels, messages, plurals, schema_labels
from matrixbook.i18n.languages import DEFAULT, Language, written
from matrixbook.schema import Schema, load_schema
from matrixbook.values import is_blank

# Babel's named forms of a date, as the patterns they stand for in words (short is numeric).
_PATTERNS = {"full": "MMMM", "long": "MMMM", "medium": "MMM", "short": ""}
_IN_WORDS = re.compile("MMM")
_DAY_ONE = re.compile(r"(?<!\d)1(?=\s)")  # the day, before its month


@dataclass(frozen=True)
class Localized:
    """A text in the build's language, or the English text where no translation is written
    (`untranslated`: outputs mark it so a reader knows)."""

    text: str
    untranslated: bool = False

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def field_of(row: Any, name: str) -> Any:
    """A value of a record, whether the record is a dict, a pandas row (Series) or a
    namedtuple of itertuples(); None when it has no such field."""
    if isinstance(row, Mapping) or hasattr(row, "index") and hasattr(row, "get"):
        return row.get(name)
    return getattr(row, name, None)


def _text(value: Any) -> str:
    return "" if is_blank(value) else str(value).strip()


class Texts:
    """The texts of one language; get it with `texts(code)` (cached)."""

    def __init__(self, lang: Language, schema: Schema | None = None) -> None:
        self.language = lang
        self._schema = schema

    def __repr__(self) -> str:
        return f"Texts({self.language.code!r})"

    @property
    def code(self) -> str:
        return self.language.code

    @property
    def english(self) -> bool:
        return self.language.code == DEFAULT

    @cached_property
    def schema(self) -> Schema:
        return self._schema or load_schema()

    @cached_property
    def _messages(self) -> dict[tuple[str | None, str], str]:
        return {} if self.english else messages(self.code)

    @cached_property
    def _plurals(self) -> Plurals:
        return plurals(self.code)

    @cached_property
    def _labels(self) -> SchemaLabels:
        return SchemaLabels() if self.english else schema_labels(self.code)

    # -- fixed texts --
    def t(self, msgid: str, context: str | None = None) -> str:
        """The fixed text `msgid` (English) in this language; English where the catalogue has
        no translation (tests/test_i18n.py fails on such a gap in French)."""
        if self.english:
            return msgid
        return self._messages.get((context, msgid)) or msgid

    def has(self, msgid: str, context: str | None = None) -> bool:
        """Whether the catalogue translates `msgid` (English always does)."""
        return self.english or (context, msgid) in self._messages

    def ngettext(self, singular: str, plural: str, n: int, context: str | None = None) -> str:
        """The template of `n` things: the form of the catalogue's plural entry (msgid
        `singular`, msgid_plural `plural`) that the language's Plural-Forms rule picks for `n`
        (French: 0 and 1 take the singular; English: only 1); unfilled, so the caller fills
        its {placeholders}. English where the catalogue has no such entry
        (tests/test_french_words.py fails on such a gap in French)."""
        if not self.english:
            forms = self._plurals.forms.get((context, singular))
            if forms:
                return forms[min(self._plurals.index(n), len(forms) - 1)]
        return singular if n == 1 else plural

    def plural(self, n: int, one: str, other: str, context: str | None = None,
               **parts: Any) -> str:
        """`one` or `other` ('{n} error' / '{n} errors') in this language, in the form its
        plural rule takes for `n`, with {n} (in this language's digits) and `parts` filled."""
        return self.ngettext(one, other, n, context).format(n=self.number(n), **parts)

    @property
    def list_separator(self) -> str:
        """What separates the items of a list in a sentence or a cell: '; ', in French with a
        no-break space before the semicolon."""
        return self.t("; ", "lists")

    def page_footer(self, n: int, total: int) -> str:
        """'Page 2 of 7' / 'Page 2 sur 7'."""
        return self.t("Page {n} of {total}", "footer").format(n=n, total=total)

    # -- dates and numbers (Babel, offline: CLDR data ships in its wheel) --
    def date(self, d: date | datetime | Any, form: str = "long") -> str:
        """A date as a reader of this language writes it: long '12 septembre 2025' /
        '12 September 2025'; medium, short, full, or a CLDR pattern such as 'MMMM y'."""
        from babel.dates import format_date

        if hasattr(d, "to_pydatetime"):
            d = d.to_pydatetime()
        if isinstance(d, datetime):
            d = d.date()
        text = format_date(d, format=form, locale=self.language.babel_locale)
        first = self.language.first_day
        if first and d.day == 1 and _IN_WORDS.search(_PATTERNS.get(form, form)):
            text = _DAY_ONE.sub(first, text, count=1)  # « 1er septembre 2025 »
        return text

    def number(self, n: float | int, decimals: int | None = None) -> str:
        """A number with this language's separators: 32,767 / 32 767 (narrow no-break space);
        `decimals`: that many digits after the decimal mark."""
        from babel.numbers import format_decimal

        pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals
                                                           else "")
        return format_decimal(n, format=pattern, locale=self.language.babel_locale)

    def title(self) -> str:
        """The title of the mapping (schemas/workbook.yaml's, or its translation)."""
        return str(self._labels.workbook.get("title") or self.schema.title)

    # -- names and vocabularies --
    def country(self, iso3: str) -> str:
        """The country's name in this language ('Égypte'); the extra codes (XEU...) by their
        declared names; the code itself when unknown."""
        english = self.schema.vocabulary("countries").label(iso3)
        if self.english:
            return english
        if iso3 in self._labels.countries:
            return self._labels.countries[iso3]
        return _babel_country(iso3, self.language.babel_locale) or english

    def term(self, vocabulary: str, value: str) -> str:
        """The label of a controlled-vocabulary term in this language (the workbook keeps the
        canonical value): term('relevance', 'High') == 'Élevée'."""
        if vocabulary == "countries":
            return self.country(value)
        vocab = self.schema.vocabularies.get(vocabulary)
        english = vocab.label(value) if vocab is not None else value
        if self.english:
            return english
        return self._labels.vocabularies.get(vocabulary, {}).get(value, english)

    def counted_term(self, n: int, vocabulary: str, value: str) -> str:
        """A count followed by a status, as a table's totals show them: '2 planned' / '2
        prévus'. In French the status agrees with what is counted (interviews, tasks,
        sources), so each term has a plural entry under msgctxt 'count <vocabulary>' (msgid
        '{n} planned'); without one, the count and the term's label."""
        english = "{n} " + self.schema.vocabularies[vocabulary].label(value).lower()
        if self.english:
            return english.format(n=self.number(n))
        context = "count " + vocabulary
        if (context, english) in self._plurals.forms:
            return self.plural(n, english, english, context)
        return f"{self.number(n)} {self.term(vocabulary, value).lower()}"

    def term_unconfirmed(self, vocabulary: str, value: str) -> bool:
        """Whether the label of a term is our rendering, not checked against an official text
        in this language (GCM objectives 17, 18, 19 and 22 in French): outputs may mark it."""
        return value in self._labels.unconfirmed.get(vocabulary, frozenset())

    def has_term(self, vocabulary: str, value: str) -> bool:
        return self.english or value in self._labels.vocabularies.get(vocabulary, {})

    def sheet(self, sheet: str) -> str:
        """The name of a sheet of the workbook in this language (for the outputs; the master
        workbook keeps its declared names)."""
        found = self._labels.sheets.get(sheet)
        return (found.name if found and found.name else sheet)

    def sheet_description(self, sheet: str) -> str:
        found = self._labels.sheets.get(sheet)
        if found and found.description:
            return found.description
        return self.schema.sheet(sheet).description

    def header(self, sheet: str, column: str) -> str:
        """A column's header in this language; `column` is its declared name or field."""
        name = self.schema.sheet(sheet).column(column).name
        found = self._labels.sheets.get(sheet)
        return found.headers.get(name, name) if found else name

    def help(self, sheet: str, column: str) -> str:
        """A column's help text (its description) in this language."""
        col = self.schema.sheet(sheet).column(column)
        found = self._labels.sheets.get(sheet)
        return found.helps.get(col.name, col.description) if found else col.description

    # -- bodies and content --
    def body_name(self, row: Any) -> Localized:
        """A body's full name: 'Ligue des États arabes' from Name (French), else the English
        name, marked untranslated."""
        return self._pick(row, "name_en", "name_" + self.code)

    def body_acronym(self, row: Any) -> Localized:
        """A body's acronym (entities) or short name (dialogues) in this language: LEA from
        Acronym (French), 'Processus de Rabat' from Short name (French); else the English one,
        marked untranslated."""
        return self._pick(row, "acronym", "acronym_" + self.code)

    def content(self, row: Any, column: str, sheet: str | None = None) -> Localized:
        """A free-text column's text in this language: its declared counterpart (e.g.
        'Mandate (French)', `translation_of: mandate`) where filled, else the English text
        marked untranslated. `column` is the English column's field or name."""
        english_field = column
        if sheet is not None:
            english_field = self.schema.sheet(sheet).column(column).field
        counterpart = (self._translations.get((sheet, english_field))
                       or self._translations.get((None, english_field)))
        if counterpart is None:
            return Localized(_text(field_of(row, english_field)), untranslated=False)
        return self._pick(row, english_field, counterpart)

    @cached_property
    def _translations(self) -> dict[tuple[str | None, str], str]:
        return translation_fields(self.schema, self.code)

    def _pick(self, row: Any, english_field: str, own_field: str) -> Localized:
        english = _text(field_of(row, english_field))
        if self.english:
            return Localized(english)
        own = _text(field_of(row, own_field))
        if own:
            return Localized(own)
        return Localized(english, untranslated=bool(english))


def translation_fields(schema: Schema, code: str) -> dict[tuple[str | None, str], str]:
    """(sheet, English field) -> the field of its counterpart in `code`, from the columns
    declared with `translation_of`; also under (None, field) for a caller that names no
    sheet."""
    found: dict[tuple[str | None, str], str] = {}
    for sheet in schema.sheets:
        for col in sheet.columns:
            if col.translation_of and col.language == code:
                found[(sheet.name, col.translation_of)] = col.field
                found.setdefault((None, col.translation_of), col.field)
    return found


@lru_cache(maxsize=512)
def _babel_country(iso3: str, locale: str) -> str | None:
    import pycountry
    from babel import Locale

    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return None
    return Locale.parse(locale).territories.get(country.alpha_2)


@lru_cache(maxsize=8)
def texts(code: str = DEFAULT) -> Texts:
    """The texts of language `code` (cached); UnknownLanguage for a code that is not declared
    or whose catalogue is not written (Arabic, for now)."""
    return Texts(written(code))
