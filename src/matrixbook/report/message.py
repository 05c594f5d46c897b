"""A finding's message kept as its template and parts, so that it can be written in another
language: `str(message)` is the English text; `message.render(texts)` the text of a language
(matrixbook.i18n.words gives `texts`: its `t` translates the template, `help` a column's help
text, `number` a number).

    msg("required", "{column} is required: {description}",
        column=col.name, description=Help(sheet.name, col.name, col.description))

The first argument is the gettext context (the rule's code), the second the English template:
both are literal strings, so the catalogue can be checked against the code
(tests/test_findings_fr.py). What the user must type stays as it is in every language: the
headers, the values of a list, IDs and dates are the workbook's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Words(Protocol):
    """What rendering in a language needs (matrixbook.i18n.Texts is one)."""

    def t(self, msgid: str, context: str | None = None) -> str: ...

    def help(self, sheet: str, column: str) -> str: ...

    def number(self, n: float | int, decimals: int | None = None) -> str: ...

    def country(self, iso3: str) -> str: ...

    def plural(self, n: int, one: str, other: str, context: str | None = None) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, context: str | None = None) -> str: ...


class _Keep(dict[str, Any]):
    """Placeholders with no value stay as they are ({n} and {items} of a grouped text)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Message:
    template: str
    args: tuple[tuple[str, Any], ...] = ()
    context: str | None = None

    def __str__(self) -> str:
        # The English text, rendered once: one message is often shared by thousands of
        # findings (a required column empty in 100,000 rows), each of which asks for it.
        text = self.__dict__.get("_english")
        if text is None:
            text = self.render(None)
            object.__setattr__(self, "_english", text)
        return text

    # A count's message: `plural` is the English template for counts other than one, and
    # `count` the part whose number picks the form (the catalogue's plural entry in another
    # language: French takes the singular for 0 and 1).
    plural: str | None = None
    count: str | None = None

    def render(self, words: Words | None) -> str:
        template = self._template(words)
        values = _Keep({k: render(v, words) for k, v in self.args})
        return template.format_map(values)


    def _template(self, words: Words | None) -> str:
        if self.plural is None:
            return words.t(self.template, self.context) if words is not None else self.template
        n = dict(self.args)[self.count or "n"]
        n = int(getattr(n, "value", n))
        if words is None:
            return self.template if n == 1 else self.plural
        return words.ngettext(self.template, self.plural, n, self.context)


@dataclass(frozen=True)
class Help:
    """A column's help text (its description), in the language of the message."""

    sheet: str
    column: str
    english: str

    def render(self, words: Words | None) -> str:
        return words.help(self.sheet, self.column) if words is not None else self.english


@dataclass(frozen=True)
class Num:
    """A count or size with the separators of the language (32,767 / 32 767)."""

    value: int | float
    spec: str = ","  # how English writes it (format spec): "," groups thousands, "g" 4.5 / 5

    def render(self, words: Words | None) -> str:
        return words.number(self.value) if words is not None else format(self.value, self.spec)


@dataclass(frozen=True)
class Joined:
    """Parts joined by `sep` (each part rendered in the language)."""

    parts: tuple[Any, ...]
    sep: Any = ""

    def render(self, words: Words | None) -> str:
        return render(self.sep, words).join(render(p, words) for p in self.parts)


@dataclass(frozen=True)
class Said:
    """A text declared in schemas/ rather than in the code (a hint of climb.yaml), translated
    by the catalogue under `context` (its rule's code)."""

    text: str
    context: str

    def render(self, words: Words | None) -> str:
        return words.t(self.text, self.context) if words is not None else self.text


@dataclass(frozen=True)
class Capitalized:
    """A part at the start of a sentence: its first letter in capitals."""

    part: Any

    def render(self, words: Words | None) -> str:
        text = render(self.part, words)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Country:
    """A country's name (its code stays the code), in the language of the message."""

    code: str
    english: str

    def render(self, words: Words | None) -> str:
        return words.country(self.code) if words is not None else self.english


def render(value: Any, words: Words | None) -> str:
    if hasattr(value, "render"):
        return str(value.render(words))
    return str(value)


def msg(context: str, template: str, **args: Any) -> Message:
    """A message of rule `context` from its English `template` and its parts."""
    return Message(template, tuple(args.items()), context)


def msgp(context: str, singular: str, plural: str, count: str = "n", **args: Any) -> Message:
    """A message of rule `context` about a number of things: the English `singular` template
    for one, `plural` for any other number, the number being the part named `count`; in
    another language the catalogue's plural entry gives the form its rule takes."""
    return Message(singular, tuple(args.items()), context, plural, count)
