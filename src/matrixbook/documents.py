"""Word and HTML documents from the templates in `templates/`: the notes and reports staff edit.

Why one module: the briefing notes, the mapping report and the inception report all need the same
four things, and they must behave the same way in all three:

- find a template (a copy in a `templates/` folder beside the workbook wins over the shipped one,
  so staff can restyle a document in Word without touching the package);
- render it with jinja2, autoescaped, where an unknown variable or a syntax slip becomes a
  `TemplateProblem` naming the template and the line, never a traceback;
- write a `.docx` that is byte-identical from one build to the next (fixed zip timestamps and
  fixed core properties), and a single-file HTML twin;
- turn workbook values (dates, lists, booleans, empty cells) into the text people read, with
  one style of date in every document: 12 September 2025 (the spreadsheets keep 2025-09-12).
"""

from __future__ import annotations

import io
import math
import re
import traceback
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from matrixbook.errors import TemplateProblem
from matrixbook.resources import templates_dir
from matrixbook.schema import Schema
from matrixbook.values import is_blank
from matrixbook.xlsx import FIXED_CREATED

# The zip timestamp and document dates every generated .docx carries (zip's epoch is 1980).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
AUTHOR = "IOM MENA Regional Office"

# Characters XML 1.0 cannot hold (and \a, \f, which docxtpl would turn into paragraph and page
# breaks): a stray one pasted into Excel must not corrupt a Word file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAGS = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------- values as text


def clean(text: str) -> str:
    """Text safe for Word and HTML: no control characters, Windows line ends made plain."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def long_day(value: Any) -> str:
    """A date as people write it: 12 September 2025 (the one style of every document), or ''
    when empty; text that is not a date is kept as it is."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value.strftime('%B %Y')}"


def day(value: Any) -> str:
    """A date in a document: 12 September 2025, like the cover, never 2025-09-12 beside it."""
    return long_day(value)


def as_text(value: Any, separator: str = "; ") -> str:
    """Any cell value as the text a reader sees."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return separator.join(as_text(v) for v in value if not is_blank(v))
    if isinstance(value, pd.Timestamp | datetime):
        if (value.hour, value.minute) != (0, 0):
            return f"{long_day(value)} {value:%H:%M}"
        return long_day(value)
    if isinstance(value, date):
        return long_day(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def paragraphs(value: Any) -> list[str]:
    """A text cell as paragraphs: one per line staff typed (Alt+Enter in Excel)."""
    text = as_text(value)
    return [p.strip() for p in text.split("\n") if p.strip()]


def record(frame: pd.DataFrame, row: Any) -> dict[str, Any]:
    """One row as {field: text}, only for the columns the (audience-filtered) table has.

    A template that wants an internal field asks `{% if body.internal_notes is defined %}`:
    in an external build the key is simply not there.
    """
    rec = frame.loc[row]
    return {k: as_text(rec[k]) for k in frame.columns if isinstance(k, str)}


def country_names(schema: Schema) -> dict[str, str]:
    """ISO code -> the name a reader sees, from the schema's vocabulary (one place for names:
    matrixbook.model.memberships.country_names)."""
    from matrixbook.model.memberships import country_names as names

    return names(schema)


def words(value: Any) -> int:
    """Words in every string inside `value` (nested lists and dicts included)."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, Mapping):
        return sum(words(v) for v in value.values())
    if isinstance(value, Iterable):
        return sum(words(v) for v in value)
    return 0


# --------------------------------------------------------------------------- page estimate

# The stated rate, measured on the notes of the default workbook printed by LibreOffice (A4,
# 2 cm margins, Arial 10 pt text, 8.5 pt tables).
WORDS_PER_LINE = 14  # running text across the page
CELL_WORDS_PER_LINE = 7  # text in a narrow table column (a wide one takes more)
TABLE_LINE = 0.85  # a table line is smaller than a text line
LINES_PER_PAGE = 52
COVER_CAPACITY = 58  # the cover holds more: its tables are in small print
HEADING_LINES = 3  # a heading and the space around it
TABLE_LINES = 3  # a table's introduction and header row
COVER_LINES = 16  # the cover without the name: date / audience / reference table, headings
SHORTEST_NOTE, LONGEST_NOTE = 5, 10  # pages, as the terms of reference ask


def text_lines(texts: Iterable[str], words_per_line: int = WORDS_PER_LINE) -> float:
    """Lines the paragraphs fill, with the half-line of space after each."""
    return sum(math.ceil(words(t) / words_per_line) + 0.5 for t in texts if t)


