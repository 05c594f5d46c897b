"""Briefing notes (out/briefs/<ID>.docx and .html): what a reader checks in Word and in the
browser, read back with python-docx: every section heading of its kind, "To be completed" where
a section is empty, the cover, the member-state table, the numbered sources, the unconfirmed
facts box, the page estimate and the `--stage final` warning, the audience filter (a canary in
the internal columns), template errors that name the template and line, byte-identical rebuilds
and LibreOffice opening the notes.

The default workbook (workbook/master.xlsx) is the data; expectations are read from it, so a
change of the seed changes what is expected, not whether the test holds.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import docx
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import MASTER, header_cell, pdf_pages, to_pdf
from matrixbook.api import build
from matrixbook.audience import filter_tables
from matrixbook.cli import cli
from matrixbook.documents import ZIP_TIMESTAMP, PageEstimate, long_day, table_lines
from matrixbook.model.briefs import note_content, notes, page_estimate
from matrixbook.model.cover import cover
from matrixbook.outfolder import MANIFEST
from matrixbook.outputs.briefs import length_note
from matrixbook.schema import Schema, load_schema
from matrixbook.validation import check_workbook

TODAY = date(2025, 9, 3)
# Headings every note has after its sections, in order (the template's own).
TAIL = ["Member states", "Policies and instruments", "Thematic areas", "Sources"]
CANARY_NOTE = "CANARY-NOTE-7f3b9c-internal-only"
CANARY_FOCAL = "CANARY-FOCAL-51d2e0-internal-only"


# --------------------------------------------------------------------------- helpers

def tables_of(path: Path) -> dict[str, pd.DataFrame]:
    return check_workbook(path, load_schema()).tables


def body_ids(path: Path = MASTER) -> dict[str, list[str]]:
    t = tables_of(path)
    return {"Entities": list(t["Entities"]["entity_id"]),
            "Dialogues": list(t["Dialogues"]["dialogue_id"])}


def headings(path: Path, level: int = 1) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def paragraphs(path: Path) -> list[docx.text.paragraph.Paragraph]:
    return list(docx.Document(str(path)).paragraphs)


def after_heading(path: Path, heading: str) -> list[str]:
    """Texts of the paragraphs between a Heading 1 and the next heading."""
    out: list[str] = []
    inside = False
    for p in paragraphs(path):
        if p.style.name.startswith("Heading"):
            if inside:
                break
            inside = p.text == heading
            continue
        if inside and p.text:
            out.append(p.text)
    return out


def table_with_header(path: Path, first: str) -> list[list[str]]:
    for table in docx.Document(str(path)).tables:
        rows = [[c.text for c in r.cells] for r in table.rows]
        if rows and rows[0][0] == first:
            return rows
    raise AssertionError(f"{path.name} has no table headed {first!r}")


def all_text(path: Path) -> str:
    """Every character of every part of a .docx (document, headers, footers, properties), or
    of an HTML file (or the build's manifest)."""
    if path.suffix in (".html", ".json"):
        return path.read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.endswith(".xml"))


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self._in = False
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ("meta", "br", "link", "img", "hr", "input"):
            self.stack.append(tag)
        self._in = tag == "h2"
        if self._in:
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.h2[-1] += data


def html_headings(path: Path) -> list[str]:
    parser = _Headings()
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.stack == [], f"unclosed tags {parser.stack}"
    return [" ".join(h.split()) for h in parser.h2]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def _built_notes(tmp_path_factory: pytest.TempPathFactory, audience: str) -> Path:
    out = tmp_path_factory.mktemp(f"briefs-{audience}")
    result = build(MASTER, out, only=["briefs"], audience=audience, today=TODAY)
    assert result.report.ok, result.report.to_text()
    return out / "briefs"


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_notes(tmp_path_factory, "internal")


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built_notes(tmp_path_factory, "external")


# --------------------------------------------------------------------------- the notes

def test_one_note_per_entity_and_dialogue(internal: Path, external: Path) -> None:
    ids = body_ids()
    expected = sorted(f"{i}{ext}" for i in ids["Entities"] + ids["Dialogues"]
                      for ext in (".docx", ".html"))
    assert len(ids["Entities"]) == 9 and len(ids["Dialogues"]) >= 7
    assert sorted(p.name for p in internal.iterdir()) == expected
    assert sorted(p.name for p in external.iterdir()) == expected


