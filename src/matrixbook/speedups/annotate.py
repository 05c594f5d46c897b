"""The annotated copy written by patching the user's file part by part (`validate --annotate`).

openpyxl reads a whole workbook into objects and writes it again: on 20,000 policies with
30,000 findings that is half a minute and 700 MB. Here the file's zip is copied part by part,
and only what the marks need is changed: the sheets that hold a marked cell get a style on
that cell (its own style with the red or amber fill) and a comment, styles.xml gains those
styles, and the Findings sheet is a new part. Every other part (the user's cells, formats,
drop-downs, comments of other sheets, macros) is the same bytes.

What this writer does not patch (a marked sheet with comments or drawings of its own, a sheet
whose rows or cells are written without their reference, prefixed XML) raises `CannotPatch`,
and `annotate` writes the copy with openpyxl instead. `matrixbook.annotate` decides what is
marked and how the Findings sheet reads; both writers write that (tests/test_annotate_big.py
compares them).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = f"{REL}/worksheet"
COMMENTS_TYPE = f"{REL}/comments"
VML_TYPE = f"{REL}/vmlDrawing"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"


class CannotPatch(Exception):
    """The file holds something this writer does not patch; openpyxl writes the copy."""


@dataclass
class Mark:
    """A marked cell: the worse severity's fill colour, its comment and the comment's size."""

    fill: str  # RRGGBB
    comment: str
    width: int
    height: int


@dataclass
class FindingsRow:
    values: list[Any]
    fill: str  # RRGGBB of the severity cell
    link: str | None  # "'Sheet'!B7" or None
    height: float


@dataclass
class FindingsSheet:
    name: str
    headers: list[str]
    header_fill: str
    header_font: str  # RRGGBB, bold
    link_font: str  # RRGGBB, underlined
    widths: Sequence[float]
    rows: list[FindingsRow]


# -- reading the package ---------------------------------------------------------------------

_ATTR = re.compile(rb'\s([A-Za-z_:][\w:.-]*)="([^"]*)"')
_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<c\b([^>]*?)(/>|>)")
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w:.-]*)\b[^>]*?(/?)>")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LETTERS = re.compile(r"([A-Z]+)(\d+)")


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(tag))


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _part(base: str, target: str) -> str:
    """A relationship's target as a zip member name."""
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = []
    for piece in (PurePosixPath(base).parent / target).parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels_name(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / f"{p.name}.rels")


def _relative(base: str, part: str) -> str:
    """`part` as a target relative to the folder of `base` (both in the same tree)."""
    here = PurePosixPath(base).parent.parts
    there = PurePosixPath(part).parts
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + list(there[common:]))


# -- the writer --------------------------------------------------------------------------------

