"""The facts the mapping matrix shows, computed once from the tables: each body's relevance
to each theme with its evidence, and the roles countries hold on the membership date."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from matrixbook import xlsx
from matrixbook.model import language, memberships, relevance
from matrixbook.model.context import BuildContext
from matrixbook.model.memberships import Seat, Tally
from matrixbook.values import is_blank as _blank

# The two kinds of body, in the order the matrix groups them (labels from BuildContext.bodies()).
GROUPS = (("Regional entity", "Regional entities"),
          ("Inter-regional dialogue", "Inter-regional dialogues"))
# Relevance: labels and colours shared with every other output (matrixbook.model.relevance).
COVERED = relevance.COVERED
NOT_RECORDED = relevance.NO_ENTRY_NAME

# Membership roles: a letter (for black-and-white prints) and a colour from the Okabe-Ito tints.
ROLE_STYLE: dict[str, dict[str, Any]] = {
    "Member": {"bg_color": xlsx.TINTS["blue"], "bold": True},
    "Participant": {"bg_color": xlsx.TINTS["green"], "bold": True},
    "Observer": {"bg_color": xlsx.TINTS["yellow"]},
    "Suspended": {"bg_color": xlsx.TINTS["vermillion"], "italic": True},
}
UNCONFIRMED_MARK = "?"


def role_letter(role: str) -> str:
    return role[:1].upper()


def mark(seat: Seat) -> str:
    """The grid's cell: the role's letter, and '?' when a row behind it is not confirmed."""
    return role_letter(seat.role or "") + ("" if seat.confirmed else UNCONFIRMED_MARK)


def reference_date(ctx: BuildContext) -> date | None:
    """The date the membership grid reflects: the same day every output reads memberships on."""
    return memberships.reference_date(ctx.today, ctx.data_date)


@dataclass(frozen=True)
class ThemeCell:
    relevance: str
    evidence: str  # the cell comment; empty when no evidence was recorded


def list_sep(ctx: BuildContext) -> str:
    """What separates the items of a list cell: the workbook's separator and a space, in
    another language its list separator (French: a no-break space before the semicolon)."""
    english = ctx.schema.separator + " "
    return english if ctx.texts.english or english != "; " else ctx.texts.list_separator


def theme_cells(themes: pd.DataFrame, separator: str,
                texts: Any = None) -> dict[tuple[str, str], ThemeCell]:
    """(body_id, theme) -> relevance and evidence. Should a body carry one theme twice, the
    strongest relevance is shown and every piece of evidence kept. In another language than
    English, the evidence (English text) is marked [EN]."""
    order = relevance.RANK
    other = texts is not None and not texts.english
    sources_label = "Sources: " if not other else texts.t("Sources: ", "matrix")
    grouped: dict[tuple[str, str], list[Any]] = {}
    for rec in themes.itertuples(index=False):
        if _blank(rec.body_id) or _blank(rec.theme) or _blank(rec.relevance):
            continue
        grouped.setdefault((str(rec.body_id), str(rec.theme)), []).append(rec)
    cells = {}
    for key, recs in grouped.items():
        strongest = min((str(r.relevance) for r in recs), key=lambda v: order.get(v, 99))
        parts = []
        for r in recs:
            text = "" if _blank(r.evidence) else str(r.evidence).strip()
            if other and text:
                text = language.marked(text, True)
            sources = getattr(r, "source_ids", None)
            if isinstance(sources, list) and sources:
                text = (text + "\n" if text else "") + sources_label + separator.join(sources)
            if text:
                parts.append(text)
        cells[key] = ThemeCell(strongest, "\n\n".join(parts))
    return cells


@dataclass
class Mapping:
    """Everything the four sheets show, so the sheets only lay it out."""

    bodies: pd.DataFrame
    theme_names: list[str]
    cells: dict[tuple[str, str], ThemeCell]
    seats: dict[tuple[str, str], Seat]  # (country, body_id) -> role on `on`
    on: date | None
    ranked: list[Tally]  # every country with a role: most bodies shared first
    shared: list[Tally]  # the most shared countries (memberships.most_shared)
    names: dict[str, str]  # country code -> name
    organisations: frozenset[str] = frozenset()  # codes of organisations, not states

    @property
    def countries(self) -> list[str]:
        return [t.country for t in self.ranked]

    @cached_property
    def _acronyms(self) -> dict[str, str]:
        pairs = zip(self.bodies["body_id"], self.bodies["acronym"], strict=True)
        acronyms: dict[str, str] = {}
        for body_id, acronym in pairs:
            acronyms.setdefault(str(body_id), str(acronym))  # the first row wins, as before
        return acronyms

    def acronym(self, body_id: str) -> str:
        return self._acronyms.get(body_id, body_id)

    def body_ids(self) -> list[str]:
        return [str(b) for b in self.bodies["body_id"]]

    def country_seats(self, country: str) -> dict[str, Seat]:
        return self._seats_by_country.get(country, {})

    @cached_property
    def _seats_by_country(self) -> dict[str, dict[str, Seat]]:
        """Country -> {body_id: seat}, indexed once: the grid asks for every country."""
        by_country: dict[str, dict[str, Seat]] = {}
        for (country, body), seat in self.seats.items():
            by_country.setdefault(country, {})[body] = seat
        return by_country

    def states_per_body(self) -> Counter[str]:
        """Seats of every role held by states (organisations such as the EU counted apart)."""
        return Counter(body for country, body in self.seats
                       if country not in self.organisations)

    def organisations_per_body(self) -> Counter[str]:
        return Counter(body for country, body in self.seats if country in self.organisations)

    def relevance(self, body_id: str, theme: str) -> str:
        cell = self.cells.get((body_id, theme))
        return cell.relevance if cell else NOT_RECORDED


def gather(ctx: BuildContext) -> Mapping:
    bodies = ctx.bodies()
    bodies = bodies.loc[bodies["body_id"].map(lambda v: not _blank(v)).astype(bool)]
    # Entities first, then dialogues, each in workbook order.
    bodies = pd.concat([bodies.loc[bodies["kind"] == kind] for kind, _ in GROUPS],
                       ignore_index=True)
    order = [str(b) for b in bodies["body_id"]]
    known = set(order)
    on = reference_date(ctx)
    roster = memberships.Roster(ctx.tables[ctx.schema.names.memberships])
    seats = {(s.country, s.body_id): s for s in roster.all_seats(on)
             if s.role is not None and s.body_id in known}
    roles = memberships.roles_on(ctx.tables, on, roster)
    names = memberships.country_names(ctx.schema)
    organisations = memberships.organisations(ctx.schema)
    texts = ctx.texts
    organisation = memberships.ORGANISATION
    if not texts.english:
        names = {code: memberships.without_note(code, texts.country(code), ctx.schema)
                 for code in names}
        organisation = texts.t(organisation, "matrix")
        # the bodies by their name and acronym in the language (English where none is given,
        # marked: every cell and label that shows one is read on its own)
        bodies = bodies.assign(
            acronym=[language.named(texts.body_acronym(b)) or b["acronym"]
                     for b in bodies.to_dict("records")],
            name_en=[language.named(texts.body_name(b)) or b["name_en"]
                     for b in bodies.to_dict("records")])
    for code in organisations:  # the grid says which rows are organisations, not states
        if code in names:
            names[code] = f"{names[code]} ({organisation})"
    ranked = memberships.tallies(roles, order, names)
    # The most shared *countries*: an organisation (the EU) is not one.
    shared, _ = memberships.most_shared([t for t in ranked if t.country not in organisations])
    return Mapping(
        bodies=bodies,
        theme_names=list(ctx.schema.vocabulary("themes").codes),
        cells=theme_cells(ctx.tables[ctx.schema.names.themes], list_sep(ctx), texts),
        seats=seats,
        on=on,
        ranked=ranked,
        shared=shared,
        names=names,
        organisations=organisations,
    )
