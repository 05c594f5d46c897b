"""Generate the Word templates of the notes and reports: brief.docx, mapping_report.docx and
inception_report.docx.

Why a script: a .docx is a zip of XML that no reviewer can read in a diff. This script is the
reviewable form of the templates; running it gives byte-identical files, so `git diff` on the
.docx files shows whether they still match it (tests/test_reports.py checks they do).

Staff who restyle a template in Word do not need this script: see templates/README.md (put the
edited copy in a `templates/` folder beside the master workbook).

    python scripts/make_templates.py            # refuses to overwrite existing templates
    python scripts/make_templates.py --force    # regenerate them
    python scripts/make_templates.py --out DIR  # write elsewhere (e.g. to compare)

The jinja2 tags follow docxtpl: {{ x }} in a run, {%p ... %} for a paragraph-level tag (the
whole paragraph is replaced by the tag), {%tr ... %} for a table row, {%tc ... %} for a table
cell (a column that repeats), {% cellbg colour %} to shade a cell.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from matrixbook.documents import deterministic_zip

HERE = Path(__file__).resolve().parent.parent / "templates"  # where the templates live
FIXED = datetime(2025, 1, 1)  # the same fixed date as every generated file (xlsx.FIXED_CREATED)

FONT = "Arial"
BLUE = RGBColor(0x00, 0x33, 0xA0)  # IOM blue, as in the generated workbooks
GREY = RGBColor(0x59, 0x59, 0x59)
BLUE_HEX = "0033A0"
BAND_HEX = "F2F5FA"  # the light band of the workbooks
AMBER_HEX = "FFF4D6"  # "facts not yet confirmed" box
AMBER_EDGE = "E69F00"
TODO_HEX = "FDE2D2"  # "To be completed" marker
INTERNAL_HEX = "F0D2E3"  # "for IOM internal use only" box
RULE_HEX = "BFBFBF"

PORTRAIT_WIDTH = 17.0  # cm of text on A4 with 2 cm margins
LANDSCAPE_WIDTH = 26.7  # cm of text on A4 landscape with 1.5 cm margins
# The matrix's header row, whose fourteen theme names run upwards: 1.7 cm columns hold no
# 'développement' in 7-point bold, a row this high holds it and four lines of the longest
# theme name, "Réduction des risques de catastrophe et situations d'urgence".
MATRIX_HEADER_HEIGHT = 2.6


def T(text: str, **values: str) -> str:
    """A fixed text of a template, translated when the document is built: `{{ t("...") }}`
    (matrixbook.documents.translate). `values` are jinja expressions put into the text's
    {name} places. The text is written in the jinja string with \\u escapes for anything
    beyond ASCII: docxtpl turns curly quotes inside a tag into straight ones."""
    literal = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else
                      ("\\" + c if c in '"\\' else f"\\u{ord(c):04x}") for c in text)
    args = "".join(f", {k}={v}" for k, v in values.items())
    return '{{ t("' + literal + '"' + args + ') }}'


TODO = T("To be completed.")


# --------------------------------------------------------------------------- low-level helpers

def _set_fonts(rpr_owner, name: str) -> None:
    """Set every script's font (Latin, Arabic, East Asian) and drop the theme fonts, which
    would otherwise win over the explicit name."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc, name: str, *, size: float | None = None, bold: bool | None = None,
           italic: bool | None = None, color: RGBColor | None = None,
           before: float | None = None, after: float | None = None,
           keep_next: bool | None = None, base: str | None = None, kind: int = 1):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
        if base:
            style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    _set_fonts(style.element, FONT)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color
    if kind == 1:
        fmt = style.paragraph_format
        if before is not None:
            fmt.space_before = Pt(before)
        if after is not None:
            fmt.space_after = Pt(after)
        if keep_next is not None:
            fmt.keep_with_next = keep_next
    return style


