"""What a column check's message says about a cell: the value quoted (long text cut), and the
hint of what to type instead: a real date for a text date (both readings of 08/09/2025), a
number stored as text, the closest allowed value or country, the list separator, the ID meant.
`columns` finds the failing cells; the messages are made here, once per distinct value."""

from __future__ import annotations

import difflib
import re
from typing import Any

import pandas as pd

from matrixbook.report import Rule, rule_of
from matrixbook.report.catalogue import (
    OUT_OF_RANGE,
    PATTERN,
    UNKNOWN_COUNTRY,
    UNKNOWN_REFERENCE,
    VOCABULARY,
)
from matrixbook.report.message import Country, Help, Joined, Message, msg
from matrixbook.schema import Column, Schema

INNER_NBSP = "\u00a0"
DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\s*$")
# keys["Policies.Policy ID" + USED_TWICE]: the IDs of that sheet that stand in two rows or more
USED_TWICE = " (used twice)"
# A date typed the right way but kept as text (a cell formatted as Text, or an apostrophe)
ISO_DAY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")


def text_value(v: Any) -> str:
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def brief(v: Any, limit: int = 60) -> str:
    """A value as quoted in a message: long text cut, so a 32,767-character cell stays readable."""
    text = text_value(v)
    return text if len(text) <= limit else text[: limit - 1] + f"… ({len(text):,} characters)"


