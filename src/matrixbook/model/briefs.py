"""What a briefing note says about a body, as plain data: its sections (the columns of Entities /
Dialogues declared `section: true` in schemas/, in their declared order), key facts, members
(Memberships), instruments (Policies), themes (Themes), numbered references (Sources, through
the body's `source_ids`) and the recommendations that name it (placed after the section
RECOMMENDATIONS_AFTER); and how many pages it would print.

The briefs output renders this content twice (Word and HTML); `validate --stage final` reads its
page estimate, with the text and date helpers of `text` and the page rates of `pages`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from matrixbook.i18n import Localized, Texts
from matrixbook.i18n import texts as texts_of
from matrixbook.model import language, memberships, relevance
from matrixbook.model import recommendations as recs
from matrixbook.model.cover import PAGE_POINTS
from matrixbook.model.cover import cover as cover_of
from matrixbook.model.pages import (
    HEADING_LINES,
    NOTE_LINES_PER_PAGE,
    NOTE_MAP_LINES,
    REFERENCE_CHARS,
    REFERENCE_LINE,
    TEXT_CHARS,
    PageEstimate,
    wrapped_lines,
    wrapped_table,
)
from matrixbook.model.text import as_text, clean, country_names, day, paragraphs, record, words
from matrixbook.schema import Schema, Sheet
from matrixbook.values import is_blank

# How a note names the kind of a body, by the id of its sheet (SheetNames; the same words as
# ctx.bodies()).
KINDS = {"entities": "Regional entity", "dialogues": "Inter-regional dialogue"}
KIND_WORDS = {"entities": "entity", "dialogues": "dialogue"}
# Fields the note places itself (title, other names, boxes); every other non-section column of
# the sheet is listed as a key fact on the cover, under its column name.
_PLACED = {"acronym", "name_en", "unconfirmed", "source_ids"}
_OTHER_NAMES = ("name_", "acronym_")
RECOMMENDATIONS_HEADING = "Recommendations for IOM's strategic positioning"
RECOMMENDATIONS_AFTER = "opportunities"  # the section it follows (else it comes last)


def section_columns(sheet: Sheet) -> list[Any]:
    """The brief sections of a kind of note, straight from the schema."""
    return [c for c in sheet.columns if c.section]


def _fact_columns(sheet: Sheet, frame: pd.DataFrame) -> list[Any]:
    key = sheet.key_column.field if sheet.key_column else None
    return [c for c in sheet.columns
            if not c.section and not c.internal and c.field in frame.columns
            and c.field != key and c.field not in _PLACED and not c.translation_of
            and not (c.field.startswith(_OTHER_NAMES) and c.field != "name_en")]


def _fact_value(schema: Schema, col: Any, value: Any, countries: dict[str, str]) -> str:
    if col.vocabulary == "countries" and not is_blank(value):
        codes = value if isinstance(value, list) else [value]
        return "; ".join(countries.get(str(c), str(c)) for c in codes)
    if col.vocabulary and not is_blank(value) and col.vocabulary != "countries":
        vocabulary = schema.vocabulary(col.vocabulary)
        items = value if isinstance(value, list) else [value]
        return "; ".join(vocabulary.label(str(v)) for v in items)
    return as_text(value)


class Lookup:
    """The supporting rows of every body, grouped once per build: a workbook with a thousand
    bodies and a hundred thousand policies must not be scanned once per note."""

    def __init__(self, schema: Schema, tables: dict[str, pd.DataFrame],
                 on: date | None = None, texts: Texts | None = None) -> None:
        self.texts = texts or texts_of("en")
        self.english = self.texts.english
        self.countries = country_names(schema)
        names = schema.names
        if not self.english:
            self.countries = {code: memberships.without_note(code, self.texts.country(code),
                                                             schema)
                              for code in self.countries}
        self.on = on if on is not None else data_day(schema, tables)
        self.roster = memberships.Roster(tables.get(names.memberships))
        self.groups: dict[str, dict[str, pd.DataFrame]] = {}
        for sheet in (names.themes,):  # Policies: self.policies, read once into the notes' rows
            t = tables.get(sheet)
            if t is None or t.empty or "body_id" not in t:
                self.groups[sheet] = {}
                continue
            self.groups[sheet] = {str(k): g for k, g in t.groupby("body_id", sort=False)}
        self.policies = _policy_rows(tables.get(names.policies), self.texts, schema)
        self.recommendations = recs.by_body(recs.read(tables.get(names.recommendations), schema))
        sources = tables.get(names.sources)
        self.sources: dict[str, Any] = {}
        if sources is not None and not sources.empty:
            for rec in sources.to_dict("records"):
                self.sources.setdefault(as_text(rec.get("source_id")), rec)

    def rows(self, sheet: str, body_id: str) -> pd.DataFrame:
        """The body's rows of Themes (Memberships are read through `roster`, Policies are in
        `policies`, as the rows of the note's table)."""
        return self.groups[sheet].get(body_id, _EMPTY)


