"""The mapping report (internal) and the inception report (deliverable 1), read back with
python-docx: their headings, the matrix of bodies by theme, the membership overlaps, the
engagement strategy with "Climate action and mobility" and "Data" first, the recommendations;
the list of bodies, the deliverables of the workplan, the interview calendar without names and
the data-collection plan. Then audiences, byte-identical rebuilds, templates that match the
script that makes them, and LibreOffice opening both reports.

Expectations are read from the default workbook, so a change of the seed changes what is
expected, not whether the test holds.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT

from conftest import MASTER, REPO, header_cell, to_pdf
from matrixbook.api import build
from matrixbook.build import select_outputs
from matrixbook.documents import long_day
from matrixbook.newbook import write_workbook
from matrixbook.schema import load_schema
from test_briefs import (
    TODAY,
    after_heading,
    all_text,
    headings,
    html_headings,
    table_with_header,
    tables_of,
)

MAPPING_HEADINGS = ["Executive summary", "The mapping matrix", "Geographic coverage",
                    "Membership overlaps", "Policies by body and year",
                    "Climate action and mobility", "Data",
                    "Other thematic areas", "Regional engagement strategy", "Entry points by body",
                    "Key recommendations and entry points",
                    "Alignment with the GCM, the SDGs and IOM's frameworks"]
INCEPTION_HEADINGS = ["Purpose", "Methodology", "Entities and dialogues covered", "Workplan",
                      "Interview calendar", "Data-collection plan"]
CANARY = "CANARY-REPORT-2c81aa-internal-only"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return tables_of(MASTER)


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports-internal")
    result = build(MASTER, out, only=["mapping_report", "inception_report"],
                   audience="internal", today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports-external")
    result = build(MASTER, out, only=["inception_report"], audience="external", today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out


def bodies(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(ID, acronym) of every entity, then every dialogue, in workbook order."""
    return ([(r.entity_id, r.acronym) for r in tables["Entities"].itertuples()]
            + [(r.dialogue_id, r.acronym) for r in tables["Dialogues"].itertuples()])


# --------------------------------------------------------------------------- mapping report

def test_mapping_report_is_internal_only(internal: Path) -> None:
    selected, messages = select_outputs(None, "external")
    assert "mapping_report" not in [o.name for o in selected]
    assert "Skipped mapping_report: internal only." in messages
    assert (internal / "mapping_report.docx").exists()
    assert (internal / "mapping_report.html").exists()


def test_mapping_report_headings(internal: Path) -> None:
    assert headings(internal / "mapping_report.docx") == MAPPING_HEADINGS
    assert html_headings(internal / "mapping_report.html") == MAPPING_HEADINGS


def test_matrix_of_bodies_by_theme(internal: Path, tables: dict[str, pd.DataFrame]) -> None:
    themes = list(load_schema().vocabulary("themes").codes)
    rows = table_with_header(internal / "mapping_report.docx", "Body")
    assert rows[0][:3] == ["Body", "Climate action and mobility", "Data"]
    assert sorted(rows[0][1:]) == sorted(themes)
    assert [r[0] for r in rows[1:]] == [acronym for _, acronym in bodies(tables)]
    cell = {(acronym, theme): rows[i + 1][j + 1]
            for i, (_, acronym) in enumerate(bodies(tables))
            for j, theme in enumerate(rows[0][1:])}
    acronyms = dict(bodies(tables))
    seen = set()
    for r in tables["Themes"].itertuples():
        # The same words as the mapping matrix: "Not assessed", not "?"
        assert cell[(acronyms[r.body_id], r.theme)] == r.relevance, (r.body_id, r.theme)
        seen.add((acronyms[r.body_id], r.theme))
    assert all(v == "" for k, v in cell.items() if k not in seen)  # no Themes row: blank
    assert len(seen) > 0 and "Not assessed" in set(tables["Themes"].relevance)


def test_matrix_prints_on_a_landscape_page(internal: Path) -> None:
    sections = docx.Document(str(internal / "mapping_report.docx")).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
                                                 WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]