def clean_text(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    text = text_value(v).replace(INNER_NBSP, " ").strip()
    return text or None


def _day_month_hint(shown: str, a: str, b: str, y: str, example: str) -> Message:
    """The real dates a text date like 18/08/2025 can mean: both readings when both exist,
    the one that exists otherwise (there is no month 18)."""
    import datetime as dt

    year = int(y if len(y) == 4 else "20" + y)
    readings = []
    for day, month in ((int(a), int(b)), (int(b), int(a))):
        try:
            readings.append((dt.date(year, month, day), day, month))
        except ValueError:
            continue
    if len(readings) == 2 and readings[0][0] != readings[1][0]:
        (first, d1, m1), (second, d2, m2) = readings
        return msg("wrong-type", "'{shown}' is text, not a date, and it is ambiguous. Type it "
                   "as a real date: {first} if you mean day {d1} of month {m1}, or {second} if "
                   "you mean month {m2} day {d2}.", shown=shown, first=first.isoformat(),
                   d1=d1, m1=m1, second=second.isoformat(), m2=m2, d2=d2)
    if readings:
        only = readings[0][0]
        return msg("wrong-type", "'{shown}' is text, not a date. Type it as a real date: {day} "
                   "(day {d} of month {m}).", shown=shown, day=only.isoformat(),
                   d=readings[0][1], m=readings[0][2])
    return msg("wrong-type", "'{shown}' is text, not a date, and no such day exists. Type the "
               "date as a real date, e.g. {example}.", shown=shown, example=example)


def _exists(text: str) -> bool:
    """Whether an ISO-looking text names a day (and time) that exists."""
    import datetime as dt

    try:
        dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def type_hint(col: Column, value: Any) -> Message:
    shown = brief(value)
    if col.type == "date":
        example = "2025-08-26 10:00" if col.time else "2025-09-12"
        if isinstance(value, str):
            m = DAY_FIRST.match(value)
            if m:
                a, b, y = m.groups()
                return _day_month_hint(shown, a, b, y, example)
            if ISO_DAY.match(value) and _exists(value):
                return msg("wrong-type", "'{shown}' is written as a date but stored as text "
                           "(the cell is formatted as Text, or the date was typed after an "
                           "apostrophe). Format the cell as a date (Format Cells > Date) and "
                           "type the date again, without an apostrophe.", shown=shown)
            return msg("wrong-type", "'{shown}' is text, not a date. Type the date as a real "
                       "date, e.g. {example}.", shown=shown, example=example)
        if isinstance(value, bool):
            return msg("wrong-type", "'{shown}' is a yes/no value, not a date. Type a date, "
                       "e.g. {example}.", shown=shown, example=example)
        return msg("wrong-type", "'{shown}' is a number, not a date. Format the cell as a date "
                   "(Format Cells > Date) or re-type it, e.g. {example}.", shown=shown,
                   example=example)
    if col.type == "integer":
        if isinstance(value, str) and value.strip().isdigit():
            return msg("wrong-type", "'{shown}' is stored as text; {column} needs a number. "
                       "Re-type it as a number, e.g. {digits}, without quotes or a leading "
                       "apostrophe.", shown=shown, column=col.name, digits=value.strip())
        return msg("wrong-type", "'{shown}' is not a whole number. Type a whole number, e.g. "
                   "2018.", shown=shown)
    if col.type == "number":
        return msg("wrong-type", "'{shown}' is not a number. Type a number, e.g. 60.",
                   shown=shown)
    if col.type == "boolean":
        return msg("wrong-type", "'{shown}' is not yes or no. Type Yes or No.", shown=shown)
    return msg("wrong-type", "'{shown}' is not text. Type it as text.", shown=shown)


def spaces_message(value: Any) -> Message:
    text = clean_text(value)
    cleaned = brief(text)
    what = (msg("whitespace", "a non-breaking space") if INNER_NBSP in str(value)
            else msg("whitespace", "spaces before or after the text"))
    if text is None:
        return msg("whitespace", "The cell holds only spaces, so it is read as empty. Clear it "
                   "(select it and press Delete) or type the value.")
    return msg("whitespace", "The cell holds {what}; it is read as '{cleaned}'. Retype it as "
               "'{cleaned}'.", what=what, cleaned=cleaned)


def _closest(value: str, allowed: tuple[str, ...], by_lower: dict[str, str]) -> str | None:
    if value.casefold() in by_lower:
        return by_lower[value.casefold()]
    guess = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if not guess:
        lowered = {a.casefold(): a for a in allowed}
        g = difflib.get_close_matches(value.casefold(), list(lowered), n=1, cutoff=0.6)
        guess = [lowered[g[0]]] if g else []
    return guess[0] if guess else None


def _country_named(item: str, codes: frozenset[str] | set[str]) -> str | None:
    """The code of the country `item` names ('Saudi Arabia', 'Kingdom of Morocco', 'MA'), by
    pycountry's names, if the vocabulary has it."""
    import pycountry

    try:
        found = pycountry.countries.lookup(item.strip())
    except LookupError:
        return None
    return found.alpha_3 if found.alpha_3 in codes else None


def _bad_items(col: Column, value: Any, ok) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if not ok(v)]