_EMPTY = pd.DataFrame()


def data_day(schema: Schema, tables: dict[str, pd.DataFrame]) -> date | None:
    """The date of the data (the latest 'Checked on'), as BuildContext.data_date reads it."""
    names = schema.names
    days = [t["checked_on"].max() for t in (tables.get(names.entities), tables.get(names.dialogues))
            if t is not None and "checked_on" in t and t["checked_on"].notna().any()]
    return max(days).date() if days else None


def _members(schema: Schema, lookup: Lookup, body_id: str) -> list[dict[str, Any]]:
    """Every role recorded for the body, past ones included, each with its period in words
    ("since 20 January 2024", "ended (date not recorded)") by the shared rule."""
    by_country = lookup.roster.by_body.get(body_id, {})
    countries = lookup.countries
    roles = list(schema.vocabulary("membership_roles").codes)
    bodies_not_states = memberships.organisations(schema)
    t = lookup.texts.t
    out: list[dict[str, Any]] = []
    for rows in by_country.values():
        for r in rows:
            name = countries.get(r.country, r.country)
            if r.country in bodies_not_states:
                name = f"{name} ({t(memberships.ORGANISATION, _CTX)})"
            role = r.role if lookup.english else lookup.texts.term("membership_roles", r.role)
            out.append({
                "code": r.country,
                "country": name,
                "role": role + ("" if r.confirmed else " " + t("(not confirmed)", _CTX)),
                "period": _period(lookup, r),
                "note": language.marked(r.note, not lookup.english),
                "confirmed": r.confirmed,
                "current": memberships.is_current(r, lookup.on),
                "_order": (roles.index(r.role) if r.role in roles else len(roles),
                           memberships.sort_key(name), r.start or date.min),
            })
    out.sort(key=lambda m: m["_order"])
    for m in out:
        del m["_order"]
    return out


_CTX = language.CONTEXT  # the msgctxt of the notes' texts


def _period(lookup: Lookup, row: Any) -> str:
    """When a row's role held, in words (memberships.period), in the note's language."""
    if lookup.english:
        return memberships.row_period(row, day)
    t, when = lookup.texts.t, lookup.texts.date
    start, end = row.start, row.end
    if start and end:
        return t("from {start} to {end}", _CTX).format(start=when(start), end=when(end))
    if end:
        return t("until {end}", _CTX).format(end=when(end))
    if row.ended:
        return (t("from {start}; ended (date not recorded)", _CTX).format(start=when(start))
                if start else t("ended (date not recorded)", _CTX))
    if start:
        return t("since {start}", _CTX).format(start=when(start))
    return memberships.FROM_FOUNDING


# How a count of states or organisations names their role: "55 member states".
_ADJECTIVE = {"Member": "member", "Observer": "observer", "Participant": "participating",
              "Suspended": "suspended"}
NAMED_UP_TO = 3  # unconfirmed seats named in the sentence; beyond, counted


def _not_confirmed(seats: list[Any], lookup: Lookup) -> str:
    """"1 not confirmed: United Kingdom", or the count alone when there are many."""
    text = f"{len(seats)} not confirmed"
    if not lookup.english:
        text = _plural(lookup.texts, len(seats), "{n} not confirmed", "{n} not confirmed")
    if len(seats) <= NAMED_UP_TO:
        text += lookup.texts.t(": ", _CTX) + ", ".join(
            lookup.countries.get(s.country, s.country) for s in seats)
    return text


