"""The mapping matrix (`mapping_matrix.xlsx`): the cells a reader checks (which body works on
which theme, who sits where on which date, the gaps), its print set-up, the audience filter,
byte-identical rebuilds, and LibreOffice opening it.

A small workbook is built in code from facts of the shared reference (/work/shared/reference/
entities.yaml): memberships are the reference's member lists; theme relevance levels are this
test's own assessments of the instruments the reference names.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import MASTER, to_pdf
from matrixbook.api import build
from matrixbook.model.relevance import RELEVANCE
from matrixbook.newbook import write_workbook
from matrixbook.outputs import matrix
from matrixbook.schema import load_schema

LAS_MEMBERS = ["DZA", "BHR", "COM", "DJI", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT", "MAR",
               "OMN", "PSE", "QAT", "SAU", "SOM", "SDN", "SYR", "TUN", "ARE", "YEM"]
GCC_MEMBERS = ["BHR", "KWT", "OMN", "QAT", "SAU", "ARE"]
AMU_MEMBERS = ["DZA", "LBY", "MRT", "MAR", "TUN"]
AFESD_MEMBERS = ["JOR", "TUN", "DZA", "SDN", "IRQ", "SAU", "SYR", "LBY", "EGY", "YEM", "KWT", "LBN",
                 "MAR", "ARE", "BHR", "QAT", "SOM", "MRT", "OMN", "PSE", "DJI", "COM"]
FIVE_PLUS_FIVE = ["DZA", "LBY", "MRT", "MAR", "TUN", "FRA", "ITA", "MLT", "PRT", "ESP"]
LAS_OBSERVERS = ["BRA", "ERI", "ARM", "TCD", "VEN", "IND", "GRC"]  # unconfirmed in the reference
INTERNAL_NOTE = "Check whether https://www.las.int is the current official domain."
FOCAL_POINT = "Focal point of the test workbook"


def _entity(eid: str, acronym: str, name: str, kind: str, focus: list[str], engagement: str,
            entry: str, checked: str, **extra: Any) -> dict[str, Any]:
    return {"Entity ID": eid, "Acronym": acronym, "Name (English)": name, "Entity type": kind,
            "Geographic focus": focus, "IOM engagement": engagement, "Key entry points": entry,
            "Checked on": datetime.fromisoformat(checked), **extra}


def mapping_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows of the test workbook, keyed by sheet and header (as the seed YAML is)."""
    entities = [
        _entity("ENT-LAS", "LAS", "League of Arab States", "Regional political organisation",
                ["MENA-wide"], "To be assessed",
                "Arab Regional Consultative Process on Migration and Refugee Affairs (ARCP); "
                "Council of Arab Ministers Responsible for the Environment (CAMRE).",
                "2025-08-20", **{"Internal notes": INTERNAL_NOTE,
                                 "IOM focal point": FOCAL_POINT}),
        _entity("ENT-GCC", "GCC", "Cooperation Council for the Arab States of the Gulf",
                "Regional political organisation", ["Gulf"], "To be assessed",
                "Executive Office of the GCC Councils of Labour and Social Affairs Ministers "
                "(Manama); GCC Emergency Management Centre (Kuwait).", "2025-08-15"),
        _entity("ENT-AMU", "AMU", "Arab Maghreb Union", "Regional economic community",
                ["Maghreb"], "To be assessed", "", "2025-08-15"),
        _entity("ENT-AFESD", "AFESD", "Arab Fund for Economic and Social Development",
                "Development finance institution", ["MENA-wide"], "To be assessed", "",
                "2025-08-15"),
    ]
    dialogues = [{
        "Dialogue ID": "DLG-5PLUS5", "Short name": "5+5 Dialogue",
        "Name (English)": "5+5 Dialogue on Migration in the Western Mediterranean",
        "Dialogue type": "Inter-regional migration dialogue",
        "Geographic focus": ["Maghreb", "Mediterranean", "Europe"],
        "IOM engagement": "Regular cooperation",
        "Key entry points": "Ministerial Conference on Migration in the Western Mediterranean.",
        "Checked on": datetime(2025, 8, 15),
    }]
    members: list[tuple[str, str, str, str | None, str | None, bool]] = []
    members += [("ENT-LAS", c, "Member", None, None, True) for c in LAS_MEMBERS]
    members += [("ENT-LAS", "SYR", "Suspended", "2011-11-16", "2023-05-07", True)]
    members += [("ENT-LAS", c, "Observer", None, None, False) for c in LAS_OBSERVERS]
    members += [("ENT-GCC", c, "Member", None, None, True) for c in GCC_MEMBERS]
    members += [("ENT-AMU", c, "Member", None, None, True) for c in AMU_MEMBERS]
    members += [("ENT-AFESD", c, "Member", None, None, True) for c in AFESD_MEMBERS]
    members += [("ENT-AFESD", "SOM", "Suspended", "1993-01-01", None, False)]
    members += [("DLG-5PLUS5", c, "Member", None, None, True) for c in FIVE_PLUS_FIVE]
    memberships = [
        {"Membership ID": f"MEM-{i:04d}", "Body ID": body, "Country": country, "Role": role,
         "Start date": datetime.fromisoformat(start) if start else None,
         "End date": datetime.fromisoformat(end) if end else None, "Confirmed": confirmed}
        for i, (body, country, role, start, end, confirmed) in enumerate(members, start=1)
    ]
    themes_raw = [
        ("ENT-LAS", "Climate action and mobility", "Low",
         "Disaster risk reduction strategies only; no instrument on human mobility in the "
         "context of disasters or climate change was found."),
        ("ENT-LAS", "Disaster risk reduction and emergencies", "High",
         "Arab Strategy for Disaster Risk Reduction 2020 (CAMRE, 2010) and its update aligned "
         "with the Sendai Framework (2018)."),
        ("ENT-LAS", "Migration governance and policy", "High",
         "Permanent chair and secretariat of the ARCP, launched in Cairo in October 2015."),
        ("ENT-GCC", "Climate action and mobility", "None", ""),
        ("ENT-GCC", "Free movement and regular pathways", "High",
         "GCC Common Market (Doha Declaration, 2007): equal economic rights for GCC citizens."),
        ("ENT-GCC", "Disaster risk reduction and emergencies", "Medium",
         "GCC Emergency Management Centre (Kuwait, 2013); Gulf Emergency Plan (2014)."),
        ("ENT-AMU", "Climate action and mobility", "Low",
         "Maghreb Charter for Environmental Protection and Sustainable Development (1992)."),
        ("ENT-AFESD", "Data", "Not assessed", ""),
        ("DLG-5PLUS5", "Migration governance and policy", "High",
         "Ministerial conferences on migration since the Tunis Declaration (2002)."),
        ("DLG-5PLUS5", "Data", "Not assessed", ""),
    ]
    themes = [{"Theme ID": f"THM-{i:04d}", "Body ID": b, "Theme": t, "Relevance": r,
               "Evidence": e or None}
              for i, (b, t, r, e) in enumerate(themes_raw, start=1)]
    return {"Entities": entities, "Dialogues": dialogues, "Memberships": memberships,
            "Themes": themes}


