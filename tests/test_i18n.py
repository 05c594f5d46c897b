"""The language layer (matrixbook.i18n): languages, fixed texts, dates and numbers, countries,
vocabulary labels, body names and French content with its fallback, and right to left."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from matrixbook.i18n import Localized, UnknownLanguage, language, languages, offered, texts
from matrixbook.i18n.catalogue import po_files
from matrixbook.i18n.direction import docx_bidi, html_dir, xlsx_sheet
from matrixbook.schema import Schema


def test_languages_declared_and_offered() -> None:
    assert set(languages()) >= {"en", "fr", "ar"}
    assert language("ar").rtl and not language("fr").rtl and not language("en").rtl
    assert offered() == ("en", "fr")  # Arabic is declared, its catalogue not written
    with pytest.raises(UnknownLanguage, match="not written yet"):
        texts("ar")
    with pytest.raises(UnknownLanguage, match="use one of: en, fr"):
        language("de")


def test_dates_and_numbers_as_a_french_reader_writes_them() -> None:
    fr, en = texts("fr"), texts("en")
    assert fr.date(date(2025, 9, 12)) == "12 septembre 2025"
    assert fr.date(datetime(2025, 8, 1, 10, 30)) == "1er août 2025"
    assert en.date(date(2025, 9, 12)) == "12 September 2025"
    assert fr.date(date(2025, 9, 12), "MMMM y") == "septembre 2025"
    assert fr.number(32767) == "32\u202f767"
    assert fr.number(3.5, 1) == "3,5"
    assert en.number(32767) == "32,767"


def test_page_footer() -> None:
    assert texts("fr").page_footer(2, 7) == "Page 2 sur 7"
    assert texts("en").page_footer(2, 7) == "Page 2 of 7"


def test_countries_in_french() -> None:
    fr, en = texts("fr"), texts("en")
    assert fr.country("EGY") == "Égypte"
    assert fr.country("SAU") == "Arabie saoudite"
    assert fr.country("ARE") == "Émirats arabes unis"
    assert fr.country("PSE") == "État de Palestine"
    assert en.country("PSE") == "State of Palestine"
    assert fr.country("XEU") == "Union européenne"
    assert fr.term("countries", "MAR") == "Maroc"


def test_terms_take_the_label_of_the_language() -> None:
    fr, en = texts("fr"), texts("en")
    assert fr.term("relevance", "High") == "Élevée"
    assert en.term("relevance", "High") == "High"
    assert fr.term("themes", "Climate action and mobility") == "Action climatique et mobilité"
    assert fr.term("gcm_objectives", "23").startswith("Renforcer la coopération internationale")
    assert en.term("gcm_objectives", "23").startswith("Strengthen international cooperation")
    assert fr.term_unconfirmed("gcm_objectives", "17")
    assert not fr.term_unconfirmed("gcm_objectives", "1")


def test_every_term_has_a_french_label(schema: Schema) -> None:
    fr = texts("fr")
    missing = [f"{name}: {code}" for name, vocab in schema.vocabularies.items()
               for code in vocab.codes if not fr.has_term(name, code)]
    assert missing == [], "terms without a French label in schemas/i18n/fr/vocabularies.yaml"


def test_french_labels_name_only_declared_terms(schema: Schema) -> None:
    from matrixbook.i18n.catalogue import schema_labels

    stray = [f"{name}: {code}" for name, terms in schema_labels("fr").vocabularies.items()
             for code in terms
             if name not in schema.vocabularies or code not in schema.vocabularies[name].codes]
    assert stray == []


def test_catalogue_has_no_fuzzy_or_empty_entry() -> None:
    from babel.messages.pofile import read_po

    assert po_files("fr"), "no French catalogue"
    bad = []
    for path in po_files("fr"):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="fr")
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy or not message.string:
                bad.append(f"{path.name}: {message.context or ''} {message.id!r}")
    assert bad == []


def test_fixed_texts() -> None:
    fr = texts("fr")
    assert fr.t("Data") == "Données"
    assert texts("en").t("Data") == "Data"
    assert fr.t("words nobody translated") == "words nobody translated"


def test_body_names_fall_back_to_english_marked() -> None:
    fr = texts("fr")
    las = {"name_en": "League of Arab States", "name_fr": "Ligue des États arabes",
           "acronym": "LAS", "acronym_fr": "LEA"}
    assert fr.body_name(las) == Localized("Ligue des États arabes")
    assert fr.body_acronym(las) == Localized("LEA")
    assert texts("en").body_acronym(las) == Localized("LAS")
    other = {"name_en": "Somewhere Forum", "name_fr": None, "acronym": "SF"}
    assert fr.body_name(other) == Localized("Somewhere Forum", untranslated=True)
    assert fr.body_acronym(other) == Localized("SF", untranslated=True)


def test_rtl_language_turns_excel_word_and_html_round(tmp_path: Path) -> None:
    import docx
    import openpyxl
    import xlsxwriter

    arabic, french = language("ar"), language("fr")
    assert html_dir(arabic) == "rtl" and html_dir(french) == "ltr"

    book = tmp_path / "rtl.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    for lang in (arabic, french):
        ws = wb.add_worksheet(lang.code)
        ws.write_string(0, 0, lang.native)
        xlsx_sheet(ws, lang)
    wb.close()
    opened = openpyxl.load_workbook(book)
    assert opened["ar"].sheet_view.rightToLeft is True
    assert not opened["fr"].sheet_view.rightToLeft

    for lang in (arabic, french):
        document = docx.Document()
        document.add_paragraph("نص").add_run(" more")
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.cell(0, 0).text = "a"
        marked = docx_bidi(document.element.body, lang)
        path = tmp_path / f"{lang.code}.docx"
        document.save(str(path))
        xml = zipfile.ZipFile(path).read("word/document.xml").decode()
        if lang.rtl:
            assert marked == 3  # the paragraph and the two cells' paragraphs
            assert xml.count("<w:bidi/>") == 3
            assert "<w:bidiVisual/>" in xml
            assert "<w:rtl/>" in xml
            # w:bidiVisual after w:tblStyle, before w:tblW (the schema's order)
            assert xml.index("<w:tblStyle") < xml.index("<w:bidiVisual/>") < xml.index("<w:tblW")
        else:
            assert marked == 0 and "bidi" not in xml


def test_every_sheet_and_column_has_a_french_name_and_help(schema: Schema) -> None:
    from matrixbook.i18n.catalogue import schema_labels

    labels = schema_labels("fr").sheets
    missing = []
    for sheet in schema.sheets:
        found = labels.get(sheet.name)
        if found is None or not found.name or not found.description:
            missing.append(f"{sheet.name}: the sheet")
            continue
        missing += [f"{sheet.name}: {c.name}" for c in sheet.columns
                    if c.name not in found.headers or c.name not in found.helps]
        missing += [f"{sheet.name}: {name} (no such column)" for name in found.headers
                    if name not in sheet.by_name]
    assert missing == [], "columns without a French header or help in schemas/i18n/fr/sheets/"
    fr = texts("fr")
    assert fr.sheet("Workplan") == "Plan de travail"
    assert fr.header("Themes", "Relevance") == "Pertinence"
    assert fr.header("Policies", "gcm_objectives") == "Objectifs du PMM"
    assert fr.help("Workplan", "Task").startswith("Ce qui est fait")
    assert texts("en").header("Themes", "relevance") == "Relevance"


def test_french_content_where_filled_else_english_marked(schema: Schema) -> None:
    fr, en = texts("fr"), texts("en")
    rec = {"recommendation": "Propose a joint data product.",
           "recommendation_fr": "Proposer un produit de données commun.",
           "rationale": "The working group publishes reports.", "rationale_fr": "  "}
    assert fr.content(rec, "recommendation", "Recommendations") == Localized(
        "Proposer un produit de données commun.")
    assert fr.content(rec, "Rationale", "Recommendations") == Localized(
        "The working group publishes reports.", untranslated=True)
    assert en.content(rec, "recommendation", "Recommendations") == Localized(
        "Propose a joint data product.")
    # a pandas row and an itertuples() record read alike; an empty English cell is not marked
    import pandas as pd

    frame = pd.DataFrame([{"mandate": None, "mandate_fr": None, "data": "Some data work.",
                           "data_fr": "Travaux sur les données."}])
    assert fr.content(frame.iloc[0], "mandate", "Entities") == Localized("")
    assert fr.content(next(frame.itertuples()), "data") == Localized("Travaux sur les données.")
    # every French counterpart the schema declares translates a text column of its sheet
    declared = [(s.name, c.translation_of) for s in schema.sheets for c in s.columns
                if c.translation_of]
    assert ("Entities", "mandate") in declared and ("Strategy", "text") in declared


def test_french_names_of_bodies_in_the_default_workbook(schema: Schema) -> None:
    from matrixbook.resources import seed_dir
    from matrixbook.seed import load_seed

    rows = load_seed(seed_dir(), schema)
    fr = texts("fr")
    by_id = {r["Entity ID"]: r for r in rows["Entities"]}
    las = {"name_en": by_id["ENT-LAS"]["Name (English)"],
           "name_fr": by_id["ENT-LAS"].get("Name (French)"),
           "acronym": by_id["ENT-LAS"]["Acronym"],
           "acronym_fr": by_id["ENT-LAS"].get("Acronym (French)")}
    assert fr.body_name(las).text == "Ligue des États arabes"
    assert fr.body_acronym(las).text == "LEA"
    dialogues = {r["Dialogue ID"]: r.get("Short name (French)") for r in rows["Dialogues"]}
    assert dialogues["DLG-RABAT"] == "Processus de Rabat"
    assert dialogues["DLG-DOHA"] == "Dialogue de Doha"


@pytest.mark.office
def test_right_to_left_files_open_in_libreoffice(tmp_path: Path) -> None:
    import docx
    import xlsxwriter

    from conftest import to_pdf

    arabic = language("ar")
    document = docx.Document()
    document.add_paragraph("جامعة الدول العربية")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "LAS"
    docx_bidi(document.element.body, arabic)
    word = tmp_path / "rtl.docx"
    document.save(str(word))
    book = tmp_path / "rtl.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("ar")
    ws.write_string(0, 0, "جامعة الدول العربية")
    xlsx_sheet(ws, arabic)
    wb.close()
    for path in (word, book):
        assert to_pdf(path, tmp_path).stat().st_size > 1000


def test_checking_a_language_imports_neither_pandas_nor_babel():
    # `--lang` is checked before the workbook's reading threads start: that check must stay
    # light, or the imports it drags in no longer overlap the reading (issue 19).
    import subprocess
    import sys

    code = ("import sys; from matrixbook.i18n import written, offered; written('fr'); "
            "offered(); print(sorted(m for m in ('pandas', 'babel', 'pandera') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