def _plural(texts: Texts, n: int, one: str, many: str) -> str:
    """The text for a count, singular or plural by the language's rule (French: 0 and 1
    singular), with {n} in it."""
    return texts.plural(n, one, many, _CTX)


# A count of states or organisations with a role, in another language than English:
# (role, organisation) -> the singular and plural texts ("{n} member state(s)").
_COUNTED = {(role, org): (f"{{n}} {word} {kind}", f"{{n}} {word} {kind}s")
            for role, word in (("Member", "member"), ("Observer", "observer"),
                               ("Participant", "participating"), ("Suspended", "suspended"))
            for org, kind in ((False, "state"), (True, "organisation"))}


def _counted(lookup: Lookup, role: str, organisation: bool, n: int) -> str:
    """"55 member states" in the note's language."""
    adjective = _ADJECTIVE.get(role, role.lower())
    kind = "organisation" if organisation else "state"
    if lookup.english:
        return f"{n} {adjective} {kind}{'s' if n != 1 else ''}"
    one, many = _COUNTED.get((role, organisation),
                             (f"{{n}} {adjective} {kind}", f"{{n}} {adjective} {kind}s"))
    return _plural(lookup.texts, n, one, many)


def _member_summary(schema: Schema, lookup: Lookup, body_id: str,
                    members: list[dict[str, Any]]) -> str:
    """Who holds which role on the date every output reads memberships on, in one sentence,
    then how many of the rows listed are over."""
    if not members:
        return ""
    seats = [s for s in lookup.roster.seats(body_id, lookup.on) if s.role]
    bodies_not_states = memberships.organisations(schema)
    parts = []
    for role in schema.vocabulary("membership_roles").codes:
        held = [s for s in seats if s.role == role]
        if not held:
            continue
        states = [s for s in held if s.country not in bodies_not_states]
        others = [s for s in held if s.country in bodies_not_states]
        if states:
            text = _counted(lookup, role, False, len(states))
            if role == memberships.SUSPENDED:
                text += " (" + ", ".join(lookup.countries.get(s.country, s.country)
                                         for s in states) + ")"
            elif doubtful := [s for s in states if not s.confirmed]:
                text += f" ({_not_confirmed(doubtful, lookup)})"
            parts.append(text)
        if others:
            unconfirmed = lookup.texts.t(", not confirmed", _CTX)
            text = (_counted(lookup, role, True, len(others)) + " ("
                    + ", ".join(lookup.countries.get(s.country, s.country)
                                + ("" if s.confirmed else unconfirmed) for s in others)
                    + ")")
            parts.append(text)
    past = sum(1 for m in members if not m["current"])
    if not lookup.english:
        return _member_sentence(lookup, parts, past)
    when = f"On {day(lookup.on)}" if lookup.on else "With no date to read them on"
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
    sentence = f"{when}: {listed or 'no country holds a role'}."
    sentence += " The table lists every role recorded in the mapping"
    sentence += (f", including {past} that {'have' if past != 1 else 'has'} ended."
                 if past else ".")
    return sentence


def _member_sentence(lookup: Lookup, parts: list[str], past: int) -> str:
    """The members' sentence of `_member_summary` in another language than English."""
    texts = lookup.texts
    t = texts.t
    listed = (", ".join(parts[:-1]) + t(" and ", _CTX) + parts[-1] if len(parts) > 1
              else "".join(parts)) or t("no country holds a role", _CTX)
    if lookup.on:
        sentence = t("On {date}: {listed}.", _CTX).format(date=texts.date(lookup.on),
                                                          listed=listed)
    else:
        sentence = t("With no date to read them on: {listed}.", _CTX).format(listed=listed)
    if past:
        return sentence + " " + _plural(
            texts, past, "The table lists every role recorded in the mapping, including {n} "
                         "that has ended.",
            "The table lists every role recorded in the mapping, including {n} that have "
            "ended.")
    return sentence + " " + t("The table lists every role recorded in the mapping.", _CTX)