def test_membership_overlaps(internal: Path, tables: dict[str, pd.DataFrame]) -> None:
    """The countries in most bodies, counted here independently on the build date: Member or
    Participant rows that have begun and not ended (an End date on or before the day, or
    Ended marked), minus the suspensions in force. Egypt, whose old suspensions from the LAS
    and the OIC are marked Ended, is among them."""
    m = tables["Memberships"]
    day = pd.Timestamp(TODAY)
    live = m[(m.start_date.isna() | (m.start_date <= day))
             & (m.end_date.isna() | (m.end_date > day))
             & ~(m.ended.fillna(False).astype(bool) & m.end_date.isna())]
    suspended = set(zip(live[live.role == "Suspended"].body_id,
                        live[live.role == "Suspended"].country, strict=True))
    active = live[live.role.isin(["Member", "Participant"])]
    counts: dict[str, set[str]] = {}
    for r in active.itertuples():
        if (r.body_id, r.country) not in suspended:
            counts.setdefault(r.country, set()).add(r.body_id)
    most = max(len(v) for v in counts.values())
    leaders = sorted(c for c, v in counts.items() if len(v) == most)
    rows = table_with_header(internal / "mapping_report.docx", "Country")
    assert rows[0] == ["Country", "Bodies", "Member or participant in", "Observer or suspended"]
    listed = {r[0]: int(r[1]) for r in rows[1:]}
    assert listed["Egypt"] == len(counts["EGY"])
    names = load_schema().vocabulary("countries")
    assert rows[1][1] == str(most)
    assert rows[1][0] in [names.label(c) for c in leaders]
    first = leaders[[names.label(c) for c in leaders].index(rows[1][0])]
    acronyms = dict(bodies(tables))
    assert rows[1][2].split(", ") == [acronyms[b] for b, _ in bodies(tables)
                                      if b in counts[first]]
    assert 10 <= len(rows) - 1 <= 20
    assert [int(r[1]) for r in rows[1:]] == sorted((int(r[1]) for r in rows[1:]), reverse=True)


def test_climate_and_data_sections_list_the_bodies_that_work_on_them(
        internal: Path, tables: dict[str, pd.DataFrame]) -> None:
    page = (internal / "mapping_report.html").read_text(encoding="utf-8")
    order = {"High": 0, "Medium": 1, "Low": 2}
    for theme in ("Climate action and mobility", "Data"):
        section = page.split(f"<h2>{theme}</h2>")[1].split("<h2>")[0]
        bodies_part = section.split("<h3>Instruments</h3>")[0]
        worked = tables["Themes"][(tables["Themes"].theme == theme)
                                  & tables["Themes"].relevance.isin(["High", "Medium", "Low"])]
        shown = re.findall(r"<tr><td>[^<]*</td><td style=\"background:#[0-9A-F]{6}\">"
                           r"(High|Medium|Low)</td>", bodies_part)
        assert len(shown) == len(worked)
        assert shown == sorted(shown, key=order.__getitem__)
        if not len(worked):
            assert "No body is yet shown to work on this theme." in bodies_part
    climate = page.split("<h2>Climate action and mobility</h2>")[1].split("<h2>")[0]
    with_context = tables["Policies"][tables["Policies"].climate_context.map(
        lambda v: isinstance(v, list) and bool(v))]
    assert len(with_context) > 0
    for title in with_context.title:
        assert title.replace("&", "&amp;").replace("'", "&#39;") in climate


def test_executive_summary_is_written_from_the_data(internal: Path,
                                                    tables: dict[str, pd.DataFrame]) -> None:
    summary = after_heading(internal / "mapping_report.docx", "Executive summary")
    text = " ".join(summary)
    assert "To be completed" not in text and "{{" not in text
    n_ent, n_dlg = len(tables["Entities"]), len(tables["Dialogues"])
    assert summary[0].startswith(f"The mapping covers {n_ent} regional entities and {n_dlg} "
                                 "inter-regional dialogues")
    assert f"{len(tables['Policies'])} regional instruments" in summary[0]
    themes = tables["Themes"]
    high = themes[themes.relevance == "High"]
    assert f"{len(high)} pairs are of high relevance" in text
    assessed = themes[~themes.relevance.isin(["Not assessed"])]
    assert summary[1].startswith(f"{len(assessed)} of the ")
    # Every body of the default workbook is assessed on both focus themes and has a
    # recommendation of its own: the summary says so instead of listing gaps.
    assert "Gaps:" not in text
    assert ("Every body is assessed on both focus themes and has a recommendation of its "
            "own.") in text
    recs = tables["Recommendations"]
    top = recs[recs.priority == "High"]
    assert f"{len(top)} of them High priority" in text
    for rid, words in zip(top.recommendation_id, top.recommendation, strict=True):
        assert [s for s in summary if s.startswith(words) and s.endswith(f"{rid})")], rid


