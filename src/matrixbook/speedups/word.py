"""Word documents rendered faster, byte for byte as docxtpl and python-docx render them.

A build renders the same template for every note: here the steps that depend only on the
template are done once (docxtpl's XML patching, the parse of the parts no note changes, their
compression), and docxtpl's table repair counts cells with lxml's searches. This copies steps of
docxtpl (pinned in pyproject.toml) and uses private names of python-docx and zipfile;
tests/test_speedups.py checks the documents against the plain path.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from matrixbook.documents.zipping import ZIP_TIMESTAMP, compress_type, deterministic_zip

_TAGS = re.compile(r"<[^>]+>")
Inspect = Callable[[Path, Any], dict[str, list[str]]]
Translate = Callable[[bytes], bytes]  # the template's bytes with its texts in a language


def template_class() -> type:
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
                laid_out = _LAID_OUT.get(src_xml)  # the same patched XML for every note
                if laid_out is None:
                    if len(_LAID_OUT) > 32:
                        _LAID_OUT.clear()
                    laid_out = _LAID_OUT[src_xml] = (src_xml.replace("<w:p ", "\n<w:p ")
                                                     .replace("<w:p>", "\n<w:p>"))
                src_xml = laid_out
                try:
                    self.current_rendering_part = part
                    dst_xml = jinja_env.from_string(src_xml).render(context)
                except jinja2.TemplateError as exc:
                    lineno = getattr(exc, "lineno", None)
                    if lineno is not None:
                        first = max(lineno - 4, 0)
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

                document = self.docx  # None: asked outside a rendering, nothing to go in
                tree = _parse_in_place(document.element, xml) if document is not None else None
                if tree is None:  # as docxtpl does: the body alone, moved in by map_tree
                    tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
                for table in tree.iter(_W + "tbl"):
                    if _grid_to_mend(table):
                        _mend_table(table)
                return tree

            def fix_docpr_ids(self, tree: Any) -> None:
                # docxtpl's, without an XPath: a body parsed with python-docx's element classes
                # has python-docx's xpath(), which takes no namespaces; the walk is faster.
                for elt in tree.getroottree().iter(_DOCPR):  # //wp:docPr, in document order
                    self.docx_ids_index += 1
                    elt.attrib["id"] = str(self.docx_ids_index)

            def map_tree(self, tree: Any) -> None:
                # docxtpl moves the rendered body into the template's document: lxml then
                # walks every node to fix its namespaces (a large report's 600,000 nodes,
                # most of a second). A body parsed in a copy of the document
                # (_parse_in_place) has its document already: the copy takes the template
                # document's place in the part.
                root = tree.getparent()
                if root is None or root.getparent() is not None \
                        or root.tag != self.docx.element.tag:
                    super().map_tree(tree)
                    return
                document = self.docx
                document._element = root  # noqa: SLF001 - python-docx's Document
                document._Document__body = None  # noqa: SLF001 - its body, found afresh
                document.part._element = root  # noqa: SLF001 - what the part writes

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
_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_BODY_START = re.compile(r'<w:body((?:\s+[^\s=>]+\s*=\s*"[^"]*")*)\s*>')
_ATTRIBUTE = re.compile(r'([^\s=]+)\s*=\s*"([^"]*)"')
_DECLARATION = re.compile(r' xmlns(?::([^\s=]+))?="([^"]*)"')


def _parse_in_place(root: Any, body_xml: str) -> Any | None:
    """The rendered body (`body_xml`, w:body with the namespaces of its document declared on
    it, as docxtpl renders it) parsed inside a copy of the template's document `root` (the
    body in place of the template's body), with python-docx's element classes: the w:body
    element of the same document docxtpl's map_tree makes by moving the body into `root`.

    lxml drops, from every element moved, each namespace declaration that an ancestor makes
    already: so here each declaration that `root` makes too is left out of the body's XML.
    Any other declaration is accepted only on a picture (wp:inline, which declares its own
    drawing namespaces once, as matrixbook.documents.figures writes it); anything else (a
    prefix `root` binds otherwise, a body that does not parse cleanly) gives None, and
    docxtpl's own steps are taken."""
    from docx.oxml.parser import element_class_lookup
    from lxml import etree

    start = _BODY_START.match(body_xml)
    if start is None or "\txmlns" in body_xml or "\nxmlns" in body_xml:
        return None
    known = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    uris = set(known.values())
    for name, value in _ATTRIBUTE.findall(start.group(1)):
        if not (name.startswith("xmlns:") and known.get(name[6:]) == value):
            return None  # not what the template's document declares
    pieces, at = ["<w:body>"], start.end()
    find = body_xml.find
    found = find(" xmlns", at)
    while found >= 0:
        opened = body_xml.rfind("<", 0, found)
        if body_xml.find(">", opened, found) >= 0:  # text that reads " xmlns"
            found = find(" xmlns", found + 6)
            continue
        declaration = _DECLARATION.match(body_xml, found)
        if declaration is None:
            return None
        prefix, uri = declaration.groups()
        if prefix is not None and known.get(prefix) == uri:
            pieces.append(body_xml[at:found])  # lxml strips what the document declares
            at = declaration.end()
        elif prefix is None or prefix in known or uri in uris \
                or not body_xml.startswith("<wp:inline ", opened):
            return None
        found = find(" xmlns", declaration.end())
    pieces.append(body_xml[at:])
    template = etree.tostring(root, encoding="unicode")
    begin, end = template.find("<w:body>"), template.rfind("</w:body>")
    if begin < 0 or end < begin or template.count("<w:body") != 1:
        return None
    document = template[:begin] + "".join(pieces) + template[end + len("</w:body>"):]
    parser = etree.XMLParser(recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    try:
        new_root = etree.fromstring(document, parser=parser)
    except etree.XMLSyntaxError:
        return None
    if len(parser.error_log) or len(new_root) != len(root):
        return None
    body = new_root.find(_W + "body")
    return body if body is not None and new_root.index(body) == root.index(root.body) \
        else None


@lru_cache(maxsize=1)
def _row_searches() -> tuple[Any, Any]:
    """Whether a table has a row with more than $n cells, or with exactly $n (lxml, compiled
    once)."""
    from lxml import etree

    ns = {"w": _W[1:-1]}
    # descendant::, not .//: the same rows, without the node set of every descendant that
    # .// (descendant-or-self::node()/child::) builds first: twice as fast on long tables.
    return (etree.XPath("boolean(descendant::w:tr[count(w:tc) > $n])", namespaces=ns),
            etree.XPath("boolean(descendant::w:tr[count(w:tc) = $n])", namespaces=ns))


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
_LAID_OUT: dict[str, str] = {}  # patched XML -> the same, a paragraph a line
# Template file -> (size, mtime), its bytes, its paragraphs once checked, the saved form of
# the parts no note changes, and python-docx's reading of its package (its parts' bytes and
# relationships, which python-docx only reads): read, checked and parsed once a build, not
# once a note. (file, language) -> ...: a template's texts are translated before it is read.
_TEMPLATES: dict[tuple[Path, str],
                 tuple[tuple[int, int], bytes, dict[str, list[str]], dict[str, bytes], Any]] = {}
# Parts that rendering never touches (docxtpl renders the body, headers, footers, footnotes and
# properties): the styles alone are a third of a megabyte of XML that python-docx would parse
# and write back for every note. After the first note they are carried as the bytes the first
# one wrote, which is what parsing and writing them again gives.
_UNTOUCHED = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
)