def _policies(lookup: Lookup, body_id: str) -> list[dict[str, str]]:
    """The body's instruments, by year adopted then ID (undated last), as the note shows them."""
    return [dict(p) for p in lookup.policies.get(body_id, [])]


_POLICY_TEXT = {"id": "policy_id", "english": "title_en", "original": "title",
                "type": "instrument_type", "year": "year_adopted", "status": "status",
                "binding": "binding", "themes": "themes", "climate": "climate_context"}


def _policy_rows(policies: pd.DataFrame | None, language_texts: Texts | None = None,
                 schema: Schema | None = None) -> dict[str, list[dict[str, str]]]:
    """Every policy as the note's table row, grouped by body: the whole sheet sorted once and
    each column turned into text at once (a column holds few distinct values: a vocabulary, a
    year), rather than row by row for each of a thousand notes; vocabulary terms by their
    label in a language other than English."""
    if policies is None or policies.empty or "body_id" not in policies:
        return {}
    keys = [c for c in ("year_adopted", "policy_id") if c in policies]
    rows = policies.sort_values(keys, na_position="last") if keys else policies
    other = language_texts if language_texts is not None and not language_texts.english \
        else None
    sheet = (schema.sheet(schema.names.policies) if other is not None and schema is not None
             else None)

    def text_of(field: str) -> list[str]:
        if other is None or sheet is None or field not in sheet.by_field:
            return column_texts(rows[field])
        column = sheet.by_field[field]
        return [language.value_text(other, column, v) for v in rows[field].tolist()]

    texts = {name: (text_of(field) if field in rows else [""] * len(rows))
             for name, field in _POLICY_TEXT.items()}
    not_confirmed = " (not confirmed)" if other is None else " " + other.t("(not confirmed)",
                                                                          _CTX)
    confirmed = (rows["confirmed"].tolist() if "confirmed" in rows else [None] * len(rows))
    out: dict[str, list[dict[str, str]]] = {}
    for i, body in enumerate(rows["body_id"].tolist()):
        if is_blank(body):
            continue
        english, original = texts["english"][i], texts["original"][i]
        flagged = not is_blank(confirmed[i]) and not bool(confirmed[i])
        out.setdefault(str(body), []).append({
            "id": texts["id"][i],
            "title": english or original,
            "original": original if english and english != original else "",
            "type": texts["type"][i],
            "year": texts["year"][i],
            "status": texts["status"][i] + (not_confirmed if flagged else ""),
            "binding": texts["binding"][i] or "–",
            "themes": texts["themes"][i],
            "climate": texts["climate"][i],
        })
    return out


