"""The consolidated regional policy database (external) and the review log (internal), read back
with openpyxl: one row per policy with its body's name, filters on the header row only, frozen
panes, A4 landscape with the header repeated; counts by body × theme and by year; the comments
grouped by deliverable with their response and status colour. Then audiences, text that stays
text, byte-identical rebuilds and LibreOffice opening both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import MASTER, header_cell, to_pdf
from matrixbook.api import build
from matrixbook.cli import cli
from matrixbook.outputs.policy_database import FIELDS
from matrixbook.outputs.review_log import STATUS_FILL
from test_briefs import tables_of

TODAY = date(2025, 9, 3)
CANARY = "CANARY-POLICY-7f3e-internal-only"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return tables_of(MASTER)


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy-db")
    result = build(MASTER, out, only=["policy_database"], audience="external", today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review-log")
    result = build(MASTER, out, only=["policy_database", "review_log"], audience="internal",
                   today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out


def test_build_list_shows_the_new_outputs() -> None:
    result = CliRunner().invoke(cli, ["build", "--list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[1] for line in result.output.splitlines() if line}
    assert lines["policy_database"] == "external"
    assert lines["review_log"] == "internal"


def test_one_row_per_policy_with_its_body(external: Path,
                                          tables: dict[str, pd.DataFrame]) -> None:
    ws = openpyxl.load_workbook(external / "policy_database.xlsx")["Policies"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == [f.label for f in FIELDS]
    policies = tables["Policies"]
    assert [r[0] for r in rows[1:]] == list(policies.policy_id)
    bodies = tables["Entities"].set_index("entity_id")
    first = policies.iloc[0]
    body = bodies.loc[first.body_id]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Issuing body"] == f"{body.name_en} ({body.acronym})"
    assert row["Year adopted"] == first.year_adopted
    assert row["Themes"] == "; ".join(first.themes)
    assert row["Source URL"] == first.source_url
    assert ws.cell(2, rows[0].index("Source URL") + 1).hyperlink.target == first.source_url
    assert row["Date accessed"] == first.date_accessed.to_pydatetime()
    climate = policies[policies.climate_context.map(lambda v: isinstance(v, list) and bool(v))]
    for rec in climate.itertuples():
        (shown,) = [r for r in rows[1:] if r[0] == rec.policy_id]
        assert shown[rows[0].index("Climate context")] == "; ".join(rec.climate_context)


def test_filters_frozen_panes_and_print_setup(external: Path) -> None:
    ws = openpyxl.load_workbook(external / "policy_database.xlsx")["Policies"]
    assert ws.auto_filter.ref == f"A1:Q{ws.max_row}"  # the header row, over every policy
    assert ws.freeze_panes == "C2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$1"


def test_counts_by_body_theme_and_year(external: Path, tables: dict[str, pd.DataFrame]) -> None:
    ws = openpyxl.load_workbook(external / "policy_database.xlsx")["Counts"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = [i for i, r in enumerate(rows) if r[0] == "Body"][0]
    header = rows[head]
    policies = tables["Policies"]
    gcc = [r for r in rows if r[0] == "GCC"][0]
    own = policies[policies.body_id == "ENT-GCC"]
    assert gcc[header.index("Instruments")] == len(own)
    labour = header.index("Labour migration and mobility")
    assert gcc[labour] == sum("Labour migration and mobility" in t for t in own.themes)
    totals = [r for r in rows if r[0] == "Total"]
    assert totals[0][header.index("Instruments")] == len(policies)
    year_head = [i for i, r in enumerate(rows) if r[0] == "Year"][0]
    by_year = {r[0]: r[1:3] for r in rows[year_head + 1:] if isinstance(r[0], int)}
    assert by_year[2022][0] == int((policies.year_adopted == 2022).sum())
    assert totals[1][1:3] == [len(policies), int(policies.climate_context.map(
        lambda v: isinstance(v, list) and bool(v)).sum())]


def test_external_database_has_no_internal_note_and_text_stays_text(edited,
                                                                    tmp_path: Path) -> None:
    book = edited({"Policies": {header_cell("Policies", "Internal notes", 2): CANARY,
                                header_cell("Policies", "Title (English)", 2): "=1+1"}})
    for audience in ("external", "internal"):
        result = build(book, tmp_path / audience, only=["policy_database"], audience=audience,
                       today=TODAY)
        assert result.report.ok
        path = tmp_path / audience / "policy_database.xlsx"
        ws = openpyxl.load_workbook(path)["Policies"]
        cell = ws.cell(2, [c.value for c in ws[1]].index("Title (English)") + 1)
        assert cell.value == "=1+1" and cell.data_type == "s"
        import zipfile

        with zipfile.ZipFile(path) as z:
            assert not [n for n in z.namelist() if CANARY.encode() in z.read(n)]


def test_review_log_groups_comments_with_responses_and_colours(
        internal: Path, tables: dict[str, pd.DataFrame]) -> None:
    wb = openpyxl.load_workbook(internal / "review_log.xlsx")
    assert wb.sheetnames == ["Summary", "Comments"]
    ws = wb["Comments"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows[2]
    assert header[5:7] == ["Comment", "Response"]  # the response beside the comment
    review = tables["Review"]
    groups = [r[0] for r in rows[3:] if r[1] is None and r[0] and ":" in r[0]]
    order = ["Inception report", "Workplan", "Briefing note", "Mapping report",
             "Regional engagement strategy", "Recommendations", "Policy database",
             "CLIMB import"]
    expected = sorted(set(review.deliverable), key=order.index)
    assert [g.split(":")[0] for g in groups] == expected
    for rec in review.itertuples():
        (i,) = [i for i, r in enumerate(rows) if r[0] == rec.comment_id]
        assert rows[i][5] == rec.comment
        assert rows[i][6] == (rec.response if isinstance(rec.response, str) else None)
        assert rows[i][7] == rec.status
        fill = ws.cell(i + 1, 8).fill.fgColor.rgb
        assert fill[-6:] == STATUS_FILL[rec.status].lstrip("#").upper()
        group = [r[0] for r in rows[:i] if r[0] in groups][-1]
        assert group.startswith(f"{rec.deliverable}:")
    summary = [[c.value for c in r] for r in wb["Summary"].iter_rows()]
    assert summary[2] == ["Deliverable", "Open", "Addressed", "Declined", "Total"]
    total = summary[-1]
    counts = review.status.value_counts()
    assert total == ["All deliverables", int(counts.get("Open", 0)),
                     int(counts.get("Addressed", 0)), int(counts.get("Declined", 0)),
                     len(review)]


def test_review_log_is_internal_only(tmp_path: Path) -> None:
    result = build(MASTER, tmp_path, audience="external", today=TODAY)
    assert result.report.ok
    assert "Skipped review_log: internal only." in result.messages
    assert not (tmp_path / "review_log.xlsx").exists()
    assert (tmp_path / "policy_database.xlsx").exists()


def test_new_outputs_rebuild_byte_identical(internal: Path, tmp_path: Path) -> None:
    result = build(MASTER, tmp_path, only=["policy_database", "review_log"], today=TODAY)
    assert result.report.ok
    for name in ("policy_database.xlsx", "review_log.xlsx"):
        assert (tmp_path / name).read_bytes() == (internal / name).read_bytes(), name


@pytest.mark.office
def test_new_outputs_open_in_libreoffice(internal: Path, tmp_path: Path) -> None:
    from conftest import pdf_pages

    for name in ("policy_database.xlsx", "review_log.xlsx"):
        pdf = to_pdf(internal / name, tmp_path)
        assert pdf_pages(pdf) >= 2, name
