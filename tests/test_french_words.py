"""French that reads right: counts agree with their nouns (the catalogues' plural entries,
French taking the singular for 0 and 1), French typography (a no-break space before : ; ? !
and inside « »), and `build --lang fr` speaking French on the console."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import MASTER, REPO, TODAY
from matrixbook.api import build
from matrixbook.cli import cli
from matrixbook.i18n import texts
from matrixbook.i18n.catalogue import messages, plurals, po_files, schema_labels
from matrixbook.outputs import mapping_words
from matrixbook.report.message import msgp

SRC = REPO / "src" / "matrixbook"
NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# -- plural forms ----------------------------------------------------------------------------

def _module_strings(tree: ast.Module) -> dict[str, str]:
    """The module's NAME = "text" constants."""
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _imported_strings(tree: ast.Module) -> dict[str, str]:
    """String constants the module imports from other modules of matrixbook."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("matrixbook"):
            parts = (node.module or "").split(".")[1:]
            path = SRC.joinpath(*parts)
            source = path.with_suffix(".py") if path.with_suffix(".py").is_file() else (
                path / "__init__.py")
            if source.is_file():
                strings = _module_strings(ast.parse(source.read_text(encoding="utf-8")))
                found.update({a.asname or a.name: strings[a.name] for a in node.names
                              if a.name in strings})
    return found


# Calls whose context is implicit: the wrapper's own.
_DEFAULT_CONTEXT = {"count": "mapping_report", "_plural": "documents"}


def plurals_of_the_code() -> list[tuple[str | None, str, str, str]]:
    """(context, singular, plural, where) of every count the code writes through a plural
    entry: texts.plural / ngettext, msgp, the pictures' style.plural, the mapping report's
    Words.count and the notes' _plural."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {**_imported_strings(tree), **_module_strings(tree)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name not in ("plural", "ngettext", "msgp", "count", "_plural"):
                continue
            args = node.args
            literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
            pairs = [i for i in range(len(args) - 1) if literal[i] and literal[i + 1]
                     and (name != "msgp" or i == 1)]
            if not pairs:
                continue
            i = pairs[0]
            one, other = args[i].value, args[i + 1].value  # type: ignore[attr-defined]
            context: str | None
            if name == "msgp":
                context = args[0].value  # type: ignore[attr-defined]
            elif len(args) > i + 2 and isinstance(args[i + 2], ast.Constant):
                context = args[i + 2].value  # type: ignore[attr-defined]
            elif len(args) > i + 2 and isinstance(args[i + 2], ast.Name):
                context = names[args[i + 2].id]  # type: ignore[attr-defined]
            elif isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "style":
                context = "pictures"
            else:
                context = _DEFAULT_CONTEXT[name]
            found.append((context, one, other, f"{path.relative_to(SRC)}:{node.lineno}"))
    return found


def test_every_count_of_the_code_has_a_french_plural_entry() -> None:
    found = plurals_of_the_code()
    assert len(found) > 40
    forms = plurals("fr").forms
    missing = [f"{where} [{context}] {one!r}" for context, one, _, where in found
               if (context, one) not in forms]
    assert missing == [], "counts without a plural entry in locale/fr/LC_MESSAGES"


def test_plural_entries_have_both_french_forms_and_keep_their_placeholders() -> None:
    from babel.messages.pofile import read_po

    wrong = []
    entries = 0
    for path in po_files("fr"):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="fr")
        assert catalog.plural_expr == "(n > 1)", f"{path.name}: Plural-Forms"
        for message in catalog:
            if not message.id or isinstance(message.id, str):
                continue
            entries += 1
            one, other = message.id
            forms = list(message.string)
            if len(forms) != 2 or not all(forms):
                wrong.append(f"{path.name} {one!r}: {forms}")
                continue
            for english, french in ((one, forms[0]), (other, forms[1])):
                if set(PLACEHOLDER.findall(english)) != set(PLACEHOLDER.findall(french)):
                    wrong.append(f"{path.name} {english!r} -> {french!r}")
    assert entries > 60
    assert wrong == []


@pytest.mark.parametrize(("n", "french", "english"), [
    (0, "0 erreur", "0 errors"), (1, "1 erreur", "1 error"), (2, "2 erreurs", "2 errors"),
    (1234, "1\u202f234 erreurs", "1,234 errors")])
