"""styles.xml with the fills, fonts and cell formats of the marks added."""

from __future__ import annotations

import copy
from typing import Any

from matrixbook.speedups.annotate.parts import MAIN, CannotPatch


class Styles:
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


