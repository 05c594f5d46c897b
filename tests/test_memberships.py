"""The one rule of who holds which role in which body on a date (matrixbook.model.memberships), and
the outputs that must agree because they all use it: the mapping matrix, the briefing notes,
the mapping report and the CLIMB export.

The rows in code are a fictional body (ENT-TEST), so no fact about a real one is invented; the
default workbook's own rows are read from it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pandas as pd
import pytest

from conftest import MASTER
from matrixbook.api import build
from matrixbook.documents import long_day
from matrixbook.model import memberships
from matrixbook.model.memberships import Roster, period, roles_on
from matrixbook.model.relevance import RELEVANCE
from matrixbook.schema import load_schema
from matrixbook.validation import check_workbook

TODAY = date(2025, 9, 3)


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    """A Memberships table as check_workbook types it, index = Excel row."""
    base = {"membership_id": None, "body_id": "ENT-TEST", "country": None, "role": "Member",
            "start_date": pd.NaT, "end_date": pd.NaT, "ended": pd.NA, "confirmed": True,
            "note": None}
    recs = []
    for i, r in enumerate(rows, start=2):
        rec = {**base, "membership_id": f"MEM-{i:04d}", **r}
        for key in ("start_date", "end_date"):
            rec[key] = pd.Timestamp(rec[key]) if rec[key] is not pd.NaT else pd.NaT
        recs.append(rec)
    return pd.DataFrame(recs, index=range(2, 2 + len(recs)))


def role(table: pd.DataFrame, on: date | None, country: str,
         body: str = "ENT-TEST") -> str | None:
    found = roles_on({"Memberships": table}, on)
    hit = found[(found.body_id == body) & (found.country == country)]
    return None if hit.empty else hit.iloc[0]["role"]


# --------------------------------------------------------------------------- the rule

def test_a_role_holds_from_its_start_until_its_end_date() -> None:
    t = frame({"country": "JOR", "start_date": "2005-01-01", "end_date": "2010-06-30"})
    assert role(t, date(2004, 12, 31), "JOR") is None
    assert role(t, date(2005, 1, 1), "JOR") == "Member"
    assert role(t, date(2010, 6, 29), "JOR") == "Member"
    assert role(t, date(2010, 6, 30), "JOR") is None  # a role ends on its End date


def test_one_roster_asked_on_many_days_answers_each_day_right() -> None:
    """The Roster works a body out once per period between its membership dates: days in one
    period share the answer, and each Start or End date opens a new one."""
    t = frame({"country": "JOR", "start_date": "2005-01-01", "end_date": "2010-06-30"},
              {"country": "EGY"},
              {"country": "EGY", "role": "Suspended", "start_date": "2008-03-01",
               "end_date": "2009-03-01"})
    roster = Roster(t)

    def roles(on: date) -> dict[str, str | None]:
        return {s.country: s.role for s in roster.seats("ENT-TEST", on)}

    days = [date(2004, 12, 31), date(2005, 1, 1), date(2005, 1, 2), date(2008, 2, 29),
            date(2008, 3, 1), date(2009, 2, 28), date(2009, 3, 1), date(2010, 6, 29),
            date(2010, 6, 30), date(2030, 1, 1)]
    asked = {d: roles(d) for d in [*days, *reversed(days)]}  # cached answers, both orders
    assert asked == {d: {s.country: s.role for s in Roster(t).seats("ENT-TEST", d)}
                     for d in days}  # a fresh roster for each day
    assert asked[date(2004, 12, 31)] == {"EGY": "Member"}
    assert asked[date(2005, 1, 1)] == asked[date(2008, 2, 29)] == {"JOR": "Member",
                                                                   "EGY": "Member"}
    assert asked[date(2008, 3, 1)] == asked[date(2009, 2, 28)] == {"JOR": "Member",
                                                                   "EGY": "Suspended"}
    assert asked[date(2009, 3, 1)] == {"JOR": "Member", "EGY": "Member"}
    assert asked[date(2010, 6, 30)] == asked[date(2030, 1, 1)] == {"EGY": "Member"}
    assert roster.period("ENT-TEST", date(2005, 1, 2)) == roster.period("ENT-TEST",
                                                                        date(2008, 2, 29))
    assert roster.period("ENT-TEST", date(2005, 1, 1)) != roster.period("ENT-TEST",
                                                                        date(2004, 12, 31))


def test_no_start_date_dates_from_the_founding() -> None:
    t = frame({"country": "EGY"})
    assert role(t, date(1950, 1, 1), "EGY") == "Member"
    assert role(t, TODAY, "EGY") == "Member"


def test_a_current_suspension_replaces_the_membership() -> None:
    t = frame({"country": "SYR"},
              {"country": "SYR", "role": "Suspended", "start_date": "2011-11-16",
               "end_date": "2023-05-07"},
              {"country": "SDN"},
              {"country": "SDN", "role": "Suspended", "start_date": "2024-01-20"})
    assert role(t, date(2015, 1, 1), "SYR") == "Suspended"
    assert role(t, date(2023, 5, 7), "SYR") == "Member"  # readmitted that day
    assert role(t, date(2023, 12, 31), "SDN") == "Member"
    assert role(t, TODAY, "SDN") == "Suspended"
    found = roles_on({"Memberships": t}, TODAY)
    sdn = found[found.country == "SDN"].iloc[0]
    assert sdn["held"] == ("Suspended", "Member")
    assert sdn["since"] == date(2024, 1, 20) and sdn["row"] == 5


def test_an_ended_row_without_end_date_is_past() -> None:
    """MEM-0006 (Egypt in the LAS) and its like: Suspended, Ended = Yes, no dates. Egypt is a
    member today, not suspended; on an earlier day the answer is in doubt and says so."""
    t = frame({"country": "EGY"},
              {"country": "EGY", "role": "Suspended", "ended": True, "confirmed": False})
    assert role(t, TODAY, "EGY") == "Member"
    [seat] = Roster(t).seats("ENT-TEST", date(1985, 1, 1))
    assert seat.role == "Member"
    assert [(d.row, d.field, d.reason, d.held) for d in seat.doubts] == [
        (3, "start_date", "the dates of its suspension are not recorded", False)]
    ended_member = frame({"country": "JOR", "start_date": "2001-01-01", "ended": True})
    assert role(ended_member, TODAY, "JOR") is None
    [doubt] = Roster(ended_member).seats("ENT-TEST", TODAY)[0].doubts
    assert (doubt.field, doubt.reason) == ("end_date", "the date it left is not recorded")


def test_observer_and_participant_are_kept_and_unconfirmed_flags_carried() -> None:
    t = frame({"country": "BRA", "role": "Observer", "confirmed": False},
              {"country": "ITA", "role": "Participant", "start_date": "2023-07-23"},
              {"country": "ITA", "role": "Observer"})
    found = roles_on({"Memberships": t}, TODAY).set_index("country")
    assert found.loc["BRA", "role"] == "Observer" and not found.loc["BRA", "confirmed"]
    assert found.loc["ITA", "role"] == "Participant" and found.loc["ITA", "confirmed"]
    assert role(t, date(2023, 7, 22), "ITA") == "Observer"


def test_without_any_date_only_open_ended_rows_hold() -> None:
    t = frame({"country": "SYR"},
              {"country": "SYR", "role": "Suspended", "start_date": "2011-11-16",
               "end_date": "2023-05-07"},
              {"country": "EGY", "role": "Suspended", "ended": True},
              {"country": "SOM", "role": "Suspended"})
    found = roles_on({"Memberships": t}, None).set_index("country")["role"].to_dict()
    assert found == {"SYR": "Member", "SOM": "Suspended"}


def test_reference_date_is_today_else_the_date_of_the_data() -> None:
    assert memberships.reference_date(TODAY, "2026-11-29") == TODAY
    assert memberships.reference_date(None, "2026-11-29") == date(2026, 11, 29)
    assert memberships.reference_date(None, "not recorded") is None


@pytest.mark.parametrize(("start", "end", "ended", "shown"), [
    (None, date(2023, 5, 7), False, "until 2023-05-07"),
    (None, None, True, "ended (date not recorded)"),
    (date(2024, 1, 20), None, False, "since 2024-01-20"),
    (date(2011, 11, 16), date(2023, 5, 7), False, "from 2011-11-16 to 2023-05-07"),
    (date(2007, 4, 1), None, True, "from 2007-04-01; ended (date not recorded)"),
    (None, None, False, "–"),
])
def test_period_in_words(start: date | None, end: date | None, ended: bool,
                         shown: str) -> None:
    assert period(start, end, ended) == shown


def test_period_in_the_style_of_documents() -> None:
    assert period(date(2024, 1, 20), None, False, long_day) == "since 20 January 2024"


def test_most_shared_keeps_ties_and_counts_members_and_participants_only() -> None:
    t = frame(*[{"body_id": b, "country": "LBY"} for b in ("B1", "B2")],
              {"body_id": "B3", "country": "LBY", "role": "Observer"},
              *[{"body_id": b, "country": "TUN"} for b in ("B1", "B2")],
              {"body_id": "B3", "country": "TUN", "role": "Participant"},
              {"body_id": "B1", "country": "DZA"},
              {"body_id": "B2", "country": "DZA", "role": "Suspended"},
              {"body_id": "B2", "country": "DZA"})
    ranked = memberships.tallies(roles_on({"Memberships": t}, TODAY), ["B1", "B2", "B3"],
                                 {"LBY": "Libya", "TUN": "Tunisia", "DZA": "Algeria"})
    assert [(x.country, x.count, x.seats) for x in ranked] == [
        ("TUN", 3, 3), ("LBY", 2, 3), ("DZA", 1, 2)]
    assert ranked[1].by_role == {"Member": ["B1", "B2"], "Observer": ["B3"]}
    assert ranked[2].by_role == {"Suspended": ["B2"], "Member": ["B1"]}
    listed, bar = memberships.most_shared(ranked, least=2, most=5)
    assert ([x.country for x in listed], bar) == (["TUN", "LBY"], 2)


# --------------------------------------------------------------------------- the default workbook

@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return check_workbook(MASTER, load_schema()).tables


ENDED_SUSPENSIONS = {"MEM-0006": ("ENT-LAS", "EGY"), "MEM-0040": ("ENT-OIC", "AFG"),
                     "MEM-0055": ("ENT-OIC", "EGY")}


def test_default_workbook_ended_suspensions_are_past(tables: dict[str, pd.DataFrame]) -> None:
    m = tables["Memberships"].set_index("membership_id")
    for mid, (body, country) in ENDED_SUSPENSIONS.items():
        row = m.loc[mid]
        assert (row.body_id, row.country, row.role) == (body, country, "Suspended"), mid
        # Ended, with no end date or (since issue 17, Egypt's sourced dates) a past one
        assert bool(row.ended), mid
        assert pd.isna(row.end_date) or row.end_date < pd.Timestamp(TODAY), mid
    # Eritrea's self-suspension from IGAD ended when it resumed its seat on 12 June 2023
    # (issue 17 correction, sources SRC-2100 and SRC-2103); its start (April 2007) is a month only
    eri = m.loc["MEM-0427"]
    assert (eri.body_id, eri.country, eri.role) == ("DLG-IGAD-RCP", "ERI", "Suspended")
    assert pd.Timestamp(eri.end_date).date() == date(2023, 6, 12) and pd.isna(eri.start_date)
    found = roles_on(tables, TODAY)
    for body, country in [*ENDED_SUSPENSIONS.values(), ("DLG-IGAD-RCP", "ERI")]:
        hit = found[(found.body_id == body) & (found.country == country)]
        assert list(hit.role) == ["Member"], (body, country)
    sudan = found[(found.body_id == "DLG-IGAD-RCP") & (found.country == "SDN")]
    assert list(sudan.role) == ["Suspended"]


# --------------------------------------------------------------------------- the outputs agree

@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("agree")
    result = build(MASTER, out, only=["matrix", "briefs", "mapping_report", "climb"],
                   audience="internal", today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out


def _sheet(path: Path, name: str) -> list[list[Any]]:
    return [[c.value for c in r] for r in openpyxl.load_workbook(path)[name].iter_rows()]


def _table(path: Path, first: str) -> list[list[str]]:
    for t in docx.Document(str(path)).tables:
        rows = [[c.text for c in r.cells] for r in t.rows]
        if rows and rows[0][0] == first:
            return rows
    raise AssertionError(first)


def test_egypt_in_the_las_reads_the_same_everywhere(out: Path) -> None:
    grid = _sheet(out / "mapping_matrix.xlsx", "Membership")
    h = next(i for i, r in enumerate(grid) if r[0] == "Country")
    egypt = dict(zip(grid[h], next(r for r in grid if r[1] == "EGY"), strict=True))
    assert egypt["LAS"] == "M" and egypt["OIC"] == "M"
    members = _table(out / "briefs" / "ENT-LAS.docx", "Country")
    assert members[0] == ["Country", "Role", "Period", "Note"]
    suspension = next(r for r in members if r[0] == "Egypt" and r[1].startswith("Suspended"))
    assert suspension[2] == "from 31 March 1979 to 21 May 1989"  # sourced dates (issue 17)
    assert "to date" not in " ".join(" ".join(r) for r in members)
    igad = _table(out / "briefs" / "DLG-IGAD-RCP.docx", "Country")
    assert ["Eritrea", "Suspended", "until 12 June 2023"] in [r[:3] for r in igad]
    assert ["Sudan", "Suspended", "since 20 January 2024"] in [r[:3] for r in igad]
    overlaps = _table(out / "mapping_report.docx", "Country")
    assert "Egypt" in [r[0] for r in overlaps]


def test_matrix_and_report_list_the_same_most_shared_countries(out: Path) -> None:
    summary = _sheet(out / "mapping_matrix.xlsx", "Summary")
    start = next(i for i, r in enumerate(summary) if r[0] == "Most shared countries")
    matrix_rows = []
    for r in summary[start + 3:]:
        if r[0] is None:
            break
        matrix_rows.append((re.sub(r" \([A-Z]{3}\)$", "", r[0]), str(r[1])))
    report = _table(out / "mapping_report.docx", "Country")
    assert report[0] == ["Country", "Bodies", "Member or participant in",
                         "Observer or suspended"]
    assert [(r[0], r[1]) for r in report[1:]] == matrix_rows
    assert ("Libya", "11") in matrix_rows and ("Algeria", "9") in matrix_rows
    libya = next(r for r in report if r[0] == "Libya")
    assert libya[3] == "Observer: Rabat Process"
    # Both say which definition they use, with the same words.
    note = summary[start + 1][0]
    assert "the bodies in which the country is a member or participant on 2025-09-03; " \
           "observer seats and suspensions are shown separately" in note
    intro = [p.text for p in docx.Document(str(out / "mapping_report.docx")).paragraphs
             if p.text.startswith("Countries that belong to the most bodies")][0]
    assert "the bodies in which the country is a member or participant on 3 September 2025; " \
           "observer seats and suspensions are shown separately" in intro


def test_relevance_looks_the_same_in_every_output(out: Path) -> None:
    """The matrix's fills, the report's cell shading (Word and web page) and the notes' theme
    table use one palette and one set of words: 'Not assessed', never '?'."""
    from docx.oxml.ns import qn

    ws = openpyxl.load_workbook(out / "mapping_matrix.xlsx")["Matrix"]
    xlsx_fills = {c.value: c.fill.fgColor.rgb[2:] for r in ws.iter_rows(min_row=6) for c in r
                  if c.value in RELEVANCE}
    document = docx.Document(str(out / "mapping_report.docx"))
    word_fills: dict[str, str] = {}
    for table in document.tables:
        for tc in table._tbl.iter(qn("w:tc")):
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            if text in RELEVANCE and shd is not None:
                word_fills.setdefault(text, shd.get(qn("w:fill")).upper())
    note = docx.Document(str(out / "briefs" / "ENT-LAS.docx"))
    shaded = 0
    for tc in note.tables[-1]._tbl.iter(qn("w:tc")):
        text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
        shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
        if text in RELEVANCE:
            assert shd.get(qn("w:fill")).upper() == RELEVANCE[text].hex, text
            shaded += 1
    assert shaded == 14  # the LAS's Themes rows: one per theme since issue 17
    expected = {level: RELEVANCE[level].hex for level in xlsx_fills}
    assert xlsx_fills == expected and set(expected) >= {"High", "Medium", "Low"}
    assert {k: v for k, v in word_fills.items() if k in expected} == expected
    page = (out / "mapping_report.html").read_text(encoding="utf-8")
    for level, colour in expected.items():
        assert f'<td style="background:#{colour}">{level}</td>' in page
    matrix_table = _table(out / "mapping_report.docx", "Body")
    assert "?" not in {c for r in matrix_table for c in r}
    assert "Not assessed" in {c for r in matrix_table for c in r}


def test_climb_reads_members_by_the_same_rule(out: Path,
                                             tables: dict[str, pd.DataFrame]) -> None:
    """The IGAD Free Movement Protocol (endorsed February 2020) lists its countries in the
    workbook: the IGAD states other than Eritrea, self-suspended from April 2007 to 12 June 2023
    (issue 17 correction, sources SRC-2100 and SRC-2103). The membership rule agrees: on
    2020-12-31 Eritrea holds a suspension and Sudan's 2024 suspension has not begun."""
    import csv

    with (out / "climb_policies.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    protocol = next(r for r in rows if r["Title (original language)"].startswith(
        "IGAD Protocol on Free Movement of Persons"))
    assert protocol["Issuing body acronym"] == "IGAD-RCP"
    assert protocol["Countries covered (ISO3)"].split("; ") == [
        "DJI", "ETH", "KEN", "SOM", "SSD", "SDN", "UGA"]
    assert protocol["Countries covered (basis)"] == "Listed in the master workbook"
    on_day = roles_on(tables, date(2020, 12, 31))
    igad = on_day[on_day.body_id == "DLG-IGAD-RCP"].set_index("country")
    assert igad.loc["ERI", "role"] == "Suspended"
    assert igad.loc["SDN", "role"] == "Member"