def test_every_note_has_every_section_heading_of_its_kind(schema: Schema, external: Path) -> None:
    """Entity notes and dialogue notes have different sections: the schema's `section: true`
    columns, in their order, headed by the column name; the recommendations (from the
    Recommendations sheet) after Opportunities / Thematic areas to widen collaboration."""
    ids = body_ids()
    for sheet_name, kind_ids in ids.items():
        sections = [c.name for c in schema.sheet(sheet_name).columns if c.section]
        assert "Climate action and mobility" in sections and "Data" in sections
        after = schema.sheet(sheet_name).column("opportunities").name
        sections.insert(sections.index(after) + 1,
                        "Recommendations for IOM's strategic positioning")
        for body_id in kind_ids:
            assert headings(external / f"{body_id}.docx") == sections + TAIL, body_id
            assert html_headings(external / f"{body_id}.html") == sections + TAIL, body_id
    entity = [c.name for c in schema.sheet("Entities").columns if c.section]
    dialogue = [c.name for c in schema.sheet("Dialogues").columns if c.section]
    assert "Mandate" in entity and "Objectives" in dialogue and entity != dialogue


def test_cover_block(external: Path, internal: Path) -> None:
    t = tables_of(MASTER)
    las = t["Entities"].set_index("entity_id").loc["ENT-LAS"]
    data_date = max(t["Entities"]["checked_on"].max(), t["Dialogues"]["checked_on"].max())
    texts = [p.text for p in paragraphs(external / "ENT-LAS.docx")]
    assert texts[texts.index("Briefing note · Regional entity") + 1] == las["name_en"]
    meta = table_with_header(external / "ENT-LAS.docx", "Date of the data")
    assert meta == [["Date of the data", long_day(data_date)], ["Audience", "External"],
                    ["Reference", "ENT-LAS"]]
    inside = table_with_header(internal / "ENT-LAS.docx", "Date of the data")
    assert inside[1] == ["Audience", "Internal: for IOM staff only, not for distribution"]
    facts = dict(map(tuple, table_with_header(external / "ENT-LAS.docx", "Entity type")))
    assert facts["Entity type"] == las["entity_type"]
    assert facts["Seat country"] == "Egypt"  # the ISO code EGY, named
    assert facts["Founded (year)"] == str(las["founded_year"])
    dialogue_texts = [p.text for p in paragraphs(external / "DLG-RABAT.docx")]
    assert "Briefing note · Inter-regional dialogue" in dialogue_texts
    footer = docx.Document(str(external / "ENT-LAS.docx")).sections[0].footer.paragraphs[0].text
    # One style of date in a document: the footer says what the cover says.
    assert footer.startswith(f"Briefing note: LAS · External · Data as of "
                             f"{long_day(data_date)}\tPage ")
    assert facts["Checked on"] == long_day(las["checked_on"])
    for path in (external / "ENT-LAS.docx", external / "ENT-LAS.html"):
        text = re.sub(r"https?://\S+", "", all_text(path))
        assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", text), path.name


def test_sections_carry_the_workbook_text(external: Path) -> None:
    t = tables_of(MASTER)
    las = t["Entities"].set_index("entity_id").loc["ENT-LAS"]
    assert after_heading(external / "ENT-LAS.docx", "Mandate") == [las["mandate"].strip()]
    assert after_heading(external / "ENT-LAS.docx", "Climate action and mobility") == [
        las["climate_mobility"].strip()]