def _styles(doc) -> None:
    normal = _style(doc, "Normal", size=10, after=6)
    normal.paragraph_format.line_spacing = 1.15
    _style(doc, "Title", size=26, bold=True, color=BLUE, after=4)
    title = doc.styles["Title"].element
    ppr = title.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    _style(doc, "Subtitle", size=13, italic=False, color=GREY, after=18)
    _style(doc, "Heading 1", size=14, bold=True, color=BLUE, before=18, after=6, keep_next=True)
    _style(doc, "Heading 2", size=11.5, bold=True, color=BLUE, before=12, after=4,
           keep_next=True)
    _style(doc, "Kicker", size=9, bold=True, color=BLUE, after=2, base="Normal")
    _style(doc, "Cover note", size=9, color=GREY, after=2, base="Normal")
    _style(doc, "Table text", size=8.5, after=0, base="Normal")
    doc.styles["Table text"].paragraph_format.line_spacing = 1.0
    _style(doc, "Table heading", size=8.5, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF),
           after=0, base="Table text", keep_next=True)
    _style(doc, "Matrix heading", size=7, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF),
           after=0, base="Table heading")
    # The matrix's cells: small enough for "Not assessed" to hold on one line of a column.
    _style(doc, "Matrix text", size=7.5, after=0, base="Table text")
    _style(doc, "Table total", size=8.5, bold=True, after=0, base="Table text")
    _style(doc, "Table intro", after=6, keep_next=True, base="Normal")
    _style(doc, "Box title", size=10, bold=True, after=3, before=2, base="Normal")
    _style(doc, "Box text", size=9, after=3, base="Normal")
    _style(doc, "Reference", size=9, after=3, base="Normal")
    ref = doc.styles["Reference"].paragraph_format
    ref.left_indent = Cm(0.8)
    ref.first_line_indent = Cm(-0.8)
    _style(doc, "To be completed", size=10, italic=True, color=RGBColor(0x9A, 0x34, 0x00),
           base="Normal")
    _shade_paragraph_style(doc.styles["To be completed"], TODO_HEX)
    _style(doc, "Figure", after=2, before=4, keep_next=True, base="Normal")
    doc.styles["Figure"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _style(doc, "Figure caption", size=8.5, color=GREY, after=10, base="Normal")
    _style(doc, "Header text", size=8, color=GREY, after=0, base="Normal")
    _style(doc, "Footer text", size=8, color=GREY, after=0, base="Normal")
    for name in ("Heading 1", "Heading 2", "Title", "Subtitle"):
        doc.styles[name].font.italic = False


def _shade_paragraph_style(style, fill: str) -> None:
    ppr = style.element.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _borders(table, color: str = RULE_HEX, inside: bool = True, size: int = 4) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    edges = ["top", "left", "bottom", "right"] + (["insideH", "insideV"] if inside else [])
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if edge in edges:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), color)
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)
    _cell_margins(table, 30, 85)


def _cell_margins(table, vertical: int, horizontal: int) -> None:
    """Padding inside every cell, in twentieths of a point: tables that breathe."""
    tblpr = table._tbl.tblPr
    for old in tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", vertical), ("left", horizontal), ("bottom", vertical),
                        ("right", horizontal)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _caption(table, text: str) -> None:
    """Alt-text title of a table; 'spread' asks matrixbook.documents to share the width of repeated
    columns after rendering (see templates/README.md)."""
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), text)
    table._tbl.tblPr.append(caption)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def _no_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, text: str, style: str = "Table text") -> None:
    cell.paragraphs[0].text = text
    cell.paragraphs[0].style = style


def _width(table, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(Cm(w).twips)))


def p(doc, text: str = "", style: str | None = None):
    para = doc.add_paragraph(text)
    if style:
        para.style = style
    return para


def tag(doc, text: str):
    """A paragraph that holds only a docxtpl tag ({%p ... %}); it disappears on rendering."""
    return doc.add_paragraph(text)


def figure(doc, name: str) -> None:
    """A picture of the document's context (`pictures.NAME`, placed by docxtpl as an image the
    width of the text, with its alt text) and its caption (`captions.NAME`); nothing when the
    build has no such picture."""
    tag(doc, "{%p if pictures." + name + " %}")
    p(doc, "{{ pictures." + name + " }}", "Figure")
    p(doc, "{{ captions." + name + " }}", "Figure caption")
    tag(doc, "{%p endif %}")


def thin_line(doc, points: float = 6) -> None:
    """An empty paragraph `points` high: what keeps two tables apart (Word joins two tables
    with nothing between them) where an empty line would take too much room."""
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(0)
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.line_spacing = Pt(points)
    para.add_run().font.size = Pt(1)


def cover_gap(doc) -> None:
    """The empty line above a box of the cover; a thin one when the cover is set close
    (`cover.compact`, see matrixbook.model.cover)."""
    tag(doc, "{%p if cover.compact %}")
    thin_line(doc)
    tag(doc, "{%p else %}")
    p(doc, "")
    tag(doc, "{%p endif %}")


def page_break(doc) -> None:
    """Start a new page with a tiny empty paragraph set to 'page break before': unlike a break
    inside a paragraph, it never leaves a blank page when the cover fills its page exactly."""
    para = doc.add_paragraph()
    para.paragraph_format.page_break_before = True
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.line_spacing = Pt(1)
    para.add_run().font.size = Pt(1)


def data_table(doc, columns: Sequence[tuple[str, str, float]], loop: str,
               header_fill: str = BLUE_HEX, centred: Sequence[int] = ()):
    """A table with a shaded header row (repeated on each page) and one row per item:
    columns = [(header, cell text with jinja, width in cm)], loop = 'm in members'."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    head, start, row, end = table.rows
    for cell, (header, _, _) in zip(head.cells, columns, strict=True):
        _cell_text(cell, header, "Table heading")
        _shade(cell, header_fill)
    _repeat_header(head)
    _cell_text(start.cells[0], "{%tr for " + loop + " %}")
    for cell, (_, text, _) in zip(row.cells, columns, strict=True):
        _cell_text(cell, text)
    _no_split(row)
    _cell_text(end.cells[0], "{%tr endfor %}")
    for index in centred:
        for r in (head, row):
            r.cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _width(table, [w for _, _, w in columns])
    return table


def key_value_table(doc, rows: Sequence[tuple[str, str]], widths: tuple[float, float],
                    loop: str | None = None):
    """Label | value pairs with a light band behind the labels: the cover's key facts."""
    n = len(rows) + (2 if loop else 0)
    table = doc.add_table(rows=n, cols=2)
    _borders(table, inside=True)
    body_rows = list(table.rows)
    if loop:
        _cell_text(body_rows[0].cells[0], "{%tr for " + loop + " %}")
        _cell_text(body_rows[-1].cells[0], "{%tr endfor %}")
        body_rows = body_rows[1:-1]
    for row, (label, value) in zip(body_rows, rows, strict=True):
        _cell_text(row.cells[0], label, "Table text")
        row.cells[0].paragraphs[0].runs[0].bold = True
        _shade(row.cells[0], BAND_HEX)
        _cell_text(row.cells[1], value, "Table text")
        _no_split(row)
    _width(table, widths)
    return table