def write_mapping_book(path: Path) -> Path:
    return write_workbook(path, load_schema(), mapping_rows())


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mapping_book(tmp_path_factory.mktemp("book") / "mapping.xlsx")


Builder = Callable[..., Path]


@pytest.fixture(scope="module")
def make(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Builder:
    """Build the matrix of the test workbook into a fresh folder; return the file."""

    def run(audience: str = "internal", today: date | None = None, source: Path = book) -> Path:
        out = tmp_path_factory.mktemp("out")
        result = build(source, out, only=["matrix"], audience=audience, today=today)
        assert result.report.ok, result.report.to_text()
        assert result.written == [out / "mapping_matrix.xlsx"]
        return result.written[0]

    return run


@pytest.fixture(scope="module")
def internal(make: Builder) -> Path:
    return make()


@pytest.fixture(scope="module")
def external(make: Builder) -> Path:
    return make("external")


def rows(path: Path, sheet: str) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in r] for r in ws.iter_rows()]


def header_row(table: list[list[Any]], first: str) -> int:
    return next(i for i, r in enumerate(table) if r and r[0] == first)


def matrix_table(path: Path) -> dict[str, dict[str, Any]]:
    """Matrix rows by body acronym: {"LAS": {"Disaster risk ...": "High", ...}}."""
    table = rows(path, "Matrix")
    h = header_row(table, "Body")
    headers = table[h]
    return {r[0]: dict(zip(headers, r, strict=True)) for r in table[h + 1:]
            if r[0] and r[1] is not None}


def grid(path: Path) -> dict[str, dict[str, Any]]:
    """Membership grid by ISO3 code: {"SYR": {"Bodies": 3, "LAS": "M", ...}}."""
    table = rows(path, "Membership")
    h = header_row(table, "Country")
    headers = table[h]
    out = {}
    for r in table[h + 1:]:
        if r[0] is None or r[1] is None:
            break
        out[r[1]] = dict(zip(headers, r, strict=True))
    return out


# --- Matrix ------------------------------------------------------------------------------------


def test_every_body_has_one_row_entities_first(internal: Path) -> None:
    """Every row under the header is a body (issue 16, item 10: the filter covers bodies only):
    its kind in the Kind column, entities first, a blue rule above the first dialogue."""
    table = rows(internal, "Matrix")
    h = header_row(table, "Body")
    kind = table[h].index("Kind")
    assert [(r[0], r[kind]) for r in table[h + 1:]] == [
        ("LAS", "Regional entity"), ("GCC", "Regional entity"), ("AMU", "Regional entity"),
        ("AFESD", "Regional entity"), ("5+5 Dialogue", "Inter-regional dialogue")]
    ws = openpyxl.load_workbook(internal)["Matrix"]
    assert ws.auto_filter.ref == f"A{h + 1}:{get_column_letter(len(table[h]))}{len(table)}"
    assert ws.cell(len(table), 1).border.top.style == "medium"
    assert ws.cell(len(table) - 1, 1).border.top.style != "medium"