def test_empty_section_shows_to_be_completed(edited: Callable[..., Path],
                                             tmp_path: Path) -> None:
    """An empty section renders as a visible marker, in its own shaded style, never vanishes;
    so do an empty member-state table, policy table, theme table and reference list."""
    book = edited({"Entities": {header_cell("Entities", "Data", 2): None,
                                header_cell("Entities", "Mandate", 2): "First line.\nSecond."}})
    result = build(book, tmp_path / "out", only=["briefs"], audience="external", today=TODAY)
    assert result.report.ok, result.report.to_text()
    note = tmp_path / "out" / "briefs" / "ENT-LAS.docx"
    assert after_heading(note, "Data") == ["To be completed."]
    marker = [p for p in paragraphs(note) if p.text == "To be completed."]
    assert marker and all(p.style.name == "To be completed" for p in marker)
    assert after_heading(note, "Mandate") == ["First line.", "Second."]
    page = (tmp_path / "out" / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")
    assert '<h2>Data</h2>\n<p class="todo">To be completed.</p>' in page


def test_empty_tables_show_to_be_completed(tmp_path: Path) -> None:
    """A body with no members, policies, themes or sources still has those headings."""
    schema = load_schema()
    tables = filter_tables(schema, tables_of(MASTER), "external")
    for sheet in ("Memberships", "Policies", "Themes"):
        tables[sheet] = tables[sheet].iloc[0:0]
    row = tables["Entities"].index[0]
    tables["Entities"].at[row, "source_ids"] = []
    content = note_content(schema, tables, "Entities", row)
    assert content["members"] == content["policies"] == content["themes"] == []
    assert content["sources"] == []
    from matrixbook.documents import render_docx, render_html

    context = {"doc_title": "t", "footer_title": "t", "data_date": "2025-09-03",
               "data_date_long": "3 September 2025", "audience": "external",
               "audience_label": "External", "internal": False, "source_name": "master.xlsx",
               "organisation": "IOM", "office": "MENA", **content,
               "estimate": page_estimate(content).as_dict(), "cover": cover(content).as_dict()}
    render_docx("brief.docx", context, tmp_path / "n.docx")
    render_html("brief.html.j2", context, tmp_path / "n.html")
    for heading in TAIL:
        assert after_heading(tmp_path / "n.docx", heading) == ["To be completed."], heading
    assert (tmp_path / "n.html").read_text().count('<p class="todo">To be completed.</p>') >= 4


def test_member_state_table(external: Path) -> None:
    """Every Memberships row of the body, with its period in words by the shared rule: the
    Syrian and Egyptian suspensions from and to their dates, an ended suspension without
    dates (Afghanistan in the OIC) "ended", never "to date"; the sentence above says who
    holds which role on the build date."""
    t = tables_of(MASTER)
    members = t["Memberships"][t["Memberships"]["body_id"] == "ENT-LAS"]
    rows = table_with_header(external / "ENT-LAS.docx", "Country")
    assert rows[0] == ["Country", "Role", "Period", "Note"]
    assert len(rows) - 1 == len(members)
    syria = members[(members["country"] == "SYR") & (members["role"] == "Suspended")].iloc[0]
    expected = ["Syria", "Suspended",
                f"from {long_day(syria.start_date)} to {long_day(syria.end_date)}", syria.note]
    assert expected in [r for r in rows[1:]]
    # Egypt's 1979-1989 suspension has sourced dates since issue 17 (SRC-1013, SRC-1014):
    egypt = members[(members["country"] == "EGY") & (members["role"] == "Suspended")].iloc[0]
    period = f"from {long_day(egypt.start_date)} to {long_day(egypt.end_date)}"
    assert ["Egypt", "Suspended", period, egypt.note] in rows
    # an ended suspension without dates (Afghanistan in the OIC, 1980-1989) reads "ended"
    oic = t["Memberships"][t["Memberships"]["body_id"] == "ENT-OIC"]
    afghanistan = oic[(oic["country"] == "AFG") & (oic["role"] == "Suspended")].iloc[0]
    assert bool(afghanistan.ended) and pd.isna(afghanistan.end_date)
    oic_rows = table_with_header(external / "ENT-OIC.docx", "Country")
    assert ["Afghanistan", "Suspended", "ended (date not recorded)", afghanistan.note] in oic_rows
    assert not [r for r in rows if "to date" in r[2]]
    unconfirmed = members[members["confirmed"] == False]  # noqa: E712 - a boolean column
    flagged = [r for r in rows[1:] if r[1].endswith("(not confirmed)")]
    assert len(flagged) == len(unconfirmed) > 0
    current = members[(members["role"] == "Member") & members["end_date"].isna()]
    intro = after_heading(external / "ENT-LAS.docx", "Member states")[0]
    assert intro.startswith(f"On 3 September 2025: {len(current)} member states and ")
    assert "suspended" not in intro.split(".")[0]  # nobody is suspended from the LAS today


def test_policies_and_themes_tables(external: Path) -> None:
    t = tables_of(MASTER)
    policies = t["Policies"][t["Policies"]["body_id"] == "ENT-LAS"]
    rows = table_with_header(external / "ENT-LAS.docx", "Instrument")
    assert len(rows) - 1 == len(policies) > 0
    assert sorted(r[2] for r in rows[1:]) == sorted(str(y) for y in policies["year_adopted"])
    themes = t["Themes"][t["Themes"]["body_id"] == "ENT-LAS"]
    rows = table_with_header(external / "ENT-LAS.docx", "Theme")
    assert rows[0] == ["Theme", "Relevance", "Evidence"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted(zip(themes["theme"],
                                                                themes["relevance"],
                                                                strict=True))


def test_sources_are_numbered_references(external: Path) -> None:
    t = tables_of(MASTER)
    ids = t["Entities"].set_index("entity_id").loc["ENT-LAS", "source_ids"]
    sources = t["Sources"].set_index("source_id")
    refs = [p.text for p in paragraphs(external / "ENT-LAS.docx") if p.style.name == "Reference"]
    assert len(refs) == len(ids) > 0
    for n, (ref, source_id) in enumerate(zip(refs, ids, strict=True), start=1):
        assert ref.startswith(f"[{n}]\t")
        assert sources.loc[source_id, "title"] in ref
        assert sources.loc[source_id, "url"] in ref
    page = (external / "ENT-LAS.html").read_text(encoding="utf-8")
    first = sources.loc[ids[0]]
    assert f'<li id="ref-1">{first.publisher}. {first.title}.' in page


def test_unconfirmed_facts_box(external: Path) -> None:
    t = tables_of(MASTER)
    las = t["Entities"].set_index("entity_id").loc["ENT-LAS"]
    assert isinstance(las["unconfirmed"], str)
    box = [tbl for tbl in docx.Document(str(external / "ENT-LAS.docx")).tables
           if tbl.rows[0].cells[0].paragraphs[0].text == "Facts not yet confirmed"]
    assert len(box) == 1
    texts = [p.text for p in box[0].rows[0].cells[0].paragraphs]
    assert las["unconfirmed"].strip() in texts
    page = (external / "ENT-LAS.html").read_text(encoding="utf-8")
    assert '<section class="box unconfirmed">\n    <h3>Facts not yet confirmed</h3>' in page


def test_no_unconfirmed_box_when_all_is_confirmed(edited: Callable[..., Path],
                                                  tmp_path: Path) -> None:
    book = edited({"Entities": {header_cell("Entities", "Unconfirmed facts", 2): None}})
    result = build(book, tmp_path / "out", only=["briefs"], audience="external", today=TODAY)
    assert result.report.ok
    note = tmp_path / "out" / "briefs" / "ENT-LAS.docx"
    assert "Facts not yet confirmed" not in all_text(note)
    assert "Facts not yet confirmed" not in all_text(note.with_suffix(".html"))


# --------------------------------------------------------------------------- audience

def test_external_notes_carry_no_internal_value(edited: Callable[..., Path],
                                                tmp_path: Path) -> None:
    """A canary in the internal columns of LAS is in the internal note and nowhere in the
    external build."""
    book = edited({"Entities": {header_cell("Entities", "Internal notes", 2): CANARY_NOTE,
                                header_cell("Entities", "IOM focal point", 2): CANARY_FOCAL}})
    inside = build(book, tmp_path / "in", only=["briefs"], audience="internal", today=TODAY)
    outside = build(book, tmp_path / "ex", only=["briefs"], audience="external", today=TODAY)
    assert inside.report.ok and outside.report.ok
    note = tmp_path / "in" / "briefs" / "ENT-LAS.docx"
    box = [tbl for tbl in docx.Document(str(note)).tables
           if tbl.rows[0].cells[0].paragraphs[0].text == "For IOM internal use only"]
    assert [p.text for p in box[0].rows[0].cells[0].paragraphs[1:]] == [
        f"IOM focal point: {CANARY_FOCAL}", f"Internal notes: {CANARY_NOTE}"]
    assert CANARY_NOTE in all_text(note.with_suffix(".html"))
    written = sorted((tmp_path / "ex").rglob("*.*"))  # the build's manifest included
    assert sorted(outside.written) == [p for p in written if p.name != MANIFEST]
    assert len(written) == len(outside.written) + 1 > 1
    for path in written:
        text = all_text(path)
        assert CANARY_NOTE not in text and CANARY_FOCAL not in text, path.name
        assert "For IOM internal use only" not in text, path.name
        assert "IOM focal point" not in text and "Internal notes" not in text, path.name


# --------------------------------------------------------------------------- page estimate

def test_page_estimate_rate() -> None:
    """52 lines a page, the cover on its own page(s), rounded up to the half page."""
    assert PageEstimate(0, (), cover_lines=30, body_lines=52 * 3).pages == 4.0
    assert PageEstimate(0, (), cover_lines=30, body_lines=52 * 3 + 1).pages == 4.5
    assert PageEstimate(0, (), cover_lines=70, body_lines=52 * 3).pages == 5.0


def test_a_narrow_column_of_long_words_makes_its_row_taller() -> None:
    """The policies' Climate context holds 3 words a line, the Instrument column 7: a row is
    as tall as its tallest cell at its own column's rate."""
    climate = "Adverse effects of climate change; Environmental degradation"  # 7 words
    row = ["Kampala Ministerial Declaration", "Declaration", "2022", "Adopted", climate]
    assert table_lines([row], (7, 3, 1, 2, 3)) == 3 + 3 * 0.85  # the climate cell: 3 lines
    assert table_lines([row], 8) == 3 + 1 * 0.85  # one rate for all: one line, too short


def test_page_estimate_grows_with_words(schema: Schema) -> None:
    tables = filter_tables(schema, tables_of(MASTER), "external")
    row = tables["Entities"].index[0]
    before = page_estimate(note_content(schema, tables, "Entities", row))
    tables["Entities"].at[row, "mandate"] = " ".join(["word"] * 14 * 52 * 2)  # two pages
    after = page_estimate(note_content(schema, tables, "Entities", row))
    assert after.words == before.words + 14 * 52 * 2 - len(
        str(tables_of(MASTER)["Entities"].at[row, "mandate"]).split())
    assert 1.5 <= after.pages - before.pages <= 2.5


def test_page_estimate_is_for_staff_not_in_the_note(schema: Schema, external: Path,
                                                    tmp_path: Path) -> None:
    """Partners get no rate arithmetic; the person running the build gets every estimate on
    one line after the build."""
    tables = filter_tables(schema, tables_of(MASTER), "external")
    estimates = {c["id"]: page_estimate(c).pages for _, _, c in notes(schema, tables)}
    for body_id in estimates:
        for path in (external / f"{body_id}.docx", external / f"{body_id}.html"):
            text = all_text(path)
            assert "Estimated length" not in text and "words a line" not in text, path.name
    result = build(MASTER, tmp_path, only=["briefs"], audience="external", today=TODAY)
    [line] = [n for n in result.notes if n.startswith("Briefing notes:")]
    low, high = min(estimates.values()), max(estimates.values())
    assert line.startswith(f"Briefing notes: {len(estimates)} written; estimated length "
                           f"{low:g}–{high:g} pages (target 5–10): ")
    assert f"ENT-LAS {estimates['ENT-LAS']:g}, " in line


def test_many_notes_get_a_short_line_naming_those_outside_the_target() -> None:
    """A global workbook has hundreds of notes: the line gives the count, the range and the
    notes to shorten or expand (the first ten), not every estimate."""
    estimates = [(f"ENT-E{i:04d}", 5.0) for i in range(1, 281)]
    assert length_note(estimates) == (
        "Briefing notes: 280 written; estimated length 5 pages (target 5–10); every note "
        "within it.")
    for i in (2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24):
        estimates[i] = (estimates[i][0], 4.5 if i < 20 else 11.0)
    assert length_note(estimates) == (
        "Briefing notes: 280 written; estimated length 4.5–11 pages (target 5–10); 12 outside "
        "it: ENT-E0003 4.5, ENT-E0005 4.5, ENT-E0007 4.5, ENT-E0009 4.5, ENT-E0011 4.5, "
        "ENT-E0013 4.5, ENT-E0015 4.5, ENT-E0017 4.5, ENT-E0019 4.5, ENT-E0021 11 and 2 more "
        "(matrixbook validate --stage final warns at each, with what to change).")
    # Up to twenty notes, every estimate is worth its place on the line.
    assert length_note(estimates[:3]) == (
        "Briefing notes: 3 written; estimated length 4.5–5 pages (target 5–10): ENT-E0001 5, "
        "ENT-E0002 5, ENT-E0003 4.5.")


def test_policies_table_rows_are_the_sheet_rows_in_order(schema: Schema) -> None:
    """The instruments of every note, read once for the whole sheet, are what reading each
    body's rows gives: by year adopted then ID, an undated one last, a policy not confirmed
    flagged, an empty Binding as a dash."""
    tables = filter_tables(schema, tables_of(MASTER), "external")
    policies = tables["Policies"]
    row = policies.index[policies["body_id"] == "ENT-LAS"][0]
    policies.loc[row, ["year_adopted", "binding", "confirmed"]] = [None, None, False]
    content = note_content(schema, tables, "Entities",
                           tables["Entities"].index[tables["Entities"]["entity_id"] == "ENT-LAS"]
                           [0])
    own = policies[policies["body_id"] == "ENT-LAS"]
    dated = own[own["year_adopted"].notna()].sort_values(["year_adopted", "policy_id"])
    expected = [*dated["policy_id"], policies.at[row, "policy_id"]]
    assert [p["id"] for p in content["policies"]] == expected
    undated = content["policies"][-1]
    assert (undated["year"], undated["binding"]) == ("", "–")
    assert undated["status"] == f"{policies.at[row, 'status']} (not confirmed)"


def test_final_stage_warns_when_a_note_is_outside_5_to_10_pages(schema: Schema) -> None:
    tables = filter_tables(schema, tables_of(MASTER), "external")
    estimates = {c["id"]: page_estimate(c).pages for _, _, c in notes(schema, tables)}
    outside = {i for i, pages in estimates.items() if not 5 <= pages <= 10}
    result = CliRunner().invoke(cli, ["validate", str(MASTER), "--stage", "final",
                                      "--format", "json"])
    import json

    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "note-length"]
    assert {f["message"].split()[4] for f in findings} == outside
    assert all(f["severity"] == "warning" for f in findings)
    las = [f for f in findings if "ENT-LAS" in f["message"]]
    if "ENT-LAS" in outside:
        assert las[0]["sheet"] == "Entities" and las[0]["cell"] == "A2"
        assert las[0]["message"].startswith(
            f"The briefing note of ENT-LAS would print about {estimates['ENT-LAS']:g} pages")
        assert "the terms of reference ask for 5 to 10 pages" in las[0]["message"]
    draft = CliRunner().invoke(cli, ["validate", str(MASTER), "--format", "json"])
    assert not [f for f in json.loads(draft.stdout)["findings"] if f["rule"] == "note-length"]


def test_a_note_within_5_to_10_pages_gets_no_warning(edited: Callable[..., Path]) -> None:
    """A note lengthened into the 5-10 page range (ENT-GCC with about 1,200 more words) gets
    no warning; one lengthened past it (ENT-LAS with about 2,400 more words) does.

    (A note emptied of its sections no longer served as the short one: ENT-AMU so emptied
    still prints 5 pages in LibreOffice, and the estimate now says so.)"""
    text = " ".join(["Regional cooperation on migration."] * 100)  # about 400 words
    long_sections = ("Mandate", "Governance and coverage", "Migration and climate policies",
                     "Collaboration with IOM", "Collaboration with UN entities", "Opportunities")
    book = edited({"Entities": {
        **{header_cell("Entities", name, 3): text
           for name in ("Collaboration with IOM", "Opportunities", "Mandate")},
        **{header_cell("Entities", name, 2): text for name in long_sections}}})
    result = CliRunner().invoke(cli, ["validate", str(book), "--stage", "final",
                                      "--format", "json"])
    import json

    messages = [f["message"] for f in json.loads(result.stdout)["findings"]
                if f["rule"] == "note-length"]
    assert not [m for m in messages if "ENT-GCC " in m]
    las = [m for m in messages if "ENT-LAS " in m]
    assert las and las[0].endswith("Shorten its brief sections.")
    # The rate it states is the one the estimate uses (text wrapped at the template's widths).
    assert ("(text wrapped at the template's widths (96 characters a line of text), 52 lines "
            "a page, the cover as measured)") in las[0]


# --------------------------------------------------------------------------- templates

def _broken_template_beside(book: Path, paragraphs_: list[str]) -> None:
    folder = book.parent / "templates"
    folder.mkdir(exist_ok=True)
    document = docx.Document()
    for text in paragraphs_:
        document.add_paragraph(text)
    document.save(str(folder / "brief.docx"))


def test_unknown_variable_names_template_and_line(tmp_path: Path) -> None:
    """Staff's own copy of a template, in templates/ beside the workbook, is used; its error is
    one line naming the template and the paragraph, exit status 2, no traceback."""
    book = tmp_path / "master.xlsx"
    book.write_bytes(MASTER.read_bytes())
    _broken_template_beside(book, ["Briefing note", "{{ name }}", "{{ mandat }}"])
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "out"),
                                      "--only", "briefs"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    template = tmp_path / "templates" / "brief.docx"
    assert result.stderr == (f"Error: Template {template}, line 3 (the paragraph that reads "
                             "“{{ mandat }}”): 'mandat' is undefined. Fix the template in Word "
                             "and build again.\n")


