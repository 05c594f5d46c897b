"""matrixbook.speedups against the plain path (MATRIXBOOK_PLAIN=1): the same bytes for the
documents, the same findings for validate, the same changes for diff.

Each test also makes sure the path it calls plain did not go through the fast code (the fast
function is replaced by one that fails), so a switch that stopped switching would be caught."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import MASTER
from matrixbook.api import build
from matrixbook.diff import compare
from matrixbook.schema import Schema, load_schema
from matrixbook.speedups import PLAIN_VARIABLE, enabled, loading, pool, word
from matrixbook.validation import check_workbook
from test_diff import base, revise, the_revision  # noqa: F401 - fixtures shared with test_diff

TODAY = date(2025, 9, 3)


@pytest.fixture
def schema() -> Schema:
    return load_schema()


def _forbid(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"the plain path called speedups {module.__name__}.{name}")

    monkeypatch.setattr(module, name, fail)


def test_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PLAIN_VARIABLE, raising=False)
    assert enabled()
    for value in ("1", "yes", "TRUE"):
        monkeypatch.setenv(PLAIN_VARIABLE, value)
        assert not enabled()
    monkeypatch.setenv(PLAIN_VARIABLE, "0")
    assert enabled()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_documents_are_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      lang: str) -> None:
    """The briefing notes (rendered in forked workers here) and both reports, Word and HTML,
    in English and in French (the fast path keeps one translated template per language)."""
    from matrixbook.outputs import discover_outputs

    outputs = [o.name for o in discover_outputs() if lang in o.languages
               and o.name in ("briefs", "inception_report", "mapping_report")]
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    fast = build(MASTER, tmp_path / "fast", only=outputs, audience="internal", today=TODAY,
                 lang=lang)
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    for name in ("load_template", "save"):
        _forbid(monkeypatch, word, name)
    _forbid(monkeypatch, pool, "forked_map")
    plain = build(MASTER, tmp_path / "plain", only=outputs, audience="internal", today=TODAY,
                  lang=lang)
    assert fast.report.ok and plain.report.ok
    written = sorted(p.relative_to(tmp_path / "fast") for p in fast.written)
    assert written == sorted(p.relative_to(tmp_path / "plain") for p in plain.written)
    suffixes = {p.suffix for p in written}
    assert {".docx", ".html"} <= suffixes
    assert len([p for p in written if p.parent.name == "briefs"]) > 2 * pool.PARALLEL_FROM
    for path in written:
        assert (tmp_path / "fast" / path).read_bytes() == \
            (tmp_path / "plain" / path).read_bytes(), path


def test_printed_values_are_escaped_as_markupsafe_does() -> None:
    """The fast environment's escaping of `{{ value }}` gives markupsafe's text and type for
    every kind of value a template prints; text already marked safe is left alone."""
    import jinja2
    from markupsafe import Markup
    from markupsafe import escape as markupsafe_escape

    from matrixbook.speedups.jinja import CachingEnvironment, escape

    class Html:
        def __html__(self) -> str:
            return "<b>own</b>"

    values = ["plain", "", "<a href=\"x\">Tom & Jerry's</a>", Markup("<i>safe</i>"), 3, 2.5,
              None, True, Html(), ["<li>"]]
    for value in values:
        assert escape(value) == markupsafe_escape(value), value
        assert type(escape(value)) is Markup, value
    source = "{{ a }}|{{ b }}|{{ c|safe }}|{% set x %}<i>{{ a }}</i>{% endset %}{{ x }}|{{ a ~ b }}"
    context = {"a": "<&\"'>", "b": 3, "c": "<br/>"}
    fast = CachingEnvironment(autoescape=True).from_string(source)
    assert fast.root_render_func.__globals__["escape"] is escape  # the switch did switch
    assert fast.render(context) == jinja2.Environment(autoescape=True).from_string(
        source).render(context) == ("&lt;&amp;&#34;&#39;&gt;|3|<br/>|<i>&lt;&amp;&#34;&#39;&gt;"
                                    "</i>|&lt;&amp;&#34;&#39;&gt;3")


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _moved_by_docxtpl(root: Any, body_xml: str) -> bytes:
    """The document docxtpl makes: the body parsed alone, moved into (a copy of) `root`."""
    import copy

    from lxml import etree

    root = copy.deepcopy(root)
    root.replace(root.find(f"{{{W_NS}}}body"),
                 etree.fromstring(body_xml, parser=etree.XMLParser(recover=True)))
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def test_a_body_parsed_in_place_is_the_document_docxtpl_makes() -> None:
    """The rendered body is parsed inside the template's document instead of being moved into
    it (lxml fixes every node's namespaces on a move): the same document, namespace
    declarations included; what it cannot reproduce falls back to docxtpl's move."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from matrixbook.resources import templates_dir

    tpl = DocxTemplate(str(templates_dir() / "brief.docx"))
    tpl.init_docx()
    root = tpl.docx.element
    body = tpl.get_xml()
    head, rest = body[:body.index(">") + 1], body[body.index(">") + 1:]
    picture = (f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="{WP_NS}" xmlns:a="{A_NS}">'
               f'<wp:docPr id="1" name="Picture map"/><a:graphic/></wp:inline></w:drawing></w:r>'
               "</w:p>")
    nested = f'<w:p xmlns:w="{W_NS}"><w:r><w:t>Tom &amp; Jerry xmlns:w="x"</w:t></w:r></w:p>'
    for variant in (body, head + picture + rest, head + picture + picture + rest,
                    head + nested + rest):
        in_place = word._parse_in_place(root, variant)
        assert in_place is not None
        assert type(in_place).__name__ == "CT_Body"  # python-docx's classes, as after a move
        assert etree.tostring(in_place.getparent(), encoding="UTF-8", standalone=True) == \
            _moved_by_docxtpl(root, variant)
    other = head + '<w:p><w:r xmlns:wp="urn:other"><w:t>x</w:t></w:r></w:p>' + rest
    broken = head + "<w:p><w:r></w:p>" + rest
    elsewhere = head + f'<w:p xmlns:a="{A_NS}"/>' + rest  # not a picture: not reproduced
    for variant in (other, broken, elsewhere):
        assert word._parse_in_place(root, variant) is None


def test_validate_gives_the_same_findings(base: Path, revise: Callable[..., Path],  # noqa: F811
                                          schema: Schema,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    new = revise(the_revision)
    seen: list[bool] = []
    original = check_workbook.__globals__["_check_workbook"]

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setitem(check_workbook.__globals__, "_check_workbook", spy)
    started: list[str] = []
    threaded = loading.SheetLoader

    def counted(path: Path, *args: Any, **kwargs: Any) -> loading.SheetLoader:
        started.append(Path(path).name)
        return threaded(path, *args, **kwargs)

    monkeypatch.setattr(loading, "SheetLoader", counted)
    fast = [[f.as_dict() for f in check_workbook(p, schema).report.findings] for p in (base, new)]
    assert started == [base.name, new.name]  # the sheets were read in threads
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    _forbid(monkeypatch, loading, "SheetLoader")
    plain = [[f.as_dict() for f in check_workbook(p, schema).report.findings] for p in (base, new)]
    assert fast[0] and fast[1]  # both versions have findings to compare
    assert fast == plain
    assert seen == [False, False, True, True]  # the collector paused on the fast path only


def test_reading_gives_the_same_sheets(schema: Schema, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheets parsed in threads (started before pandas is imported, as `validate` does)
    and read one after another: the same frames, the same findings, staff's sheets too."""
    import openpyxl

    from matrixbook.reading import read_book

    path = tmp_path / "own.xlsx"
    wb = openpyxl.load_workbook(MASTER)
    wb.create_sheet("Notes", 0)["A1"] = "mine"
    wb["Policies"]["B3"] = " spaced "
    wb.save(path)
    with loading.prefetch(path, schema.sheet_names, extra=True):
        fast = read_book(path, schema, keep_extra_sheets=True)
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    _forbid(monkeypatch, loading, "SheetLoader")
    with loading.prefetch(path, schema.sheet_names, extra=True):
        plain = read_book(path, schema, keep_extra_sheets=True)
    assert list(fast.sheets) == list(plain.sheets) == schema.sheet_names
    for name in schema.sheet_names:
        assert fast.sheets[name].frame.equals(plain.sheets[name].frame), name
        assert fast.sheets[name].positions == plain.sheets[name].positions
    assert list(fast.extra_sheets) == list(plain.extra_sheets) == ["Notes", "About"]
    assert fast.extra_sheets["Notes"].equals(plain.extra_sheets["Notes"])
    assert fast.findings == plain.findings


def test_diff_gives_the_same_changes(base: Path, revise: Callable[..., Path],  # noqa: F811
                                     schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
    new = revise(the_revision)
    monkeypatch.setattr(pool, "PARALLEL_BYTES", 0)  # the two files read in two processes
    fast = compare(base, new, schema)
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    _forbid(monkeypatch, pool, "both")
    plain = compare(base, new, schema)
    assert fast.changes and fast.findings
    assert fast.changes == plain.changes
    assert fast.findings == plain.findings
    assert fast.to_text() == plain.to_text() and fast.to_json() == plain.to_json()