def write(source: Path, target: Path, marks: dict[tuple[str, str], Mark],
          findings: FindingsSheet) -> None:
    """Write the annotated copy of `source` to `target` (raises CannotPatch, leaving `target`
    to be written again by the caller)."""
    from lxml import etree

    with zipfile.ZipFile(source) as zin:
        names = zin.namelist()
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise CannotPatch("not a plain workbook package")
        workbook = etree.fromstring(zin.read("xl/workbook.xml"))
        wb_rels_name = "xl/_rels/workbook.xml.rels"
        wb_rels = etree.fromstring(zin.read(wb_rels_name))
        types = etree.fromstring(zin.read("[Content_Types].xml"))
        styles_name = _styles_part(wb_rels)
        if styles_name not in names:
            raise CannotPatch("no styles part")
        styles = etree.fromstring(zin.read(styles_name))
        sheets = workbook.find(f"{{{MAIN}}}sheets")
        if sheets is None:
            raise CannotPatch("no sheets")
        targets = {r.get("Id"): _part("xl/workbook.xml", r.get("Target"))
                   for r in wb_rels if r.get("Type") == SHEET_TYPE}
        parts = {s.get("name"): targets.get(s.get(f"{{{REL}}}id")) for s in sheets}
        book = _Styles(styles)
        changed: dict[str, bytes] = {}
        by_sheet: dict[str, dict[str, Mark]] = {}
        for (title, ref), mark in marks.items():
            by_sheet.setdefault(title, {})[ref] = mark
        taken = set(names)
        for title, cells in by_sheet.items():
            part = parts.get(title)
            if part is None or part not in names:
                raise CannotPatch(f"no part for the sheet {title}")
            rels_name = _rels_name(part)
            rels = (etree.fromstring(zin.read(rels_name)) if rels_name in names
                    else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL}))
            if any(r.get("Type") in (COMMENTS_TYPE, VML_TYPE) for r in rels):
                raise CannotPatch(f"the sheet {title} has comments of its own")
            comments = _free(taken, "xl/comments{}.xml")
            vml = _free(taken, "xl/drawings/vmlDrawing{}.vml")
            vml_id = _add_rel(rels, VML_TYPE, _relative(part, vml))
            _add_rel(rels, COMMENTS_TYPE, _relative(part, comments))
            changed[part] = _patch_sheet(zin.read(part), cells, book, vml_id)
            changed[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
            changed[comments] = _comments_xml(cells)
            changed[vml] = _vml(cells)
            _override(types, "/" + comments, COMMENTS_CT)
            _default(types, "vml", VML_CT)
        active = _active_sheet(zin, names, workbook, parts, changed)
        if active is not None:
            changed[active[0]] = active[1]
        sheet_part = _free(taken, "xl/worksheets/sheet{}.xml")
        sheet_id = max((int(s.get("sheetId", "0")) for s in sheets), default=0) + 1
        rel_id = _add_rel(wb_rels, SHEET_TYPE, _relative("xl/workbook.xml", sheet_part))
        new = etree.Element(f"{{{MAIN}}}sheet", name=findings.name, sheetId=str(sheet_id))
        new.set(f"{{{REL}}}id", rel_id)
        sheets.insert(0, new)
        _shift_sheet_indexes(workbook, findings, len(findings.rows) + 1)
        changed[sheet_part] = _findings_xml(findings, book)
        _override(types, "/" + sheet_part, SHEET_CT)
        changed["xl/workbook.xml"] = etree.tostring(workbook, xml_declaration=True,
                                                    encoding="UTF-8", standalone=True)
        changed[wb_rels_name] = etree.tostring(wb_rels, xml_declaration=True, encoding="UTF-8",
                                               standalone=True)
        changed["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                        encoding="UTF-8", standalone=True)
        changed[styles_name] = book.xml()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename in changed:
                    zout.writestr(_info(info), changed.pop(info.filename))
                else:
                    zout.writestr(_info(info), zin.read(info.filename))
            for name in sorted(changed):
                zout.writestr(_info(zipfile.ZipInfo(name)), changed[name])


def _info(old: zipfile.ZipInfo) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = old.external_attr
    return info


def _styles_part(wb_rels: Any) -> str:
    for r in wb_rels:
        if r.get("Type") == f"{REL}/styles":
            return _part("xl/workbook.xml", r.get("Target"))
    raise CannotPatch("no styles part")


def _free(taken: set[str], pattern: str) -> str:
    n = 1
    while pattern.format(n) in taken:
        n += 1
    name = pattern.format(n)
    taken.add(name)
    return name


def _add_rel(rels: Any, kind: str, target: str) -> str:
    from lxml import etree

    ids = {r.get("Id") for r in rels}
    n = len(ids) + 1
    while f"rId{n}" in ids:
        n += 1
    rel = etree.SubElement(rels, f"{{{PKG_REL}}}Relationship")
    rel.set("Id", f"rId{n}")
    rel.set("Type", kind)
    rel.set("Target", target)
    return f"rId{n}"


def _override(types: Any, part: str, content_type: str) -> None:
    from lxml import etree

    node = etree.SubElement(types, f"{{{CT}}}Override")
    node.set("PartName", part)
    node.set("ContentType", content_type)


def _default(types: Any, extension: str, content_type: str) -> None:
    from lxml import etree

    if any(d.get("Extension", "").lower() == extension for d in types
           if d.tag == f"{{{CT}}}Default"):
        return
    node = etree.Element(f"{{{CT}}}Default")
    node.set("Extension", extension)
    node.set("ContentType", content_type)
    types.insert(0, node)


def _active_sheet(zin: zipfile.ZipFile, names: list[str], workbook: Any,
                  parts: dict[str, str | None], changed: dict[str, bytes]
                  ) -> tuple[str, bytes] | None:
    """The Findings sheet is the one shown: the sheet selected until now is no longer."""
    view = workbook.find(f"{{{MAIN}}}bookViews/{{{MAIN}}}workbookView")
    index = int(view.get("activeTab", "0")) if view is not None else 0
    titles = [s.get("name") for s in workbook.find(f"{{{MAIN}}}sheets")]
    if view is not None:
        view.set("activeTab", "0")
        if "firstSheet" in view.attrib:
            view.set("firstSheet", "0")
    if index >= len(titles):
        return None
    part = parts.get(titles[index])
    if part is None or part not in names:
        return None
    data = changed.get(part) or zin.read(part)
    end = data.find(b"<sheetData")
    head = data[:end if end >= 0 else len(data)]
    if b'tabSelected="1"' not in head:
        return None
    return part, head.replace(b' tabSelected="1"', b"") + data[len(head):]


def _shift_sheet_indexes(workbook: Any, findings: FindingsSheet, last_row: int) -> None:
    """Sheet indexes of defined names move by one (the Findings sheet comes first); the
    Findings sheet's own print titles and filter range are added."""
    from lxml import etree

    names = workbook.find(f"{{{MAIN}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{MAIN}}}definedNames")
        sheets = workbook.find(f"{{{MAIN}}}sheets")
        sheets.addnext(names)
    for name in names:
        if name.get("localSheetId") is not None:
            name.set("localSheetId", str(int(name.get("localSheetId")) + 1))
    quoted = "'" + findings.name.replace("'", "''") + "'"
    for tag, text, hidden in (("_xlnm._FilterDatabase", f"{quoted}!$A$1:$G${max(2, last_row)}",
                               True), ("_xlnm.Print_Titles", f"{quoted}!$1:$1", False)):
        node = etree.Element(f"{{{MAIN}}}definedName", name=tag, localSheetId="0")
        if hidden:
            node.set("hidden", "1")
        node.text = text
        names.insert(0, node)


class _Styles:
    """styles.xml, to which the fills, fonts and cell formats of the marks are added."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.fills = self._list("fills")
        self.fonts = self._list("fonts")
        self.xfs = self._list("cellXfs")
        self._fill_ids: dict[str, int] = {}
        self._font_ids: dict[tuple[str, bool, bool], int] = {}
        self._marked: dict[tuple[int, str], int] = {}
        self._own: dict[tuple[Any, ...], int] = {}

    def _list(self, tag: str) -> Any:
        node = self.root.find(f"{{{MAIN}}}{tag}")
        if node is None:
            raise CannotPatch(f"styles.xml has no {tag}")
        return node

    def _append(self, parent: Any, child: Any) -> int:
        parent.append(child)
        parent.set("count", str(len(parent)))
        return len(parent) - 1

    def fill(self, rgb: str) -> int:
        from lxml import etree

        if rgb not in self._fill_ids:
            fill = etree.Element(f"{{{MAIN}}}fill")
            pattern = etree.SubElement(fill, f"{{{MAIN}}}patternFill", patternType="solid")
            etree.SubElement(pattern, f"{{{MAIN}}}fgColor", rgb=f"00{rgb}")
            self._fill_ids[rgb] = self._append(self.fills, fill)
        return self._fill_ids[rgb]

    def font(self, rgb: str, bold: bool, underline: bool) -> int:
        from lxml import etree

        key = (rgb, bold, underline)
        if key not in self._font_ids:
            font = etree.Element(f"{{{MAIN}}}font")
            if bold:
                etree.SubElement(font, f"{{{MAIN}}}b")
            if underline:
                etree.SubElement(font, f"{{{MAIN}}}u")
            etree.SubElement(font, f"{{{MAIN}}}color", rgb=f"00{rgb}")
            self._font_ids[key] = self._append(self.fonts, font)
        return self._font_ids[key]

    def marked(self, style: int, rgb: str) -> int:
        """The cell format `style` with the fill `rgb` (its font, borders, format kept)."""
        import copy

        key = (style, rgb)
        if key not in self._marked:
            if style >= len(self.xfs):
                raise CannotPatch(f"the cell format {style} is not in styles.xml")
            xf = copy.deepcopy(self.xfs[style])
            xf.set("fillId", str(self.fill(rgb)))
            xf.set("applyFill", "1")
            self._marked[key] = self._append(self.xfs, xf)
        return self._marked[key]

    def own(self, font: int | None = None, fill: int | None = None, wrap: bool = False) -> int:
        """A cell format of the Findings sheet."""
        from lxml import etree

        key = (font, fill, wrap)
        if key not in self._own:
            xf = etree.Element(f"{{{MAIN}}}xf", numFmtId="0", fontId=str(font or 0),
                               fillId=str(fill or 0), borderId="0", xfId="0")
            if font is not None:
                xf.set("applyFont", "1")
            if fill is not None:
                xf.set("applyFill", "1")
            if wrap:
                xf.set("applyAlignment", "1")
                etree.SubElement(xf, f"{{{MAIN}}}alignment", vertical="top", wrapText="1")
            self._own[key] = self._append(self.xfs, xf)
        return self._own[key]

    def xml(self) -> bytes:
        from lxml import etree

        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                              standalone=True)


# -- a marked sheet ------------------------------------------------------------------------------

# The elements a worksheet may hold after its cells, in the order the format fixes; the comments'
# drawing goes before the first of these that the sheet has.
_AFTER_LEGACY = {b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls",
                 b"webPublishItems", b"tableParts", b"extLst"}


def _patch_sheet(data: bytes, cells: dict[str, Mark], styles: _Styles, vml_id: str) -> bytes:
    start = data.find(b"<sheetData")
    if start < 0:
        raise CannotPatch("no sheetData (prefixed XML?)")
    head = data[:start]
    open_end = data.index(b">", start) + 1
    if data[open_end - 2:open_end] == b"/>":
        body_start, body_end, tail_start = open_end, open_end, open_end
        closed = False
    else:
        body_end = data.find(b"</sheetData>", open_end)
        if body_end < 0:
            raise CannotPatch("sheetData not closed")
        body_start, tail_start = open_end, body_end + len(b"</sheetData>")
        closed = True
    column_styles = _column_styles(head)
    by_row: dict[int, dict[int, tuple[str, Mark]]] = {}
    for ref, mark in cells.items():
        m = _LETTERS.fullmatch(ref)
        if m is None:
            raise CannotPatch(f"cell reference {ref}")
        by_row.setdefault(int(m.group(2)), {})[_col_number(m.group(1))] = (ref, mark)
    out: list[bytes] = []
    pos = body_start
    pending = sorted(by_row)
    i = 0
    for row in _ROW.finditer(data, body_start, body_end):
        if i >= len(pending):
            break
        attrs = _attrs(row.group(1))
        if b"r" not in attrs:
            raise CannotPatch("a row without its number")
        number = int(attrs[b"r"])
        while i < len(pending) and pending[i] < number:  # marked rows the sheet lacks
            out.append(data[pos:row.start()])
            pos = row.start()
            out.append(_new_row(pending[i], by_row[pending[i]], styles, column_styles))
            i += 1
        if i < len(pending) and pending[i] == number:
            if row.group(2):  # <row .../>: no cells yet
                end = row.end()
                inner = b""
            else:
                end = data.find(b"</row>", row.end())
                if end < 0:
                    raise CannotPatch("a row not closed")
                inner = data[row.end():end]
                end += len(b"</row>")
            out.append(data[pos:row.start()])
            row_style = int(attrs[b"s"]) if attrs.get(b"customFormat") in (b"1", b"true") \
                and b"s" in attrs else None
            tag = re.sub(rb'\sspans="[^"]*"', b"", row.group(1))
            out.append(b"<row" + tag + b">")
            out.append(_patch_row(inner, number, by_row[number], styles, column_styles,
                                  row_style))
            out.append(b"</row>")
            pos = end
            i += 1
    out.append(data[pos:body_end])
    while i < len(pending):
        out.append(_new_row(pending[i], by_row[pending[i]], styles, column_styles))
        i += 1
    body = b"".join(out)
    tail = data[tail_start:]
    legacy = (f'<legacyDrawing xmlns:r="{REL}" r:id="{vml_id}"/>').encode()
    at = _legacy_position(tail)
    tail = tail[:at] + legacy + tail[at:]
    if closed:
        return data[:body_start] + body + b"</sheetData>" + tail
    return data[:start] + b"<sheetData>" + body + b"</sheetData>" + tail


def _legacy_position(tail: bytes) -> int:
    """Where the legacyDrawing element goes in the part after the cells: before the first
    top-level element that must follow it, else before the closing worksheet tag."""
    depth = 0
    for m in _TAG.finditer(tail):
        closing, name, empty = m.group(1), m.group(2), m.group(3)
        local = name.rpartition(b":")[2]
        if closing:
            if depth == 0:  # </worksheet>
                return m.start()
            depth -= 1
            continue
        if depth == 0:
            if local == b"legacyDrawing":
                raise CannotPatch("the sheet has a drawing of its own")
            if local in _AFTER_LEGACY:
                return m.start()
        if not empty:
            depth += 1
    raise CannotPatch("the worksheet is not closed")


def _column_styles(head: bytes) -> list[tuple[int, int, int]]:
    """(first, last, style) of each <col> with a style: what an empty cell there looks like."""
    found = []
    for m in re.finditer(rb"<col\b([^>]*?)/?>", head):
        attrs = _attrs(m.group(1))
        if b"style" in attrs and b"min" in attrs and b"max" in attrs:
            found.append((int(attrs[b"min"]), int(attrs[b"max"]), int(attrs[b"style"])))
    return found


def _base_style(column: int, column_styles: list[tuple[int, int, int]],
                row_style: int | None) -> int:
    if row_style is not None:
        return row_style
    for first, last, style in column_styles:
        if first <= column <= last:
            return style
    return 0


def _new_row(number: int, cells: dict[int, tuple[str, Mark]], styles: _Styles,
             column_styles: list[tuple[int, int, int]]) -> bytes:
    return (f'<row r="{number}">'.encode()
            + b"".join(_new_cell(ref, styles.marked(_base_style(col, column_styles, None),
                                                    mark.fill))
                       for col, (ref, mark) in sorted(cells.items()))
            + b"</row>")


def _new_cell(ref: str, style: int) -> bytes:
    return f'<c r="{ref}" s="{style}"/>'.encode()


def _patch_row(inner: bytes, number: int, cells: dict[int, tuple[str, Mark]],
               styles: _Styles, column_styles: list[tuple[int, int, int]],
               row_style: int | None) -> bytes:
    out: list[bytes] = []
    pos = 0
    wanted = sorted(cells)
    i = 0
    for m in _CELL.finditer(inner):
        attrs = _attrs(m.group(1))
        ref = attrs.get(b"r")
        found = _LETTERS.fullmatch(ref.decode()) if ref else None
        if found is None:
            raise CannotPatch("a cell without its reference")
        column = _col_number(found.group(1))
        while i < len(wanted) and wanted[i] < column:
            out.append(inner[pos:m.start()])
            pos = m.start()
            ref_text, mark = cells[wanted[i]]
            out.append(_new_cell(ref_text, styles.marked(
                _base_style(wanted[i], column_styles, row_style), mark.fill)))
            i += 1
        if i < len(wanted) and wanted[i] == column:
            style = int(attrs.get(b"s", b"0"))
            new_style = styles.marked(style, cells[column][1].fill)
            tag = m.group(1)
            if b"s" in attrs:
                tag = re.sub(rb'(\s)s="[^"]*"', rb'\1s="%d"' % new_style, tag, count=1)
            else:
                tag += b' s="%d"' % new_style
            out.append(inner[pos:m.start()])
            out.append(b"<c" + tag + m.group(2))
            pos = m.end()
            i += 1
    out.append(inner[pos:])
    while i < len(wanted):
        ref_text, mark = cells[wanted[i]]
        out.append(_new_cell(ref_text, styles.marked(
            _base_style(wanted[i], column_styles, row_style), mark.fill)))
        i += 1
    return b"".join(out)


def _comments_xml(cells: dict[str, Mark]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}">'
             '<authors><author>matrixbook</author></authors><commentList>']
    for ref, mark in _in_order(cells):
        parts.append(f'<comment ref="{ref}" authorId="0"><text><t xml:space="preserve">'
                     f"{_text(mark.comment)}</t></text></comment>")
    parts.append("</commentList></comments>")
    return "".join(parts).encode()


def _in_order(cells: dict[str, Mark]) -> list[tuple[str, Mark]]:
    def key(item: tuple[str, Mark]) -> tuple[int, int]:
        m = _LETTERS.fullmatch(item[0])
        assert m is not None
        return int(m.group(2)), _col_number(m.group(1))

    return sorted(cells.items(), key=key)


def _vml(cells: dict[str, Mark]) -> bytes:
    parts = ['<xml xmlns:v="urn:schemas-microsoft-com:vml" '
             'xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel">'
             '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
             '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
             'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
             '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>']
    for n, (ref, mark) in enumerate(_in_order(cells), start=1026):
        m = _LETTERS.fullmatch(ref)
        assert m is not None
        row, col = int(m.group(2)) - 1, _col_number(m.group(1)) - 1
        parts.append(
            f'<v:shape id="_x0000_s{n:04d}" type="#_x0000_t202" style="position:absolute; '
            f"margin-left:59.25pt;margin-top:1.5pt;width:{mark.width}px;height:{mark.height}px;"
            'z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
            '<v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            '<div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note">'
            "<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>")
    parts.append("</xml>")
    return "".join(parts).encode()


# -- the Findings sheet --------------------------------------------------------------------------

def _findings_xml(sheet: FindingsSheet, styles: _Styles) -> bytes:
    header = styles.own(font=styles.font(sheet.header_font, True, False),
                        fill=styles.fill(sheet.header_fill))
    plain = styles.own(wrap=True)
    link = styles.own(font=styles.font(sheet.link_font, False, True), wrap=True)
    fills = {rgb: styles.own(fill=styles.fill(rgb), wrap=True)
             for rgb in {r.fill for r in sheet.rows}}
    last = max(2, len(sheet.rows) + 1)
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
           f'xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:G{len(sheet.rows) + 1}"/><sheetViews>'
           '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
           'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>']
    for i, width in enumerate(sheet.widths, start=1):
        out.append(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
    out.append('</cols><sheetData><row r="1">')
    for i, text in enumerate(sheet.headers):
        out.append(_cell(f"{'ABCDEFG'[i]}1", text, header))
    out.append("</row>")
    links = []
    for r, row in enumerate(sheet.rows, start=2):
        out.append(f'<row r="{r}" ht="{row.height}" customHeight="1">')
        for i, value in enumerate(row.values):
            style = fills[row.fill] if i == 0 else link if i == 2 and row.link else plain
            out.append(_cell(f"{'ABCDEFG'[i]}{r}", value, style))
        out.append("</row>")
        if row.link:
            links.append(f'<hyperlink ref="C{r}" location={quoteattr(row.link)}/>')
    out.append(f'</sheetData><autoFilter ref="A1:G{last}"/>')
    if links:
        out.append("<hyperlinks>" + "".join(links) + "</hyperlinks>")
    out.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
               'footer="0.5"/><pageSetup orientation="landscape" paperSize="9" fitToWidth="1" '
               'fitToHeight="0"/></worksheet>')
    return "".join(out).encode()


def _cell(ref: str, value: Any, style: int) -> str:
    """A cell whose text is always text (an inline string), never a formula."""
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}" s="{style}"><v>{int.__repr__(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}" s="{style}"><v>{float.__repr__(value)}</v></c>'
    return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(str(value))}</t></is></c>")


__all__ = ["CannotPatch", "FindingsRow", "FindingsSheet", "Mark", "write"]
