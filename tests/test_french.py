"""`matrixbook build --lang fr`: every output in French, in out/fr/ by default; the outputs not
yet written in French are skipped with a notice (or refused by --only); English outputs keep
their bytes."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from conftest import MASTER, TODAY
from matrixbook.api import build
from matrixbook.cli import cli
from matrixbook.outputs import discover_outputs
from test_briefs import html_headings

FRENCH = [o.name for o in discover_outputs() if "fr" in o.languages]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One internal French build of the default workbook."""
    out = tmp_path_factory.mktemp("fr")
    result = build(MASTER, out, audience="internal", today=date.fromisoformat(TODAY),
                   lang="fr")
    assert result.report.ok
    return out


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("en")
    build(MASTER, out, audience="internal", today=date.fromisoformat(TODAY), only=FRENCH)
    return out


def word_headings(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def word_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("word/") and n.endswith(".xml"))


# --------------------------------------------------------------------------- the command

def test_list_says_which_outputs_are_in_french() -> None:
    result = run("build", "--list")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[2] for line in result.stdout.splitlines()}
    assert lines["briefs"] == "en,fr"
    assert all(lines[name] in ("en", "en,fr") for name in lines)


def test_french_goes_to_out_fr_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("build", str(MASTER), "--lang", "fr", "--only", "briefs", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "fr" / "briefs" / "ENT-LAS.docx").is_file()
    assert result.stdout.endswith(
        f"34 fichiers produits pour le public interne dans {Path('out') / 'fr'}.\n")
    assert not (tmp_path / "out" / "briefs").exists()
    external = run("build", str(MASTER), "--lang", "fr", "--only", "briefs", "--today", TODAY,
                   "--audience", "external")
    assert external.exit_code == 0, external.output
    assert (tmp_path / "out" / "fr" / "external" / "briefs" / "ENT-LAS.html").is_file()


