"""Pictures in the Word documents: each picture of a document's context (`pictures`, a mapping
of names to objects with `png`, `alt`, `width_cm` and `name`, as matrixbook.pictures gives
them) becomes a docxtpl InlineImage sized to its width on the page, with its alt text, when the
Word template is rendered; a template places one with `{{ pictures.NAME }}` alone in a
paragraph. The HTML twin places the same picture's SVG (`{{ pictures.NAME.svg|safe }}`: our
own drawing, never text from the workbook unescaped)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any


def with_images(tpl: Any, context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with each of its pictures as an image docxtpl can place in `tpl`."""
    pictures = context.get("pictures")
    if not pictures:
        return dict(context)
    images = {name: None if picture is None else _image_class()(tpl, picture)
              for name, picture in pictures.items()}
    return dict(context, pictures=images)


_CLASS: list[type] = []


def _image_class() -> type:
    """docxtpl's InlineImage with the picture's name and its alt text (docxtpl describes none;
    it numbers the drawings itself once the document is rendered)."""
    if _CLASS:
        return _CLASS[0]
    from docx.shared import Cm
    from docxtpl import InlineImage
    from lxml import etree

    class Figure(InlineImage):
        def __init__(self, tpl: Any, picture: Any) -> None:
            super().__init__(tpl, io.BytesIO(picture.png), width=Cm(picture.width_cm))
            self.picture = picture

        def _insert_image(self) -> str:
            inline = self.tpl.current_rendering_part.new_pic_inline(
                self.image_descriptor, self.width, self.height)
            self.image_descriptor.seek(0)
            inline.docPr.set("name", f"Picture {self.picture.name}")
            inline.docPr.set("descr", self.picture.alt)
            # On one line: docxtpl turns a newline in the rendered text into a line break
            # (and looks for one over the whole document when any is there).
            xml = etree.tostring(inline, encoding="unicode")
            return (f"</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r>"
                    '<w:t xml:space="preserve">')

    _CLASS.append(Figure)
    return Figure
