"""The CLIMB import sheet: rows and columns, countries expanded from membership, the CSV's
encoding and injection guard, byte-identical rebuilds, readiness findings in `validate`."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from tests.conftest import REPO, TODAY, header_cell, to_pdf
from xlsxwriter.utility import xl_col_to_name

from matrixbook.api import build, validate
from matrixbook.newbook import write_workbook
from matrixbook.outputs.climb import (
    ClimbExportError,
    check_export,
    csv_cell,
    load_mapping,
)
from matrixbook.outputs.climb import records as climb
from matrixbook.schema import Schema, SchemaError, load_schema
from matrixbook.schema_climb import parse_mapping

HEADERS = [
    "Record ID", "Title (original language)", "Title (English)", "Level", "Issuing body",
    "Issuing body acronym", "Countries covered (ISO3)", "Countries covered",
    "Countries covered (basis)", "Region", "Instrument category", "Instrument type", "Binding",
    "Status", "Year adopted", "Policy areas", "Context", "Hazard onset", "Hazard types",
    "Mobility types", "Internal / cross-border", "GCM objectives", "GCM objectives (labels)",
    "Other frameworks", "Relevant provisions", "Language code", "Language", "Source URL",
    "Date accessed",
]
BUILD_DAY = date.fromisoformat(TODAY)

AMU = {"Entity ID": "ENT-AMU", "Acronym": "AMU", "Name (English)": "Arab Maghreb Union",
       "Entity type": "Regional economic community", "Geographic focus": ["Maghreb"],
       "IOM engagement": "Occasional", "Checked on": datetime(2025, 8, 20)}
AMU_MEMBERS = ["DZA", "LBY", "MRT", "MAR", "TUN"]  # reference/entities.yaml


def policy(pid: str, title: str, body: str = "ENT-AMU", **cells: Any) -> dict[str, Any]:
    """A Policies row that CLIMB can take, unless `cells` empties a field."""
    row = {"Policy ID": pid, "Title (original language)": title, "Body ID": body,
           "Level": "Regional", "Instrument category": "Policy", "Instrument type": "Strategy",
           "Status": "Adopted", "Year adopted": 2010, "Confirmed": True,
           "Climate context": ["Adverse effects of climate change"],
           "Mobility types": ["Migration"], "Relevant provisions": "Art. 1: test provision.",
           "Source URL": "https://example.org/doc", "Date accessed": datetime(2025, 8, 20)}
    row.update(cells)
    return {k: v for k, v in row.items() if v is not None}


def member(n: int, body: str, country: str, role: str = "Member", start: datetime | None = None,
           end: datetime | None = None) -> dict[str, Any]:
    row = {"Membership ID": f"MEM-{n:04d}", "Body ID": body, "Country": country, "Role": role,
           "Confirmed": True, "Start date": start, "End date": end}
    return {k: v for k, v in row.items() if v is not None}


def book(tmp_path: Path, schema: Schema, policies: list[dict[str, Any]],
         memberships: list[dict[str, Any]] | None = None,
         entities: list[dict[str, Any]] | None = None, name: str = "book.xlsx") -> Path:
    """A small master workbook written in code: AMU and its five members by default."""
    if memberships is None:
        memberships = [member(i, "ENT-AMU", c) for i, c in enumerate(AMU_MEMBERS, start=1)]
    rows = {"Entities": entities or [AMU], "Memberships": memberships, "Policies": policies}
    path = tmp_path / name
    write_workbook(path, schema, rows, force=True)
    return path


def build_climb(path: Path, out: Path, audience: str = "external") -> Path:
    result = build(path, out, only=["climb"], audience=audience, today=BUILD_DAY)
    assert result.report.ok, result.report.to_text()
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def xlsx_rows(path: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)["CLIMB policies"]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def pdf_pages(pdf: Path) -> int:
    """Pages of a PDF; LibreOffice writes `/Type/Page` with no space."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def policy_cell(schema: Schema, header: str, row: int) -> str:
    """Where `header` sits in a workbook written by write_workbook (schema order)."""
    return f"{xl_col_to_name(schema.sheet('Policies').headers.index(header))}{row}"


# --- columns and rows ------------------------------------------------------------------------


