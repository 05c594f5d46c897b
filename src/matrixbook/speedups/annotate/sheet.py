"""A marked sheet: its cells' styles patched in its XML, and the comments' parts."""

from __future__ import annotations

import re

from matrixbook.speedups.annotate.parts import (
    _CELL,
    _LETTERS,
    _ROW,
    _TAG,
    MAIN,
    REL,
    CannotPatch,
    Mark,
    _attrs,
    _col_number,
    _text,
)
from matrixbook.speedups.annotate.styles import Styles

# -- a marked sheet ------------------------------------------------------------------------------

# The elements a worksheet may hold after its cells, in the order the format fixes; the comments'
# drawing goes before the first of these that the sheet has.
_AFTER_LEGACY = {b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls",
                 b"webPublishItems", b"tableParts", b"extLst"}


def patch_sheet(data: bytes, cells: dict[str, Mark], styles: Styles, vml_id: str) -> bytes:
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


def _new_row(number: int, cells: dict[int, tuple[str, Mark]], styles: Styles,
             column_styles: list[tuple[int, int, int]]) -> bytes:
    return (f'<row r="{number}">'.encode()
            + b"".join(_new_cell(ref, styles.marked(_base_style(col, column_styles, None),
                                                    mark.fill))
                       for col, (ref, mark) in sorted(cells.items()))
            + b"</row>")


def _new_cell(ref: str, style: int) -> bytes:
    return f'<c r="{ref}" s="{style}"/>'.encode()


def _patch_row(inner: bytes, number: int, cells: dict[int, tuple[str, Mark]],
               styles: Styles, column_styles: list[tuple[int, int, int]],
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


def comments_xml(cells: dict[str, Mark]) -> bytes:
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


def vml_xml(cells: dict[str, Mark]) -> bytes:
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