def box(doc, title: str, lines: Sequence[str], fill: str, edge: str, width: float):
    """A shaded one-cell box: `lines` are paragraphs (docxtpl tags allowed)."""
    table = doc.add_table(rows=1, cols=1)
    _borders(table, color=edge, inside=False, size=8)
    cell = table.rows[0].cells[0]
    _shade(cell, fill)
    _cell_text(cell, title, "Box title")
    for line in lines:
        para = cell.add_paragraph(line)
        para.style = "Box text"
    _width(table, [width])
    return table


def spread_table(doc, first: tuple[str, str, float], repeated: tuple[str, str, str, str],
                 loop: str, columns_loop: str, total_width: float, caption: str = "spread",
                 totals: str | None = None, heading_style: str = "Table heading",
                 cell_style: str = "Table text", rotated: float | None = None):
    """A table whose columns repeat (one per theme, one per status): first column fixed, the
    repeated ones share the rest of the width (matrixbook.documents spreads them after rendering).

    repeated = (header expr, cell expr, cell fill expr or '', the row's list of cells);
    totals = the name of a {label, cells} item shown as a bold last row; rotated = the height
    in cm of a header row whose repeated headers run upwards (columns too narrow for their
    words)."""
    header_expr, cell_expr, fill_expr, cells = repeated
    table = doc.add_table(rows=5 if totals else 4, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    _caption(table, caption)
    head, start, row, end = table.rows[:4]
    _cell_text(head.cells[0], first[0], heading_style)
    _cell_text(head.cells[1], "{%tc for " + columns_loop + " %}", heading_style)
    _cell_text(head.cells[2], header_expr, heading_style)
    _cell_text(head.cells[3], "{%tc endfor %}", heading_style)
    head.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for cell in head.cells:
        _shade(cell, BLUE_HEX)
    if rotated is not None:
        _rotate(head.cells[2], head, rotated)
        _align_foot(head.cells[0])  # the first header on the line the others start from
    _repeat_header(head)
    _cell_text(start.cells[0], "{%tr for " + loop + " %}")
    _cell_text(row.cells[0], first[1], cell_style)
    _cell_text(row.cells[1], "{%tc for c in " + cells + " %}", cell_style)
    _cell_text(row.cells[2], (("{% cellbg " + fill_expr + " %}") if fill_expr else "")
               + cell_expr, cell_style)
    _cell_text(row.cells[3], "{%tc endfor %}", cell_style)
    row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_split(row)
    _cell_text(end.cells[0], "{%tr endfor %}")
    if totals:
        total = table.rows[4]
        _cell_text(total.cells[0], "{{ " + totals + ".label }}", "Table total")
        _cell_text(total.cells[1], "{%tc for c in " + totals + ".cells %}", "Table total")
        _cell_text(total.cells[2], "{{ c }}", "Table total")
        _cell_text(total.cells[3], "{%tc endfor %}", "Table total")
        total.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for cell in total.cells:
            _shade(cell, BAND_HEX)
    first_w = first[2]
    _width(table, [first_w, 0.3, total_width - first_w - 0.6, 0.3])
    return table


def _rotate(cell, row, height_cm: float) -> None:
    """The cell's text runs upwards (bottom to top, as the workbook's rotated headers), each
    line as long as the row is high: `height_cm`, at least (a longer header makes it taller).
    The text starts at the foot of the row and is centred across the column."""
    tcpr = cell._tc.get_or_add_tcPr()
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "btLr")
    tcpr.append(direction)
    align = OxmlElement("w:vAlign")
    align.set(qn("w:val"), "center")
    tcpr.append(align)
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    trpr = row._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(height_cm).twips)))
    height.set(qn("w:hRule"), "atLeast")
    trpr.append(height)


def _align_foot(cell) -> None:
    align = OxmlElement("w:vAlign")
    align.set(qn("w:val"), "bottom")
    cell._tc.get_or_add_tcPr().append(align)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _page(section, landscape: bool = False) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(1.5)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = Cm(2.0)
    section.bottom_margin = Cm(1.8)
    section.header_distance = Cm(0.9)
    section.footer_distance = Cm(0.8)