def test_french_takes_the_singular_for_0_and_1(n: int, french: str, english: str) -> None:
    assert texts("fr").plural(n, "{n} error", "{n} errors", "report") == french
    assert texts("en").plural(n, "{n} error", "{n} errors", "report") == english


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 État membre"), (1, "1 État membre"), (2, "2 États membres")])
def test_member_states_agree(n: int, expected: str) -> None:
    assert texts("fr").plural(n, "{n} member state", "{n} member states",
                              "documents") == expected


@pytest.mark.parametrize(("vocabulary", "code", "expected"), [
    ("interview_status", "Planned", ["0 prévu", "1 prévu", "2 prévus"]),
    ("workplan_status", "Not started", ["0 non commencée", "1 non commencée",
                                        "2 non commencées"]),
    ("collection_status", "Collected", ["0 collectée", "1 collectée", "2 collectées"]),
    ("comment_status", "Addressed", ["0 traité", "1 traité", "2 traités"]),
])
def test_a_count_of_a_status_agrees_with_what_is_counted(vocabulary: str, code: str,
                                                         expected: list[str]) -> None:
    fr = texts("fr")
    assert [fr.counted_term(n, vocabulary, code) for n in (0, 1, 2)] == expected
    assert texts("en").counted_term(2, vocabulary, code) == f"2 {code.lower()}"


def test_every_status_counted_has_its_french_forms(schema) -> None:  # noqa: ANN001
    forms = plurals("fr").forms
    used = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call)
                    and getattr(node.func, "attr", "") in ("counted_term", "counted")
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                used.add(node.args[1].value)
    assert used >= {"interview_status", "workplan_status", "collection_status",
                    "comment_status"}
    missing = [f"{v}: {code}" for v in sorted(used) for code in schema.vocabulary(v).codes
               if ("count " + v, "{n} " + schema.vocabulary(v).label(code).lower())
               not in forms]
    assert missing == []


def _facts(**changed: object) -> dict[str, object]:
    facts: dict[str, object] = {
        "entities": 9, "dialogues": 8, "themes": 14, "sources": 318, "policies": 44,
        "climate": 6, "interviews": 19, "done": 0, "focus": [], "assessed": 120,
        "cells": 238, "share": 50, "bodies": 17, "high": {}, "high_pairs": 0, "gaps": [],
        "others": [], "without": [], "recommendations": 41, "top": 16, "regional": 1,
        "drafts": 0}
    facts.update(changed)
    return facts


@pytest.mark.parametrize(("n", "regional", "held", "climate", "assessed"), [
    (0, "0 régionale", "dont 0 tenu à ce jour", "dont 0 relie le climat",
     "0 des 238 couples organisme-thématique a été évalué"),
    (1, "1 régionale", "dont 1 tenu à ce jour", "dont 1 relie le climat",
     "1 des 238 couples organisme-thématique a été évalué"),
    (2, "2 régionales", "dont 2 tenus à ce jour", "dont 2 relient le climat",
     "2 des 238 couples organisme-thématique ont été évalués"),
])
def test_the_mapping_reports_summary_agrees_with_its_numbers(
        n: int, regional: str, held: str, climate: str, assessed: str) -> None:
    words = mapping_words.Words(texts("fr"))
    said = mapping_words.summary(words, _facts(regional=n, done=n, climate=n, assessed=n,
                                               interviews=n), 5)
    text = " ".join(said["paragraphs"])
    assert (f"La cartographie formule 41 recommandations ({regional}, {41 - n} pour des "
            f"organismes nommés), dont 16 de priorité élevée{NBSP}:") == (
        said["recommendations_intro"])
    assert f"({held})" in text
    assert f"({climate} ou les catastrophes à la mobilité humaine)" in text
    interviews = "entretien prévu" if n <= 1 else "entretiens prévus"
    assert f" et {n} {interviews} avec des informateurs clés " in text
    assert assessed in text


def test_a_finding_about_one_character_says_so() -> None:
    shorten = [msgp("cell-too-long", "Shorten it by {n} character",
                    "Shorten it by {n} characters", n=k) for k in (1, 2)]
    assert [str(m) for m in shorten] == ["Shorten it by 1 character",
                                         "Shorten it by 2 characters"]
    assert [m.render(texts("fr")) for m in shorten] == ["Raccourcissez-la de 1 caractère",
                                                        "Raccourcissez-la de 2 caractères"]


# -- French typography -----------------------------------------------------------------------

# A colon, semicolon, question or exclamation mark without the no-break space before it, a
# guillemet without its no-break space; not in a time (10:00), a URL, a cell range
# ({first}:{last}), code between backquotes or an example of what to type in the workbook
# ('p. ex. Maghreb; Europe': its separator as the workbook has it).
BAD = re.compile(r"(?<![\u00a0\u202f])[:;?!]|«(?!\u00a0)|(?<!\u00a0)»")
ALLOWED = re.compile(r"\d:\d|https?://\S*|www\.\S+|\}:\{|`[^`]*`|p\. ex\. [^.]*")