def test_columns_follow_the_declared_mapping(schema: Schema, tmp_path: Path) -> None:
    out = build_climb(book(tmp_path, schema, [policy("POL-001", "Stratégie")]), tmp_path / "o")
    with (out / "climb_policies.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == HEADERS
    ws = openpyxl.load_workbook(out / "climb_policies.xlsx")["CLIMB policies"]
    assert [c.value for c in ws[1]] == HEADERS
    assert load_mapping(schema).labels == HEADERS


def test_one_row_per_policy_with_a_climate_context(schema: Schema, tmp_path: Path) -> None:
    path = book(tmp_path, schema, [
        policy("POL-001", "Charte maghrébine", Language="fr", **{
            "Title (English)": "Maghreb Charter", "Binding": False,
            "GCM objectives": ["2", "23"], "Hazard onset": ["Slow-onset"],
            "Hazard types": ["Desertification", "Drought"], "Year adopted": 1992,
            "Other frameworks": ["Sendai Framework", "2030 Agenda"],
            "Mobility scope": ["Internal", "Cross-border"]}),
        policy("POL-002", "Labour agreement", **{"Climate context": None,
                                                 "Mobility types": None}),
    ])
    out = build_climb(path, tmp_path / "o")
    rows = read_csv(out / "climb_policies.csv")
    assert [r["Record ID"] for r in rows] == ["POL-001"]
    row = rows[0]
    assert row["Title (original language)"] == "Charte maghrébine"
    assert row["Title (English)"] == "Maghreb Charter"
    assert row["Issuing body"] == "Arab Maghreb Union"
    assert row["Issuing body acronym"] == "AMU"
    assert row["Region"] == "Maghreb"
    assert row["Binding"] == "No"
    assert row["Year adopted"] == "1992"
    assert row["Hazard types"] == "Desertification; Drought"
    assert row["Internal / cross-border"] == "Internal; Cross-border"
    assert row["Other frameworks"] == "Sendai Framework; 2030 Agenda"
    assert row["GCM objectives"] == "2; 23"
    assert row["GCM objectives (labels)"] == (
        "Minimize the adverse drivers and structural factors that compel people to leave their "
        "country of origin; Strengthen international cooperation and global partnerships for "
        "safe, orderly and regular migration")
    assert (row["Language code"], row["Language"]) == ("fr", "French")
    assert row["Date accessed"] == "2025-08-20"
    [cells] = xlsx_rows(out / "climb_policies.xlsx")
    assert cells["Year adopted"] == 1992  # a number, not text
    assert cells["Date accessed"] == datetime(2025, 8, 20)  # a real date
    # the URL stays plain wrapped text: LibreOffice would print a hyperlink on one cut line
    assert cells["Source URL"] == "https://example.org/doc"


def test_a_workbook_without_climate_policies_gives_the_header_only(schema: Schema,
                                                                    tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Labour", **{"Climate context": None})])
    out = build_climb(path, tmp_path / "o")
    assert (out / "climb_policies.csv").read_bytes() == (
        b"\xef\xbb\xbf" + ",".join(HEADERS).encode() + b"\r\n")
    assert xlsx_rows(out / "climb_policies.xlsx") == []


# --- countries covered -----------------------------------------------------------------------


def test_amu_instrument_without_countries_gets_its_five_members(schema: Schema,
                                                                tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Charte", **{"Year adopted": 1992})])
    [row] = read_csv(build_climb(path, tmp_path / "o") / "climb_policies.csv")
    assert row["Countries covered (ISO3)"] == "DZA; LBY; MRT; MAR; TUN"
    assert row["Countries covered"] == "Algeria; Libya; Mauritania; Morocco; Tunisia"
    assert row["Countries covered (basis)"] == (
        "Members of AMU on 1992-12-31 (end of the year adopted)")


def test_listed_countries_win_over_membership(schema: Schema, tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Accord",
                                          **{"Countries covered": ["TUN", "DZA"]})])
    [row] = read_csv(build_climb(path, tmp_path / "o") / "climb_policies.csv")
    assert row["Countries covered (ISO3)"] == "DZA; TUN"
    assert row["Countries covered (basis)"] == "Listed in the master workbook"


def test_members_on_the_adoption_date(schema: Schema, tmp_path: Path) -> None:
    """A fictional body, so no fact about a real one is invented: members join, leave and are
    suspended; each policy gets the members of its own adoption date."""
    body = dict(AMU, **{"Entity ID": "ENT-TEST", "Acronym": "TEST",
                        "Name (English)": "Test Union"})
    memberships = [
        member(1, "ENT-TEST", "EGY"),
        member(2, "ENT-TEST", "JOR", start=datetime(2005, 1, 1)),
        member(3, "ENT-TEST", "SDN", end=datetime(2003, 7, 1)),  # left on 1 July 2003
        member(4, "ENT-TEST", "LBN"),
        member(5, "ENT-TEST", "LBN", "Suspended", datetime(2012, 1, 1), datetime(2014, 1, 1)),
        member(6, "ENT-TEST", "QAT", "Observer"),
        member(7, "ENT-TEST", "XEU", "Participant"),
    ]
    path = book(tmp_path, schema, [
        policy("POL-001", "Early", "ENT-TEST", **{"Year adopted": 2003,
                                                   "Adoption date": datetime(2003, 6, 30)}),
        policy("POL-002", "Late", "ENT-TEST", **{"Year adopted": 2013}),
    ], memberships, [body])
    early, late = read_csv(build_climb(path, tmp_path / "o") / "climb_policies.csv")
    # 2003-06-30: EGY, LBN, SDN (its last day: a role ends on its End date, as in every
    # output); JOR not yet; QAT only an observer
    assert early["Countries covered (ISO3)"] == "EGY; LBN; SDN"
    assert early["Countries covered (basis)"] == "Members of TEST on 2003-06-30"
    # 2013-12-31: LBN suspended, SDN gone, JOR in; XEU named but never given as ISO3
    assert late["Countries covered (ISO3)"] == "EGY; JOR"
    assert late["Countries covered"] == "Egypt; European Union; Jordan"


def test_a_suspension_without_dates_counts_the_country_and_says_so(schema: Schema,
                                                                   tmp_path: Path) -> None:
    body = dict(AMU, **{"Entity ID": "ENT-TEST", "Acronym": "TEST",
                        "Name (English)": "Test Union"})
    memberships = [
        member(1, "ENT-TEST", "EGY"),
        member(2, "ENT-TEST", "JOR"),
        member(3, "ENT-TEST", "JOR", "Suspended"),  # only its note would say when
    ]
    path = book(tmp_path, schema, [policy("POL-001", "Plan", "ENT-TEST")], memberships, [body])
    [row] = read_csv(build_climb(path, tmp_path / "o") / "climb_policies.csv")
    assert row["Countries covered (ISO3)"] == "EGY; JOR"
    assert row["Countries covered (basis)"] == (
        "Members of TEST on 2010-12-31 (end of the year adopted); JOR counted although the "
        "dates of its suspension are not recorded")
    [finding] = [f for f in validate(path).findings if f.rule == "climb-undated-membership"]
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "Memberships", "E4")
    assert finding.message.startswith(
        "This suspension of JOR from ENT-TEST has no start date, so the CLIMB export cannot "
        "tell whether JOR was a member for POL-001 (read on 2010-12-31); it is counted.")