def _open_untouched_as_bytes(tpl: Any, saved: dict[str, bytes], reader: Any) -> None:
    """init_docx, with the untouched parts loaded as plain bytes (`saved`), not parsed, and the
    package's zip not read again: python-docx's Package made from `reader` (its PackageReader
    of the template), as docx.Document(file) makes it from the file."""
    from docx.opc.package import Unmarshaller
    from docx.opc.part import Part, PartFactory
    from docx.package import Package

    previous = PartFactory.part_class_selector

    def select(content_type: str, reltype: str) -> type | None:
        if content_type in _UNTOUCHED:
            return Part
        return previous(content_type, reltype) if previous else None

    PartFactory.part_class_selector = select
    try:
        package = Package()
        Unmarshaller.unmarshal(reader, package, PartFactory)
    finally:
        PartFactory.part_class_selector = previous
    tpl.docx = package.main_document_part.document  # what DocxTemplate.init_docx sets
    tpl.is_rendered = False
    for part in tpl.docx.part.package.parts:
        if part.content_type in _UNTOUCHED:
            part._blob = saved[str(part.partname)]  # noqa: SLF001 - a plain Part's bytes


def load_template(path: Path, inspect: Inspect, translate: Translate | None = None,
                  language: str = "") -> tuple[Any, dict[str, list[str]]]:
    """A fresh DocxTemplate of `path` (docxtpl renders a document only once), its fixed texts
    translated by `translate` (matrixbook.documents.translate), and what `inspect` says of it
    (the text of its paragraphs, its tags checked); the file is read, translated, inspected and
    its untouched parts serialised once per language while it stays unchanged."""
    from docx.opc.pkgreader import PackageReader

    tpl_class = template_class()
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    key = (path, language)
    cached = _TEMPLATES.get(key)
    if cached is None or cached[0] != stamp:
        data = path.read_bytes()
        if translate is not None:
            data = translate(data)
        tpl = tpl_class(io.BytesIO(data))
        tpl.init_docx()
        paragraphs_of = inspect(path, tpl)
        saved = {str(p.partname): p.blob for p in tpl.docx.part.package.parts
                 if p.content_type in _UNTOUCHED}
        stored = _stored(data)
        _TEMPLATES[key] = (stamp, stored, paragraphs_of, saved,
                           PackageReader.from_file(io.BytesIO(stored)))
        return tpl, paragraphs_of
    tpl = tpl_class(io.BytesIO(cached[1]))
    _open_untouched_as_bytes(tpl, cached[3], cached[4])
    return tpl, cached[2]


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