def table_lines(rows: Iterable[Iterable[str]],
                words_per_line: int | Sequence[int] = CELL_WORDS_PER_LINE) -> float:
    """Lines a table fills: a row is as tall as its tallest cell. `words_per_line`: how many
    words a column holds on a line, one figure for every column or one per column (a narrow
    column of long words, such as Climate context, wraps sooner than the widest one)."""
    total = float(TABLE_LINES)
    for row in rows:
        cells = list(row)
        per_line = ([words_per_line] * len(cells) if isinstance(words_per_line, int)
                    else list(words_per_line))
        tallest = max((math.ceil(words(c) / n) for c, n in zip(cells, per_line, strict=False)),
                      default=1)
        total += max(tallest, 1) * TABLE_LINE
    return total


@dataclass(frozen=True)
class PageEstimate:
    """How long a note will print: its lines at a stated rate, the cover on its own page(s).

    Why an estimate rather than the real count: `validate` has to warn before anything is built,
    and the real count depends on fonts and on Word versus LibreOffice.
    """

    words: int  # running text
    tables: tuple[int, ...]  # rows of each table
    cover_lines: float
    body_lines: float

    @property
    def pages(self) -> float:
        cover = max(1, math.ceil(self.cover_lines / COVER_CAPACITY))
        raw = cover + self.body_lines / LINES_PER_PAGE
        return math.ceil(raw * 2) / 2  # to the half page begun: more precision would be false

    @property
    def method(self) -> str:
        return (f"{WORDS_PER_LINE} words a line of text, {CELL_WORDS_PER_LINE} in a table "
                f"column, {LINES_PER_PAGE} lines a page, the cover on its own page")

    @property
    def summary(self) -> str:
        shown = [r for r in self.tables if r]
        return (f"about {self.pages:g} pages: {self.words} words of text and {len(shown)} "
                f"table(s) with {sum(shown)} rows ({self.method})")

    def as_dict(self) -> dict[str, Any]:
        return {"pages": f"{self.pages:g}", "words": self.words,
                "tables": len([r for r in self.tables if r]), "method": self.method,
                "summary": self.summary,
                "in_range": SHORTEST_NOTE <= self.pages <= LONGEST_NOTE}


# --------------------------------------------------------------------------- templates

def template_folders(source: Path | None) -> list[Path]:
    """Where templates are looked for: a `templates/` folder beside the workbook, then ours."""
    folders = []
    if source is not None:
        local = Path(source).resolve().parent / "templates"
        if local.is_dir():
            folders.append(local)
    folders.append(templates_dir())
    return folders


def find_template(name: str, source: Path | None = None) -> Path:
    for folder in template_folders(source):
        if (folder / name).is_file():
            return folder / name
    raise TemplateProblem(f"The template {name} is missing from {templates_dir()}; reinstall "
                          "matrixbook or restore the file (scripts/make_templates.py "
                          "regenerates the Word templates).")


class _Environment(jinja2.Environment):
    """Compiles each template source once: docxtpl hands the same document XML to
    `from_string` for every note, and compiling it is most of the cost of a note.

    And reads `p.title` of a dict as its key straight away: jinja2 first asks for the
    attribute, which a dict lacks, and an exception per lookup was a fifth of a note's
    rendering. The answer is the same: a dict's own attributes (`items`, `keys`...) still win,
    and a missing key still goes the usual way."""

    _compiled: dict[str, jinja2.Template]

    def getattr(self, obj: Any, attribute: str) -> Any:  # noqa: A003 - jinja's name
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def from_string(self, source: str | Any, globals: Any = None,  # noqa: A002 - jinja's name
                    template_class: Any = None) -> jinja2.Template:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        cache = self.__dict__.setdefault("_compiled", {})
        if source not in cache:
            if len(cache) > 32:
                cache.clear()
            cache[source] = super().from_string(source)
        return cache[source]


_DICT_ATTRIBUTES = frozenset(dir(dict))


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """Autoescaped (text from the workbook can never become markup) and strict (a misspelt
    variable is an error, not a silent blank)."""
    return _Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                        keep_trailing_newline=True)


@lru_cache(maxsize=8)
def _docx_environment() -> jinja2.Environment:
    return environment()


@lru_cache(maxsize=8)
def _html_environment(folders: tuple[str, ...]) -> jinja2.Environment:
    """One environment per template search path, so each HTML template compiles once a build
    (jinja2 reloads it by itself when the file changes)."""
    return environment(jinja2.FileSystemLoader(list(folders)))