def _header_footer(section, width_cm: float) -> None:
    header = section.header.paragraphs[0]
    header.text = "{{ organisation }} · {{ office }}"
    header.style = "Header text"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.style = "Footer text"
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ footer_title }} · {{ audience_label }}"
                   "{% if internal %} " + T("(IOM only, not for distribution)") + "{% endif %}"
                   " · " + T("Data as of {date}", date="data_date") + "\t" + T("Page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" " + T("of") + " ")
    _field(footer, "NUMPAGES")


def new_document(title: str, subject: str):
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    _page(section)
    _header_footer(section, PORTRAIT_WIDTH)
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = "IOM MENA Regional Office"
    props.last_modified_by = "IOM MENA Regional Office"
    # No jinja braces here: docxtpl renders the document properties as templates too.
    props.comments = ("matrixbook template: edit the text and styles in Word, keep the tags "
                      "in double braces (see templates/README.md).")
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1
    props.keywords = "IOM; MENA; migration; mapping"
    props.category = "matrixbook template"
    props.language = "en-GB"
    return doc


def cover(doc, kicker: str, title: str, subtitle: str,
          meta: Sequence[tuple[str, str]], gap: int = 3, gap_if: str | None = None) -> None:
    """The cover block: who, what, date of the data, audience (`gap` empty lines above the
    title; only when the jinja condition `gap_if` holds, if one is given)."""
    p(doc, "{{ organisation }}", "Kicker")
    p(doc, "{{ office }}", "Cover note")
    if gap_if:
        tag(doc, "{%p if " + gap_if + " %}")
    for _ in range(gap):
        p(doc, "")
    if gap_if:
        tag(doc, "{%p endif %}")
    p(doc, kicker, "Kicker")
    p(doc, title, "Title")
    p(doc, subtitle, "Subtitle")
    key_value_table(doc, meta, (4.5, PORTRAIT_WIDTH - 4.5))
    p(doc, "")


def todo_paragraph(doc) -> None:
    p(doc, TODO, "To be completed")


def save(doc, path: Path) -> None:
    """Save with its XML in the order Word requires and fixed zip timestamps, so the same
    script gives the same bytes."""
    from matrixbook.documents import schema_order

    schema_order(doc.element)
    schema_order(doc.styles.element)
    for section in doc.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                schema_order(part._element)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue()))


# --------------------------------------------------------------------------- the templates

def brief():
    doc = new_document("Briefing note", "One briefing note per regional entity and dialogue")
    cover(doc, T("Briefing note") + " · {{ kind }}", "{{ name }}",
          "{{ acronym }}{% for n in other_names %} · {{ n.value }}{% endfor %}",
          [(T("Date of the data"), "{{ data_date_long }}"),
           (T("Audience"), "{{ audience_label }}{% if internal %}" + T(": ")
                           + T("for IOM staff only, not for distribution") + "{% endif %}"),
           (T("Reference"), "{{ id }}")], gap_if="not cover.compact")
    p(doc, T("Key facts"), "Heading 2")
    key_value_table(doc, [("{{ f.label }}", "{{ f.value }}")], (4.5, PORTRAIT_WIDTH - 4.5),
                    loop="f in facts")
    tag(doc, "{%p if unconfirmed %}")
    cover_gap(doc)
    box(doc, T("Facts not yet confirmed"),
        ["{%p for fact in unconfirmed %}", "{{ fact }}", "{%p endfor %}",
         T("No source consulted so far confirms these facts: do not cite them as confirmed.")],
        AMBER_HEX, AMBER_EDGE, PORTRAIT_WIDTH)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if internal_items %}")
    cover_gap(doc)
    box(doc, T("For IOM internal use only"),
        ["{%p for item in internal_items %}", "{{ item.label }}" + T(": ") + "{{ item.value }}",
         "{%p endfor %}"], INTERNAL_HEX, "CC79A7", PORTRAIT_WIDTH)
    tag(doc, "{%p endif %}")
    # The note starts on a new page, unless the cover is too long to leave its page whole
    # (cover.page_break, see matrixbook.model.cover): then it runs on, never leaving a page
    # nearly blank.
    tag(doc, "{%p if cover.page_break %}")
    page_break(doc)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for s in sections %}")
    p(doc, "{{ s.heading }}", "Heading 1")
    tag(doc, "{%p for para in s.paragraphs %}")
    p(doc, "{{ para }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not s.paragraphs %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    p(doc, T("Member states"), "Heading 1")
    tag(doc, "{%p if members %}")
    p(doc, "{{ members_summary }} "
           + T("A dash in Period means from the founding or not recorded."), "Table intro")
    figure(doc, "map")
    data_table(doc, [(T("Country"), "{{ m.country }}", 3.8), (T("Role"), "{{ m.role }}", 2.6),
                     (T("Period"), "{{ m.period }}", 3.6),
                     (T("Note"), "{{ m.note }}", PORTRAIT_WIDTH - 10.0)], "m in members")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Policies and instruments"), "Heading 1")
    tag(doc, "{%p if policies %}")
    p(doc, T("Regional instruments adopted by the {kind} on migration, climate change and "
             "disasters.", kind="kind_word"), "Table intro")
    # Each column holds its longest word (the French headers: "Année", "Contraignant"; the
    # terms: "Superseded", "l'environnement"), the width taken from the Instrument's.
    # matrixbook.model.briefs.page_estimate wraps the rows at these widths.
    data_table(doc, [(T("Instrument"), "{{ pol.title }}{% if pol.original %} "
                                       "({{ pol.original }}){% endif %}", 5.0),
                     (T("Type"), "{{ pol.type }}", 2.45), (T("Year"), "{{ pol.year }}", 1.4),
                     (T("Status"), "{{ pol.status }}", 2.3),
                     (T("Binding"), "{{ pol.binding }}", 2.55),
                     (T("Climate context"), "{{ pol.climate }}", PORTRAIT_WIDTH - 13.7)],
               "pol in policies")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Thematic areas"), "Heading 1")
    tag(doc, "{%p if themes %}")
    p(doc, T("How strongly the {kind} works on each theme of the mapping, and the evidence.",
             kind="kind_word"), "Table intro")
    data_table(doc, [(T("Theme"), "{{ th.theme }}", 4.6),
                     (T("Relevance"), "{% cellbg th.fill %}{{ th.relevance }}", 2.2),
                     (T("Evidence"), "{{ th.evidence }}", PORTRAIT_WIDTH - 6.8)],
               "th in themes")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Sources"), "Heading 1")
    tag(doc, "{%p if sources %}")
    tag(doc, "{%p for s in sources %}")
    p(doc, "[{{ s.n }}]\t{{ s.text }}.{% if s.url %} {{ s.url }}{% endif %}"
           "{% if s.accessed %} ({{ s.accessed }}){% endif %}", "Reference")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("About this note"), "Heading 2")
    p(doc, T("Prepared by IOM from the records of the mapping and the sources listed above, "
             "with data as of {date}. Facts that no source confirms yet are marked “not "
             "confirmed”.", date="data_date")
      + "{% if internal %} " + T("How this note is produced (IOM only): it is drawn from the "
                                 "mapping's records in {source}; a correction is made there "
                                 "and the note produced again.", source="source_name")
      + "{% endif %}", "Cover note")
    return doc