def test_an_output_not_in_french_is_skipped_with_a_notice_or_refused(tmp_path: Path) -> None:
    english_only = [o.name for o in discover_outputs() if "fr" not in o.languages]
    if not english_only:
        pytest.skip("every output is written in French")
    result = run("build", str(MASTER), "--lang", "fr", "--out", str(tmp_path / "all"),
                 "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert english_only == ["climb"]
    assert ("climb non produit\u00a0: pas rédigé en français (ses colonnes sont les champs de la "
            "base de données CLIMB de l'OIM).") in result.stderr
    refused = run("build", str(MASTER), "--lang", "fr", "--out", str(tmp_path / "one"),
                  "--only", english_only[0])
    assert refused.exit_code == 2
    assert refused.stderr == ("Erreur\u00a0: Le produit 'climb' n'est pas rédigé en français "
                              "(ses colonnes sont les champs de la base de données CLIMB de "
                              "l'OIM)\u00a0; produisez-le sans --lang fr (matrixbook build --list "
                              "indique quels produits le sont).\n")
    assert not (tmp_path / "one").exists()


def test_an_unknown_language_is_refused() -> None:
    result = run("build", str(MASTER), "--lang", "de")
    assert result.exit_code == 2
    assert "'de' is not a language matrixbook writes; use one of: en, fr." in result.stderr


# --------------------------------------------------------------------------- briefing notes

SECTIONS = ["Mandats, structures de gouvernance et couverture géographique",
            "Action climatique et mobilité", "Données",
            "Recommandations pour un positionnement stratégique de l'OIM"]


def test_the_las_brief_reads_in_french(french: Path, english: Path) -> None:
    note = french / "briefs" / "ENT-LAS.docx"
    document = docx.Document(str(note))
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == ["Ligue des États arabes"]
    found = word_headings(note)
    for section in SECTIONS:
        assert section in found
    # no heading of the English note is left in the French one ("Sources" is French too)
    english_headings = set(word_headings(english / "briefs" / "ENT-LAS.docx"))
    assert set(found) & english_headings <= {"Sources"}
    text = word_text(note)
    assert "Note d'orientation · Entité régionale" in text
    assert "Page </w:t>" in text and " sur </w:t>" in text  # Page 2 sur 7
    assert "Données au 4 décembre 2026" in text
    assert "Au 3 septembre 2025\u00a0: 22 États membres" in text
    html = french / "briefs" / "ENT-LAS.html"
    assert set(SECTIONS) <= set(html_headings(html))
    assert set(html_headings(html)) & set(html_headings(english / "briefs" / "ENT-LAS.html")) \
        <= {"Sources"}
    page = html.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "<h1>Ligue des États arabes</h1>" in page


def test_english_text_left_untranslated_is_marked(french: Path) -> None:
    """A section the workbook has only in English shows it after [EN], and the note says what
    the mark means."""
    note = french / "briefs" / "ENT-LAS.docx"
    paragraphs = [p.text for p in docx.Document(str(note)).paragraphs]
    data = paragraphs.index("Données")
    assert paragraphs[data + 1].startswith("[EN] ")
    assert any("Un texte précédé de [EN] est en anglais" in p for p in paragraphs)
    assert "[EN]\u00a0: texte anglais, pas encore traduit." in (
        french / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- workplan

@pytest.fixture(scope="module")
def french_late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French workplan as at 20 September 2025: deliverable 1 (due 12 September) late."""
    out = tmp_path_factory.mktemp("fr-late")
    result = build(MASTER, out, only=["workplan"], today=date(2025, 9, 20), lang="fr")
    assert result.report.ok
    return out / "workplan.xlsx"


def cells(path: Path, sheet: str) -> list[list[object]]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in wb[sheet].iter_rows()]


def test_the_french_workplan_says_12_septembre_2025(french_late: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(french_late)
    assert wb.sheetnames == ["Calendrier", "Entretiens", "Entretiens par organisme",
                             "Collecte des données"]
    schedule = cells(french_late, "Calendrier")
    assert schedule[0][0] == "Plan de travail\u00a0: calendrier des tâches"
    notes = [v for row in schedule for v in row if isinstance(v, str)]
    # deliverable 1, due 12 September, late on the 20th
    assert ("En retard\u00a0: échéance le 12 septembre 2025, non terminé\u00a0; Approbation non "
            "encore enregistrée") in notes
    assert "Livrable 1\u00a0: échéance ▼" in notes
    assert "août 2025" in notes and "sept. 2025" in notes
    assert "Légende" in notes
    ws = wb["Calendrier"]
    assert ws["D6"].number_format == "[$-40C]d mmm"  # month names in French in any Excel
    assert ws.oddFooter.right.text == "Page &P sur &N"
    assert ws.oddFooter.center.text == "Interne"
    period = cells(french_late, "Collecte des données")[2][0]
    assert period.startswith("Période de collecte des données\u00a0: du 25 août 2025 au "
                             "19 septembre 2025")
    counts = cells(french_late, "Entretiens par organisme")
    assert counts[4][:3] == ["LEA", "Ligue des États arabes", "Entité régionale"]
    assert "Prévu" in counts[3] and "Total" in counts[3]


@pytest.mark.office
def test_the_french_interview_calendar_prints_whole_dates_and_modes(french_late: Path,
                                                                     tmp_path: Path) -> None:
    """French day and month names are longer ('mer. 10 sept. 2025'): Calc printed ### in
    column A, and cut 'Visioconférence', when the columns kept their English widths."""
    import subprocess

    from conftest import to_pdf

    pdf = to_pdf(french_late, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "###" not in text
    assert "mer. 10 sept. 2025" in text and "jeu. 18 sept. 2025" in text
    assert "Visioconférence" in text


# --------------------------------------------------------------------------- matrix

def test_the_french_matrix_has_french_headers_and_legends(french: Path) -> None:
    import openpyxl

    path = french / "mapping_matrix.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Matrice", "Composition", "Synthèse", "À propos"]
    matrix = cells(path, "Matrice")
    assert matrix[0][0] == ("Matrice de cartographie des entités régionales et des dialogues "
                            "interrégionaux")
    assert matrix[2][1] == "Pertinence\u00a0:"
    assert [v for v in matrix[2][2:8] if v] == ["Élevée", "Moyenne", "Faible", "Aucune",
                                                "Non évaluée", "Vide"]
    header = matrix[4]
    assert header[:4] == ["Sigle", "Nom", "Action climatique et mobilité", "Données"]
    assert "Catégorie" in header
    las = next(row for row in matrix if row[0] == "LEA")
    assert las[1] == "Ligue des États arabes"
    assert set(las[2:16]) <= {"Élevée", "Moyenne", "Faible", "Aucune", "Non évaluée", None}
    assert "Entité régionale" in las
    comment = wb["Matrice"].cell(row=matrix.index(las) + 1, column=3).comment
    assert comment is not None and comment.text.startswith("[EN] ")
    membership = cells(path, "Composition")
    assert membership[0][0] == "Composition\u00a0: qui siège où"
    assert "Membre" in membership[2] and "Observateur" in membership[2]
    assert membership[4][:2] == ["Pays", "Code"]
    countries = [row[0] for row in membership[5:] if row[1]]
    assert "Égypte" in countries and "Arabie saoudite" in countries
    about = [row[0] for row in cells(path, "À propos")]
    assert "Légende de la pertinence" in about and "Légende de la composition" in about
    ws = wb["Matrice"]
    assert ws.oddFooter.right.text == "Page &P sur &N"


def test_a_workbook_without_the_french_columns_still_builds(tmp_path: Path) -> None:
    """Workbooks made before the (French) columns existed lack them: they are optional, the
    English build is unchanged and the French one shows the English text marked [EN]."""
    import openpyxl

    wb = openpyxl.load_workbook(MASTER)
    for name in ("Entities", "Dialogues"):
        ws = wb[name]
        for col in range(ws.max_column, 0, -1):
            header = ws.cell(row=1, column=col).value or ""
            if header.endswith("(French)") and not header.startswith(("Name", "Acronym")):
                ws.delete_cols(col)
    old = tmp_path / "old.xlsx"
    wb.save(old)
    result = build(old, tmp_path / "out", only=["briefs"], today=date.fromisoformat(TODAY),
                   lang="fr")
    assert result.report.ok, result.report.to_text()
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "out" / "briefs" /
                                                    "ENT-LAS.docx")).paragraphs]
    assert paragraphs[paragraphs.index("Données") + 1].startswith("[EN] ")


def test_the_french_calendar(french: Path) -> None:
    import icalendar

    cal = icalendar.Calendar.from_ical((french / "interviews.ics").read_bytes())
    assert str(cal["x-wr-calname"]) == ("Cartographie OIM MENA\u00a0: entretiens avec des "
                                         "informateurs clés")
    events = [c for c in cal.walk("VEVENT")]
    las = next(e for e in events if "LEA" in str(e["summary"]))
    assert str(las["summary"]).startswith("Entretien\u00a0: LEA — ")
    assert "Organisme\u00a0: Ligue des États arabes (LEA)" in str(las["description"])
    assert str(las["uid"]).endswith("@matrixbook.iom-mena")  # the same events as in English


def test_the_french_review_log(french: Path) -> None:
    path = french / "review_log.xlsx"
    summary = cells(path, "Synthèse")
    assert summary[0][0] == "Journal de l'examen\u00a0: commentaires par livrable et par statut"
    assert summary[2][0] == "Livrable" and "Total" in summary[2]
    comments = cells(path, "Commentaires")
    assert comments[2][:3] == ["ID du commentaire", "Organisme", "Section"]


def test_the_french_policy_database(french: Path) -> None:
    path = french / "policy_database.xlsx"
    rows = cells(path, "Politiques")
    assert rows[0][:4] == ["ID de la politique", "Titre (langue originale)", "Titre (anglais)",
                           "Organisme émetteur"]
    las = next(row for row in rows if row[3] and str(row[3]).endswith("(LEA)"))
    assert las[3] == "Ligue des États arabes (LEA)"
    assert las[16] in ("Oui", "Non", None)
    counts = cells(path, "Décomptes")
    assert counts[3][:3] == ["Organisme", "Action climatique et mobilité", "Données"]


# --------------------------------------------------------------------------- right to left

def test_a_language_written_right_to_left_turns_every_output_round(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs take a right-to-left language without a change of their own: here French
    flagged rtl stands in for Arabic, whose catalogue is not written yet. Word paragraphs and
    tables are bidi, every Excel sheet runs right to left, the HTML page is dir="rtl"."""
    from matrixbook.i18n import Language, Texts
    from matrixbook.model import context

    rtl = Texts(Language("fr", "French", rtl=True, locale="fr_FR"))
    monkeypatch.setattr(context, "texts", lambda code: rtl)
    out = tmp_path / "rtl"
    result = build(MASTER, out, only=["briefs", "matrix", "workplan"], lang="fr",
                   today=date.fromisoformat(TODAY))
    assert result.report.ok
    document = docx.Document(str(out / "briefs" / "ENT-LAS.docx"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = document.element.body
    paragraphs = list(body.iter(w + "p"))
    assert paragraphs and all(p.find(f"{w}pPr/{w}bidi") is not None for p in paragraphs)
    tables = list(body.iter(w + "tbl"))
    assert tables and all(t.find(f"{w}tblPr/{w}bidiVisual") is not None for t in tables)
    with zipfile.ZipFile(out / "briefs" / "ENT-LAS.docx") as z:
        footer = z.read("word/footer1.xml").decode("utf-8")
    assert footer.count("<w:bidi/>") == footer.count("<w:p>") + footer.count("<w:p ") > 0
    assert '<html lang="fr" dir="rtl">' in (out / "briefs" / "ENT-LAS.html").read_text(
        encoding="utf-8")
    for name in ("mapping_matrix.xlsx", "workplan.xlsx"):
        with zipfile.ZipFile(out / name) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets
            for sheet in sheets:
                assert b'rightToLeft="1"' in z.read(sheet), (name, sheet)



def test_a_language_written_left_to_right_has_no_bidi(french: Path) -> None:
    assert "<w:bidi/>" not in word_text(french / "briefs" / "ENT-LAS.docx")
    assert 'dir="rtl"' not in (french / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(french / "mapping_matrix.xlsx") as z:
        assert b"rightToLeft" not in z.read("xl/worksheets/sheet1.xml")


# --------------------------------------------------------------------------- LibreOffice

@pytest.mark.office
def test_every_french_file_opens_in_libreoffice(french: Path, tmp_path: Path) -> None:
    """Each kind of French file (a note of each kind, every workbook, each report) opens in
    LibreOffice and prints; the pages carry French words."""
    import subprocess

    from conftest import pdf_pages, to_pdf

    files = [french / "briefs" / "ENT-LAS.docx", french / "briefs" / "DLG-RABAT.docx",
             *sorted(french.glob("*.xlsx")), *sorted(french.glob("*.docx"))]
    assert len(files) >= 6
    for path in files:
        pdf = to_pdf(path, tmp_path)
        assert pdf_pages(pdf) >= 1, path.name
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout
        assert "sur" in text and ("Données" in text or "données" in text), path.name


# --------------------------------------------------------------------------- the catalogue

def _catalogue() -> dict[tuple[str | None, str], str]:
    from matrixbook.i18n.catalogue import messages

    return messages("fr")


def test_a_french_build_asks_the_catalogue_for_no_text_it_lacks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fixed text a French build of every French output asks for (both audiences, with
    and without --today) has its French translation; a gap would show English in a French
    document."""
    from matrixbook.i18n.words import Texts

    asked: set[tuple[str | None, str]] = set()
    original = Texts.t

    def spy(self: Texts, msgid: str, context: str | None = None) -> str:
        if not self.english:
            asked.add((context, msgid))
        return original(self, msgid, context)

    monkeypatch.setattr(Texts, "t", spy)
    for audience in ("internal", "external"):
        for today in (None, date(2025, 9, 20)):
            out = tmp_path / f"{audience}-{today}"
            build(MASTER, out, audience=audience, today=today, lang="fr",
                  only=[o.name for o in discover_outputs() if "fr" in o.languages
                        and (audience == "internal" or o.audience == "external")])
    catalogue = _catalogue()
    missing = sorted((m for m in asked if m not in catalogue), key=str)
    assert not missing, missing
    assert len(asked) > 300


def test_every_text_of_the_templates_and_the_code_is_in_the_catalogue() -> None:
    """The texts the master workbook does not make a build ask for (an empty sheet, a weekly
    chart): every t("...") of the templates and every say(ctx, "...") / t("...") literal of the
    outputs has a French translation."""
    import ast
    import codecs
    import re

    from matrixbook.resources import templates_dir

    msgids = {msgid for _, msgid in _catalogue()}
    found: dict[str, str] = {}
    for template in templates_dir().glob("*.html.j2"):
        for m in re.finditer(r'\bt\("((?:[^"\\]|\\.)*)"', template.read_text(encoding="utf-8")):
            found[m.group(1)] = template.name
    for template in templates_dir().glob("*.docx"):
        with zipfile.ZipFile(template) as z:
            for name in z.namelist():
                if name.startswith("word/") and name.endswith(".xml"):
                    for m in re.finditer(r'\{\{ t\("((?:[^"\\]|\\.)*)"',
                                         z.read(name).decode("utf-8")):
                        found[codecs.decode(m.group(1), "unicode_escape")] = template.name
    source = Path(__file__).resolve().parent.parent / "src" / "matrixbook"
    modules = [*(source / "outputs").rglob("*.py"), *(source / "pictures").rglob("*.py"),
               source / "model" / "briefs.py",
               source / "model" / "recommendations.py", source / "documents" / "pairs.py"]
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args[1:2] if name == "say" else node.args[:1] if name == "t" else []
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = module.name
    assert len(found) > 150
    missing = {text: where for text, where in found.items() if text not in msgids}
    assert not missing, missing


def test_the_french_inception_report(french: Path, english: Path) -> None:
    report = french / "inception_report.docx"
    document = docx.Document(str(report))
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == ["Cartographie des entités régionales et des dialogues interrégionaux sur "
                     "la migration"]
    found = word_headings(report)
    assert {"Objet", "Méthodologie et approche", "Revue documentaire",
            "Entretiens avec des informateurs clés", "Plan de travail",
            "Calendrier des entretiens", "Calendrier de collecte des données"} <= set(found)
    assert not set(found) & set(word_headings(english / "inception_report.docx"))
    text = word_text(report)
    assert "Livrable 1 sur 2, échéance le 12 septembre 2025" in text
    html = french / "inception_report.html"
    assert "Revue documentaire" in set(html.read_text(encoding="utf-8").split("<h3>")[1]
                                       .split("</h3>")[:1])


def test_the_french_mapping_report(french: Path, english: Path) -> None:
    report = french / "mapping_report.docx"
    found = word_headings(report)
    assert {"Résumé analytique", "Action climatique et mobilité", "Données",
            "Stratégie de collaboration régionale",
            "Résumé des principales recommandations concernant les points d'entrée",
            "Alignement sur le PMM, les ODD et les cadres de l'OIM"} <= set(found)
    # "Instruments" is French too
    assert set(found) & set(word_headings(english / "mapping_report.docx")) <= {"Instruments"}
    text = word_text(report)
    assert "La cartographie couvre 9 entités régionales et 8 dialogues interrégionaux" in text
    assert "Priorité élevée" in text
    html = (french / "mapping_report.html").read_text(encoding="utf-8")
    assert "<h2>Résumé analytique</h2>" in html


def test_a_french_header_word_never_breaks_in_the_middle(french: Path) -> None:
    """The templates size their columns for the English headers: the French ones ("Année",
    "Contraignant") get the width their longest word needs, taken from the widest columns."""
    from docx.oxml.ns import qn

    from matrixbook.documents.word import HEADER_CHAR_TWIPS, HEADER_PADDING_TWIPS

    document = docx.Document(str(french / "briefs" / "ENT-LAS.docx"))
    checked = 0
    for tbl in document.element.body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        head = rows[0].findall(qn("w:tc"))
        words = ["".join(x.text or "" for x in tc.iter(qn("w:t"))) for tc in head]
        if "Contraignant" not in words:
            continue
        widths = [int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for tc in head]
        for word, width in zip(words, widths, strict=True):
            longest = max(len(w) for w in word.split())
            assert width >= longest * HEADER_CHAR_TWIPS + HEADER_PADDING_TWIPS, word
            checked += 1
    assert checked == 6