def _line_of(exc: BaseException, filename: str | None) -> int | None:
    """The template line of a jinja2 error: syntax errors carry it, runtime errors (an unknown
    variable) only in the rewritten traceback frames that point into the template."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename or ""
        if name == "<template>" or (filename and name.endswith(filename)):
            found = frame.lineno
    return found


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.rstrip(".")


def render_html(name: str, context: Mapping[str, Any], target: Path,
                source: Path | None = None) -> Path:
    """Render templates/<name> (HTML, jinja2) to `target`."""
    target.write_text(html_text(name, context, source), encoding="utf-8", newline="\n")
    return target


def html_text(name: str, context: Mapping[str, Any], source: Path | None = None) -> str:
    """templates/<name> (HTML, jinja2) rendered, as the text render_html writes."""
    folders = template_folders(source)
    env = _html_environment(tuple(str(f) for f in folders))
    path = find_template(name, source)
    try:
        html = env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else path
        raise TemplateProblem(f"Template {where}, line {exc.lineno}: {_reason(exc)}. Fix the "
                              "template and build again.") from None
    except jinja2.TemplateError as exc:
        line = None
        where = path
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename and frame.filename.endswith((".j2", ".html")):
                where, line = Path(frame.filename), frame.lineno
        raise TemplateProblem(f"Template {where}, line {line or '?'}: {_reason(exc)}. Fix the "
                              "template and build again.") from None
    return html


def _template_class() -> type:
    """DocxTemplate that patches each XML part of the template once per build, and skips the
    search for tabs and breaks in a rendered part that holds none.

    docxtpl rewrites the template's XML with a dozen regular expressions (`patch_xml`) before
    jinja2 sees it, for every note; the input is the same template XML each time, so the result
    is kept (keyed by the XML itself, so an edited template is patched afresh)."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        from docxtpl import DocxTemplate

        class PatchOnce(DocxTemplate):
            def patch_xml(self, src_xml: str) -> str:
                patched = _PATCHED.get(src_xml)
                if patched is None:
                    if len(_PATCHED) > 32:
                        _PATCHED.clear()
                    patched = _PATCHED[src_xml] = super().patch_xml(src_xml)
                return patched

            def render_xml_part(self, src_xml: str, part: Any, context: Any,
                                jinja_env: Any = None) -> str:
                if jinja_env is None:
                    return super().render_xml_part(src_xml, part, context, jinja_env)
                # docxtpl's own, but the two regular expressions that put each paragraph on a
                # line of its own (so that jinja2's line numbers count paragraphs) and join
                # them again are plain replacements: the same text, without a match object for
                # each of the thousands of paragraphs of a note's tables.
                src_xml = src_xml.replace("<w:p ", "\n<w:p ").replace("<w:p>", "\n<w:p>")
                try:
                    self.current_rendering_part = part
                    dst_xml = jinja_env.from_string(src_xml).render(context)
                except jinja2.TemplateError as exc:
                    if getattr(exc, "lineno", None) is not None:
                        first = max(exc.lineno - 4, 0)
                        exc.docx_context = [_TAGS.sub("", x)  # type: ignore[attr-defined]
                                            for x in src_xml.splitlines()[first:first + 7]]
                    raise
                dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
                dst_xml = (dst_xml.replace("{_{", "{{").replace("}_}", "}}")
                           .replace("{_%", "{%").replace("%_}", "%}"))
                return self.resolve_listing(dst_xml)

            def fix_tables(self, xml: str) -> Any:
                # docxtpl parses the rendered document, then counts the cells of every row of
                # every table, span by span in Python, to mend the tables whose column grid a
                # {%tc %} loop has outgrown: two fifths of a note's rendering. Here the count
                # is done with lxml's own searches, and only a table that needs it is mended,
                # by docxtpl's own steps (_mend_table).
                from lxml import etree

                tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
                for table in tree.iter(_W + "tbl"):
                    if _grid_to_mend(table):
                        _mend_table(table)
                return tree

            def resolve_listing(self, xml: str) -> str:
                # docxtpl turns \t \a \n \f inside text into Word's tabs, paragraphs, line
                # and page breaks with three nested regular expressions over the whole
                # document; without any of them its result is the XML unchanged.
                if not any(c in xml for c in "\t\a\n\f"):
                    return xml
                return super().resolve_listing(xml)

        _TEMPLATE_CLASS = PatchOnce
    return _TEMPLATE_CLASS


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TC, _SPAN = _W + "tc", f"{_W}tc/{_W}tcPr/{_W}gridSpan"