def _landscape_section(doc) -> None:
    doc.add_section(WD_SECTION.NEW_PAGE)
    section = doc.sections[-1]
    _page(section, landscape=True)
    section.footer.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    _header_footer(section, LANDSCAPE_WIDTH)


def _portrait_section(doc) -> None:
    doc.add_section(WD_SECTION.NEW_PAGE)
    section = doc.sections[-1]
    _page(section)
    section.footer.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    _header_footer(section, PORTRAIT_WIDTH)


def _relevance_table(doc, loop: str) -> None:
    # Relevance wide enough for its header to hold on one line.
    data_table(doc, [(T("Body"), "{{ b.acronym }}", 2.2),
                     (T("Relevance"), "{% cellbg b.fill %}{{ b.relevance }}", 2.2),
                     (T("Evidence"), "{{ b.evidence }}", 6.1),
                     (T("Entry points"), "{{ b.entry_points }}", PORTRAIT_WIDTH - 10.5)], loop)


def mapping_report():
    doc = new_document("Mapping report", "Regional entities and dialogues: matrix, climate "
                                         "action and mobility, data, engagement strategy")
    cover(doc, T("Mapping report") + " · " + T("Internal"),
          T("Mapping of regional entities and inter-regional migration dialogues"),
          T("Matrix by theme and geography, climate action and mobility, data, and the "
            "regional engagement strategy for IOM"),
          [(T("Date of the data"), "{{ data_date_long }}"),
           (T("Audience"), "{{ audience_label }}{% if internal %}" + T(": ")
            + T("for IOM staff only, not for distribution") + "{% endif %}"),
           (T("Coverage"), T("{entities} regional entities, {dialogues} dialogues, {themes} "
                             "themes", entities="counts.entities", dialogues="counts.dialogues",
                             themes="counts.themes"))])
    p(doc, T("Executive summary"), "Heading 1")
    tag(doc, "{%p for para in summary.paragraphs %}")
    p(doc, "{{ para }}")
    tag(doc, "{%p endfor %}")
    p(doc, "{{ summary.recommendations_intro }}")
    tag(doc, "{%p for r in summary.high %}")
    p(doc, "{{ r.line }}", "List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if summary.review_note %}")
    p(doc, "{{ summary.review_note }}")
    tag(doc, "{%p endif %}")
    p(doc, T("\u201cClimate action and mobility\u201d and \u201cData\u201d are the focus of the "
             "terms of reference and come first in every part of this report."))
    figure(doc, "heatmap")

    # The matrix: a landscape section of its own, right after the summary.
    _landscape_section(doc)
    p(doc, T("The mapping matrix"), "Heading 1")
    tag(doc, "{%p if matrix %}")
    p(doc, T("Relevance of each theme to each body, from the evidence of the mapping: "
             "{legend}. The colours are those of the mapping matrix and the briefing notes.",
             legend="legend_text"), "Table intro")
    matrix = spread_table(doc, (T("Body"), "{{ r.acronym }}", 2.4),
                          ("{{ c }}", "{{ c.text }}", "c.fill", "r.cells"),
                          "r in matrix", "c in theme_names", LANDSCAPE_WIDTH,
                          heading_style="Matrix heading", cell_style="Matrix text",
                          rotated=MATRIX_HEADER_HEIGHT)
    _cell_margins(matrix, 25, 30)
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")
    _portrait_section(doc)

    p(doc, T("Geographic coverage"), "Heading 1")
    tag(doc, "{%p if geography %}")
    p(doc, T("Sub-regions each body covers."), "Table intro")
    data_table(doc, [(T("Sub-region"), "{{ g.region }}", 4.0),
                     (T("Bodies"), "{{ g.count }}", 1.6),
                     (T("Entities and dialogues"), "{{ g.bodies }}", PORTRAIT_WIDTH - 5.6)],
               "g in geography", centred=[1])
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Membership overlaps"), "Heading 1")
    figure(doc, "overlap")
    tag(doc, "{%p if overlaps %}")
    p(doc, T("Countries that belong to the most bodies, {rule}.", rule="overlap_rule"),
      "Table intro")
    data_table(doc, [(T("Country"), "{{ o.country }}", 3.4), (T("Bodies"), "{{ o.count }}", 1.6),
                     (T("Member or participant in"), "{{ o.bodies }}", 7.2),
                     (T("Observer or suspended"), "{{ o.other }}", PORTRAIT_WIDTH - 12.2)],
               "o in overlaps", centred=[1])
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if pictures.policies %}")
    p(doc, T("Policies by body and year"), "Heading 1")
    tag(doc, "{%p endif %}")
    figure(doc, "policies")

    # Climate action and mobility, then data: one section each, as the terms of reference ask.
    tag(doc, "{%p for f in focus %}")
    p(doc, "{{ f.theme }}", "Heading 1")
    p(doc, "{{ f.intro }}")
    p(doc, T("Bodies and evidence"), "Heading 2")
    tag(doc, "{%p if f.rows %}")
    _relevance_table(doc, "b in f.rows")
    tag(doc, "{%p else %}")
    p(doc, T("No body is yet shown to work on this theme."))
    tag(doc, "{%p endif %}")
    p(doc, T("Instruments"), "Heading 2")
    tag(doc, "{%p if f.policies %}")
    data_table(doc, [(T("Instrument"), "{{ pol.title }}", 6.4),
                     (T("Body"), "{{ pol.body }}", 2.6),
                     (T("Year"), "{{ pol.year }}", 1.2), (T("Status"), "{{ pol.status }}", 2.6),
                     (T("Climate context"), "{{ pol.climate }}", PORTRAIT_WIDTH - 12.8)],
               "pol in f.policies")
    tag(doc, "{%p else %}")
    p(doc, T("No regional instrument on this theme has been found so far."))
    tag(doc, "{%p endif %}")
    p(doc, T("Recommendations"), "Heading 2")
    tag(doc, "{%p if f.recommendations %}")
    data_table(doc, [(T("ID"), "{{ r.id }}", 1.7), (T("Recommendation"), "{{ r.text }}", 9.3),
                     (T("Bodies"), "{{ r.bodies }}", 3.8),
                     (T("Priority"), "{{ r.priority }}", PORTRAIT_WIDTH - 14.8)],
               "r in f.recommendations")
    tag(doc, "{%p else %}")
    p(doc, T("No recommendation on this theme yet."))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    p(doc, T("Other thematic areas"), "Heading 1")
    p(doc, T("For each other theme, the bodies that work on it, the evidence and where IOM can "
             "engage."))
    tag(doc, "{%p for th in strategy %}")
    p(doc, "{{ th.theme }}", "Heading 2")
    tag(doc, "{%p if th.rows %}")
    _relevance_table(doc, "b in th.rows")
    tag(doc, "{%p else %}")
    p(doc, T("No body is yet shown to work on this theme."))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    p(doc, T("Regional engagement strategy"), "Heading 1")
    tag(doc, "{%p for s in engagement %}")
    p(doc, "{{ s.heading }}", "Heading 2")
    tag(doc, "{%p for para in s.paragraphs %}")
    p(doc, "{{ para }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if s.recommendations %}")
    p(doc, T("Draws on {ids}.", ids="s.recommendations"), "Cover note")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not engagement %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Entry points by body"), "Heading 1")
    tag(doc, "{%p if entry_points %}")
    p(doc, T("Where IOM can engage each body, its engagement with IOM so far, and the "
             "recommendations that name it."), "Table intro")
    data_table(doc, [(T("Body"), "{{ b.acronym }}", 2.4),
                     (T("IOM engagement"), "{{ b.engagement }}", 2.6),
                     (T("Key entry points"), "{{ b.entry_points }}", 8.2),
                     (T("Recommendations"), "{{ b.recommendations }}", PORTRAIT_WIDTH - 13.2)],
               "b in entry_points")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    # The recommendations and their alignment: wide tables, on landscape pages.
    _landscape_section(doc)
    p(doc, T("Key recommendations and entry points"), "Heading 1")
    tag(doc, "{%p for g in priorities %}")
    p(doc, "{{ g.title }}", "Heading 2")
    data_table(doc, [(T("ID"), "{{ r.id }}", 1.7),
                     (T("Recommendation"), "{{ r.text }}{% if r.rationale %} "
                      + T("Why: {why}", why="r.rationale") + "{% endif %}"
                      "{% if r.evidence %} " + T("Evidence: {ids}.", ids="r.evidence")
                      + "{% endif %}{% if r.internal_notes %} "
                      + T("Internal notes: {notes}", notes="r.internal_notes") + "{% endif %}",
                      9.6),
                     (T("Bodies"), "{{ r.bodies }}", 3.0),
                     (T("Entry point"), "{{ r.entry_point }}", 4.6),
                     (T("Modality"), "{{ r.modality }}", 3.0),
                     (T("Timeframe"), "{{ r.timeframe }}", 2.8),
                     (T("Status"), "{{ r.status }}", LANDSCAPE_WIDTH - 24.7)], "r in g.rows")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not priorities %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Alignment with the GCM, the SDGs and IOM's frameworks"), "Heading 1")
    tag(doc, "{%p if recommendations %}")
    p(doc, T("Each recommendation with the objectives of the Global Compact for Migration, the "
             "Sustainable Development Goals and the IOM and global frameworks it serves."),
      "Table intro")
    data_table(doc, [(T("ID"), "{{ r.id }}", 1.7), (T("Recommendation"), "{{ r.text }}", 11.0),
                     (T("GCM objectives"), "{{ r.gcm }}", 2.4), (T("SDGs"), "{{ r.sdgs }}", 1.6),
                     (T("IOM and global frameworks"), "{{ r.frameworks }}",
                      LANDSCAPE_WIDTH - 16.7)], "r in recommendations")
    p(doc, "")
    tag(doc, "{%p for line in alignment_totals %}")
    p(doc, "{{ line }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("About this report"), "Heading 2")
    p(doc, T("Prepared by IOM from the sources and interviews of the mapping, with data as of "
             "{date}.", date="data_date")
      + "{% if internal %} " + T("How this document is produced: it is generated from the "
                                 "mapping's master record ({source}); edit the record, not "
                                 "this document, and rebuild it.", source="source_name")
      + "{% endif %}", "Cover note")
    return doc


def inception_report():
    doc = new_document("Inception report", "Methodology, entities and dialogues, workplan")
    # A title block, not a cover page: the report starts on its first page.
    cover(doc, T("Inception report") + "{% if deliverable %} · "
          + T("Deliverable {n}", n="deliverable.number") + "{% endif %}",
          T("Mapping of regional entities and inter-regional migration dialogues"),
          T("Methodology, scope, workplan, interview calendar and data-collection plan"),
          [(T("Deliverable"), "{% if deliverable %}"
            + T("Deliverable {n} of {of}, due {due}", n="deliverable.number",
                of="deliverable.of", due="deliverable.due")
            + "{% else %}" + T("Not recorded in the workplan") + "{% endif %}"),
           (T("Version"), "{% if deliverable %}{{ deliverable.version }}{% else %}"
            + T("Draft") + "{% endif %}"),
           (T("Date of the data"), "{{ data_date_long }}"),
           (T("Audience"), "{{ audience_label }}{% if internal %}" + T(": ")
            + T("for IOM staff only, not for distribution") + "{% endif %}"),
           (T("Scope"), T("{entities} regional entities and {dialogues} inter-regional "
                          "dialogues", entities="counts.entities",
                          dialogues="counts.dialogues"))], gap=1)

    p(doc, T("Purpose"), "Heading 1")
    p(doc, T("This inception report sets out how the mapping of regional entities and "
             "inter-regional migration dialogues in the Middle East and North Africa will be "
             "carried out: the methodology, the entities and dialogues covered, the workplan, "
             "the interview calendar and the data-collection plan. Each body will receive a "
             "briefing note with a section on climate action and mobility and one on data; a "
             "mapping report will classify every body by theme and by geography."))

    p(doc, T("Methodology"), "Heading 1")
    p(doc, T("Documentary review"), "Heading 2")
    p(doc, T("Official texts, websites and publications of each body, IOM and UN documents "
             "and secondary sources are listed in the mapping's register of sources, with "
             "their collection status and due date. {sources} sources are listed, of which "
             "{done} are collected or reviewed. Facts that no source confirms are recorded as "
             "not confirmed and shown as such in every note.", sources="counts.sources",
             done="counts.sources_done"))
    p(doc, T("Key-informant interviews"), "Heading 2")
    p(doc, T("Interviews with officials of the bodies and their partners complement the "
             "review. {n} interviews are listed", n="counts.interviews")
      + "{% if period %}" + T(", in a data-collection period from {start} to {end}",
                              start="period.start", end="period.end") + "{% endif %}"
      + T(". Names and contacts of interviewees are kept in IOM's internal records only; "
          "informed consent is recorded before an interview is marked done."))
    p(doc, T("Mapping matrix"), "Heading 2")
    p(doc, T("Every body is classified by theme ({n} themes, with “Climate action and "
             "mobility” and “Data” first), by relevance (High, Medium, Low, "
             "None) with the evidence, and by geography. Regional policies on migration and "
             "the climate policies that concern human mobility are recorded in the mapping's "
             "policy database, ready for IOM's CLIMB database.", n="counts.themes"))

    p(doc, T("Entities and dialogues covered"), "Heading 1")
    p(doc, T("Regional entities"), "Heading 2")
    tag(doc, "{%p if entities %}")
    data_table(doc, [(T("Acronym"), "{{ b.acronym }}", 2.2), (T("Name"), "{{ b.name }}", 6.4),
                     (T("Type"), "{{ b.type }}", 4.2),
                     (T("Geographic focus"), "{{ b.focus }}", PORTRAIT_WIDTH - 12.8)],
               "b in entities")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")
    p(doc, T("Inter-regional dialogues"), "Heading 2")
    tag(doc, "{%p if dialogues %}")
    data_table(doc, [(T("Short name"), "{{ b.acronym }}", 3.0),
                     (T("Name"), "{{ b.name }}", 5.6),
                     (T("Type"), "{{ b.type }}", 4.2),
                     (T("Geographic focus"), "{{ b.focus }}", PORTRAIT_WIDTH - 12.8)],
               "b in dialogues")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Workplan"), "Heading 1")
    tag(doc, "{%p if phases %}")
    p(doc, T("Phases of the consultancy."), "Table intro")
    data_table(doc, [(T("Phase"), "{{ ph.phase }}", 3.4), (T("From"), "{{ ph.start }}", 2.3),
                     (T("To"), "{{ ph.end }}", 2.3), (T("Tasks"), "{{ ph.tasks }}", 1.5),
                     (T("Progress"), "{{ ph.progress }}", PORTRAIT_WIDTH - 9.5)],
               "ph in phases", centred=[3])
    figure(doc, "gantt")
    p(doc, T("Deliverables"), "Heading 2")
    tag(doc, "{%p if deliverables %}")
    data_table(doc, [(T("Deliverable"), "{{ d.task }}", 8.4), (T("Due"), "{{ d.due }}", 2.4),
                     (T("Status"), "{{ d.status }}", 2.6),
                     (T("Approved"), "{{ d.approved }}", PORTRAIT_WIDTH - 13.4)],
               "d in deliverables")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("Interview calendar"), "Heading 1")
    tag(doc, "{%p if calendar_weeks %}")
    p(doc, T("Key-informant interviews per week and body, with how they are held")
      + "{% if period %}" + T("; data-collection period {start} to {end}",
                              start="period.start", end="period.end") + "{% endif %}"
      + T(". Interviewees are not named here, nor any one interview's organisation or time."),
      "Table intro")
    data_table(doc, [(T("Week"), "{{ w.week }}", 4.4), (T("Body"), "{{ w.body }}", 2.4),
                     (T("Interviews"), "{{ w.count }}", 2.2), (T("Mode"), "{{ w.modes }}", 4.2),
                     (T("Status"), "{{ w.statuses }}", PORTRAIT_WIDTH - 13.2)],
               "w in calendar_weeks", centred=[2])
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if calendar_interviews %}")
    p(doc, T("Every interview (IOM only, not for distribution)"), "Heading 2")
    p(doc, T("Times are local to the interview."), "Table intro")
    # Each column holds its longest word ("Heure", "10:00", "Visioconférence", "Requested"),
    # the width taken from the free text of Organisation and Interviewee.
    data_table(doc, [(T("Date"), "{{ i.date }}", 2.1), (T("Time"), "{{ i.time }}", 1.35),
                     (T("Body"), "{{ i.body }}", 2.15),
                     (T("Organisation"), "{{ i.organisation }}", 3.2),
                     (T("Interviewee and role"), "{{ i.who }}", 3.55),
                     (T("Mode"), "{{ i.mode }}", 2.7),
                     (T("Status"), "{{ i.status }}", PORTRAIT_WIDTH - 15.05)],
               "i in calendar_interviews")
    tag(doc, "{%p endif %}")

    p(doc, T("Data-collection plan"), "Heading 1")
    tag(doc, "{%p if collection %}")
    p(doc, T("Sources of the documentary review by due date and collection status."),
      "Table intro")
    spread_table(doc, (T("Due date"), "{{ r.label }}", 3.2),
                 ("{{ c }}", "{{ c }}", "", "r.cells"),
                 "r in collection", "c in collection_statuses", PORTRAIT_WIDTH,
                 totals="collection_totals")
    tag(doc, "{%p else %}")
    todo_paragraph(doc)
    tag(doc, "{%p endif %}")

    p(doc, T("About this report"), "Heading 2")
    p(doc, T("Prepared by IOM from the records of the mapping and its sources, with data as of "
             "{date}.", date="data_date")
      + "{% if internal %} " + T("How this report is produced (IOM only): it is drawn from "
                                 "the mapping's records in {source}; a correction is made "
                                 "there and the report produced again.",
                                 source="source_name") + "{% endif %}", "Cover note")
    return doc


TEMPLATES = {
    "brief.docx": brief,
    "mapping_report.docx": mapping_report,
    "inception_report.docx": inception_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to")
    parser.add_argument("--force", action="store_true", help="overwrite existing templates")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in TEMPLATES.items():
        target = args.out / name
        if target.exists() and not args.force:
            print(f"{target} exists; add --force to regenerate it (this replaces any edit "
                  "made in Word).", file=sys.stderr)
            return 2
        save(make(), target)
        print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