def test_every_recommendation_appears_in_the_report(internal: Path,
                                                    tables: dict[str, pd.DataFrame]) -> None:
    """By priority in the key recommendations, once in the alignment table, and by ID beside
    every body it names in the entry points."""
    recs = tables["Recommendations"]
    assert len(recs) > 0
    report = internal / "mapping_report.docx"
    tables_seen = [[[c.text for c in r.cells] for r in t.rows]
                   for t in docx.Document(str(report)).tables]
    key = [r for t in tables_seen if t[0][:3] == ["ID", "Recommendation", "Bodies"]
           and "Modality" in t[0] for r in t[1:]]
    alignment = table_with_header(report, "ID")  # the first: a focus theme's, or the key one
    alignment = [t for t in tables_seen if "GCM objectives" in t[0]][0]
    acronyms = dict(bodies(tables))
    entries = [r for t in tables_seen if t[0][:2] == ["Body", "IOM engagement"] for r in t[1:]]
    for rec in recs.itertuples():
        (row,) = [r for r in key if r[0] == rec.recommendation_id]
        assert row[1].startswith(rec.recommendation)
        named = rec.body_ids if isinstance(rec.body_ids, list) else []
        assert row[2] == (", ".join(acronyms[b] for b in named) or "Regional")
        (line,) = [r for r in alignment[1:] if r[0] == rec.recommendation_id]
        assert line[2] == (", ".join(rec.gcm_objectives) if isinstance(rec.gcm_objectives, list)
                           else "–")
        for body in named:
            entry = [r for r in entries if r[0] == acronyms[body]]
            assert entry and rec.recommendation_id in entry[-1][-1]
    priorities = [p.text for p in docx.Document(str(report)).paragraphs
                  if p.style.name == "Heading 2" and p.text.endswith("priority")]
    assert priorities == sorted(priorities, key=["High priority", "Medium priority",
                                                 "Low priority"].index)


def test_regional_engagement_strategy_follows_the_section_ids(
        internal: Path, tables: dict[str, pd.DataFrame]) -> None:
    document = docx.Document(str(internal / "mapping_report.docx"))
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    start = texts.index(("Heading 1", "Regional engagement strategy"))
    end = texts.index(("Heading 1", "Entry points by body"))
    headings2 = [t for s, t in texts[start:end] if s == "Heading 2"]
    strategy = tables["Strategy"].sort_values("section_id")
    assert headings2 == list(strategy.section)
    first = strategy.text.iloc[0].split("\n")[0]
    assert first in [t for _, t in texts[start:end]]


def test_report_speaks_of_the_mapping_not_of_the_tool(internal: Path) -> None:
    """What a reader sees names no sheet and no tool, except the one line of the internal
    annex that says how the document is produced."""
    document = docx.Document(str(internal / "mapping_report.docx"))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    about = texts.index("About this report")
    seen = " ".join(texts[:about])
    assert " sheet" not in seen.lower() and "matrixbook" not in seen.lower()
    assert "workbook" not in seen.lower()


# --------------------------------------------------------------------------- inception report

def test_inception_report_headings(internal: Path, external: Path) -> None:
    for out in (internal, external):
        assert headings(out / "inception_report.docx") == INCEPTION_HEADINGS
        assert html_headings(out / "inception_report.html") == INCEPTION_HEADINGS


def test_inception_lists_entities_and_dialogues(external: Path,
                                                tables: dict[str, pd.DataFrame]) -> None:
    report = external / "inception_report.docx"
    entities = table_with_header(report, "Acronym")
    assert [r[:2] for r in entities[1:]] == [[r.acronym, r.name_en]
                                             for r in tables["Entities"].itertuples()]
    dialogues = table_with_header(report, "Short name")
    assert [r[:2] for r in dialogues[1:]] == [[r.acronym, r.name_en]
                                              for r in tables["Dialogues"].itertuples()]


def test_inception_workplan_and_deliverables(external: Path,
                                             tables: dict[str, pd.DataFrame]) -> None:
    plan = tables["Workplan"]
    report = external / "inception_report.docx"
    deliverables = [t for t in docx.Document(str(report)).tables
                    if [c.text for c in t.rows[0].cells][:2] == ["Deliverable", "Due"]]
    deliverables = [[c.text for c in r.cells] for r in deliverables[0].rows]
    expected = plan[plan.item_type == "Deliverable"].sort_values("end_date")
    # Dates in the one style of documents, as on the cover.
    assert [r[1] for r in deliverables[1:]] == [long_day(d) for d in expected.end_date]
    assert [r[1] for r in deliverables[1:]] == ["12 September 2025", "30 September 2025"]
    phases = table_with_header(report, "Phase")
    inception = plan[plan.phase == "Inception"]
    assert phases[1][:4] == ["Inception", long_day(inception.start_date.min()),
                             long_day(inception.end_date.max()), str(len(inception))]