@lru_cache(maxsize=1)
def _row_searches() -> tuple[Any, Any]:
    """Whether a table has a row with more than $n cells, or with exactly $n (lxml, compiled
    once)."""
    from lxml import etree

    ns = {"w": _W[1:-1]}
    return (etree.XPath("boolean(.//w:tr[count(w:tc) > $n])", namespaces=ns),
            etree.XPath("boolean(.//w:tr[count(w:tc) = $n])", namespaces=ns))


def _grid_to_mend(table: Any) -> bool:
    """Whether docxtpl's fix_tables would change `table`: a row with more cells than the grid
    has columns, or a grid with more columns than its widest row (spans counted) fills."""
    grid = table.find(_W + "tblGrid")
    columns = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    more, exactly = _row_searches()
    if more(table, n=columns):
        return True
    if exactly(table, n=columns):
        return False  # a row fills the grid: nothing to add, nothing to remove
    widest = 0  # every row has fewer cells than columns: do they fill it with their spans?
    for row in table.iter(_W + "tr"):
        width = 0
        for cell in row.findall(_TC):  # as docxtpl counts: the first tcPr's first gridSpan
            props = cell.find(_W + "tcPr")
            span = props.find(_W + "gridSpan") if props is not None else None
            width += int(span.get(_W + "val")) if span is not None else 1
        widest = max(widest, width)
    return columns > widest


def _mend_table(t: Any) -> None:
    """docxtpl's repair of one table (DocxTemplate.fix_tables, docxtpl 0.20.2, step for step):
    columns added to the grid for a row with more cells than it has, the widths scaled to keep
    the table's; then columns beyond what the widest row fills (spans counted) removed, their
    width shared among the others. It reads the table's own grid and rows (nested ones too, as
    docxtpl does) and changes its grid only."""
    from lxml import etree

    ns = _W
    grid = t.find(ns + "tblGrid")
    columns = grid.findall(ns + "gridCol")
    to_add = 0
    for r in t.iter(ns + "tr"):
        cells = r.findall(ns + "tc")
        if len(columns) + to_add < len(cells):
            to_add = len(cells) - len(columns)
    if to_add > 0:
        width = 0.0
        for c in columns:
            if c.get(ns + "w") is not None:
                width += float(c.get(ns + "w"))
        if width > 0:
            old_average = width / len(columns)
            new_average = width / (len(columns) + to_add)
            for c in columns:
                c.set(ns + "w", str(int(float(c.get(ns + "w")) * new_average / old_average)))
            for _ in range(to_add):
                etree.SubElement(grid, ns + "gridCol", {ns + "w": str(int(new_average))})
    columns = grid.findall(ns + "gridCol")
    widest = 0
    for r in t.iter(ns + "tr"):
        width_in_cells = 0
        for cell in r.findall(ns + "tc"):
            props = cell.find(ns + "tcPr")
            span = None if props is None else props.find(ns + "gridSpan")
            width_in_cells += int(span.get(ns + "val")) if span is not None else 1
        widest = max(widest, width_in_cells)
    to_remove = len(columns) - widest
    if to_remove > 0:
        removed = 0.0
        for c in columns[-to_remove:]:
            removed += float(c.get(ns + "w"))
            grid.remove(c)
        left = grid.findall(ns + "gridCol")
        extra = int(removed / len(left)) if left else 0
        for c in left:
            c.set(ns + "w", str(int(float(c.get(ns + "w")) + extra)))


_TEMPLATE_CLASS: type | None = None
_PATCHED: dict[str, str] = {}
# Template file -> (size, mtime), its bytes, its paragraphs once checked, and the saved form of
# the parts no note changes: read, checked and parsed once a build, not once a note.
_TEMPLATES: dict[Path, tuple[tuple[int, int], bytes, dict[str, list[str]], dict[str, bytes]]] = {}
# Parts that rendering never touches (docxtpl renders the body, headers, footers, footnotes and
# properties): the styles alone are a third of a megabyte of XML that python-docx would parse
# and write back for every note. After the first note they are carried as the bytes the first
# one wrote, which is what parsing and writing them again gives.
_UNTOUCHED = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
)


def _open_untouched_as_bytes(tpl: Any, saved: dict[str, bytes]) -> None:
    """init_docx, with the untouched parts loaded as plain bytes (`saved`), not parsed."""
    from docx.opc.part import Part, PartFactory

    previous = PartFactory.part_class_selector

    def select(content_type: str, reltype: str) -> type | None:
        if content_type in _UNTOUCHED:
            return Part
        return previous(content_type, reltype) if previous else None

    PartFactory.part_class_selector = select
    try:
        tpl.init_docx()
    finally:
        PartFactory.part_class_selector = previous
    for part in tpl.docx.part.package.parts:
        if part.content_type in _UNTOUCHED:
            part._blob = saved[str(part.partname)]  # noqa: SLF001 - a plain Part's bytes