@pytest.mark.skipif("Ended" not in load_schema().sheet("Memberships").by_name,
                    reason="the Memberships sheet has no Ended column")
def test_a_membership_ended_on_an_unknown_date(schema: Schema, tmp_path: Path) -> None:
    """Ended = Yes without an End date: counted, with the doubt in the basis and in validate;
    a suspension that Ended on an unknown date leaves the country counted too."""
    body = dict(AMU, **{"Entity ID": "ENT-TEST", "Acronym": "TEST",
                        "Name (English)": "Test Union"})
    memberships = [
        member(1, "ENT-TEST", "EGY"),
        dict(member(2, "ENT-TEST", "JOR"), Ended=True),
        member(3, "ENT-TEST", "LBN"),
        dict(member(4, "ENT-TEST", "LBN", "Suspended", start=datetime(2005, 1, 1)), Ended=True),
        dict(member(5, "ENT-TEST", "SDN", end=datetime(2001, 1, 1)), Ended=True),
    ]
    path = book(tmp_path, schema, [policy("POL-001", "Plan", "ENT-TEST")], memberships, [body])
    [row] = read_csv(build_climb(path, tmp_path / "o") / "climb_policies.csv")
    assert row["Countries covered (ISO3)"] == "EGY; JOR; LBN"
    assert row["Countries covered (basis)"] == (
        "Members of TEST on 2010-12-31 (end of the year adopted); JOR counted although the "
        "date it left is not recorded; LBN counted although the dates of its suspension are "
        "not recorded")
    found = sorted((f.cell, f.message.split(",")[0]) for f in validate(path).findings
                   if f.rule == "climb-undated-membership")
    assert found == [
        ("F3", "This membership of JOR in ENT-TEST is marked Ended but has no end date"),
        ("F5", "This suspension of LBN from ENT-TEST has no end date"),
    ]