def test_interview_calendar_by_week_and_body(internal: Path, external: Path,
                                             tables: dict[str, pd.DataFrame]) -> None:
    """Issue 16, items 8 and 11: the calendar is a table. Everyone sees interviews per week and
    body (count, modes, statuses); only an internal build lists each interview with its date,
    time, organisation and interviewee; no build shows e-mails, phones or notes."""
    interviews = tables["Interviews"]
    rows = table_with_header(external / "inception_report.docx", "Week")
    assert rows[0] == ["Week", "Body", "Interviews", "Mode", "Status"]
    assert sum(int(r[2]) for r in rows[1:]) == len(interviews)
    las = interviews[interviews.body_id == "ENT-LAS"]
    week = las.starts_at.min() - pd.Timedelta(days=las.starts_at.min().weekday())
    las_rows = [r for r in rows if r[1] == "LAS"]
    assert las_rows[0][0] == f"Week of {long_day(week)}"
    assert sum(int(r[2]) for r in las_rows) == len(las)
    modes = las["mode"].value_counts()
    if len(las_rows) == 1 and len(modes) > 1:
        assert las_rows[0][3] == ", ".join(f"{m} {modes[m]}" for m in sorted(
            modes.index, key=list(load_schema().vocabulary("interview_modes").codes).index))
    external_text = all_text(external / "inception_report.docx")
    for value in interviews.organisation.tolist() + interviews.role.tolist():
        assert value not in external_text
    assert "10:00" not in external_text
    listed = table_with_header(internal / "inception_report.docx", "Date")
    assert listed[0] == ["Date", "Time", "Body", "Organisation", "Interviewee and role", "Mode",
                         "Status"]
    assert len(listed) == len(interviews) + 1
    first = interviews.sort_values(["starts_at", "interview_id"]).iloc[0]
    assert listed[1][:4] == [long_day(first.starts_at), f"{first.starts_at:%H:%M}",
                             dict(bodies(tables))[first.body_id], first.organisation]
    assert listed[1][4].startswith(first.interviewee)
    personal = [v for c in ("email", "phone", "notes")
                for v in interviews[c].dropna() if len(str(v)) > 3]
    names = [v for v in interviews.interviewee.dropna() if len(str(v)) > 3]
    assert personal and names, "the default workbook names its interviewees (internal only)"
    for out in (internal, external):
        for path in (out / "inception_report.docx", out / "inception_report.html"):
            text = all_text(path)
            assert not [v for v in personal if str(v) in text], path
            assert bool([v for v in names if str(v) in text]) == (out == internal), path


def test_inception_title_block(external: Path) -> None:
    """Issue 16, item 8: a title block, not a blank cover page: the deliverable, its due date,
    the version and the date of the data, then the report starts on the same page."""
    document = docx.Document(str(external / "inception_report.docx"))
    block = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert block["Deliverable"] == "Deliverable 1 of 2, due 12 September 2025"
    assert block["Version"] == "Draft for review by IOM (not started)"
    assert block["Date of the data"] and block["Audience"] == "External"
    texts = [p for p in document.paragraphs if p.text]
    assert not any(p.paragraph_format.page_break_before for p in document.paragraphs[:12])
    assert [p.text for p in texts if p.style.name == "Heading 1"][0] == "Purpose"


def test_data_collection_plan(external: Path, tables: dict[str, pd.DataFrame]) -> None:
    sources = tables["Sources"]
    rows = table_with_header(external / "inception_report.docx", "Due date")
    statuses = rows[0][1:-1]
    assert rows[-1][-1] == str(len(sources))
    counts = sources.status.value_counts()
    assert rows[-1][1:-1] == [str(counts.get(s, 0) or "–") for s in statuses]
    dates = [long_day(pd.Timestamp(d)) for d in sorted(sources.due_date.dropna().unique())]
    labels = [r[0] for r in rows[1:-1]]
    assert labels[:len(dates)] == dates
    assert after_heading(external / "inception_report.docx", "Data-collection plan")[0] \
        .startswith("Sources of the documentary review by due date")