class _Replay:
    """A deflate compressor that hands back output computed once before."""

    def __init__(self, compressed: bytes) -> None:
        self._compressed = compressed

    def compress(self, _data: bytes) -> bytes:
        return b""

    def flush(self) -> bytes:
        return self._compressed


# Compressed form of the parts that are the same in every document (keyed by name and bytes):
# the parts python-docx holds as plain bytes, large (the styles) and small (the settings, the
# font table: deflating even a small part sets up a compressor, a few dozen microseconds).
_DEFLATED: dict[tuple[str, bytes], tuple[bytes, int]] = {}  # and their CRC-32
_REUSABLE: set[bytes] = set()


class _FixedZipWriter:
    """python-docx's physical package writer, with every entry dated and permitted as
    `deterministic_zip` makes them: the .docx is written once, not written then re-zipped."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_TIMESTAMP)
        info.compress_type = compress_type(pack_uri.membername)
        info.external_attr = 0o600 << 16
        info.create_system = 0
        if blob not in _REUSABLE or info.compress_type != zipfile.ZIP_DEFLATED:
            self._zip.writestr(info, blob)
            return
        # A part every note carries unchanged (the styles, the theme...): deflate gives the
        # same bytes for the same input, so its compressed form is kept and replayed.
        key = (pack_uri.membername, blob)
        known = _DEFLATED.get(key)
        if known is None:
            packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            known = _DEFLATED[key] = (packer.compress(blob) + packer.flush(), zlib.crc32(blob))
        info.file_size = len(blob)
        with self._zip.open(info, mode="w") as dest:
            # What dest.write(blob) would count (its size and CRC-32), the CRC kept too; the
            # compressed bytes are written when the entry closes. zipfile writes the rest.
            dest._compressor = _Replay(known[0])  # type: ignore[attr-defined]  # noqa: SLF001
            dest._crc = known[1]  # type: ignore[attr-defined]  # noqa: SLF001
            dest._file_size = len(blob)  # type: ignore[attr-defined]  # noqa: SLF001

    def close(self) -> None:
        self._zip.close()


def save(tpl: Any) -> bytes:
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
        if type(part) is Part:  # bytes, not parsed XML
            if len(_REUSABLE) > 256:
                _REUSABLE.clear()
                _DEFLATED.clear()
            _REUSABLE.add(part.blob)
    buffer = io.BytesIO()
    writer = _FixedZipWriter(buffer)
    PackageWriter._write_content_types_stream(writer, parts)  # noqa: SLF001 - python-docx's order
    writer.write(PACKAGE_URI.rels_uri, package.rels.xml)
    PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]  # noqa: SLF001 - a PhysPkgWriter in all but name
    writer.close()
    return buffer.getvalue()
