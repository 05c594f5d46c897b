"""`matrixbook init --lang fr`: the About sheet, the input messages and the validation messages
in French; the sheet names, headers, list values and every cell of data exactly as in the
English workbook (they are what every command reads)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from matrixbook.api import validate
from matrixbook.cli import cli


def _init(path: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["init", str(path), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("init-fr")
    english, french = folder / "en.xlsx", folder / "fr.xlsx"
    _init(english)
    _init(french, "--lang", "fr")
    return english, french


def _about(path: Path) -> list[tuple[str, str]]:
    rows = openpyxl.load_workbook(path)["About"].iter_rows(values_only=True)
    return [(a or "", b or "") for a, b, *_ in rows]


def test_about_sheet_in_french(pair: tuple[Path, Path]) -> None:
    english, french = pair
    en, fr = _about(english), _about(french)
    assert fr[0][0] == ("Cartographie par l'OIM des entités régionales et des dialogues "
                        "interrégionaux sur la migration au Moyen-Orient et en Afrique du Nord")
    labels = [label for label, _ in fr]
    assert {"Objet", "Version du schéma", "Ce qu'est ce classeur", "Comment le remplir",
            "Listes déroulantes", "Données personnelles", "Textes en français"} <= set(labels)
    assert len(en) == len(fr)
    # every line is in French, except the version, the blank lines and the sheets' names
    sheet_names = {name for name, _ in en[-11:]}
    for (en_label, en_text), (fr_label, fr_text) in zip(en, fr, strict=True):
        if en_label in ("Schema version", "") and not en_text:
            continue
        if en_label == "Schema version":
            assert (fr_label, fr_text) == ("Version du schéma", en_text)
        elif en_label in sheet_names:
            assert fr_label == en_label and fr_text != en_text
        else:
            assert (fr_label, fr_text) != (en_label, en_text), en_label
            assert fr_text != en_text or not en_text, en_label
    sheets = dict(fr[-11:])
    assert sheets["Themes"].startswith("Une ligne par organe et thématique")


def test_data_headers_and_lists_unchanged(pair: tuple[Path, Path]) -> None:
    english, french = pair
    en, fr = CalamineWorkbook.from_path(str(english)), CalamineWorkbook.from_path(str(french))
    assert en.sheet_names == fr.sheet_names
    for name in en.sheet_names:
        if name != "About":
            assert en.get_sheet_by_name(name).to_python() == \
                fr.get_sheet_by_name(name).to_python(), name


def test_input_and_validation_messages_in_french(pair: tuple[Path, Path]) -> None:
    _, french = pair
    ws = openpyxl.load_workbook(french)["Themes"]
    by_title = {dv.promptTitle: dv for dv in ws.data_validations.dataValidation}
    relevance = by_title["Relevance"]  # the title stays the header the column shows
    assert relevance.prompt.startswith("Obligatoire. High, Medium, Low, None, ou Not assessed")
    assert relevance.errorTitle == "Pas dans la liste"
    assert relevance.error == "Choisissez une valeur de la liste pour Relevance."
    body = by_title["Body ID"]
    assert body.error.startswith("Ce n'est pas encore un ID de Entities ou Dialogues.")
    policies = openpyxl.load_workbook(french)["Policies"]
    mobility = {dv.promptTitle: dv
                for dv in policies.data_validations.dataValidation}["Mobility types"]
    assert mobility.prompt.endswith(" Valeurs admises\u00a0: Migration, Displacement, Planned "
                                    "relocation, Evacuation, Trapped populations.")
    for dv in ws.data_validations.dataValidation:
        assert len(dv.prompt or "") <= 255 and len(dv.errorTitle or "") <= 32


def test_french_workbook_validates_like_the_english_one(pair: tuple[Path, Path]) -> None:
    english, french = pair
    assert validate(french, today=None).errors == []
    assert [(f.rule, f.where) for f in validate(english).findings] == [
        (f.rule, f.where) for f in validate(french).findings]


def test_from_an_installed_wheel_without_seed(tmp_path: Path, monkeypatch,
                                              pair: tuple[Path, Path]) -> None:
    """A wheel carries the default workbook, not its seed: the French workbook is written from
    the default workbook's rows, with the same data."""
    import matrixbook.resources as resources

    monkeypatch.setattr(resources, "seed_dir", lambda: tmp_path / "no-seed")
    path = tmp_path / "fr.xlsx"
    _init(path, "--lang", "fr")
    english, _ = pair
    en, fr = CalamineWorkbook.from_path(str(english)), CalamineWorkbook.from_path(str(path))
    for name in ("Entities", "Policies", "Memberships", "Interviews", "Workplan"):
        assert en.get_sheet_by_name(name).to_python() == fr.get_sheet_by_name(name).to_python()
    assert _about(path)[2][0] == "Objet"


@pytest.mark.office
def test_french_workbook_opens_in_libreoffice(pair: tuple[Path, Path], tmp_path: Path) -> None:
    from conftest import pdf_pages, to_pdf

    _, french = pair
    pdf = to_pdf(french, tmp_path)
    assert pdf_pages(pdf) >= 2


def test_init_says_what_it_wrote_and_refuses_an_existing_file_in_french(tmp_path: Path) -> None:
    path = tmp_path / "nouveau.xlsx"
    first = CliRunner().invoke(cli, ["init", str(path), "--lang", "fr"])
    assert first.exit_code == 0
    assert first.output.replace("\u00a0", " ") == f"Écrit : {path} (prérempli, textes en fr).\n"
    before = path.read_bytes()
    again = CliRunner().invoke(cli, ["init", str(path), "--lang", "fr"])
    assert again.exit_code == 2
    # (French punctuation: a no-break space before the colon and the semicolon)
    said = again.output.replace("\u00a0", " ")
    assert said == (f"Erreur : {path} existe déjà ; choisissez un autre nom ou ajoutez "
                    "--force pour le remplacer.\n")
    assert path.read_bytes() == before