def faults_at(text: str) -> list[int]:
    """Where `text` breaks the rule (the allowed spans masked, so positions stay)."""
    masked = ALLOWED.sub(lambda m: "x" * len(m.group()), text)
    return [m.start() for m in BAD.finditer(masked)]


def typography_faults(text: str) -> list[str]:
    doubled = [text[max(0, m.start() - 30):m.end() + 10]
               for m in re.finditer("[ \u00a0\u202f]{2,}", text) if NBSP in m.group()]
    return doubled + [text[max(0, at - 30):at + 10] for at in faults_at(text)]


def test_the_check_finds_what_it_should() -> None:
    assert typography_faults("Source: IOM") == ["Source: IOM"]
    assert len(typography_faults("Source : IOM ; « titre »")) == 4
    assert typography_faults(f"«{NBSP}{NBSP}?{NBSP}»") == [f"«{NBSP}{NBSP}?{NBSP}»"]
    assert typography_faults(f"Source{NBSP}: IOM{NBSP}; «{NBSP}titre{NBSP}» à 10:30, "
                             "https://iom.int, {first}:{last}, `a:b`") == []


def test_every_french_catalogue_entry_and_label_has_french_typography() -> None:
    faults = []
    for (context, english), french in messages("fr").items():
        faults += [f"[{context}] {english!r}: …{f!r}" for f in typography_faults(french)]
    for (context, english), forms in plurals("fr").forms.items():
        for form in forms:
            faults += [f"[{context}] {english!r}: …{f!r}" for f in typography_faults(form)]
    labels = schema_labels("fr")
    texts_of_labels = [*(v for terms in labels.vocabularies.values() for v in terms.values()),
                       *(s.name or "" for s in labels.sheets.values()),
                       *(s.description or "" for s in labels.sheets.values()),
                       *(h for s in labels.sheets.values() for h in s.headers.values()),
                       *(h for s in labels.sheets.values() for h in s.helps.values())]
    for text in texts_of_labels:
        faults += [f"label {text[:40]!r}: …{f!r}" for f in typography_faults(text)]
    assert faults == []


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fr")
    result = build(MASTER, out, audience="internal", today=date.fromisoformat(TODAY),
                   lang="fr", only=["briefs", "review_log"])
    assert result.report.ok
    return out


def _workbook_texts() -> list[str]:
    book = openpyxl.load_workbook(MASTER, read_only=True)
    return [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
            for v in row if isinstance(v, str)]


