"""`matrixbook validate --lang fr`: every message in French. The catalogue holds a French
template for every template of the code (found by Babel's extractor, as `pybabel extract`
would) and for every rule; a broken workbook is reported in French at the same cells, with the
same rules, and what the user must type (headers, list values, IDs) left as the workbook has
it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, header_cell
from matrixbook.api import validate
from matrixbook.cli import cli
from matrixbook.i18n import texts
from matrixbook.i18n.catalogue import messages
from matrixbook.report import all_rules

SRC = REPO / "src" / "matrixbook"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def templates_of_the_code() -> list[tuple[str, str, str]]:
    """(context, English template, where) of every report.message.msg call."""
    from babel.messages.extract import extract_from_dir

    found = []
    for name, line, message, _comments, context in extract_from_dir(
            str(SRC), method_map=[("**.py", "python")], keywords={"msg": ((1, "c"), 2)}):
        found.append((context, message, f"{name}:{line}"))
    return found


def test_every_template_of_the_code_has_a_french_one() -> None:
    catalogue = messages("fr")
    found = templates_of_the_code()
    assert len(found) > 90
    not_literal = [where for context, message, where in found
                   if not context or not isinstance(message, str)]
    assert not_literal == [], "msg() needs a literal context and template"
    missing = [f"{where} [{context}] {message!r}" for context, message, where in found
               if (context, message) not in catalogue]
    assert missing == [], "templates without French in locale/fr/LC_MESSAGES/findings.po"


def test_french_templates_keep_the_placeholders() -> None:
    wrong = [f"[{ctx}] {english!r}" for (ctx, english), french in messages("fr").items()
             if set(PLACEHOLDER.findall(english)) != set(PLACEHOLDER.findall(french))]
    assert wrong == []


def test_every_rule_has_a_french_template() -> None:
    from matrixbook.model.climb import load_mapping
    from matrixbook.schema import load_schema

    catalogue = messages("fr")
    contexts = {ctx for ctx, _ in catalogue}
    used = {ctx for ctx, _, _ in templates_of_the_code()}
    # The CLIMB gaps share the 'climb-needs' template; each ends with its hint from
    # schemas/climb.yaml, translated under the rule's own code.
    needs = load_mapping(load_schema()).needs
    missing_hints = [n.rule for n in needs if (n.rule, n.hint) not in catalogue]
    assert missing_hints == [], "climb.yaml hints without French"
    used |= {n.rule for n in needs} if "climb-needs" in used else set()
    # cannot-run: its message is the reason the file could not be read (the operating
    # system's or the file check's words), not a template of its own.
    missing = [r.code for r in all_rules()
               if r.code != "cannot-run" and not ({r.code} & contexts & used)]
    assert missing == [], "rules with no French template"


def test_planted_errors_are_reported_in_french_at_the_same_cells(edited) -> None:
    relevance = header_cell("Themes", "Relevance", 2)
    name = header_cell("Entities", "Name (English)", 3)
    year = header_cell("Policies", "Year adopted", 4)
    body = header_cell("Memberships", "Body ID", 5)
    country = header_cell("Memberships", "Country", 6)
    path = edited({"Themes": {relevance: "Hgh"}, "Entities": {name: None},
                   "Policies": {year: "2018"},
                   "Memberships": {body: "ENT-NOWHERE", country: "egy"}})
    english, french = validate(path), validate(path, lang="fr")
    assert [(f.sheet, f.cell, f.rule, f.severity) for f in english.findings] == [
        (f.sheet, f.cell, f.rule, f.severity) for f in french.findings]
    said = {(f.sheet, f.cell): f.message for f in french.findings}
    assert said[("Themes", relevance)] == (
        "'Hgh' n'est pas une valeur admise pour Relevance. Vouliez-vous dire 'High'\u00a0?")
    assert said[("Entities", name)] == ("Name (English) est obligatoire\u00a0: Nom officiel en "
                                        "anglais.")
    assert said[("Policies", year)].startswith(
        "'2018' est enregistré comme texte\u00a0; Year adopted attend un nombre.")
    assert said[("Memberships", body)].startswith(
        "'ENT-NOWHERE' n'est pas un ID défini dans la feuille Entities ou la feuille "
        "Dialogues.")
    assert said[("Memberships", country)] == (
        "'egy' n'est pas un code de pays ISO 3166-1 alpha-3. Vouliez-vous dire 'EGY' "
        "(Égypte)\u00a0? "
        "Tapez un code de trois lettres comme MAR, EGY ou SAU, ou choisissez le pays dans la "
        "liste.")


PLANTED = [
    ("Entities", "Name (English)", 3, None),
    ("Entities", "Acronym", 4, "LAS"),  # duplicate-key
    ("Entities", "Website", 5, "www.example.org"),  # pattern
    ("Entities", "Founded (year)", 6, 1850),  # out-of-range
    ("Entities", "Seat city", 7, "Cairo "),  # whitespace
    ("Policies", "Date accessed", 3, "05/01/2024"),  # wrong-type, ambiguous
    ("Policies", "Mobility types", 4, "Migration; Displacment"),  # vocabulary
    ("Memberships", "Country", 3, "QQQ"),  # unknown-country
    ("Memberships", "Body ID", 4, "ENT-NOWHERE"),  # unknown-reference
    ("Memberships", "End date", 5, "1900-01-01"),  # wrong-type (text) or end-before-start
    ("Workplan", "End date", 3, "2031-01-01"),  # after-deadline
    ("Review", "Status", 2, "Open"),  # open-comment at the final stage
]


def test_every_finding_of_a_final_check_is_written_in_french(edited) -> None:
    """Planted errors of a dozen rules, and the findings of the default workbook at the final
    stage (drafts, statuses left behind, CLIMB gaps, text not translated): each finding is
    made from a template, so none falls back to English."""
    edits: dict[str, dict[str, object]] = {}
    for sheet, header, row, value in PLANTED:
        edits.setdefault(sheet, {})[header_cell(sheet, header, row)] = value
    path = edited(edits)
    report = validate(path, stage="final", lang="fr")
    rules = {f.rule for f in report.findings}
    assert len(rules) >= 14, rules
    english = [f"{f.rule} {f.where}: {f.message}" for f in report.findings if f.text is None]
    assert english == []
    assert all(f.message != str(f.text) for f in report.findings)
    grouped = [f for f in report.findings if f.group_text is not None]
    assert grouped and all("{n}" in f.group and ("{items}" in f.group or "{rows}" in f.group)
                           for f in grouped)
    assert all(f.group != str(f.group_text) for f in grouped)


def test_cli_text_and_json_in_french(edited) -> None:
    relevance = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {relevance: "Hgh"}})
    result = CliRunner().invoke(cli, ["validate", str(path), "--lang", "fr"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}\u00a0: 1 erreur, ")
    assert first.endswith("— corrigez les erreurs avant de l'envoyer.")
    assert "\nErreurs (1)\nThemes\n" in result.output
    assert f"  {relevance:<7} erreur" in result.output
    as_json = CliRunner().invoke(cli, ["validate", str(path), "--lang", "fr", "--format",
                                       "json"])
    data = json.loads(as_json.output)
    assert data["errors"] == 1 and set(data["findings"][0]) == {
        "severity", "sheet", "cell", "row", "column", "value", "rule", "message"}
    found = [f for f in data["findings"] if f["rule"] == "vocabulary"][0]
    assert found["severity"] == "error" and found["column"] == "Relevance"
    assert found["message"].startswith("'Hgh' n'est pas une valeur admise")


def test_build_in_french_says_the_findings_in_french(edited, tmp_path: Path) -> None:
    """`build --lang fr` on a broken workbook says each finding in French, as `validate --lang
    fr` does, and builds nothing."""
    relevance = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {relevance: "Hgh"}})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(path), "--lang", "fr", "--out", str(out)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if x.startswith(f"  {relevance} "))
    assert "erreur" in line and "'Hgh' n'est pas une valeur admise" in line
    assert "is not one of" not in result.output and not out.exists()


def test_unknown_language_is_refused_with_status_2(master: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(master), "--lang", "ar"])
    assert result.exit_code == 2
    assert "'ar' is not a language matrixbook writes; use one of: en, fr." in result.output
    assert "Traceback" not in result.output


def test_untranslated_text_is_reported_only_for_a_final_french_check(edited) -> None:
    mandate_fr = header_cell("Entities", "Mandate (French)", 2)
    path = edited({"Entities": {mandate_fr: "Organisation régionale des États arabes."}})
    final = validate(path, stage="final", lang="fr")
    untranslated = [f for f in final.findings if f.rule == "untranslated"]
    cells = {(f.sheet, f.column) for f in untranslated}
    assert ("Entities", "Governance and coverage (French)") in cells
    assert ("Recommendations", "Recommendation (French)") in cells
    assert all(f.severity == "warning" for f in untranslated)
    assert not [f for f in untranslated if f.sheet == "Entities" and f.cell == mandate_fr]
    # Name (French) of ENT-LAS is filled in the default workbook: no finding there
    assert not [f for f in untranslated if f.sheet == "Entities"
                and f.cell == header_cell("Entities", "Name (French)", 2)]
    first = next(f for f in untranslated if f.column == "Governance and coverage (French)")
    assert first.message == (
        "ENT-LAS\u00a0: 'Governance and coverage (French)' est vide, donc une version française "
        "montre le texte anglais de 'Governance and coverage', signalé comme non traduit. "
        f"Tapez le texte français en {first.cell}.")
    for stage, lang in (("draft", "fr"), ("final", "en")):
        report = validate(path, stage=stage, lang=lang)
        assert not [f for f in report.findings if f.rule == "untranslated"]


@pytest.mark.parametrize("n, expected", [(0, "0 erreur"), (1, "1 erreur"), (2, "2 erreurs"),
                                         (1234, "1\u202f234 erreurs")])
def test_french_plural_and_numbers(n: int, expected: str) -> None:
    assert texts("fr").plural(n, "{n} error", "{n} errors", "report") == expected


def test_annotated_copy_in_french(edited, tmp_path: Path) -> None:
    import openpyxl

    relevance = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {relevance: "Hgh"}})
    out = tmp_path / "marked.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(path), "--lang", "fr", "--annotate",
                                      str(out)])
    assert result.exit_code == 1
    assert result.output.rstrip().endswith(f"Chaque constat est marqué dans {out}.")
    wb = openpyxl.load_workbook(out)
    findings = wb.worksheets[0]
    assert [c.value for c in findings[1]] == ["Gravité", "Feuille", "Cellule", "Colonne",
                                              "Valeur trouvée", "Règle", "Que faire"]
    assert findings["A2"].value == "erreur"
    assert findings["G2"].value.startswith("'Hgh' n'est pas une valeur admise pour Relevance.")
    assert wb["Themes"][relevance].comment.text.startswith("ERREUR\u00a0: 'Hgh' n'est pas")


def test_a_workbook_without_the_french_column_is_told_once(tmp_path: Path) -> None:
    """A workbook made before the (French) columns: at the final stage in French, one warning
    per missing column says that every row falls back to English."""
    import openpyxl

    from conftest import MASTER

    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Strategy"]
    headers = [c.value for c in ws[1]]
    ws.delete_cols(headers.index("Text (French)") + 1)
    path = tmp_path / "older.xlsx"
    wb.save(path)
    report = validate(path, stage="final", lang="fr")
    strategy = [f for f in report.findings if f.rule == "untranslated" and f.sheet == "Strategy"]
    assert [(f.cell, f.column, f.severity) for f in strategy] == [
        (None, "Text (French)", "warning")]
    assert strategy[0].message == (
        "La colonne 'Text (French)' n'est pas dans la feuille, donc une version française montre "
        "le texte anglais de 'Text' sur chaque ligne. Ajoutez une colonne intitulée "
        "'Text (French)' pour donner le texte français.")