def test_themes_come_in_vocabulary_order_climate_and_data_first(internal: Path) -> None:
    table = rows(internal, "Matrix")
    headers = table[header_row(table, "Body")]
    themes = list(load_schema().vocabulary("themes").codes)
    assert headers[2:2 + len(themes)] == themes
    assert headers[2:4] == ["Climate action and mobility", "Data"]
    assert headers[2 + len(themes):2 + len(themes) + 3] == [
        "Geographic focus", "IOM engagement", "Key entry points"]


def test_relevance_of_known_cells(internal: Path) -> None:
    m = matrix_table(internal)
    assert m["LAS"]["Disaster risk reduction and emergencies"] == "High"
    assert m["LAS"]["Climate action and mobility"] == "Low"
    assert m["GCC"]["Disaster risk reduction and emergencies"] == "Medium"
    assert m["GCC"]["Climate action and mobility"] == "None"
    assert m["AFESD"]["Data"] == "Not assessed"
    assert m["AMU"]["Border management"] is None  # no Themes row: blank
    assert m["5+5 Dialogue"]["Geographic focus"] == "Maghreb; Mediterranean; Europe"
    assert m["5+5 Dialogue"]["IOM engagement"] == "Regular cooperation"


def test_relevance_is_shaded_in_the_colour_blind_safe_palette(internal: Path) -> None:
    """The shared palette (matrixbook.model.relevance): tints of the Okabe-Ito blue, lighter as
    relevance falls, the same hex colours as the mapping report and the notes."""
    ws = openpyxl.load_workbook(internal)["Matrix"]
    fills = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value in RELEVANCE and c.row > 5:
                fills.setdefault(c.value, set()).add(c.fill.fgColor.rgb)
    assert fills["High"] == {"FF4C9CC9"}
    assert fills["Medium"] == {"FF9CC3E0"}
    assert fills["Low"] == {"FFCBE6F7"}
    assert {level: next(iter(v)) for level, v in fills.items()} == {
        level: "FF" + RELEVANCE[level].hex for level in fills}
    assert len({next(iter(v)) for v in fills.values()}) == len(fills)
    legend_row = next(r for r in ws.iter_rows()
                      if "Relevance of each theme:" in [c.value for c in r])
    legend = [c.value for c in legend_row]
    # Above the themes only: the body and name columns repeat on each page across.
    assert legend[:2] == [None, None]
    assert [v for v in legend if v in RELEVANCE] == list(RELEVANCE)
    assert "No entry" in legend


def test_evidence_is_the_cell_comment(internal: Path) -> None:
    ws = openpyxl.load_workbook(internal)["Matrix"]
    table = rows(internal, "Matrix")
    h = header_row(table, "Body")
    col = table[h].index("Disaster risk reduction and emergencies") + 1
    row = next(i for i, r in enumerate(table) if r[0] == "GCC") + 1
    cell = ws.cell(row, col)
    assert cell.value == "Medium"
    assert cell.comment.text == ("GCC Emergency Management Centre (Kuwait, 2013); "
                                 "Gulf Emergency Plan (2014).")
    gcc_climate = ws.cell(row, table[h].index("Climate action and mobility") + 1)
    assert gcc_climate.value == "None" and gcc_climate.comment is None  # no evidence recorded


def test_internal_build_carries_the_internal_columns(internal: Path) -> None:
    m = matrix_table(internal)
    assert m["LAS"]["Internal notes"] == INTERNAL_NOTE
    assert m["LAS"]["IOM focal point"] == FOCAL_POINT


def test_external_build_contains_no_internal_value_anywhere(external: Path) -> None:
    with zipfile.ZipFile(external) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.endswith((".xml", ".vml", ".rels")))
    assert "las.int" not in text
    assert FOCAL_POINT not in text
    assert "Internal notes" not in text and "IOM focal point" not in text
    m = matrix_table(external)
    assert "Internal notes" not in m["LAS"]
    about = rows(external, "About")
    assert ["Audience", "External"] in [r[:2] for r in about]


# --- Membership ---------------------------------------------------------------------------------


def test_country_total_equals_its_rows_in_memberships(internal: Path) -> None:
    g = grid(internal)
    # Bahrain has one row in each of LAS, GCC and AFESD.
    assert g["BHR"]["Bodies"] == 3
    assert (g["BHR"]["LAS"], g["BHR"]["GCC"], g["BHR"]["AFESD"]) == ("M", "M", "M")
    assert g["BHR"]["AMU"] is None
    # Each Maghreb state sits in LAS, AMU, AFESD and the 5+5 Dialogue.
    for country in AMU_MEMBERS:
        assert g[country]["Bodies"] == 4
        assert g[country]["Member"] == 4
    assert g["FRA"]["Bodies"] == 1