def typed_messages(schema: Schema, sheet_name: str, col: Column, check: str, value: Any,
                    keys: dict[str, set[str]]) -> list[tuple[Rule, Message]]:
    """The rule and message of each finding a typed cell holding `value` gets (one per bad
    item of a list)."""
    if check in (VOCABULARY.code, UNKNOWN_COUNTRY.code) and col.vocabulary:
        vocab = schema.vocabulary(col.vocabulary)
        found = []
        for item in _bad_items(col, value, lambda v: v in vocab.code_set):
            text: Message
            parts = [p.strip() for p in item.split(",")]
            if col.is_list and len(parts) > 1 and all(p in vocab.code_set for p in parts):
                fixed = f"{schema.separator} ".join(parts)
                parts_of = {"value": brief(item), "count": len(parts),
                            "separator": schema.separator, "fixed": fixed}
                text = (msg("unknown-country", "'{value}' holds {count} values separated by "
                            "commas; this column separates them with '{separator}'. Type "
                            "'{fixed}'.", **parts_of) if check == UNKNOWN_COUNTRY.code else
                        msg("vocabulary", "'{value}' holds {count} values separated by "
                            "commas; this column separates them with '{separator}'. Type "
                            "'{fixed}'.", **parts_of))
                found.append((rule_of(check), text))
                continue
            guess = _closest(item, vocab.codes, vocab.by_lower)
            if check == UNKNOWN_COUNTRY.code:
                guess = _country_named(item, vocab.code_set) or guess
                hint: Message | str = (
                    msg("unknown-country", " Did you mean '{guess}' ({name})?", guess=guess,
                        name=Country(guess, vocab.label(guess))) if guess else "")
                text = msg("unknown-country", "'{value}' is not an ISO 3166-1 alpha-3 country "
                           "code.{hint} Type a three-letter code such as MAR, EGY or SAU, or "
                           "pick the country from the list.", value=brief(item), hint=hint)
                code = item.strip()[:3].upper()
                choice = re.fullmatch(r"\s*\w{3}\s+[\u2014\u2013-]\s+.+", item)
                if code in vocab.code_set and choice:
                    text = msg("unknown-country", "'{value}' mixes two countries: {code} is "
                               "{name}. Pick the country from the list, or type its "
                               "three-letter code alone.", value=brief(item), code=code,
                               name=Country(code, vocab.label(code)))
            else:
                if guess:
                    hint = msg("vocabulary", " Did you mean '{guess}'?", guess=guess)
                elif len(vocab.codes) <= 8:
                    hint = msg("vocabulary", " Allowed: {codes}.", codes=", ".join(vocab.codes))
                else:
                    hint = msg("vocabulary", " Pick a value from the drop-down list.")
                text = msg("vocabulary", "'{value}' is not an allowed value for {column}.{hint}",
                           value=brief(item), column=col.name, hint=hint)
            found.append((rule_of(check), text))
        return found
    if check == PATTERN.code and col.regex is not None:
        rx = col.regex
        return [(PATTERN, msg("pattern", "'{value}' is not a valid {column}. {description}",
                              value=brief(item), column=col.name,
                              description=Help(sheet_name, col.name, col.description)))
                for item in _bad_items(col, value, lambda v: bool(rx.fullmatch(str(v))))]
    if check == OUT_OF_RANGE.code:
        lo = col.minimum.isoformat() if hasattr(col.minimum, "isoformat") else col.minimum
        hi = col.maximum.isoformat() if hasattr(col.maximum, "isoformat") else col.maximum
        v = value.date().isoformat() if hasattr(value, "date") and col.type == "date" else value
        return [(OUT_OF_RANGE, msg(
            "out-of-range", "{value} is outside the range allowed for {column}: from {low} "
            "to {high}. Check for a typing mistake.", value=v, column=col.name, low=lo,
            high=hi))]
    if check == UNKNOWN_REFERENCE.code:
        known = set().union(*(keys.get(str(r), set()) for r in col.references))
        targets = Joined(tuple(msg("unknown-reference", "the {sheet} sheet", sheet=r.sheet)
                               for r in col.references),
                         msg("unknown-reference", " or "))
        copied = [r for r in col.references if keys.get(f"{r}{USED_TWICE}")]
        unknown = []
        for item in _bad_items(col, value, lambda v: v in known):
            close = difflib.get_close_matches(item, sorted(known), n=1, cutoff=0.7)
            ref_hint: Message | str = (msg("unknown-reference", " Did you mean '{guess}'?",
                                           guess=close[0]) if close else "")
            if copied:  # a copy may have overwritten it: another ID would be the wrong fix
                ref_hint = msg(
                    "unknown-reference", " The {sheet} sheet has an ID in two rows (see its "
                    "duplicate-ID error): if a copied row took the place of '{value}', give "
                    "that row its own ID back.", sheet=copied[0].sheet, value=brief(item))
            unknown.append((UNKNOWN_REFERENCE, msg(
                "unknown-reference", "'{value}' is not an ID defined in {targets}.{hint} Add "
                "that record first, or correct the ID.", value=brief(item),
                targets=targets, hint=ref_hint)))
        return unknown
    return [(rule_of(check), msg("check", "{column} failed the check '{check}'.",
                                 column=col.name, check=check))]