def test_external_inception_report_has_no_internal_value(edited: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    book = edited({"Entities": {header_cell("Entities", "Internal notes", 2): CANARY},
                   "Sources": {header_cell("Sources", "Internal notes", 2): CANARY},
                   "Workplan": {header_cell("Workplan", "Internal notes", 2): CANARY},
                   "Recommendations": {header_cell("Recommendations", "Internal notes", 2):
                                       CANARY}})
    inside = build(book, tmp_path / "in", only=["mapping_report", "inception_report"],
                   today=TODAY)
    outside = build(book, tmp_path / "ex", only=["inception_report"], audience="external",
                    today=TODAY)
    assert inside.report.ok and outside.report.ok
    assert CANARY in all_text(tmp_path / "in" / "mapping_report.docx")  # internal: shown
    for path in outside.written:
        assert CANARY not in all_text(path), path.name
        assert "IOM only, not for distribution" not in all_text(path), path.name


def test_blank_workbook_gives_reports_to_complete(tmp_path: Path) -> None:
    """A new, empty workbook already gives both reports, every part marked "To be completed"
    rather than missing, and no note at all."""
    book = write_workbook(tmp_path / "blank.xlsx", load_schema(), None)
    result = build(book, tmp_path / "out", only=["briefs", "mapping_report", "inception_report"],
                   today=TODAY)
    assert result.report.ok
    assert not (tmp_path / "out" / "briefs").exists()
    mapping = tmp_path / "out" / "mapping_report.docx"
    # The policies chart and its heading come with the first dated instrument.
    assert headings(mapping) == [h for h in MAPPING_HEADINGS if h != "Policies by body and year"]
    for heading in ("The mapping matrix", "Geographic coverage", "Membership overlaps",
                    "Regional engagement strategy", "Entry points by body",
                    "Key recommendations and entry points",
                    "Alignment with the GCM, the SDGs and IOM's frameworks"):
        assert after_heading(mapping, heading) == ["To be completed."], heading
    summary = " ".join(after_heading(mapping, "Executive summary"))
    assert "To be completed" not in summary
    assert summary.startswith("The mapping covers 0 regional entities and 0 inter-regional")
    assert "No recommendation has been recorded yet." in summary
    inception = tmp_path / "out" / "inception_report.docx"
    for heading in ("Workplan", "Interview calendar", "Data-collection plan"):
        assert after_heading(inception, heading) == ["To be completed."], heading
    page = (tmp_path / "out" / "mapping_report.html").read_text(encoding="utf-8")
    assert page.count('<p class="todo">To be completed.</p>') == 7


# --------------------------------------------------------------------------- files

def test_reports_rebuild_byte_identical(internal: Path, tmp_path: Path) -> None:
    result = build(MASTER, tmp_path, only=["mapping_report", "inception_report"], today=TODAY)
    assert result.report.ok
    for name in ("mapping_report.docx", "mapping_report.html", "inception_report.docx",
                 "inception_report.html"):
        assert (tmp_path / name).read_bytes() == (internal / name).read_bytes(), name


def test_templates_match_the_script_that_makes_them(tmp_path: Path) -> None:
    """templates/*.docx are what scripts/make_templates.py writes, byte for byte: the script
    is the reviewable form of the Word templates."""
    spec = importlib.util.spec_from_file_location("make_templates",
                                                  REPO / "scripts" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    for name in module.TEMPLATES:
        assert (tmp_path / name).read_bytes() == (REPO / "templates" / name).read_bytes(), name
    assert module.main(["--out", str(tmp_path)]) == 2  # never over a template without --force


@pytest.mark.office
def test_reports_open_in_libreoffice(internal: Path, external: Path, tmp_path: Path) -> None:
    pdf = to_pdf(internal / "mapping_report.docx", tmp_path)
    data = pdf.read_bytes()
    assert re.search(rb"/MediaBox ?\[ ?0 0 841\.\d+ 595\.\d+ ?\]", data), "no landscape page"
    assert re.search(rb"/MediaBox ?\[ ?0 0 595\.\d+ 841\.\d+ ?\]", data), "no portrait page"
    to_pdf(external / "inception_report.docx", tmp_path)


def test_word_files_keep_the_schema_order(internal: Path, tmp_path: Path) -> None:
    """Word rejects a file whose property elements are out of order (LibreOffice does not):
    docxtpl's cell shading is put back in order, and so is everything in the templates."""
    from lxml import etree

    from matrixbook.documents.ordering import _SEQUENCES

    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    result = build(MASTER, tmp_path, only=["briefs"], today=TODAY)
    assert result.report.ok
    files = [internal / "mapping_report.docx", internal / "inception_report.docx",
             tmp_path / "briefs" / "ENT-LAS.docx", REPO / "templates" / "brief.docx"]
    checked = 0
    for path in files:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if not (name.startswith("word/") and name.endswith(".xml")):
                    continue
                root = etree.fromstring(z.read(name))
                for parent, sequence in _SEQUENCES.items():
                    rank = {f"{ns}{c}": i for i, c in enumerate(sequence)}
                    for element in root.iter(f"{ns}{parent}"):
                        ranks = [rank.get(c.tag, len(rank)) for c in element]
                        assert ranks == sorted(ranks), (path.name, name, parent,
                                                        [c.tag for c in element])
                        checked += 1
    assert checked > 1000