def test_countries_sorted_by_number_of_bodies(internal: Path) -> None:
    g = grid(internal)
    totals = [r["Bodies"] for r in g.values()]
    assert totals == sorted(totals, reverse=True)
    assert list(g)[:5] == sorted(AMU_MEMBERS, key=lambda c: load_schema().vocabulary(
        "countries").label(c))
    assert g["DZA"]["Country"] == "Algeria"


def test_suspension_shows_on_the_date_of_the_data(internal: Path) -> None:
    """No --today: the date of the data (2025-08-20) is used; Syria was readmitted in 2023."""
    g = grid(internal)
    assert g["SYR"]["LAS"] == "M"
    assert g["SOM"]["AFESD"] == "S?"  # suspended since 1993, no end date, not confirmed
    # Bodies counts member or participant seats only: LAS; the suspension has its own column.
    assert g["SOM"]["Suspended"] == 1 and g["SOM"]["Member"] == 1 and g["SOM"]["Bodies"] == 1
    assert g["BRA"]["LAS"] == "O?"  # unconfirmed observer
    table = rows(internal, "Membership")
    assert table[1][0].startswith("Roles as at 2025-08-20 (the date of the data)")


def test_today_moves_the_grid(make: Builder) -> None:
    path = make(today=date(2015, 1, 1))
    g = grid(path)
    assert g["SYR"]["LAS"] == "S"
    assert g["SYR"]["Suspended"] == 1 and g["SYR"]["Member"] == 1  # still an AFESD member
    assert rows(path, "Membership")[1][0].startswith(
        "Roles as at 2015-01-01 (the date given to the build)")
    # The day the suspension ends, the membership is back.
    assert grid(make(today=date(2023, 5, 7)))["SYR"]["LAS"] == "M"
    assert grid(make(today=date(2023, 5, 6)))["SYR"]["LAS"] == "S"


def test_without_any_date_only_open_ended_roles_count(tmp_path: Path) -> None:
    """No --today and no 'Checked on' date: a role with an end date counts as over, and so
    does one marked Ended (the rule itself is tested in test_memberships.py)."""
    data = mapping_rows()
    for sheet in ("Entities", "Dialogues"):
        for rec in data[sheet]:
            rec["Checked on"] = None
    data["Memberships"].append({"Membership ID": "MEM-0999", "Body ID": "ENT-GCC",
                                "Country": "QAT", "Role": "Suspended", "Ended": True,
                                "Confirmed": True})
    source = write_workbook(tmp_path / "undated.xlsx", load_schema(), data)
    g = grid(build(source, tmp_path / "out", only=["matrix"]).written[0])
    assert g["SYR"]["LAS"] == "M"  # the 2011-2023 suspension has an end date: over
    assert g["QAT"]["GCC"] == "M"  # Ended, no end date: over
    assert g["SOM"]["AFESD"] == "S?"  # open suspension


def test_roles_are_marked_by_letter_and_colour(internal: Path) -> None:
    ws = openpyxl.load_workbook(internal)["Membership"]
    fills: dict[str, set[str]] = {}
    for row in ws.iter_rows(min_row=6):
        for c in row[2:]:
            if isinstance(c.value, str):
                fills.setdefault(c.value.rstrip("?"), set()).add(c.fill.fgColor.rgb)
    assert set(fills) == {"M", "O", "S"}
    assert all(len(v) == 1 for v in fills.values())
    assert len({next(iter(v)) for v in fills.values()}) == 3


def test_upright_headers_take_two_lines() -> None:
    """The Membership sheet's header row, repeated on every printed page, is as tall as the
    longer line of its longest header broken onto two lines: "RCC (Northern Africa) [EN]"
    takes 13 characters, not 26."""
    from matrixbook.outputs.matrix.layout import (
        UPRIGHT_POINTS_PER_CHAR,
        two_lines,
        upright_header_height,
    )

    assert two_lines("RCC (Northern Africa) [EN]") == len("RCC (Northern")
    assert two_lines("Participant") == len("Participant")
    assert two_lines("Abu Dhabi Dialogue") == len("Abu Dhabi")  # then "Dialogue"
    assert upright_header_height(["LAS", "RCC (Northern Africa) [EN]"]) == \
        UPRIGHT_POINTS_PER_CHAR * 13 + 6
    assert upright_header_height(["LAS"]) == 40


def test_membership_rows_are_a_line_high(internal: Path) -> None:
    """A country's row is a line of 10-point text high (13.5 points, not Excel's 15), a long
    label of the totals as many lines as it wraps to; the upright header is on two lines."""
    ws = openpyxl.load_workbook(internal)["Membership"]
    assert ws.sheet_format.defaultRowHeight == 13.5
    header = ws.cell(5, 3)
    assert header.alignment.text_rotation == 90 and header.alignment.wrap_text
    label = next(c for c in ws["A"] if c.value == "Organisations per body (every role)")
    assert ws.row_dimensions[label.row].height >= 2 * 13.5