def test_unclosed_tag_names_template_and_line(tmp_path: Path) -> None:
    """docxtpl would silently swallow the paragraphs after an unclosed tag: it is an error."""
    book = tmp_path / "master.xlsx"
    book.write_bytes(MASTER.read_bytes())
    _broken_template_beside(book, ["Briefing note", "{%p for s in sections %}",
                                   "{{ s.heading }", "{%p endfor %}"])
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "out"),
                                      "--only", "briefs"])
    assert result.exit_code == 2
    assert "brief.docx, line 3 (the paragraph that reads “{{ s.heading }”): a tag is opened " \
           "but not closed with }}." in result.stderr


def test_html_template_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    book = tmp_path / "master.xlsx"
    book.write_bytes(MASTER.read_bytes())
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "brief.html.j2").write_text(
        "<h1>{{ name }}</h1>\n{% for s in sections %}\n<h2>{{ s.heading }}</h2>\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(book), "--out", str(tmp_path / "out"),
                                      "--only", "briefs"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert re.match(rf"Error: Template {re.escape(str(tmp_path))}/templates/brief\.html\.j2, "
                    r"line 3: Unexpected end of template", result.stderr)


def test_text_is_escaped(edited: Callable[..., Path], tmp_path: Path) -> None:
    """Text from the workbook is text: markup in a cell is shown, never run."""
    text = '<script>alert("x")</script> & <b>bold</b> {{ name }}'
    book = edited({"Entities": {header_cell("Entities", "Mandate", 2): text}})
    result = build(book, tmp_path / "out", only=["briefs"], audience="external", today=TODAY)
    assert result.report.ok
    note = tmp_path / "out" / "briefs" / "ENT-LAS"
    assert after_heading(note.with_suffix(".docx"), "Mandate") == [text]
    page = note.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>bold" not in page
    assert ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; "
            "{{ name }}") in page