def test_the_french_las_brief_has_french_typography_in_its_fixed_texts(french: Path) -> None:
    """Every colon, semicolon, question mark and guillemet of the note has its no-break
    space, except in the workbook's own text (an English source title keeps its colon)."""
    document = docx.Document(str(french / "briefs" / "ENT-LAS.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    paragraphs += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        paragraphs += [p.text for p in section.footer.paragraphs]
    content = _workbook_texts()
    faults = []
    for text in paragraphs:
        for at in faults_at(text):
            around = text[max(0, at - 12):at + 12].strip()
            if not any(around in cell for cell in content):
                faults.append(around)
    assert len(paragraphs) > 100
    assert faults == []
    text = "\n".join(paragraphs)
    assert f"Interne{NBSP}: réservé au personnel de l'OIM" in text
    assert f"Catastrophes{NBSP}; Effets néfastes des changements climatiques" in text


def test_the_french_review_log_counts_its_comments(french: Path) -> None:
    book = openpyxl.load_workbook(french / "review_log.xlsx")
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert f"Note d'orientation{NBSP}: 1 commentaire (1 traité)" in cells
    assert not any("(s)" in c for c in cells)


# -- the console of a French build -----------------------------------------------------------

def test_a_french_build_prints_its_lines_in_french(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("build", str(MASTER), "--lang", "fr", "--out", str(out), "--only",
                 "calendar", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Écrit{NBSP}: {out / 'interviews.ics'}\n"
                             f"1 fichier produit pour le public interne dans {out}.\n")
    notes = run("build", str(MASTER), "--lang", "fr", "--out", str(out), "--only",
                "briefs", "--today", TODAY, "--audience", "external")
    assert notes.exit_code == 0, notes.output
    lines = notes.stdout.splitlines()
    assert lines[0] == f"34 fichiers écrits (.docx, .html) dans {out / 'briefs'}/"
    assert lines[1].startswith(f"Notes d'orientation{NBSP}: 17 rédigées{NBSP}; longueur "
                               "estimée ")
    assert f"(cible 5–10){NBSP}: ENT-LAS " in lines[1]
    assert lines[-1] == f"34 fichiers produits pour le public externe dans {out}."
    everything = run("build", str(MASTER), "--lang", "fr", "--out", str(tmp_path / "ext"),
                     "--today", TODAY, "--audience", "external")
    assert everything.exit_code == 0, everything.output
    assert everything.stderr.splitlines() == [
        f"calendar non produit{NBSP}: réservé à l'usage interne.",
        f"climb non produit{NBSP}: pas rédigé en français (ses colonnes sont les champs de la "
        "base de données CLIMB de l'OIM).",
        f"mapping_report non produit{NBSP}: réservé à l'usage interne.",
        f"review_log non produit{NBSP}: réservé à l'usage interne."]


def test_a_french_build_that_cannot_run_says_why_in_french(tmp_path: Path) -> None:
    unknown = run("build", str(MASTER), "--lang", "fr", "--out", str(tmp_path / "o"),
                  "--only", "matrx")
    assert unknown.exit_code == 2
    assert unknown.stderr == (f"Erreur{NBSP}: Produit inconnu{NBSP}: 'matrx' (vouliez-vous dire "
                              f"'matrix'{NBSP}?){NBSP}; choisissez parmi matrix, workplan, "
                              "calendar, climb, policy_database, briefs, inception_report, "
                              "mapping_report, review_log.\n")
    internal = run("build", str(MASTER), "--lang", "fr", "--out", str(tmp_path / "o"),
                   "--only", "review_log", "--audience", "external")
    assert internal.stderr == (f"Erreur{NBSP}: Le produit 'review_log' est réservé à l'usage "
                               f"interne{NBSP}; produisez-le avec --audience internal.\n")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "interviews.ics").write_text("my calendar", encoding="utf-8")
    foreign = run("build", str(MASTER), "--lang", "fr", "--out", str(out), "--only", "calendar")
    assert foreign.exit_code == 2
    assert foreign.stderr == (f"Erreur{NBSP}: {out / 'interviews.ics'} n'a pas été écrit par "
                              f"matrixbook{NBSP}; déplacez-le ou ajoutez --force\n")
    english = run("build", str(MASTER), "--out", str(out), "--only", "calendar")
    assert english.stderr == (f"Error: {out / 'interviews.ics'} was not written by matrixbook; "
                              "move it or add --force\n")
    assert (out / "interviews.ics").read_text(encoding="utf-8") == "my calendar"


def test_a_file_that_cannot_be_read_is_said_in_french(tmp_path: Path) -> None:
    text = tmp_path / "export.xlsx"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    for command in ("validate", "build"):
        french = run(command, str(text), "--lang", "fr", "--out" if command == "build" else
                     "--stage", str(tmp_path / "o") if command == "build" else "draft")
        assert french.exit_code == 2
        assert french.stderr == (f"Erreur{NBSP}: {text} n'est pas un classeur Excel (il "
                                 "ressemble à un fichier texte ou CSV). Ouvrez-le dans Excel et "
                                 "enregistrez-le au format Classeur Excel (.xlsx).\n")
    english = run("validate", str(text))
    assert english.stderr == (f"Error: {text} is not an Excel workbook (it looks like a text or "
                              "CSV file). Open it in Excel and save it as Excel Workbook "
                              "(.xlsx).\n")


# -- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "form", "french", "english"), [
    (date(2025, 9, 1), "long", "1er septembre 2025", "1 September 2025"),
    (date(2025, 9, 1), "full", "lundi 1er septembre 2025", "Monday, 1 September 2025"),
    (date(2025, 9, 1), "EEE d MMM y", "lun. 1er sept. 2025", "Mon 1 Sept 2025"),
    (date(2025, 9, 11), "long", "11 septembre 2025", "11 September 2025"),
    (date(2025, 9, 21), "long", "21 septembre 2025", "21 September 2025"),
    (date(2025, 9, 1), "short", "01/09/2025", "01/09/2025"),
    (date(2021, 9, 1), "MMMM y", "septembre 2021", "September 2021"),
])
def test_the_first_of_a_month_is_1er_in_french(day: date, form: str, french: str,
                                               english: str) -> None:
    assert texts("fr").date(day, form) == french
    assert texts("en").date(day, form) == english
