"""Word and HTML documents from the templates in `templates/`: the notes and reports staff edit.

Why one module: the briefing notes, the mapping report and the inception report all need the same
four things, and they must behave the same way in all three:

- find a template (a copy in a `templates/` folder beside the workbook wins over the shipped one,
  so staff can restyle a document in Word without touching the package);
- render it with jinja2, autoescaped, where an unknown variable or a syntax slip becomes a
  `TemplateProblem` naming the template and the line, never a traceback;
- write a `.docx` that is byte-identical from one build to the next (fixed zip timestamps and
  fixed core properties), and a single-file HTML twin;
- turn workbook values (dates, lists, booleans, empty cells) into the text people read.
"""

from __future__ import annotations

import io
import math
import re
import traceback
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from matrixbook.errors import TemplateProblem
from matrixbook.resources import templates_dir
from matrixbook.schema import Schema
from matrixbook.xlsx import FIXED_CREATED

# The zip timestamp and document dates every generated .docx carries (zip's epoch is 1980).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
AUTHOR = "IOM MENA Regional Office"

# Characters XML 1.0 cannot hold (and \a, \f, which docxtpl would turn into paragraph and page
# breaks): a stray one pasted into Excel must not corrupt a Word file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAGS = re.compile(r"<[^>]+>")


# --------------------------------------------------------------------------- values as text

def is_blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, list | tuple):
        return len(value) == 0
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and value.strip() == ""


def clean(text: str) -> str:
    """Text safe for Word and HTML: no control characters, Windows line ends made plain."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def day(value: Any) -> str:
    """A date as 2025-09-12 (the workbook's own format), or '' when empty."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%d")


def long_day(value: Any) -> str:
    """A date as people write it on a cover: 12 September 2025."""
    if is_blank(value):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value.strftime('%B %Y')}"


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
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
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
    """ISO code -> short English name ('European Union', not the code's long description)."""
    vocabulary = schema.vocabulary("countries")
    return {t.code: re.sub(r"\s*\(.*\)$", "", t.label) for t in vocabulary.terms}


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

WORDS_PER_PAGE = 400
ROWS_PER_HALF_PAGE = 20
COVER_PAGES = 1.0
SHORTEST_NOTE, LONGEST_NOTE = 5, 10  # pages, as the terms of reference ask


@dataclass(frozen=True)
class PageEstimate:
    """How long a note will print, from its words and tables at a stated rate.

    Why an estimate rather than the real count: `validate` has to warn before anything is built,
    and the real count depends on fonts and on Word versus LibreOffice.
    """

    words: int
    tables: tuple[int, ...]  # rows of each table

    @property
    def pages(self) -> float:
        table_pages = sum(0.5 * math.ceil(rows / ROWS_PER_HALF_PAGE) for rows in self.tables
                          if rows)
        raw = COVER_PAGES + self.words / WORDS_PER_PAGE + table_pages
        return round(raw * 2) / 2  # to the half page: more precision would be false

    @property
    def method(self) -> str:
        return (f"{WORDS_PER_PAGE} words a page, half a page for every {ROWS_PER_HALF_PAGE} "
                "table rows begun, one page for the cover")

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
                          "matrixbook or restore the file (templates/make_templates.py "
                          "regenerates the Word templates).")


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """Autoescaped (text from the workbook can never become markup) and strict (a misspelt
    variable is an error, not a silent blank)."""
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)


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
    folders = template_folders(source)
    env = environment(jinja2.FileSystemLoader([str(f) for f in folders]))
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
    target.write_text(html, encoding="utf-8", newline="\n")
    return target


def render_docx(name: str, context: Mapping[str, Any], target: Path,
                source: Path | None = None, title: str = "") -> Path:
    """Render templates/<name> (Word, docxtpl) to `target`, byte-identical for the same data."""
    from docxtpl import DocxTemplate

    path = find_template(name, source)
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(dict(context), jinja_env=environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise _docx_problem(tpl, path, exc) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateProblem(f"Template {path} is not a Word document that can be read "
                              f"({exc}). Save it again from Word as .docx.") from None
    spread_tables(tpl.docx.element.body)
    props = tpl.docx.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = FIXED_CREATED
    props.modified = FIXED_CREATED
    props.last_printed = FIXED_CREATED
    props.revision = 1
    if title:
        props.title = title
    buffer = io.BytesIO()
    tpl.save(buffer)
    target.write_bytes(deterministic_zip(buffer.getvalue()))
    return target


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


def _docx_problem(tpl: Any, path: Path, exc: jinja2.TemplateError) -> TemplateProblem:
    """Name the template, the line of its XML (one paragraph a line, as docxtpl lays it out)
    and the text of that paragraph, so staff can find it in Word."""
    line = _line_of(exc, None)
    part = getattr(getattr(tpl, "current_rendering_part", None), "partname", "") or ""
    where = ""
    if "footer" in part:
        where = " (in the footer)"
    elif "header" in part:
        where = " (in the page header)"
    text = ""
    if line and not where:
        try:
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
            lines = xml.splitlines()
            if 0 < line <= len(lines):
                text = " ".join(_TAGS.sub("", lines[line - 1]).split())
        except Exception:  # noqa: BLE001 - the context is a courtesy; the error still stands
            text = ""
    shown = f" (the paragraph reads: {text[:80]})" if text else ""
    return TemplateProblem(f"Template {path}, line {line or '?'}{where}{shown}: {_reason(exc)}. "
                           "Fix the template in Word and build again.")


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


def common_context(ctx: Any, title: str) -> dict[str, Any]:
    """What every document's cover and footer show."""
    return {
        "doc_title": title,
        "data_date": ctx.data_date,
        "data_date_long": long_day(ctx.data_date) or ctx.data_date,
        "audience": ctx.audience,
        "audience_label": ctx.audience_label,
        "internal": ctx.audience == "internal",
        "source_name": ctx.source_name,
        "organisation": "International Organization for Migration (IOM)",
        "office": "Regional Office for the Middle East and North Africa",
    }