def test_states_per_body_row(internal: Path) -> None:
    table = rows(internal, "Membership")
    h = header_row(table, "Country")
    per_body = dict(zip(table[h], next(r for r in table
                                       if r[0] == "States per body (every role)"), strict=True))
    assert per_body["LAS"] == 22 + 7
    assert per_body["GCC"] == 6
    assert per_body["5+5 Dialogue"] == 10
    organisations = dict(zip(table[h], next(
        r for r in table if r[0] == "Organisations per body (every role)"), strict=True))
    assert organisations["LAS"] == 0


# --- Summary and About --------------------------------------------------------------------------


def _section(table: list[list[Any]], title: str) -> list[list[Any]]:
    start = next(i for i, r in enumerate(table) if r[0] == title)
    out = []
    for r in table[start + 3:]:
        if r[0] is None:
            break
        out.append(r)
    return out


def test_summary_bodies_per_theme(internal: Path) -> None:
    table = rows(internal, "Summary")
    by_theme = {r[0]: r for r in _section(table, "Bodies per theme")}
    # Theme, High, Medium, Low, None, Not assessed, No entry, bodies covering it
    assert by_theme["Disaster risk reduction and emergencies"][:7] == [
        "Disaster risk reduction and emergencies", 1, 1, 0, 0, 0, 3]
    assert by_theme["Disaster risk reduction and emergencies"][7] == "High: LAS; Medium: GCC"
    assert by_theme["Climate action and mobility"][7] == "Low: LAS, AMU"
    assert by_theme["Data"][1:7] == [0, 0, 0, 0, 2, 3]


def test_summary_bodies_per_sub_region(internal: Path) -> None:
    by_region = {r[0]: r for r in _section(rows(internal, "Summary"), "Bodies per sub-region")}
    assert by_region["Maghreb"][1:4] == [1, 1, 2]
    assert by_region["Maghreb"][4] == "AMU, 5+5 Dialogue"
    assert by_region["MENA-wide"][4] == "LAS, AFESD"
    assert by_region["Sahel"][3] == 0


def test_summary_most_shared_countries(internal: Path) -> None:
    """The ten countries in the most bodies (member or participant), with ties: the five
    Maghreb states in 4 bodies, then the six Gulf states in 3 (LAS, GCC, AFESD)."""
    table = rows(internal, "Summary")
    shared = _section(table, "Most shared countries")
    assert [r[0] for r in shared[:5]] == ["Algeria (DZA)", "Libya (LBY)", "Mauritania (MRT)",
                                          "Morocco (MAR)", "Tunisia (TUN)"]
    assert len(shared) == 11 and {r[1] for r in shared[5:]} == {3}
    assert shared[0][1] == 4
    assert shared[0][6] == "Member: LAS, AMU, AFESD, 5+5 Dialogue"
    note = table[next(i for i, r in enumerate(table) if r[0] == "Most shared countries") + 1][0]
    assert note.startswith("Bodies counts the bodies in which the country is a member or "
                           "participant on 2025-08-20; observer seats and suspensions are "
                           "shown separately.")