# --- the CSV ---------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_neutralises_formulas(schema: Schema, tmp_path: Path) -> None:
    titles = ['=HYPERLINK("http://example.org","click")', "+1", "-1", "@x"]
    path = book(tmp_path, schema, [
        policy(f"POL-00{i}", t, **{"Title (English)": "Arabic: اتفاقية"})
        for i, t in enumerate(titles, start=1)])
    out = build_climb(path, tmp_path / "o")
    raw = (out / "climb_policies.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfRecord ID,")
    assert "اتفاقية".encode() in raw
    assert b"\r\n" in raw
    rows = read_csv(out / "climb_policies.csv")
    assert [r["Title (original language)"] for r in rows] == [
        "'=HYPERLINK(\"http://example.org\",\"click\")", "'+1", "'-1", "'@x"]
    # the xlsx keeps the text as it is, as text: no formula anywhere
    with zipfile.ZipFile(out / "climb_policies.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    ws = openpyxl.load_workbook(out / "climb_policies.xlsx")["CLIMB policies"]
    cells = [ws.cell(row=r, column=2) for r in range(2, 6)]
    assert [c.value for c in cells] == titles
    assert {c.data_type for c in cells} == {"s"}


@pytest.mark.parametrize(("value", "shown"), [
    ("=1+1", "'=1+1"), ("+33 1", "'+33 1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Art. 5 = 1", "Art. 5 = 1"), (None, ""),
    (pd.Timestamp("2025-08-20"), "2025-08-20"), (1992, "1992"),
])
def test_csv_cell(value: Any, shown: str) -> None:
    assert csv_cell(value, ("=", "+", "-", "@", "\t", "\r")) == shown


# --- builds ----------------------------------------------------------------------------------


def test_rebuilds_are_byte_identical_and_audiences_share_the_csv(schema: Schema,
                                                                 tmp_path: Path) -> None:
    path = book(tmp_path, schema, [
        policy("POL-001", "Charte", **{"Internal notes": "SECRET-NOTE", "Confirmed": False}),
        policy("POL-002", "Plan", **{"Relevant provisions": None})])
    first = build_climb(path, tmp_path / "a")
    second = build_climb(path, tmp_path / "b")
    internal = build_climb(path, tmp_path / "c", audience="internal")
    for name in ("climb_policies.xlsx", "climb_policies.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / "climb_policies.csv").read_bytes() == (
        internal / "climb_policies.csv").read_bytes()
    assert b"SECRET-NOTE" not in (internal / "climb_policies.csv").read_bytes()


def test_xlsx_layout_and_about_sheet(schema: Schema, tmp_path: Path) -> None:
    path = book(tmp_path, schema, [
        policy("POL-001", "Charte", **{"Confirmed": False}),
        policy("POL-002", "Plan", **{"Relevant provisions": None, "Date accessed": None})])
    out = build_climb(path, tmp_path / "o")
    with zipfile.ZipFile(out / "climb_policies.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<pane xSplit="1" ySplit="1"' in sheet
    assert '<autoFilter ref="A1:AC3"/>' in sheet
    assert 'paperSize="9"' in sheet and 'orientation="landscape"' in sheet
    # For import, not for paper: several pages wide at about its real size, the Record ID
    # column and the header row repeated on each page, read across then down.
    assert 'fitToWidth="4"' in sheet and 'fitToHeight="0"' in sheet
    assert 'pageOrder="overThenDown"' in sheet
    assert "&amp;CExternal&amp;RPage &amp;P of &amp;N" in sheet
    with zipfile.ZipFile(out / "climb_policies.xlsx") as z:
        book_xml = z.read("xl/workbook.xml").decode()
        records_xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "'CLIMB policies'!$A:$A,'CLIMB policies'!$1:$1" in book_xml
    assert 'orientation="portrait"' in records_xml
    wb = openpyxl.load_workbook(out / "climb_policies.xlsx")
    assert wb.sheetnames == ["CLIMB policies", "Records", "About"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Separator"].startswith("Cells holding several values separate them with '; '")
    assert about["Unconfirmed facts"].endswith(": POL-001 (Charte).")
    assert about["Required by CLIMB"].endswith(
        ": POL-002 (Date accessed, Relevant provisions).")
    assert about["Date of data"].startswith("2025-08-20")
    assert "schemas/climb.yaml" in about["Labels"]
    # The optional columns the records leave empty, record by record, not "None".
    assert about["Optional, to complete"].endswith(
        ": POL-001 (Title (English), Binding, Policy areas, Hazard onset, Hazard types, "
        "Internal / cross-border, GCM objectives, Other frameworks, Language); POL-002 (Title "
        "(English), Binding, Policy areas, Hazard onset, Hazard types, Internal / cross-border, "
        "GCM objectives, Other frameworks, Language).")
    assert about["Printing"].startswith("Print the Records sheet")


def test_about_sheet_lists_twenty_records_then_says_where_the_others_are(
        schema: Schema, tmp_path: Path) -> None:
    """A global workbook has thousands of records to check: the About sheet stays a page to
    read, with how many, the first twenty and where to find every one."""
    path = book(tmp_path, schema, [
        policy(f"POL-{i:03d}", f"Plan {i}", **{"Confirmed": False, "Source URL": None})
        for i in range(1, 24)])
    out = build_climb(path, tmp_path / "o")
    wb = openpyxl.load_workbook(out / "climb_policies.xlsx")
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    first = range(1, 21)
    assert about["Unconfirmed facts"] == (
        "23 records whose title, year or status no source confirms yet (Confirmed = No in the "
        "master workbook), the first 20: "
        + "; ".join(f"POL-{i:03d} (Plan {i})" for i in first)
        + "; and 3 more: filter the Confirmed column of the Policies sheet on No to list them "
        "all.")
    assert about["Required by CLIMB"] == (
        "23 records miss what CLIMB needs (Source URL 23 records). The first 20: "
        + "; ".join(f"POL-{i:03d} (Source URL)" for i in first)
        + "; and 3 more: matrixbook validate lists every one, at its cell.")
    empty = ("Title (English), Binding, Policy areas, Hazard onset, Hazard types, Internal / "
             "cross-border, GCM objectives, Other frameworks, Language")
    assert about["Optional, to complete"] == (
        "23 records leave optional CLIMB columns empty, to be completed before import ("
        + ", ".join(f"{name} 23 records" for name in empty.split(", "))
        + "; an empty Language is also a warning of matrixbook validate). The first 20: "
        + "; ".join(f"POL-{i:03d} ({empty})" for i in first)
        + "; and 3 more: filter those columns of the import sheet 'CLIMB policies' for empty "
        "cells to list them all.")


def test_records_sheet_one_block_per_policy(schema: Schema, tmp_path: Path) -> None:
    """Field | value, codes beside their labels, countries named with their code, an empty
    field marked as to be completed."""
    path = book(tmp_path, schema, [
        policy("POL-001", "Charte maghrébine", Language="fr", **{
            "GCM objectives": ["2", "23"], "Title (English)": "Maghreb Charter"}),
        policy("POL-002", "Plan", **{"Relevant provisions": None})])
    out = build_climb(path, tmp_path / "o")
    ws = openpyxl.load_workbook(out / "climb_policies.xlsx")["Records"]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    first = next(i for i, r in enumerate(cells) if r[0] == "POL-001")
    assert cells[first][1] == "Maghreb Charter"
    block = {}
    for r in cells[first + 1:]:
        if r[0] is None:
            break
        block[r[0]] = r[1]
    assert block["Language"] == "fr – French"
    assert block["GCM objectives"] == (
        "2 – Minimize the adverse drivers and structural factors that compel people to leave "
        "their country of origin\n23 – Strengthen international cooperation and global "
        "partnerships for safe, orderly and regular migration")
    assert block["Countries covered"] == (
        "Algeria (DZA); Libya (LBY); Mauritania (MRT); Morocco (MAR); Tunisia (TUN)")
    assert block["Hazard onset"] == "To be completed before import"
    assert block["Date accessed"] == "2025-08-20"
    assert "Countries covered (ISO3)" not in block and "Language code" not in block
    second = next(i for i, r in enumerate(cells) if r[0] == "POL-002")
    assert ["Relevant provisions", "To be completed before import"] in [
        r[:2] for r in cells[second:]]


def test_records_sheet_stops_at_its_limit(schema: Schema, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Past RECORDS_LIMIT records the Records sheet holds the first ones and says, at its top,
    after its last record and on the About sheet, that the rest are in the import sheet; the
    import sheet and the CSV keep every record."""
    monkeypatch.setattr(climb, "RECORDS_LIMIT", 2)
    path = book(tmp_path, schema, [policy(f"POL-00{i}", f"Plan {i}") for i in (1, 2, 3)])
    out = build_climb(path, tmp_path / "o")
    wb = openpyxl.load_workbook(out / "climb_policies.xlsx")
    cells = [[c.value for c in r] for r in wb["Records"].iter_rows()]
    ids = [r[0] for r in cells if r[0] and str(r[0]).startswith("POL-")]
    assert ids == ["POL-001", "POL-002"]
    rest = "The other record is in the import sheet 'CLIMB policies' and the CSV file."
    assert cells[1][0] == ("The first 2 of the 3 records of the import sheet, field by field, "
                           "to read and check.")
    assert cells[2][0] == rest
    assert [r[0] for r in cells if r[0]][-1] == rest
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Printing"].endswith(
        "The Records sheet shows the first 2 of the 3 records; the other one is in the import "
        "sheet 'CLIMB policies' (and the CSV file), which holds every record.")
    assert [r["Record ID"] for r in xlsx_rows(out / "climb_policies.xlsx")] == [
        "POL-001", "POL-002", "POL-003"]
    assert len(read_csv(out / "climb_policies.csv")) == 3


def test_records_sheet_within_the_limit_says_nothing_of_it(schema: Schema,
                                                           tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Plan 1"), policy("POL-002", "Plan 2")])
    out = build_climb(path, tmp_path / "o")
    wb = openpyxl.load_workbook(out / "climb_policies.xlsx")
    assert wb["Records"]["A2"].value == ("The 2 records of the import sheet, field by field, "
                                         "to read and check before import.")
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Printing"].endswith("(the Records sheet shows all of it).")


@pytest.mark.office
def test_libreoffice_opens_the_sheet(schema: Schema, tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy(f"POL-{i:03d}", f"Policy {i}") for i in range(1, 6)])
    out = build_climb(path, tmp_path / "o")
    pdf = to_pdf(out / "climb_policies.xlsx", tmp_path / "pdf")
    assert pdf_pages(pdf) >= 6  # the import sheet 4 pages wide, the records, the About page


def _words(pdf: Path) -> list[list[tuple[str, float]]]:
    """Every page's words with their height in points (pdftotext -bbox)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    pages = []
    for page in xhtml.split("<page ")[1:]:
        pages.append([(w, float(y1) - float(y0)) for y0, y1, w in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


@pytest.mark.office
def test_the_default_records_print_readably(master: Path, tmp_path: Path) -> None:
    """Printed by LibreOffice: the import sheet and the Records sheet in type of about normal
    size (not a third of it), and every record of the default workbook on one page."""
    out = build_climb(master, tmp_path / "o")
    pages = _words(to_pdf(out / "climb_policies.xlsx", tmp_path / "pdf"))
    records = [i for i, p in enumerate(pages) if p and p[0][0] == "CLIMB" and p[1][0] ==
               "records,"]
    assert records, "no Records page"
    ids = _climate_ids(master)
    for pid in ids:
        where = [i for i, p in enumerate(pages[:-1])  # the About page last
                 if i >= records[0] and pid in [w for w, _ in p]]
        assert len(where) == 1, (pid, where)  # header and fields on one page
        page = [w for w, _ in pages[where[0]]]
        assert page.index(pid) < page.index("accessed"), pid
    # Words of 10 to 11 pt text print at least 8 pt tall (a third of the size, as before,
    # would be under 4 pt).
    sizes = [h for p in pages[:records[0]] + pages[records[0]:-1] for w, h in p
             if w in ("Regional", "Adopted", "Policy")]
    assert sizes and min(sizes) >= 8, sizes


# --- the export's own checks -----------------------------------------------------------------


def test_export_check_failure_is_a_clear_error(schema: Schema) -> None:
    mapping = load_mapping(schema)
    frame = pd.DataFrame([{label: None for label in mapping.labels}], index=[7])
    frame["Record ID"] = "POL-001"
    frame["Binding"] = "Maybe"
    for col in mapping.columns:
        if col.type == "integer":
            frame[col.label] = pd.array([1992], dtype="Int64")
        elif col.type == "date":
            frame[col.label] = pd.to_datetime([None]).as_unit("ns")
        else:
            frame[col.label] = frame[col.label].astype(object)
    with pytest.raises(ClimbExportError) as info:
        check_export(frame, schema, mapping)
    message = str(info.value)
    assert "bug in matrixbook" in message
    assert "column 'Binding' (Policies row 7, POL-001)" in message
    assert "'Maybe'" in message


@pytest.mark.parametrize(("label", "value", "check"), [
    ("Countries covered (ISO3)", "DZA; XEU", "allowed values"),  # a grouping is not ISO3
    ("Mobility types", "Migration; Flight", "allowed values"),
    ("Countries covered", "Algeria; ", "no empty item, no stray separator"),
    ("Issuing body", " Arab Maghreb Union", "no empty item, no stray separator"),
])
def test_export_check_reads_each_item_of_a_list(schema: Schema, label: str, value: str,
                                                check: str) -> None:
    """The export's own checks look at every item of a joined list, as before they were
    counted once per distinct value."""
    mapping = load_mapping(schema)
    frame = _valid_export_frame(schema, mapping, rows=3)
    frame.loc[8, label] = value
    with pytest.raises(ClimbExportError) as info:
        check_export(frame, schema, mapping)
    message = str(info.value)
    assert f"column '{label}' (Policies row 8, POL-002): {check}, found {value!r}" in message
    assert "Policies row 7" not in message and "Policies row 9" not in message


def _valid_export_frame(schema: Schema, mapping: Any, rows: int) -> pd.DataFrame:
    """An export frame that passes its checks: every required column filled, the rest empty."""
    valid = {"Record ID": "POL-{n:03d}", "Title (original language)": "Plan",
             "Level": "Regional", "Issuing body": "Arab Maghreb Union",
             "Issuing body acronym": "AMU", "Countries covered (ISO3)": "DZA; LBY",
             "Countries covered": "Algeria; Libya",
             "Countries covered (basis)": "Listed in the master workbook",
             "Region": "Maghreb", "Instrument category": "Policy",
             "Instrument type": "Strategy", "Status": "Adopted",
             "Context": "Adverse effects of climate change", "Mobility types": "Migration",
             "Relevant provisions": "Art. 1.", "Source URL": "https://example.org/doc"}
    index = list(range(7, 7 + rows))
    frame = pd.DataFrame(index=index)
    for col in mapping.columns:
        if col.type == "integer":
            frame[col.label] = pd.array([2010] * rows, dtype="Int64")
        elif col.type == "date":
            frame[col.label] = pd.to_datetime(["2025-08-20"] * rows).as_unit("ns")
        else:
            text = valid.get(col.label)
            frame[col.label] = pd.Series(
                [text.format(n=n) if text else None for n in range(1, rows + 1)],
                index=index, dtype=object)
    check_export(frame, schema, mapping)  # valid as it stands
    return frame


def test_a_mapping_to_an_unknown_field_is_refused(schema: Schema) -> None:
    climb = yaml.safe_load((REPO / "schemas" / "climb.yaml").read_text(encoding="utf-8"))
    climb["columns"] = [*climb["columns"], {"label": "Budget", "source": "budget"}]
    with pytest.raises(SchemaError, match="Budget: 'budget' is neither a Policies field"):
        parse_mapping(climb, schema)


# --- readiness findings in validate ----------------------------------------------------------


def test_gaps_climb_cannot_take_are_warnings_at_their_cells(schema: Schema,
                                                           tmp_path: Path) -> None:
    path = book(tmp_path, schema, [
        policy("POL-001", "Complete"),
        policy("POL-002", "Gaps", **{"Source URL": None, "Date accessed": None,
                                     "Relevant provisions": None, "Mobility types": None}),
        policy("POL-003", "Nobody", "ENT-NONE"),
        policy("POL-004", "Hazards only", **{"Climate context": None,
                                             "Hazard types": ["Flood"]}),
    ], entities=[AMU, dict(AMU, **{"Entity ID": "ENT-NONE", "Acronym": "NONE"})])
    report = validate(path)
    climb = sorted([f.severity, f.cell, f.rule] for f in report.findings
                   if f.rule.startswith("climb-"))
    assert climb == sorted([
        *(["warning", policy_cell(schema, "Language", r), "climb-no-language"] for r in (2, 3, 4)),
        ["warning", policy_cell(schema, "Source URL", 3), "climb-no-source"],
        ["warning", policy_cell(schema, "Date accessed", 3), "climb-no-date-accessed"],
        ["warning", policy_cell(schema, "Relevant provisions", 3), "climb-no-provisions"],
        ["warning", policy_cell(schema, "Mobility types", 3), "climb-no-mobility-type"],
        ["warning", policy_cell(schema, "Countries covered", 4), "climb-no-countries"],
        ["warning", policy_cell(schema, "Climate context", 5), "climb-no-context"],
    ])
    assert report.ok  # a draft with gaps still builds
    final = validate(path, stage="final")
    assert sorted(f.rule for f in final.errors if f.rule.startswith("climb-")) == sorted([
        "climb-no-source", "climb-no-date-accessed", "climb-no-provisions",
        "climb-no-mobility-type", "climb-no-countries"])
    # An empty Language stays a warning even for the final versions.
    assert "climb-no-language" in {f.rule for f in final.findings if f.severity == "warning"}
    message = next(f.message for f in report.findings if f.rule == "climb-no-provisions")
    assert message.startswith("POL-002 has a Climate context, so it goes to CLIMB, but "
                              "'Relevant provisions' is empty")
    language = next(f for f in report.findings if f.rule == "climb-no-language")
    assert language.message.startswith("POL-001 goes to CLIMB but its Language is empty")


def test_a_policy_with_a_language_gets_no_language_warning(schema: Schema,
                                                          tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Charte", Language="fr"),
                                   policy("POL-002", "Plan")])
    cells = [f.cell for f in validate(path).findings if f.rule == "climb-no-language"]
    assert cells == [policy_cell(schema, "Language", 3)]


# --- the default workbook --------------------------------------------------------------------


def _climate_ids(source: Path) -> list[str]:
    """The Policy IDs whose Climate context is filled, read straight from the workbook."""
    ws = openpyxl.load_workbook(source, read_only=True)["Policies"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    pid, ctx = head.index("Policy ID"), head.index("Climate context")
    return [r[pid] for r in rows[1:] if r[pid] and r[ctx]]


def _row_of(source: Path, sheet: str, key: str) -> int:
    ws = openpyxl.load_workbook(source, read_only=True)[sheet]
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row[0] == key:
            return n
    raise AssertionError(f"{key} is not in {sheet}")


@pytest.fixture(scope="module")
def default_rows(master: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The CLIMB sheet of the default workbook (built alone: other outputs are not needed)."""
    out = build_climb(master, tmp_path_factory.mktemp("climb-default"))
    return {r["Record ID"]: r for r in read_csv(out / "climb_policies.csv")}


def test_default_workbook_rows(default_rows: dict[str, dict[str, str]], master: Path) -> None:
    ids = _climate_ids(master)
    assert len(ids) >= 2
    assert list(default_rows) == ids


def test_default_igad_protocol(default_rows: dict[str, dict[str, str]]) -> None:
    [row] = [r for r in default_rows.values() if r["Title (original language)"].startswith(
        "IGAD Protocol on Free Movement of Persons")]
    assert row["Issuing body"] == "IGAD Regional Consultative Process on Migration"
    assert row["Issuing body acronym"] == "IGAD-RCP"
    assert row["Level"] == "Regional"
    assert (row["Instrument category"], row["Instrument type"]) == ("Legal instrument",
                                                                    "Protocol")
    assert row["Year adopted"] == "2020"
    assert row["Context"] == "Disasters"
    assert row["Mobility types"] == "Migration; Displacement"
    assert row["Internal / cross-border"] == "Cross-border"
    assert row["GCM objectives"] == "2; 5; 23"
    # The IGAD states active when the protocol was endorsed (February 2020), listed in the
    # workbook: Eritrea was self-suspended from IGAD from April 2007 to 12 June 2023
    # (issue 17 correction, sources SRC-2100 and SRC-2103)
    assert row["Countries covered (ISO3)"] == "DJI; ETH; KEN; SOM; SSD; SDN; UGA"
    assert row["Countries covered (basis)"] == "Listed in the master workbook"
    assert row["Source URL"].startswith("https://")


def test_default_kampala_declaration(default_rows: dict[str, dict[str, str]]) -> None:
    [row] = [r for r in default_rows.values() if r["Title (original language)"].startswith(
        "Kampala Ministerial Declaration on Migration, Environment and Climate Change")]
    assert row["Issuing body acronym"] == "RMFM"
    assert row["Context"] == "Adverse effects of climate change; Environmental degradation"
    # Signed by states, not issued by the RMFM: the ten signatories IOM names in the report of
    # the first Expert Working Group (source SRC-2117), not the RMFM's members; IOM also
    # says 11 and 15 without a list, so the row is Confirmed = No (fact-check, 4 Dec 2026)
    assert row["Countries covered (ISO3)"] == (
        "BDI; DJI; ETH; KEN; RWA; SEN; SOM; SSD; TZA; UGA")
    assert row["Countries covered (basis)"] == "Listed in the master workbook"
    assert row["Binding"] == "No"
    assert row["GCM objectives"] == "2; 23"
    assert row["GCM objectives (labels)"].startswith("Minimize the adverse drivers")


def test_default_workbook_has_no_climb_error(master: Path) -> None:
    report = validate(master)
    assert [f for f in report.errors if f.rule.startswith("climb-")] == []


def test_default_amu_charter_with_a_climate_context(master: Path, edited: Any,
                                                    tmp_path: Path) -> None:
    """Give the Maghreb Charter (ENT-AMU, no countries listed) a Climate context: it comes out
    covering AMU's five members from the Memberships sheet."""
    row = _row_of(master, "Policies", "POL-009")
    path = edited({"Policies": {header_cell("Policies", "Climate context", row):
                                "Environmental degradation"}})
    rows = {r["Record ID"]: r for r in read_csv(build_climb(path, tmp_path / "o")
                                                  / "climb_policies.csv")}
    charter = rows["POL-009"]
    assert charter["Countries covered (ISO3)"] == "DZA; LBY; MRT; MAR; TUN"
    assert charter["Countries covered"] == "Algeria; Libya; Mauritania; Morocco; Tunisia"
    assert charter["Issuing body acronym"] == "AMU"
    assert charter["Region"] == "Maghreb"


def test_unconfirmed_members_are_marked_in_countries_covered(master: Path,
                                                             tmp_path: Path) -> None:
    """Issue 16, item 4: POL-024 (Rabat Process) covers the members of the Rabat Process on its
    adoption, the United Kingdom among them although no source confirms its membership: the
    list of names says so beside it, and the basis names the code, in the sheet and the CSV."""
    out = build_climb(master, tmp_path / "o")
    ws = openpyxl.load_workbook(out / "climb_policies.xlsx")["CLIMB policies"]
    rows = list(ws.values)
    record = dict(zip(rows[0], next(r for r in rows if r[0] == "POL-024"), strict=True))
    names = record["Countries covered"].split("; ")
    assert "United Kingdom (not confirmed)" in names and "United Kingdom" not in names
    assert "France" in names  # a confirmed member carries no mark
    assert "GBR" in record["Countries covered (ISO3)"].split("; ")  # codes stay valid ISO3
    assert record["Countries covered (basis)"].endswith(
        "; membership not confirmed by a source: GBR")
    with (out / "climb_policies.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_row = next(r for r in csv.DictReader(f) if r["Record ID"] == "POL-024")
    assert "United Kingdom (not confirmed)" in csv_row["Countries covered"].split("; ")
    records = list(openpyxl.load_workbook(out / "climb_policies.xlsx")["Records"].values)
    start = next(i for i, r in enumerate(records) if r[0] == "POL-024")
    covered = next(r[1] for r in records[start:] if r[0] == "Countries covered")
    assert "United Kingdom (not confirmed)" in covered


def test_about_never_says_none_above_what_is_left_to_complete(master: Path,
                                                              tmp_path: Path) -> None:
    """Issue 16, item 5: 'Gaps for CLIMB: None.' sat above 'To complete: POL-024 (...)'. What
    CLIMB requires and what is optional are named as such."""
    out = build_climb(master, tmp_path / "o")
    wb = openpyxl.load_workbook(out / "climb_policies.xlsx")
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=3, values_only=True)}
    assert about["Required by CLIMB"] == (
        "Every record has Source URL, Date accessed, Relevant provisions and Mobility types: "
        "what CLIMB cannot take a record without.")
    assert about["Optional, to complete"].startswith("Optional CLIMB columns left empty")
    assert "POL-024 (" in about["Optional, to complete"]
    assert not any(str(v).startswith("None") for v in about.values())
    assert wb["Records"].print_area == "'Records'!$A$1:$B$" + str(wb["Records"].max_row) \
        or wb["Records"].print_area.startswith("'Records'!$A$1:$B$")


@pytest.mark.office
def test_default_workbook_prints_compactly(master: Path, tmp_path: Path) -> None:
    """Issue 16, item 5: the five records of the default workbook printed on 14 pages (the
    import sheet eight of them): now the import sheet one page tall, a page per record
    (six records since issue 17 made POL-001, the Arab DRR strategy, a CLIMB instrument)."""
    out = build_climb(master, tmp_path / "o")
    pages = _words(to_pdf(out / "climb_policies.xlsx", tmp_path / "pdf"))
    records = len(_climate_ids(master))
    assert records == 6
    assert len(pages) <= 4 + records + 1, len(pages)  # 4 pages across, the records, About


def test_a_climate_policy_without_an_id_is_named_by_its_row(edited) -> None:
    """Policies row 2 has a Climate context; with its ID and Language cleared, the finding
    names it by its row (and the policies with an ID keep being named by it)."""
    path = edited({"Policies": {header_cell("Policies", "Policy ID", 2): None,
                                header_cell("Policies", "Language", 2): None}})
    found = [f for f in validate(path, today=TODAY).findings if f.rule == "climb-no-language"]
    language = header_cell("Policies", "Language", 2)
    assert [f.message for f in found if f.cell == language] == [
        "The policy in row 2 goes to CLIMB but its Language is empty: CLIMB would not know the "
        "language of the text. Pick the language of the original text (e.g. ar, en, fr)."]
    assert len(found) > 1
    assert all(f.message.startswith("POL-") for f in found if f.cell != language)