# --------------------------------------------------------------------------- files

def test_rebuild_is_byte_identical(internal: Path, tmp_path: Path) -> None:
    result = build(MASTER, tmp_path, only=["briefs"], audience="internal", today=TODAY)
    assert result.report.ok
    for path in sorted(internal.iterdir()):
        assert (tmp_path / "briefs" / path.name).read_bytes() == path.read_bytes(), path.name


def test_docx_has_fixed_dates(internal: Path) -> None:
    note = internal / "ENT-LAS.docx"
    with zipfile.ZipFile(note) as z:
        assert {i.date_time for i in z.infolist()} == {ZIP_TIMESTAMP}
        assert z.testzip() is None
    props = docx.Document(str(note)).core_properties
    # Dated the day of the data (the latest 'Checked on'), not the day of the build.
    checked = max(tables_of(MASTER)[s]["checked_on"].max() for s in ("Entities", "Dialogues"))
    assert props.created == props.modified == checked.to_pydatetime().replace(
        tzinfo=props.created.tzinfo)
    assert props.title == "Briefing note: League of Arab States"


@pytest.mark.office
def test_notes_open_in_libreoffice_and_match_the_estimate(schema: Schema, external: Path,
                                                          tmp_path: Path) -> None:
    """Word's twin opens in LibreOffice Writer; the estimate is within half a page of the
    print (the Doha note printed a page more than estimated before the estimate wrapped its
    text at the template's widths)."""
    tables = filter_tables(schema, tables_of(MASTER), "external")
    estimates = {c["id"]: page_estimate(c).pages for _, _, c in notes(schema, tables, TODAY)}
    for body_id in ("ENT-LAS", "DLG-RABAT", "DLG-DOHA", "ENT-OIC"):
        pdf = to_pdf(external / f"{body_id}.docx", tmp_path)
        printed = pdf_pages(pdf)
        assert abs(printed - estimates[body_id]) <= 0.5, (body_id, printed, estimates[body_id])