def test_summary_tables_have_no_empty_columns(internal: Path) -> None:
    """Issue 16, item 10: a table with three counts lists its bodies right after them, over
    the columns it does not use, not three empty columns away."""
    ws = openpyxl.load_workbook(internal)["Summary"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    for title, listed in (("Gaps: themes no body covers", "Bodies still to assess on the theme"),
                          ("Bodies per sub-region", "Bodies")):
        top = next(c.row for c in ws["A"] if c.value == title)
        header = [c.value for c in ws[top + 2]]
        assert header[:5] == [header[0], *header[1:4], listed], title
        assert all(header[:5]), title
        for r in range(top + 2, top + 5):
            assert f"E{r}:H{r}" in merged, (title, r)
    top = next(c.row for c in ws["A"] if c.value == "Bodies per theme")
    assert [c.value for c in ws[top + 2]][7] == "Bodies covering the theme"


def test_summary_gaps_are_themes_no_body_covers(internal: Path) -> None:
    gap_rows = _section(rows(internal, "Summary"), "Gaps: themes no body covers")
    gaps = [r[0] for r in gap_rows]
    covered = {"Climate action and mobility", "Disaster risk reduction and emergencies",
               "Migration governance and policy", "Free movement and regular pathways"}
    assert gaps == [t for t in load_schema().vocabulary("themes").codes if t not in covered]
    assert gaps[0] == "Data"  # only "Not assessed": not covered
    # Theme, None, Not assessed, No entry, then the bodies still to assess.
    assert gap_rows[0][1:4] == [0, 2, 3]
    assert gap_rows[0][4] == "Not assessed: AFESD, 5+5 Dialogue; No entry: LAS, GCC, AMU"


def test_about_says_source_date_and_audience(internal: Path, book: Path) -> None:
    about = {r[0]: r[1] for r in rows(internal, "About") if r[0]}
    assert about["Source workbook"] == book.name
    assert about["Date of the data"].startswith("2025-08-20")
    assert about["Membership date"] == "Roles as at 2025-08-20 (the date of the data)"
    assert about["Audience"] == "Internal"


def test_blank_workbook_builds_empty_sheets(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "blank.xlsx", load_schema(), None)
    out = build(source, tmp_path / "out", only=["matrix"]).written[0]
    firsts = [r[0] for r in rows(out, "Matrix")[5:]]
    assert firsts == ["No entity or dialogue recorded yet."]
    assert "No current membership recorded." in [r[0] for r in rows(out, "Membership")]
    about = {r[0]: r[1] for r in rows(out, "About") if r[0]}
    assert about["Date of the data"].startswith("not recorded")
    assert about["Membership date"].startswith("Roles with no date to reflect")


# --- Print set-up, determinism, LibreOffice -----------------------------------------------------


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def _attribute(element: str, name: str, default: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', element)
    return found.group(1) if found else default


def test_every_sheet_prints_a4_landscape_one_page_wide_with_footer(internal: Path) -> None:
    book = _xml(internal, "xl/workbook.xml")
    sheets = re.findall(r'<sheet name="([^"]+)"', book)
    assert sheets == ["Matrix", "Membership", "Summary", "About"]
    for i, _ in enumerate(sheets, start=1):
        xml = _xml(internal, f"xl/worksheets/sheet{i}.xml")
        setup = re.search(r"<pageSetup [^>]*/>", xml).group(0)
        assert 'paperSize="9"' in setup and 'orientation="landscape"' in setup
        if i == 1:  # the Matrix: a fixed, readable scale, its page breaks honoured
            assert int(_attribute(setup, "scale", "100")) >= matrix.SMALLEST_SCALE
            assert "fitToPage" not in xml and 'pageOrder="overThenDown"' in setup
            footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml).group(1)
            assert "&amp;CInternal" in footer and "Page &amp;P of &amp;N" in footer
            continue
        # ECMA-376 defaults fitToWidth to 1, and xlsxwriter leaves a default attribute out.
        assert _attribute(setup, "fitToWidth", "1") == "1"
        # As many pages down as needed; About on one page, its legends never left alone.
        assert _attribute(setup, "fitToHeight", "1") == ("1" if i == 4 else "0")
        assert '<pageSetUpPr fitToPage="1"/>' in xml
        footer = re.search(r"<oddFooter>(.*?)</oddFooter>", xml).group(1)
        assert "&amp;CInternal" in footer and "Page &amp;P of &amp;N" in footer
    assert ("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">Matrix!$A:$B,"
            "Matrix!$5:$5") in book
    assert "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">Membership!$5:$5" in book


def test_frozen_header_and_autofilter(internal: Path) -> None:
    wb = openpyxl.load_workbook(internal)
    assert wb["Matrix"].freeze_panes == "C6"
    assert wb["Matrix"].auto_filter.ref.startswith("A5:")
    assert wb["Membership"].freeze_panes == "C6"
    assert wb["Membership"].auto_filter.ref.startswith("A5:")
    assert wb.active.title == "Matrix"


def test_workbook_text_is_never_a_formula(tmp_path: Path) -> None:
    data = mapping_rows()
    data["Entities"][0]["Key entry points"] = "=HYPERLINK(\"http://x\")"
    source = write_workbook(tmp_path / "formula.xlsx", load_schema(), data)
    out = build(source, tmp_path / "out", only=["matrix"]).written[0]
    assert matrix_table(out)["LAS"]["Key entry points"] == "=HYPERLINK(\"http://x\")"
    assert "<f>" not in _xml(out, "xl/worksheets/sheet1.xml")


def test_two_builds_are_byte_identical(make: Builder, internal: Path, external: Path) -> None:
    assert make().read_bytes() == internal.read_bytes()
    assert make("external").read_bytes() == external.read_bytes()
    assert internal.read_bytes() != external.read_bytes()


@pytest.mark.office
def test_libreoffice_prints_it(internal: Path, tmp_path: Path) -> None:
    pdf = to_pdf(internal, tmp_path)
    # One page at least per sheet. (conftest's pdf_pages looks for "/Type /Page" with a space;
    # LibreOffice writes "/Type/Page".)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) >= 4


# --- The default workbook -----------------------------------------------------------------------
# The seeded workbook/master.xlsx, built as the shared `built` fixture builds it (today
# 2025-09-03), matrix only, so these tests do not wait on the other outputs.

TODAY = date(2025, 9, 3)


@pytest.fixture(scope="module")
def default_internal(make: Builder) -> Path:
    return make(today=TODAY, source=MASTER)


@pytest.fixture(scope="module")
def default_external(make: Builder) -> Path:
    return make("external", today=TODAY, source=MASTER)


def master_records(sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(MASTER, read_only=True)
    ws = wb[sheet]
    headers = [c.value for c in next(ws.iter_rows(max_row=1))]
    recs = [dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)
            if r[0]]
    wb.close()
    return recs


def test_default_workbook_every_body_present(default_internal: Path) -> None:
    entities = [r["Acronym"] for r in master_records("Entities")]
    dialogues = [r["Short name"] for r in master_records("Dialogues")]
    assert len(entities) == 9 and len(dialogues) == 8
    table = rows(default_internal, "Matrix")
    firsts = [r[0] for r in table[header_row(table, "Body") + 1:]]
    assert firsts == [*entities, *dialogues]


def test_default_workbook_known_cells(default_internal: Path) -> None:
    m = matrix_table(default_internal)
    assert m["LAS"]["Disaster risk reduction and emergencies"] == "High"
    assert m["LAS"]["Migration governance and policy"] == "High"
    # issue 17: the Arab DRR strategy names displacement (SRC-1009); GCC-Stat (SRC-1020)
    assert m["LAS"]["Climate action and mobility"] == "Medium"
    assert m["GCC"]["Data"] == "High"
    assert m["LAS"]["Geographic focus"] == "MENA-wide"
    ws = openpyxl.load_workbook(default_internal)["Matrix"]
    table = rows(default_internal, "Matrix")
    col = table[header_row(table, "Body")].index("Disaster risk reduction and emergencies") + 1
    las = next(i for i, r in enumerate(table) if r[0] == "LAS") + 1
    assert "Arab Strategy for Disaster Risk Reduction 2020" in ws.cell(las, col).comment.text
    assert ws.cell(las, col).comment.text.endswith("Sources: SRC-004; SRC-005")
    # The summary agrees with the matrix.
    themes = {r[0]: r for r in _section(rows(default_internal, "Summary"), "Bodies per theme")}
    high = sum(1 for body in m.values() if body["Disaster risk reduction and emergencies"]
               == "High")
    assert themes["Disaster risk reduction and emergencies"][1] == high


def test_default_workbook_membership_on_the_build_date(default_internal: Path) -> None:
    g = grid(default_internal)
    assert g["SYR"]["LAS"] == "M"  # suspended 2011-11-16, readmitted 2023-05-07
    assert g["SYR"]["OIC"] == "M"  # suspended 2012-08-16, reinstated 2025-03-07
    assert g["SYR"]["IsDB"] == "S?"  # suspension with no end date, not confirmed
    assert g["SOM"]["AFESD"] == "S"  # suspended since 1993, no end date
    assert g["SDN"]["IGAD-RCP"] == "S"  # froze its membership on 2024-01-20
    assert g["EGY"]["LAS"] == "M"  # 1979-1989 suspension: marked Ended, no dates
    assert g["BRA"]["LAS"] == "O?"
    assert rows(default_internal, "Membership")[1][0].startswith(
        "Roles as at 2025-09-03 (the date given to the build)")


def test_default_workbook_membership_totals(default_internal: Path) -> None:
    """A country with no suspension and no role that ended or starts later sits in as many
    bodies as it has rows in Memberships; every country's total is its marks in the grid."""
    recs = master_records("Memberships")
    g = grid(default_internal)
    on = datetime.combine(TODAY, datetime.min.time())
    simple = [c for c in sorted({r["Country"] for r in recs})
              if all(r["Role"] != "Suspended" and not r["End date"] and not r.get("Ended")
                     and (not r["Start date"] or r["Start date"] <= on)
                     for r in recs if r["Country"] == c)]
    assert "BHR" in simple and "TUN" in simple
    for country in simple:
        # Bodies: member or participant; observer seats in their own column.
        assert g[country]["Bodies"] == sum(1 for r in recs if r["Country"] == country
                                           and r["Role"] in ("Member", "Participant")), country
        assert g[country]["Observer"] == sum(1 for r in recs if r["Country"] == country
                                             and r["Role"] == "Observer"), country
    acronyms = [r["Acronym"] for r in master_records("Entities")]
    acronyms += [r["Short name"] for r in master_records("Dialogues")]
    for country, line in g.items():
        marks = [line[a] for a in acronyms if line[a]]
        assert line["Bodies"] == sum(1 for m in marks if m[0] in "MP"), country
        assert line["Bodies"] + line["Observer"] + line["Suspended"] == len(marks), country
    assert g["BHR"]["Bodies"] == 9


def _all_text(path: Path) -> str:
    """Every string in the package (cells, comments, properties), XML entities decoded."""
    with zipfile.ZipFile(path) as z:
        return html.unescape("".join(z.read(n).decode("utf-8") for n in z.namelist()
                                     if n.endswith((".xml", ".vml"))))


def test_default_external_build_has_no_internal_value(default_external: Path,
                                                      default_internal: Path) -> None:
    schema = load_schema()
    values = []
    for sheet in ("Entities", "Dialogues"):
        internal = [c.name for c in schema.sheet(sheet).columns if c.internal]
        values += [str(r[h]) for r in master_records(sheet) for h in internal if r.get(h)]
    assert len(values) >= 10  # the seed carries internal notes
    internal_text, external_text = _all_text(default_internal), _all_text(default_external)
    assert all(v in internal_text for v in values)
    assert [v for v in values if v in external_text] == []
    about = {r[0]: r[1] for r in rows(default_external, "About") if r[0]}
    assert about["Audience"] == "External"
    assert "&CExternal" in _xml(default_external, "xl/worksheets/sheet1.xml").replace("&amp;", "&")


@pytest.mark.office
def test_default_workbook_prints_in_libreoffice(default_external: Path, tmp_path: Path) -> None:
    pdf = to_pdf(default_external, tmp_path)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) >= 5


