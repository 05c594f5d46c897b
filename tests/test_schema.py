"""The data dictionary: its JSON (`matrixbook schema --format json`), and the committed Markdown
being current."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import REPO
from matrixbook.cli import cli
from matrixbook.dictionary import to_markdown
from matrixbook.schema import COLUMN_TYPES

CONTRACT_COLUMN_KEYS = ["name", "type", "required", "unique", "allowed", "pattern", "references",
                        "separator", "audience", "description"]


def test_schema_json_follows_the_contract() -> None:
    result = CliRunner().invoke(cli, ["schema", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == ["version", "sheets"]
    assert data["version"] == "1.0.0"
    names = [s["name"] for s in data["sheets"]]
    assert names == ["Entities", "Dialogues", "Memberships", "Themes", "Policies", "Interviews",
                     "Workplan", "Sources", "Recommendations", "Strategy", "Review"]
    for sheet in data["sheets"]:
        assert list(sheet) == ["name", "key", "header_row", "columns"]
        assert sheet["header_row"] == 1
        for col in sheet["columns"]:
            assert list(col) == CONTRACT_COLUMN_KEYS
            assert col["type"] in COLUMN_TYPES
            assert col["audience"] in ("internal", "external")
            assert col["description"]
            assert (col["separator"] == ";") == (col["type"] == "list")
            if col["allowed"] is not None:
                assert all(isinstance(v, str) for v in col["allowed"])


def test_vocabularies_cover_what_the_terms_of_reference_need() -> None:
    data = json.loads(CliRunner().invoke(cli, ["schema", "--format", "json"]).output)
    cols = {(s["name"], c["name"]): c for s in data["sheets"] for c in s["columns"]}
    themes = cols[("Themes", "Theme")]["allowed"]
    assert themes[:2] == ["Climate action and mobility", "Data"]
    assert cols[("Policies", "GCM objectives")]["allowed"] == [str(i) for i in range(1, 24)]
    assert cols[("Policies", "SDGs")]["allowed"] == [str(i) for i in range(1, 18)]
    countries = cols[("Memberships", "Country")]["allowed"]
    assert {"MAR", "EGY", "SAU", "PSE", "XEU"} <= set(countries)
    assert cols[("Memberships", "Role")]["allowed"][:3] == ["Member", "Observer", "Suspended"]
    assert cols[("Interviews", "Mode")]["allowed"]
    assert cols[("Interviews", "Status")]["allowed"]
    assert cols[("Memberships", "Body ID")]["references"] == (
        "Entities.Entity ID | Dialogues.Dialogue ID")


def test_personal_data_is_declared_internal() -> None:
    data = json.loads(CliRunner().invoke(cli, ["schema", "--format", "json"]).output)
    interviews = {c["name"]: c for s in data["sheets"] if s["name"] == "Interviews"
                  for c in s["columns"]}
    for name in ("Interviewee", "Email", "Phone", "Interview notes"):
        assert interviews[name]["audience"] == "internal"


def test_committed_data_dictionary_is_current(schema) -> None:
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == to_markdown(schema), (
        "docs/data-dictionary.md is stale: run "
        "`matrixbook schema --format markdown > docs/data-dictionary.md`")


def test_markdown_command_prints_the_dictionary(schema) -> None:
    result = CliRunner().invoke(cli, ["schema", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output == to_markdown(schema)
    assert "## Policies" in result.output