def column_texts(column: pd.Series) -> list[str]:
    """as_text of every cell of a column, each distinct value converted once."""
    done: dict[Any, str] = {}
    out = []
    for value in column.tolist():
        # The type is part of the key: True and 1 are equal keys but read "Yes" and "1".
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            out.append(done[key])
        except KeyError:
            # Text is as_text's commonest case: clean() alone (it strips, so blank gives '').
            text = clean(value) if value.__class__ is str else as_text(value)
            out.append(done.setdefault(key, text))
        except TypeError:  # a value that cannot be a key
            out.append(as_text(value))
    return out


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of the values `iterrows` would give (one object Series a row), without
    building a Series per row: a hundred thousand policies are read in one pass."""
    columns = list(rows.columns)
    return [dict(zip(columns, row, strict=True)) for row in rows.values]


def _themes(schema: Schema, lookup: Lookup, body_id: str) -> list[dict[str, str]]:
    rows = lookup.rows(schema.names.themes, body_id)
    if rows.empty:
        return []
    order = list(schema.vocabulary("themes").codes)
    out = []
    for t in _records(rows):
        level = relevance.level(as_text(t.get("relevance")))
        out.append({"theme": as_text(t.get("theme")), "relevance": level.label,
                    "fill": level.hex, "evidence": as_text(t.get("evidence"))})
    out.sort(key=lambda r: order.index(r["theme"]) if r["theme"] in order else len(order))
    if not lookup.english:
        texts = lookup.texts
        for r in out:
            r["relevance"] = texts.term("relevance", r["relevance"]) if r["relevance"] else ""
            r["theme"] = texts.term("themes", r["theme"])
            r["evidence"] = language.marked(r["evidence"], True)
    return out


def _sources(lookup: Lookup, ids: Any) -> list[dict[str, str]]:
    if is_blank(ids):
        return []
    out: list[dict[str, str]] = []
    for source_id in ids:
        s = lookup.sources.get(str(source_id))
        if s is None:
            continue  # an unknown ID is reported by validation; the note lists what exists
        publisher, title = as_text(s.get("publisher")), as_text(s.get("title"))
        accessed = day(s.get("accessed_on"), lookup.texts)
        text = ". ".join(p for p in (publisher, title) if p)
        url = as_text(s.get("url"))
        out.append({"n": str(len(out) + 1), "id": str(source_id), "text": text, "url": url,
                    "link": url if url.startswith(("http://", "https://")) else "",
                    "accessed": lookup.texts.t("accessed {date}", _CTX).format(date=accessed)
                    if accessed else ""})
    return out


def note_content(schema: Schema, tables: dict[str, pd.DataFrame], sheet_name: str,
                 row: Any, lookup: Lookup | None = None) -> dict[str, Any]:
    """Everything a note shows about one body, as text; `tables` are audience-filtered.
    Memberships are read on the lookup's date (the build's --today, else the date of the
    data), as in every other output."""
    lookup = lookup or Lookup(schema, tables)
    sheet = schema.sheet(sheet_name)
    frame = tables[sheet_name]
    rec = frame.loc[row]
    key = sheet.key_field
    body_id = as_text(rec[key])
    if not lookup.english:
        return _other_language(schema, lookup, sheet, frame, row, body_id)
    countries = lookup.countries
    other_names = [{"label": c.name, "value": as_text(rec[c.field])} for c in sheet.columns
                   if c.field.startswith(_OTHER_NAMES) and c.field != "name_en"
                   and c.field in frame.columns and not is_blank(rec[c.field])]
    facts = [{"label": c.name, "value": _fact_value(schema, c, rec[c.field], countries) or "–"}
             for c in _fact_columns(sheet, frame)]
    internal = [{"label": c.name, "value": as_text(rec[c.field]) or "Not recorded"}
                for c in sheet.columns if c.internal and c.field in frame.columns]
    sections = [{"heading": c.name, "field": c.field, "paragraphs": paragraphs(rec[c.field])}
                for c in section_columns(sheet) if c.field in frame.columns]
    _insert_recommendations(sections, lookup.recommendations.get(body_id, []))
    name = as_text(rec.get("name_en")) or body_id
    acronym = as_text(rec.get("acronym"))
    return _content(schema, lookup, sheet_name, frame, row, body_id, {
        "kind": KINDS[schema.sheet(sheet_name).id],
        "kind_word": KIND_WORDS[schema.sheet(sheet_name).id],
        "name": name,
        "acronym": acronym,
        "display_name": (f"{name} ({acronym})" if acronym and acronym not in name
                         else name),
        "other_names": other_names,
        "facts": facts,
        "internal_items": internal,
        "unconfirmed": paragraphs(rec.get("unconfirmed")),
        "sections": sections,
        "members_date": day(lookup.on),
    })


def _content(schema: Schema, lookup: Lookup, sheet_name: str, frame: pd.DataFrame, row: Any,
             body_id: str, said: dict[str, Any]) -> dict[str, Any]:
    """A note's content: what `said` says of the body in the note's language, with its
    members, instruments, themes and sources."""
    rec = frame.loc[row]
    members = _members(schema, lookup, body_id)
    return {
        "id": body_id,
        "kind": said["kind"],
        "kind_word": said["kind_word"],
        "name": said["name"],
        "acronym": said["acronym"],
        "display_name": said["display_name"],
        # The body in a footer or a map's caption: acronym, else name (marked if English).
        "label": said.get("label") or said["acronym"] or said["name"],
        "body": record(frame, row),
        "other_names": said["other_names"],
        "facts": said["facts"],
        "internal_items": said["internal_items"],
        "unconfirmed": said["unconfirmed"],
        "sections": said["sections"],
        "members": members,
        "members_summary": _member_summary(schema, lookup, body_id, members),
        "members_date": said["members_date"],
        "policies": _policies(lookup, body_id),
        "themes": _themes(schema, lookup, body_id),
        "sources": _sources(lookup, rec.get("source_ids")),
    }


def _insert_recommendations(sections: list[dict[str, Any]],
                            rows: list[recs.Recommendation], texts: Texts | None = None) -> None:
    """The recommendations section, after the section it follows in every note."""
    if texts is None or texts.english:
        section = {"heading": RECOMMENDATIONS_HEADING, "field": "recommendations",
                   "paragraphs": [r.sentence for r in rows]}
    else:
        section = {"heading": texts.t(RECOMMENDATIONS_HEADING, SECTION_CONTEXT),
                   "field": "recommendations", "paragraphs": [r.sentence_in(texts)
                                                              for r in rows]}
    fields = [s["field"] for s in sections]
    at = (fields.index(RECOMMENDATIONS_AFTER) + 1 if RECOMMENDATIONS_AFTER in fields
          else len(sections))
    sections.insert(at, section)


# The headings of a note's sections in another language are the words of the terms of
# reference (msgctxt "brief section", keyed by the column's English name); where they group
# two or three columns under one heading (« Mandats, structures de gouvernance et couverture
# géographique »), the consecutive sections with the same heading become one.
SECTION_CONTEXT = "brief section"


def _prose(text: str) -> bool:
    """Whether a fact is prose in English (marked [EN] in another language), not a name, a
    place or a link: more than six words."""
    return len(text.split()) > 6


def _other_language(schema: Schema, lookup: Lookup, sheet: Sheet, frame: pd.DataFrame,
                    row: Any, body_id: str) -> dict[str, Any]:
    """note_content in another language than English: fixed words from the catalogue, terms
    by their labels, countries by their names, the body by its name and acronym in the
    language, the sections from their counterpart columns, else in English marked [EN]."""
    texts = lookup.texts
    t = texts.t
    rec = frame.loc[row]
    found_name, found_acronym = texts.body_name(rec), texts.body_acronym(rec)
    if not found_name:
        found_name = Localized(body_id)
    # The cover's title and the acronym under it are read together: one mark.
    name, acronym = language.name_and_acronym(found_name, found_acronym)
    english_name, english_acronym = as_text(rec.get("name_en")), as_text(rec.get("acronym"))
    own = {f"name_{texts.code}", f"acronym_{texts.code}"}
    other_names = []
    if english_name and english_name != found_name.text:
        shown = (f"{english_name} ({english_acronym})"
                 if english_acronym and english_acronym not in english_name else english_name)
        other_names.append({"label": texts.header(sheet.name, "name_en"), "value": shown})
    other_names += [{"label": texts.header(sheet.name, c.name), "value": as_text(rec[c.field])}
                    for c in sheet.columns
                    if c.field.startswith(_OTHER_NAMES) and c.field not in own
                    and c.field not in ("name_en", "acronym") and c.field in frame.columns
                    and not is_blank(rec[c.field])]
    facts = []
    translated = {c.translation_of for c in sheet.columns
                  if c.translation_of and c.language == texts.code}
    for c in _fact_columns(sheet, frame):
        value = language.value_text(texts, c, rec[c.field])
        if c.field in translated:  # a name with its counterpart (Seat city (French))
            value = language.named(texts.content(rec, c.field, sheet.name))
        elif not c.vocabulary and c.type == "string" and _prose(value):
            value = language.marked(value, True)
        facts.append({"label": texts.header(sheet.name, c.name), "value": value or "–"})
    internal = []
    for c in sheet.columns:
        if c.internal and c.field in frame.columns:
            value = language.value_text(texts, c, rec[c.field])
            internal.append({"label": texts.header(sheet.name, c.name),
                             "value": language.marked(value, _prose(value))
                             or t("Not recorded", _CTX)})
    sections: list[dict[str, Any]] = []
    for c in section_columns(sheet):
        if c.field not in frame.columns:
            continue
        text, untranslated = language.free_text(texts, rec, c.field, sheet.name)
        found = paragraphs(text)
        if untranslated and found:
            found[0] = language.marked(found[0], True)
        heading = t(c.name, SECTION_CONTEXT)
        if sections and sections[-1]["heading"] == heading:
            sections[-1]["paragraphs"] += found
            continue
        sections.append({"heading": heading, "field": c.field, "paragraphs": found})
    _insert_recommendations(sections, lookup.recommendations.get(body_id, []), texts)
    return _content(schema, lookup, sheet.name, frame, row, body_id, {
        "kind": t(KINDS[sheet.id], _CTX),
        "kind_word": t(KIND_WORDS[sheet.id], _CTX),
        "name": name,
        "acronym": acronym,
        "display_name": language.name_with_acronym(found_name, found_acronym),
        "label": language.named(found_acronym if found_acronym else found_name),
        "other_names": other_names,
        "facts": facts,
        "internal_items": internal,
        "unconfirmed": [language.marked(p, True) for p in paragraphs(rec.get("unconfirmed"))],
        "sections": sections,
        "members_date": day(lookup.on, texts),
    })


def page_estimate(content: dict[str, Any]) -> PageEstimate:
    """Pages of a note: the cover as measured (matrixbook.model.cover: on its own page, or a
    part of one when the note runs on after it), then the sections, tables, map and
    references wrapped line by line at the template's widths (matrixbook.model.pages)."""
    measured = cover_of(content)
    cover_pages = 1.0 if measured.page_break else measured.printed_points / PAGE_POINTS
    body = 0.0
    running = 0
    for section in content["sections"]:
        body += HEADING_LINES + (wrapped_lines(section["paragraphs"], TEXT_CHARS) or 1.5)
        running += words(section["paragraphs"])
    # Each table with the characters a line of each column holds (the template's widths less
    # the cells' padding, about 6.5 characters a cm of 8.5-point text; the policies: 5.0, 2.45,
    # 1.4, 2.3 and 3.3 cm, scripts/make_templates.py).
    tables = (
        ([[m["country"], m["role"], m["period"], m["note"]] for m in content["members"]],
         (23, 15, 22, 44)),
        ([[p["title"] + " " + p["original"], p["type"], p["year"], p["status"], p["climate"]]
          for p in content["policies"]], (31, 14, 7, 13, 20)),
        ([[t["theme"], t["relevance"], t["evidence"]] for t in content["themes"]],
         (28, 12, 66)),
    )
    for rows, chars in tables:
        body += HEADING_LINES + (wrapped_table(rows, chars) if rows else 1.5)
    if any(m["current"] for m in content["members"]):
        body += NOTE_MAP_LINES  # the map of the members holding a role on the day
    references = [f"[00] {s['text']}. {s['url']} ({s['accessed']})" for s in content["sources"]]
    body += HEADING_LINES + (wrapped_lines(references, REFERENCE_CHARS, REFERENCE_LINE) or 1.5)
    running += words(references)
    body += HEADING_LINES + 3  # "About this note"
    cover_lines = measured.printed_points / PAGE_POINTS * NOTE_LINES_PER_PAGE
    return PageEstimate(running, tuple(len(rows) for rows, _ in tables), cover_lines, body,
                        cover_pages, NOTE_LINES_PER_PAGE)


def notes(schema: Schema, tables: dict[str, pd.DataFrame],
          on: date | None = None, texts: Texts | None = None) -> list[tuple[str, Any, dict]]:
    """(sheet, Excel row, content) of every note, entities first, in workbook order;
    memberships read on `on` (default: the date of the data); in the language of `texts`
    (default English)."""
    out = []
    lookup = Lookup(schema, tables, on, texts)
    for sheet_name in (schema.names.entities, schema.names.dialogues):
        frame = tables.get(sheet_name)
        if frame is None or frame.empty:
            continue
        key = schema.sheet(sheet_name).key_field
        for row in frame.index:
            if is_blank(frame.at[row, key]):
                continue
            out.append((sheet_name, row, note_content(schema, tables, sheet_name, row, lookup)))
    return out