def test_country_names_come_from_the_schema_and_long_ones_wrap(tmp_path: Path) -> None:
    """Names are the schema's display names (as the lead renames them, the grid follows); a
    name longer than the Country column wraps within a taller row instead of spilling."""
    data = mapping_rows()
    data["Memberships"].append({"Membership ID": "MEM-0998", "Body ID": "DLG-5PLUS5",
                                "Country": "SGS", "Role": "Observer", "Confirmed": True})
    source = write_workbook(tmp_path / "long.xlsx", load_schema(), data)
    out = build(source, tmp_path / "out", only=["matrix"]).written[0]
    names = load_schema().vocabulary("countries")
    g = grid(out)
    assert g["PSE"]["Country"] == names.label("PSE") == "State of Palestine"
    assert g["SGS"]["Country"] == names.label("SGS")
    ws = openpyxl.load_workbook(out)["Membership"]
    cell = next(c for c in ws["A"] if c.value == names.label("SGS"))
    assert cell.alignment.wrap_text
    assert ws.row_dimensions[cell.row].height >= 2 * matrix.LINE_HEIGHT
    short = next(c for c in ws["A"] if c.value == "Algeria")
    assert (ws.row_dimensions[short.row].height  # the default height: a line
            or ws.sheet_format.defaultRowHeight) == matrix.LINE_HEIGHT


