"""The review round (issue 15): `validate --stage final` refuses an Open comment, a Draft
recommendation or strategy section, and a body no recommendation names; the retired per-body
Recommendations column is said to be no longer read. Each planted at a known cell."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import MASTER, header_cell
from matrixbook.api import validate
from matrixbook.cli import cli


def final(path: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["validate", str(path), "--stage", "final", "--format",
                                      "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["findings"]


def test_an_open_comment_is_an_error_at_the_final_stage_only(edited) -> None:
    status = header_cell("Review", "Status", 2)  # REV-001, Open in the default workbook
    findings = [f for f in final(MASTER) if f["rule"] == "open-comment"]
    assert findings == [{
        "severity": "error", "sheet": "Review", "cell": status, "row": 2, "column": "Status",
        "value": "Open", "rule": "open-comment",
        "message": "Comment REV-001 on the Mapping report is still Open. Write the response and "
                   "set Status to Addressed or Declined before the final version."}]
    assert not [f for f in validate(MASTER).findings if f.rule == "open-comment"]
    addressed = edited({"Review": {status: "Addressed"}})
    assert not [f for f in final(addressed) if f["rule"] == "open-comment"]


def test_a_draft_recommendation_is_an_error_at_the_final_stage(edited) -> None:
    status = header_cell("Recommendations", "Status", 2)
    drafts = [f for f in final(MASTER) if f["rule"] == "draft-in-final"
              and f["sheet"] == "Recommendations"]
    assert [f["cell"] for f in drafts][0] == status
    assert drafts[0]["message"] == (
        "The recommendation REC-101 is still a Draft. Review it and set Status to Reviewed or "
        "Final before the final version.")
    reviewed = edited({"Recommendations": {status: "Reviewed"}})
    cells = [f["cell"] for f in final(reviewed) if f["rule"] == "draft-in-final"]
    assert status not in cells and header_cell("Recommendations", "Status", 3) in cells
    assert not [f for f in validate(MASTER).findings if f.rule == "draft-in-final"]


def test_a_body_without_recommendation_warns_in_a_draft_and_is_an_error_at_final(edited) -> None:
    """REC-107 and REC-108 are the two recommendations naming ENT-AMU: readdressed to ENT-GCC
    and DLG-RABAT, they leave ENT-AMU with none."""
    key = header_cell("Entities", "Entity ID", 5)  # ENT-AMU
    bodies = lambda row: header_cell("Recommendations", "Bodies", row)  # noqa: E731
    book = edited({"Recommendations": {bodies(8): "ENT-GCC; DLG-RABAT", bodies(9): "ENT-GCC"}})
    draft = {(f.sheet, f.cell): f for f in validate(book).findings
             if f.rule == "no-recommendation"}
    assert set(draft) == {("Entities", key)}
    assert draft[("Entities", key)].severity == "warning"
    assert draft[("Entities", key)].message == (
        "No recommendation names ENT-AMU yet. Add a row to the Recommendations sheet with "
        "ENT-AMU in Bodies before the final version; until then its briefing note shows "
        "'To be completed' under 'Recommendations for IOM's strategic positioning'.")
    assert not [f for f in validate(MASTER).findings if f.rule == "no-recommendation"]
    at_final = [f for f in final(book) if f["rule"] == "no-recommendation"]
    assert {f["severity"] for f in at_final} == {"error"}
    assert len(at_final) == len(draft)


def test_an_unknown_evidence_id_is_reported_at_its_cell(edited) -> None:
    cell = header_cell("Recommendations", "Evidence", 2)
    book = edited({"Recommendations": {cell: "THM-0002; POL-999"}})
    (f,) = [f for f in validate(book).findings if f.cell == cell and f.sheet == "Recommendations"]
    assert f.rule == "unknown-reference" and f.severity == "error"
    assert "'POL-999' is not an ID defined in the Themes sheet or the Policies sheet or the " \
           "Interviews sheet." in f.message


def test_text_left_in_the_retired_recommendations_column_is_reported(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Entities"]
    col = ws.max_column + 1
    ws.cell(1, col, "Recommendations")
    ws.cell(2, col, "Engage the ARCP secretariat.")
    path = tmp_path / "old.xlsx"
    wb.save(path)
    (f,) = [f for f in validate(path).findings if f.rule == "retired-column"]
    assert (f.severity, f.sheet, f.row, f.column) == ("warning", "Entities", 2, "Recommendations")
    assert f.message.startswith("The column 'Recommendations' is no longer read")
    assert "(Bodies: ENT-LAS)" in f.message


# --------------------------------------------------------------------------- briefs

HEADING = "Recommendations for IOM's strategic positioning"


def _section(path: Path, heading: str = HEADING) -> list[str]:
    import docx

    out: list[str] = []
    inside = False
    for p in docx.Document(str(path)).paragraphs:
        if p.style.name.startswith("Heading"):
            if inside:
                break
            inside = p.text == heading
            continue
        if inside and p.text:
            out.append(p.text)
    return out


def test_a_brief_lists_the_recommendations_that_name_its_body(edited, tmp_path: Path) -> None:
    """REC-107 names ENT-AMU (internal, Medium); REC-108, made High, Shareable and addressed to
    ENT-AMU and DLG-5PLUS5, comes first in both notes; only REC-108 in an external AMU note;
    ENT-ACDC-RCC-NA, whose two recommendations (REC-115, REC-116) are made regional, shows
    'To be completed'."""
    from datetime import date

    from matrixbook.api import build

    c = lambda header, row: header_cell("Recommendations", header, row)  # noqa: E731
    book = edited({"Recommendations": {c("Bodies", 9): "ENT-AMU; DLG-5PLUS5",
                                       c("Priority", 9): "High", c("Shareable", 9): True,
                                       c("Bodies", 16): None, c("Bodies", 17): None}})
    for audience in ("internal", "external"):
        out = tmp_path / audience
        result = build(book, out, only=["briefs"], audience=audience, today=date(2025, 9, 3))
        assert result.report.ok, result.report.to_text()
        amu = _section(out / "briefs" / "ENT-AMU.docx")
        five = _section(out / "briefs" / "DLG-5PLUS5.docx")
        assert amu[0].endswith("(REC-108, Draft)") and five[0] == amu[0]
        assert amu[0].startswith("Propose a technical exchange with the Permanent Maghreb")
        assert "Research and knowledge exchange; High priority; Medium term (1–3 years)." \
            in amu[0]
        if audience == "internal":
            assert len(amu) == 2 and amu[1].endswith("(REC-107, Draft)")
            assert amu[1].startswith("Offer the AMU General Secretariat technical support")
        else:
            assert len(amu) == 1
        assert _section(out / "briefs" / "ENT-ACDC-RCC-NA.docx") == ["To be completed."]
        html = (out / "briefs" / "ENT-AMU.html").read_text(encoding="utf-8")
        assert ("(REC-107, Draft)" in html) == (audience == "internal")
        assert "(REC-108, Draft)" in html


def test_every_recommendation_of_the_default_workbook_is_in_the_briefs_it_names(
        tmp_path: Path) -> None:
    """Each recommendation naming a body is in that body's internal note (the mapping report
    holds every one: tests/test_reports.py); a Shareable one in its external note too."""
    from datetime import date

    from matrixbook.api import build
    from test_briefs import tables_of

    recs = tables_of(MASTER)["Recommendations"]
    assert len(recs) > 0
    for audience in ("internal", "external"):
        result = build(MASTER, tmp_path / audience, only=["briefs"], audience=audience,
                       today=date(2025, 9, 3))
        assert result.report.ok
    for rec in recs.itertuples():
        for body in rec.body_ids if isinstance(rec.body_ids, list) else []:
            for audience in ("internal", "external"):
                shown = _section(tmp_path / audience / "briefs" / f"{body}.docx")
                mine = [p for p in shown if p.startswith(rec.recommendation.rstrip("."))
                        and f"({rec.recommendation_id}" in p]
                expected = audience == "internal" or rec.shareable is True
                assert bool(mine) == expected, (rec.recommendation_id, body, audience)


def test_a_workbook_from_before_the_review_sheets_is_told_to_add_them(tmp_path: Path) -> None:
    """A workbook made before Recommendations, Strategy and Review existed: each missing sheet
    is named, and the Interviews sheet is never offered as the Review sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(MASTER)
    for name in ("Recommendations", "Strategy", "Review"):
        del wb[name]
    path = tmp_path / "old.xlsx"
    wb.save(path)
    missing = {f.sheet: f.message for f in validate(path).findings if f.rule == "missing-sheet"}
    assert set(missing) == {"Recommendations", "Strategy", "Review"}
    assert missing["Review"] == ("The workbook has no sheet 'Review'. Add a sheet named "
                                 "'Review' (run `matrixbook init --blank` for one with the "
                                 "right headers).")


def test_an_empty_shareable_cell_keeps_a_recommendation_out_of_external_outputs(
        edited, tmp_path: Path) -> None:
    """Shareable left empty on REC-108 (a staff member who has not decided yet): the external
    build runs and leaves REC-108 out; the internal build keeps it."""
    from datetime import date

    import openpyxl

    from matrixbook.api import build

    c = lambda header, row: header_cell("Recommendations", header, row)  # noqa: E731
    book = edited({"Recommendations": {c("Bodies", 9): "ENT-AMU", c("Shareable", 9): None}})
    for audience in ("internal", "external"):
        out = tmp_path / audience
        result = build(book, out, only=["policy_database", "matrix", "briefs"],
                       audience=audience, today=date(2025, 9, 3))
        assert result.report.ok, result.report.to_text()
        html = (out / "briefs" / "ENT-AMU.html").read_text(encoding="utf-8")
        assert ("(REC-108, Draft)" in html) == (audience == "internal")
    assert openpyxl.load_workbook(book)["Recommendations"][c("Shareable", 9)].value is None
