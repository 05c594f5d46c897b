"""`validate --annotate`: a copy of the user's own workbook, everything kept, each bad cell
filled and commented, and a Findings sheet with links; the input is never touched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import header_cell, to_pdf
from matrixbook.cli import cli


def test_annotated_copy_marks_each_bad_cell(edited, tmp_path: Path) -> None:
    relevance = header_cell("Themes", "Relevance", 2)
    acronym = header_cell("Entities", "Acronym", 2)
    wb = openpyxl.load_workbook(edited({}))
    wb["Themes"][relevance] = "Hgh"
    wb["Entities"][acronym] = " LAS"
    wb.create_sheet("My notes")["B2"] = "keep me"
    source = tmp_path / "mine.xlsx"
    wb.save(source)
    before = source.read_bytes()
    out = tmp_path / "checked.xlsx"

    result = CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    assert result.exit_code == 1
    assert f"Marked every finding in {out}." in result.output
    assert source.read_bytes() == before

    marked = openpyxl.load_workbook(out)
    assert marked.sheetnames[0] == "Findings"
    assert marked["My notes"]["B2"].value == "keep me"
    bad = marked["Themes"][relevance]
    assert bad.value == "Hgh"
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert bad.comment.text == ("ERROR: 'Hgh' is not an allowed value for Relevance. "
                                "Did you mean 'High'?")
    spaced = marked["Entities"][acronym]
    assert spaced.fill.fgColor.rgb.endswith("FFEB9C")
    assert spaced.comment.text.startswith("WARNING: The cell holds spaces")

    rows = list(marked["Findings"].iter_rows(min_row=1, values_only=True))
    assert rows[0] == ("Severity", "Sheet", "Cell", "Column", "Value found", "Rule",
                       "What to do")
    link_row = next(r for r in marked["Findings"].iter_rows(min_row=2)
                    if r[1].value == "Themes" and r[2].value == relevance)
    assert link_row[2].hyperlink.location == f"'Themes'!{relevance}" or \
        link_row[2].hyperlink.target == f"#'Themes'!{relevance}"
    assert link_row[5].value == "vocabulary"


def test_annotate_refuses_an_existing_file_without_force(edited, tmp_path: Path) -> None:
    source = edited({})
    out = tmp_path / "exists.xlsx"
    out.write_bytes(b"keep")
    result = CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    assert result.exit_code == 2
    assert "already exists; choose another name or add --force" in result.output
    assert out.read_bytes() == b"keep"
    result = CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out),
                                      "--force"])
    assert result.exit_code == 0


def test_text_in_findings_never_becomes_a_formula(edited, tmp_path: Path) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    source = edited({"Themes": {cell: "=1+2"}})
    out = tmp_path / "checked.xlsx"
    CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    ws = openpyxl.load_workbook(out)["Findings"]
    values = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=1+2"]
    assert values and all(c.data_type == "s" for c in values)


@pytest.mark.office
def test_annotated_copy_opens_in_libreoffice(edited, tmp_path: Path) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    source = edited({"Themes": {cell: "Hgh"}})
    out = tmp_path / "checked.xlsx"
    CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    to_pdf(out, tmp_path)


def test_every_cell_a_finding_names_is_marked(edited, tmp_path: Path) -> None:
    """'5 sections are empty: R2, S2, T2, U2, W2' marks all five cells, not only R2; a clash
    of two interviews marks both."""
    import re

    from matrixbook.api import validate

    data = header_cell("Entities", "Data", 2)
    climate = header_cell("Entities", "Climate action and mobility", 2)
    source = edited({"Entities": {data: None, climate: None}})
    out = tmp_path / "checked.xlsx"
    CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    (finding,) = [f for f in validate(source).findings
                  if f.rule == "empty-section" and f.sheet == "Entities" and f.row == 2]
    named = re.findall(r"\(([A-Z]+[0-9]+)\)", finding.message)
    assert data in named and climate in named
    ws = openpyxl.load_workbook(out)["Entities"]
    for ref in named:
        assert ws[ref].fill.fgColor.rgb.endswith("FFEB9C"), ref
        assert ws[ref].comment.text == f"WARNING: {finding.message}", ref


def test_both_cells_of_a_duplicate_id_are_marked(edited, tmp_path: Path) -> None:
    first, second = header_cell("Policies", "Policy ID", 2), header_cell("Policies", "Policy ID", 3)
    value = openpyxl.load_workbook(edited({}))["Policies"][first].value
    source = edited({"Policies": {second: value}}, name="dup.xlsx")
    out = tmp_path / "checked.xlsx"
    CliRunner().invoke(cli, ["validate", str(source), "--annotate", str(out)])
    ws = openpyxl.load_workbook(out)["Policies"]
    for ref in (first, second):
        assert ws[ref].fill.fgColor.rgb.endswith("FFC7CE"), ref
        assert f"is used twice, in {first} and {second}" in ws[ref].comment.text