def test_html_twin_is_one_self_contained_file(external: Path) -> None:
    """One file to attach to an e-mail: its style inline, nothing fetched, prints on A4."""
    page = (external / "ENT-LAS.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "<style>" in page and "@page { size: A4;" in page
    assert not re.search(r"<link\b|<script\b|<img\b|@import|url\(", page)
    assert html_headings(external / "ENT-LAS.html")  # well formed: every tag closed


def test_large_build_in_two_processes_is_byte_identical(internal: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes rendered by the forked workers are the files a single process writes."""
    from matrixbook.speedups import pool

    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    result = build(MASTER, tmp_path, only=["briefs"], audience="internal", today=TODAY)
    assert result.report.ok
    assert sorted(p.name for p in (tmp_path / "briefs").iterdir()) == \
        sorted(p.name for p in internal.iterdir())
    for path in sorted(internal.iterdir()):
        assert (tmp_path / "briefs" / path.name).read_bytes() == path.read_bytes(), path.name


def test_rendering_shortcuts_give_the_files_docxtpl_and_jinja2_give(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """matrixbook renders Word files through a DocxTemplate that patches the template once,
    joins paragraphs by plain replacement and mends only the tables that need it, and a jinja2
    environment that reads a dict's keys first: with docxtpl and jinja2 as they come, the notes
    and the reports (whose count tables docxtpl mends) are the same, byte for byte."""
    from matrixbook.speedups import PLAIN_VARIABLE

    outputs = ["briefs", "inception_report", "mapping_report"]
    ours = build(MASTER, tmp_path / "ours", only=outputs, audience="internal", today=TODAY)
    monkeypatch.setenv(PLAIN_VARIABLE, "1")  # docxtpl, python-docx and jinja2 as they come
    plain = build(MASTER, tmp_path / "plain", only=outputs, audience="internal", today=TODAY)
    assert ours.report.ok and plain.report.ok
    words = [p for p in ours.written if p.suffix == ".docx"]
    assert len(words) == len(body_ids()["Entities"]) + len(body_ids()["Dialogues"]) + 2
    for path in words:
        again = tmp_path / "plain" / path.relative_to(tmp_path / "ours")
        assert again.read_bytes() == path.read_bytes(), path.name


def _table(grid: list[int | None], rows: list[list[int]], nested: str = "") -> str:
    """A w:tbl: grid column widths (None: no width), rows of cells given by their span."""
    def cell(span: int) -> str:
        props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
        return f"<w:tc>{props}<w:p><w:r><w:t>x</w:t></w:r></w:p>{nested}</w:tc>"

    cols = "".join(f'<w:gridCol w:w="{w}"/>' if w is not None else "<w:gridCol/>"
                   for w in grid)
    return (f"<w:tbl><w:tblGrid>{cols}</w:tblGrid>"
            + "".join("<w:tr>" + "".join(cell(c) for c in r) + "</w:tr>" for r in rows)
            + "</w:tbl>")


@pytest.mark.parametrize("tables", [
    [_table([1200] * 3, [[1, 1, 1], [1, 1, 1]])],  # as drawn: nothing to mend
    [_table([1200, 2400], [[1, 1, 1], [1, 1]])],  # a {%tc %} loop added a cell: a column more
    [_table([1000, 1100, 1200, 1300], [[1, 1], [1, 1, 1]])],  # a column less, widths shared
    [_table([1200] * 3, [[3], [1, 2]])],  # spans fill the grid: nothing to mend
    [_table([1200] * 4, [[2, 1], [1, 1]])],  # spans counted, still a column too many
    [_table([None, None], [[1, 1, 1]])],  # no widths: no column added, as docxtpl does
    [_table([1200] * 2, [])],  # no row at all
    [_table([1200] * 2, [[1, 1]], nested=_table([900] * 3, [[1, 1]]))],  # nested, mended
    [_table([1200] * 3, [[1, 1]], nested=_table([900], [[1, 1, 1, 1]])),
     _table([500] * 2, [[1, 1, 1]])],  # both levels and a second table
])
def test_table_repair_is_docxtpl_s_own(tables: list[str]) -> None:
    """Where a table needs mending, it is mended as docxtpl mends it; where none does, the
    parsed document is what docxtpl's repair would have returned."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from matrixbook.documents import find_template
    from matrixbook.speedups.word import template_class as _template_class

    xml = ('<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           + "".join(tables) + "</w:body>")
    template = find_template("brief.docx")
    ours = etree.tostring(_template_class()(template).fix_tables(xml))
    assert ours == etree.tostring(DocxTemplate(template).fix_tables(xml))


def test_parts_no_note_changes_are_written_as_word_saves_them(internal: Path) -> None:
    """The styles, settings and numbering are carried from the first note to the next as bytes:
    each note still holds exactly what python-docx writes back from the template."""
    from matrixbook.resources import templates_dir

    template = docx.Document(str(templates_dir() / "brief.docx"))
    expected = {str(p.partname).lstrip("/"): p.blob for p in template.part.package.parts
                if str(p.partname).rsplit("/", 1)[-1] in
                ("styles.xml", "settings.xml", "numbering.xml")}
    assert len(expected) == 3
    for note in ("ENT-LAS.docx", "DLG-RABAT.docx"):
        with zipfile.ZipFile(internal / note) as z:
            for name, blob in expected.items():
                assert z.read(name) == blob, (note, name)


def test_template_edited_between_builds_is_read_again(tmp_path: Path) -> None:
    """The template is read once a build, not once a process: a copy staff edit between two
    builds (the same session of a tool calling matrixbook) is the one used."""
    book = tmp_path / "master.xlsx"
    book.write_bytes(MASTER.read_bytes())
    texts = []
    for first_line in ("First version", "Second version, edited in Word"):
        _broken_template_beside(book, [first_line, "{{ name }}"])
        out = tmp_path / first_line.split()[0]
        result = build(book, out, only=["briefs"], audience="internal", today=TODAY)
        assert result.report.ok, result.report.to_text()
        texts.append([p.text for p in docx.Document(str(out / "briefs" / "ENT-LAS.docx"))
                      .paragraphs])
    assert texts == [["First version", "League of Arab States"],
                     ["Second version, edited in Word", "League of Arab States"]]
