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

import zipfile
from pathlib import Path
from typing import Any

from matrixbook.speedups.annotate.findings import findings_xml
from matrixbook.speedups.annotate.parts import (
    COMMENTS_CT,
    COMMENTS_TYPE,
    CT,
    MAIN,
    PKG_REL,
    REL,
    SHEET_CT,
    SHEET_TYPE,
    VML_CT,
    VML_TYPE,
    CannotPatch,
    FindingsRow,
    FindingsSheet,
    Mark,
    _part,
    _relative,
    _rels_name,
)
from matrixbook.speedups.annotate.sheet import comments_xml, patch_sheet, vml_xml
from matrixbook.speedups.annotate.styles import Styles

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
        book = Styles(styles)
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
            changed[part] = patch_sheet(zin.read(part), cells, book, vml_id)
            changed[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
            changed[comments] = comments_xml(cells)
            changed[vml] = vml_xml(cells)
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
        changed[sheet_part] = findings_xml(findings, book)
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



__all__ = ["CannotPatch", "FindingsRow", "FindingsSheet", "Mark", "write"]