def _load_template(path: Path) -> tuple[Any, dict[str, list[str]]]:
    """A fresh DocxTemplate of `path` (docxtpl renders a document only once) and the text of
    the template's paragraphs, its tags checked; the file is read, checked and its untouched
    parts serialised once while it stays unchanged."""
    tpl_class = _template_class()
    try:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        cached = _TEMPLATES.get(path)
        if cached is None or cached[0] != stamp:
            data = path.read_bytes()
            tpl = tpl_class(io.BytesIO(data))
            tpl.init_docx()
            paragraphs_of = _template_paragraphs(tpl)
            _check_tags(path, paragraphs_of)
            saved = {str(p.partname): p.blob for p in tpl.docx.part.package.parts
                     if p.content_type in _UNTOUCHED}
            _TEMPLATES[path] = (stamp, _stored(data), paragraphs_of, saved)
            return tpl, paragraphs_of
        tpl = tpl_class(io.BytesIO(cached[1]))
        _open_untouched_as_bytes(tpl, cached[3])
        return tpl, cached[2]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateProblem(f"Template {path} is not a Word document that can be read "
                              f"({exc}). Save it again from Word as .docx.") from None


def _stored(data: bytes) -> bytes:
    """The same package with its parts stored, not deflated: it is opened again for every
    document a build renders, and inflating it each time is wasted (what is written is
    deflated afresh either way)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
    return out.getvalue()


def render_docx(name: str, context: Mapping[str, Any], target: Path,
                source: Path | None = None, title: str = "") -> Path:
    """Render templates/<name> (Word, docxtpl) to `target`, byte-identical for the same data."""
    target.write_bytes(docx_bytes(name, context, source, title))
    return target


def docx_bytes(name: str, context: Mapping[str, Any], source: Path | None = None,
               title: str = "") -> bytes:
    """templates/<name> (Word, docxtpl) rendered, as the bytes render_docx writes."""
    path = find_template(name, source)
    tpl, paragraphs_of = _load_template(path)
    try:
        tpl.render(dict(context), jinja_env=_docx_environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise _docx_problem(tpl, path, exc, paragraphs_of) from None
    spread_tables(tpl.docx.element.body)
    schema_order(tpl.docx.element.body)
    for section in tpl.docx.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                schema_order(part._element)
    set_properties(tpl.docx, title, context.get("properties") or {})
    return _save_deterministic(tpl)


def set_properties(document: Any, title: str, properties: Mapping[str, str]) -> None:
    """Word's document properties (File > Info): the document's own title, subject, author,
    company, language and keywords, dated the day of the data, so a partner who opens them
    reads about the mapping, never about the template it came from; the same data gives the
    same bytes."""
    props = document.core_properties
    author = properties.get("author", AUTHOR)
    props.author = author
    props.last_modified_by = author
    props.title = title or properties.get("title", "")
    props.subject = properties.get("subject", "")
    props.keywords = properties.get("keywords", "")
    props.category = properties.get("category", "")
    props.comments = properties.get("comments", "")
    props.language = properties.get("language", "")
    when = _data_datetime(properties.get("date", ""))
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    company = properties.get("company", "")
    for part in document.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            _set_company(part, company)


def _data_datetime(text: str) -> datetime:
    """The date of the data (2025-09-12) as the documents' created and modified time; the fixed
    date of every generated file when the data carries none."""
    try:
        return datetime.fromisoformat(text[:10])
    except ValueError:
        return FIXED_CREATED


def _set_company(part: Any, company: str) -> None:
    """The Company of docProps/app.xml (python-docx reads only the core properties)."""
    from xml.sax.saxutils import escape

    blob = part.blob.decode("utf-8")
    value = f"<Company>{escape(company)}</Company>" if company else "<Company/>"
    blob = re.sub(r"<Company>.*?</Company>|<Company/>", value, blob, flags=re.S)
    part._blob = blob.encode("utf-8")  # noqa: SLF001 - a plain Part's bytes


class _Replay:
    """A deflate compressor that hands back output computed once before."""

    def __init__(self, compressed: bytes) -> None:
        self._compressed = compressed

    def compress(self, _data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self._compressed


# Compressed form of the parts that are the same in every document (keyed by name and bytes);
# only parts of at least _REUSE_FROM bytes that python-docx holds as plain bytes are kept.
_REUSE_FROM = 4096
_DEFLATED: dict[tuple[str, bytes], bytes] = {}
_REUSABLE: set[bytes] = set()


class _FixedZipWriter:
    """python-docx's physical package writer, with every entry dated and permitted as
    `deterministic_zip` makes them: the .docx is written once, not written then re-zipped."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_TIMESTAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        info.create_system = 0
        if len(blob) < _REUSE_FROM or blob not in _REUSABLE:
            self._zip.writestr(info, blob)
            return
        # A part every note carries unchanged (the styles, the theme...): deflate gives the
        # same bytes for the same input, so its compressed form is kept and replayed.
        key = (pack_uri.membername, blob)
        compressed = _DEFLATED.get(key)
        if compressed is None:
            packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            compressed = _DEFLATED[key] = packer.compress(blob) + packer.flush()
        info.file_size = len(blob)
        with self._zip.open(info, mode="w") as dest:
            dest._compressor = _Replay(compressed)  # noqa: SLF001 - zipfile writes the rest
            dest.write(blob)

    def close(self) -> None:
        self._zip.close()