# --- The printed Matrix (issue 16, item 2) -------------------------------------------------------


def _words(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """(word, left, top, height) of every word on each page of `pdf` (pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pattern = (r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
               r"([^<]*)</word>")
    return [[(html.unescape(m[4]), float(m[0]), float(m[1]), float(m[3]) - float(m[1]))
             for m in re.findall(pattern, page)] for page in xml.split("<page ")[1:]]


def _height_of_ten_points(tmp_path: Path) -> float:
    """What pdftotext measures for 10-point text printed at 100 % by the same office suite."""
    import xlsxwriter

    book = tmp_path / "ten.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "Calibration", wb.add_format({"font_size": 10}))
    ws.set_print_scale(100)
    wb.close()
    (word,) = [w for w in _words(to_pdf(book, tmp_path / "ten"))[0] if w[0] == "Calibration"]
    return word[3] / 10


@pytest.mark.office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("audience", ["external", "internal"])
def test_printed_matrix_is_readable(make: Builder, audience: str, tmp_path: Path) -> None:
    """The Matrix printed by LibreOffice: body text at least 8 points as printed (it was 5),
    the legend on the page of the first bodies, every page with at least three bodies, the
    dialogues from the top of a page, the header and body columns on every page."""
    book = make(audience, today=TODAY, source=MASTER)
    table = rows(book, "Matrix")
    h = header_row(table, "Body")
    kind = table[h].index("Kind")
    first_words = [r[0].split()[0] for r in table[h + 1:]]
    first_dialogue = next(r[0].split()[0] for r in table[h + 1:]
                          if r[kind] == "Inter-regional dialogue")
    pdf = to_pdf(book, tmp_path)
    per_point = _height_of_ten_points(tmp_path)
    pages = [p for p in _words(pdf) if {"Body", "Name"} <= {w[0] for w in p}]
    assert pages  # the Matrix's pages: its header row and first columns repeat on each
    sizes = [w[3] / per_point for p in pages for w in p
             if w[0] in {"League", "assessed", "High", "Medium", "Low", *first_words}]
    assert sizes and min(sizes) >= 8.0, min(sizes)
    assert {"Relevance", first_words[0]} <= {w[0] for w in pages[0]}  # legend with data
    tops = []
    for page in pages:
        name_x = next(w[1] for w in page if w[0] == "Name")
        bodies = [w for w in sorted(page, key=lambda w: w[2])
                  if w[1] < name_x and w[0] in first_words]
        assert len(bodies) >= 3, [w[0] for w in bodies]
        tops.append(bodies[0][0])
    assert first_dialogue in tops