def _save_deterministic(tpl: Any) -> bytes:
    """The rendered document as `deterministic_zip(tpl.save(...))` would give it, byte for byte
    (the same parts in the same order), in one pass. docxtpl's own save adds nothing here:
    its picture and media replacements are never asked for."""
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgwriter import PackageWriter

    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded \
            or tpl.zipname_to_replace:
        buffer = io.BytesIO()
        tpl.save(buffer)
        return deterministic_zip(buffer.getvalue())
    from docx.opc.part import Part

    package = tpl.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
        if type(part) is Part and len(part.blob) >= _REUSE_FROM:  # bytes, not parsed XML
            if len(_REUSABLE) > 64:
                _REUSABLE.clear()
                _DEFLATED.clear()
            _REUSABLE.add(part.blob)
    buffer = io.BytesIO()
    writer = _FixedZipWriter(buffer)
    PackageWriter._write_content_types_stream(writer, parts)  # noqa: SLF001 - python-docx's order
    writer.write(PACKAGE_URI.rels_uri, package.rels.xml)
    PackageWriter._write_parts(writer, parts)  # noqa: SLF001
    writer.close()
    return buffer.getvalue()


# Child order of Word's property elements (ECMA-376, wml.xsd). Word refuses a file whose
# elements are out of order ("unreadable content"), LibreOffice does not: docxtpl's {% cellbg %}
# puts <w:shd> first in a cell's properties, so every rendered document is put back in order.
_SEQUENCES = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
              "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
             "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
             "cellDel", "cellMerge", "tcPrChange"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath"),
}


def schema_order(root: Any) -> None:
    """Put the children of every table, cell, paragraph and run property element of `root`
    in the order the Word schema requires (unknown elements keep their place at the end).

    An element with a single child, most of those of a note's long tables, is in order as it
    stands: it is passed over without a sort."""
    for tag, rank in _schema_ranks().items():
        last = len(rank)
        for element in root.iter(tag):
            if len(element) < 2:
                continue
            children = list(element)
            ordered = sorted(children, key=lambda c: rank.get(c.tag, last))
            if ordered != children:
                for child in children:
                    element.remove(child)
                element.extend(ordered)


@lru_cache(maxsize=1)
def _schema_ranks() -> dict[str, dict[str, int]]:
    """Qualified tag of each property element -> {qualified child tag: place in _SEQUENCES}."""
    from docx.oxml.ns import qn

    return {qn(f"w:{name}"): {qn(f"w:{child}"): i for i, child in enumerate(sequence)}
            for name, sequence in _SEQUENCES.items()}


def _template_paragraphs(tpl: Any) -> dict[str, list[str]]:
    """The text of every paragraph of the template, in Word's order (table cells included),
    for the body, the page headers and the footers: what staff see and can search for."""
    from docx.oxml.ns import qn

    def texts(element: Any) -> list[str]:
        return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]

    doc = tpl.docx
    out = {"body": texts(doc.element.body), "page header": [], "footer": []}
    for section in doc.sections:
        for part, where in ((section.header, "page header"), (section.footer, "footer")):
            if not part.is_linked_to_previous:
                out[where] += texts(part._element)
    return out


_DELIMITERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _check_tags(path: Path, paragraphs_of: dict[str, list[str]]) -> None:
    """Every tag opened in a paragraph must close in it. docxtpl would otherwise swallow the
    paragraphs up to the next closing brace without a word: a note with sections missing."""
    for where, texts in paragraphs_of.items():
        for number, text in enumerate(texts, start=1):
            expected = None
            for match in _DELIMITERS.finditer(text):
                token = match.group()
                if token in _CLOSER:
                    if expected:
                        break
                    expected = _CLOSER[token]
                elif token == expected:
                    expected = None
                else:
                    expected = "?" + token
                    break
            if expected:
                problem = (f"a tag is opened but not closed with {expected}"
                           if not expected.startswith("?")
                           else f"{expected[1:]} closes a tag that was not opened")
                place = "" if where == "body" else f" of the {where}"
                raise TemplateProblem(
                    f"Template {path}, line {number}{place} (the paragraph that reads "
                    f"“{_short(text)}”): {problem}. Fix the template in Word and build again.")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def spread_tables(body: Any) -> None:
    """Share the width of repeated columns ({%tc for %}: one per theme, one per status).

    docxtpl gives every repeated column the template's width, so a matrix with thirteen themes
    would run off the page. A table whose alt-text title is 'spread' keeps its first column as
    drawn in the template and shares the rest of the table's width equally among the others.
    """
    from docx.oxml.ns import qn

    for tbl in body.iter(qn("w:tbl")):
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is None or caption.get(qn("w:val")) != "spread":
            continue
        grid = tbl.find(qn("w:tblGrid"))
        cols = grid.findall(qn("w:gridCol"))
        if len(cols) < 2:
            continue
        total = sum(int(float(c.get(qn("w:w"), "0"))) for c in cols)
        first_cell_width = tbl.find(f"{qn('w:tr')}/{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:tcW')}")
        first = int(first_cell_width.get(qn("w:w"))) if first_cell_width is not None else 0
        first = first or total // len(cols)
        other = max((total - first) // (len(cols) - 1), 1)
        widths = [first] + [other] * (len(cols) - 1)
        for col, width in zip(cols, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for tr in tbl.findall(qn("w:tr")):
            for tc, width in zip(tr.findall(qn("w:tc")), widths, strict=False):
                tcpr = tc.find(qn("w:tcPr"))
                tcw = tcpr.find(qn("w:tcW")) if tcpr is not None else None
                if tcw is not None:
                    tcw.set(qn("w:w"), str(width))
                    tcw.set(qn("w:type"), "dxa")


def _docx_problem(tpl: Any, path: Path, exc: jinja2.TemplateError,
                  paragraphs_of: dict[str, list[str]]) -> TemplateProblem:
    """Name the template and the line: for a Word template, the number of the paragraph from
    the top (table cells included), with its text so staff can search for it in Word.

    jinja2 counts lines of the XML docxtpl lays out one paragraph a line (tag paragraphs
    removed); the paragraph is found back by its text, else by the tag it holds."""
    line = _line_of(exc, None)
    part = str(getattr(getattr(tpl, "current_rendering_part", None), "partname", "") or "")
    where = "footer" if "footer" in part else "page header" if "header" in part else "body"
    number, text = None, ""
    if line and where == "body":
        try:
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
            lines = xml.splitlines()
            if 0 < line <= len(lines):
                text = " ".join(_TAGS.sub("", lines[line - 1]).split())
        except Exception:  # noqa: BLE001 - the context is a courtesy; the error still stands
            text = ""
        number = _find_paragraph(paragraphs_of["body"], text)
    elif where != "body" and len(paragraphs_of[where]) == 1:
        number, text = 1, paragraphs_of[where][0]
    if number:
        text = paragraphs_of[where][number - 1]
    place = "" if where == "body" else f" of the {where}"
    at = f"line {number}{place}" if number else f"line {line or '?'}{place}"
    shown = f" (the paragraph that reads “{_short(text)}”)" if text else ""
    return TemplateProblem(f"Template {path}, {at}{shown}: {_reason(exc)}. Fix the template "
                           "in Word and build again.")


def _find_paragraph(texts: list[str], line_text: str) -> int | None:
    """The number of the template paragraph that the rendered line came from."""
    def norm(t: str) -> str:
        t = re.sub(r"([{][{%#])(p|tr|tc|r) ", r"\1", t)  # {%p for %} is {% for %} once laid out
        return "".join(t.split())

    wanted = norm(line_text)
    if not wanted:
        return None
    for number, text in enumerate(texts, start=1):
        if norm(text) and norm(text) == wanted:
            return number
    for tag in re.findall(r"[{][{%#].*?[}%#][}]", line_text):
        for number, text in enumerate(texts, start=1):
            if norm(tag) in norm(text):
                return number
    return None


def deterministic_zip(data: bytes) -> bytes:
    """The same .docx with every zip entry dated 1980-01-01 and fixed permissions, so two builds
    of the same data are byte-identical (python-docx stamps each entry with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def write_pair(ctx: Any, stem: str, template: str, context: Mapping[str, Any],
               title: str) -> list[Path]:
    """Write <stem>.docx and <stem>.html from templates/<template>.docx and .html.j2."""
    written = []
    with ctx.writing(f"{stem}.docx") as tmp:
        render_docx(f"{template}.docx", context, tmp, ctx.source, title)
    written.append(ctx.path(f"{stem}.docx"))
    with ctx.writing(f"{stem}.html") as tmp:
        render_html(f"{template}.html.j2", context, tmp, ctx.source)
    written.append(ctx.path(f"{stem}.html"))
    return written


# From how many documents a build renders them in two processes: starting them costs about a
# tenth of a second, a note about 20 ms; a small build stays in one process.
PARALLEL_FROM = 60
WORKERS = 2
_JOBS: list[tuple[str, str, Mapping[str, Any], str]] = []
_JOB_SOURCE: list[Path | None] = [None]


def _leave_ctrl_c_to_parent() -> None:
    """A worker ignores Ctrl+C: the build itself stops, says so in one line and replaces
    nothing; a worker's own traceback would only bury that line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_job(index: int) -> tuple[bytes, str]:
    """One document pair, in a worker forked with the jobs in memory (nothing is pickled
    but the index and the result)."""
    _stem, template, context, title = _JOBS[index]
    source = _JOB_SOURCE[0]
    return (docx_bytes(f"{template}.docx", context, source, title),
            html_text(f"{template}.html.j2", context, source))


def write_pairs(ctx: Any, jobs: list[tuple[str, str, Mapping[str, Any], str]]) -> list[Path]:
    """write_pair for each (stem, template, context, title), in order, with the same files
    byte for byte; a large build renders in two forked processes while this one writes.

    The first pair is written here first: a template error stops the build before any worker
    starts, and the workers inherit the template read, patched and compiled once."""
    import multiprocessing

    written: list[Path] = []
    if not jobs:
        return written
    written += write_pair(ctx, *jobs[0])
    rest = range(1, len(jobs))
    methods = multiprocessing.get_all_start_methods()
    if len(jobs) < PARALLEL_FROM or "fork" not in methods:
        for i in rest:
            written += write_pair(ctx, *jobs[i])
        return written
    from concurrent.futures import ProcessPoolExecutor

    _JOBS[:] = jobs
    _JOB_SOURCE[0] = ctx.source
    try:
        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_leave_ctrl_c_to_parent) as pool:
            for i, (docx, html) in zip(rest, pool.map(_render_job, rest, chunksize=4),
                                       strict=True):
                stem = jobs[i][0]
                with ctx.writing(f"{stem}.docx") as tmp:
                    tmp.write_bytes(docx)
                written.append(ctx.path(f"{stem}.docx"))
                with ctx.writing(f"{stem}.html") as tmp:
                    tmp.write_text(html, encoding="utf-8", newline="\n")
                written.append(ctx.path(f"{stem}.html"))
    finally:
        _JOBS.clear()
        _JOB_SOURCE[0] = None
    return written


def common_context(ctx: Any, title: str) -> dict[str, Any]:
    """What every document's cover and footer show. Dates in the one style of documents
    (`data_date` and `data_date_long` are the same; `data_date_iso` is for file names)."""
    shown = long_day(ctx.data_date) or ctx.data_date
    publisher = ctx.schema.publisher
    return {
        "properties": document_properties(ctx, title),
        "doc_title": title,
        "footer_title": title,
        "data_date": shown,
        "data_date_long": shown,
        "data_date_iso": ctx.data_date,
        "audience": ctx.audience,
        "audience_label": ctx.audience_label,
        "internal": ctx.audience == "internal",
        "source_name": ctx.source_name,
        "organisation": publisher.organisation,
        "office": publisher.office,
    }


def document_properties(ctx: Any, subject: str, keywords: Sequence[str] = (),
                        category: str = "") -> dict[str, str]:
    """What `set_properties` writes into a document: from the schema's publisher and the date
    of the data (`subject` and `keywords` say what the document is about)."""
    publisher = ctx.schema.publisher
    words_ = [publisher.keywords, *(k for k in keywords if k)]
    return {"subject": subject, "author": publisher.author, "company": publisher.company,
            "language": publisher.language, "keywords": "; ".join(w for w in words_ if w),
            "category": category, "comments": "", "date": str(ctx.data_date)}
