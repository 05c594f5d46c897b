"""The fixed texts of the Word and HTML templates in the build's language: `{{ t("Key facts") }}`
in a template reads the catalogue of matrixbook.i18n (msgctxt "documents"); English gives the
text as written, so one template serves every language.

`t("Adopted by the {kind}.", kind=kind_word)` puts the values into the translated text. The
text is escaped for XML and HTML (`&`, `<`, `>`; the values as jinja escapes a variable), and
marked safe so the template's autoescape does not escape it twice: an apostrophe stays an
apostrophe in the HTML, as when the text was written in the template itself.

A Word template is translated once, before docxtpl reads it (`translate_docx`): each
`{{ t("...") }}` of its XML becomes the translated text itself, its `{name}` places the jinja
variables they name. The English template so read is the template as it was written before it
was translatable, so an English document keeps its bytes (docxtpl marks every text holding a
tag as space-preserving: a tag left for rendering would change them).
"""

from __future__ import annotations

import codecs
import html
import io
import re
import zipfile
from typing import Any

from markupsafe import Markup, escape

CONTEXT = "documents"  # the msgctxt of every text of the templates


class TemplateText:
    """The `t` of the templates, for the language of `texts` (a matrixbook.i18n.Texts)."""

    def __init__(self, texts: Any) -> None:
        self.texts = texts
        self.language: str = texts.language.code

    def __call__(self, msgid: str, **values: Any) -> Markup:
        text = html.escape(self.texts.t(msgid, CONTEXT), quote=False)
        if values:
            text = text.format(**{k: escape(v) for k, v in values.items()})
        return Markup(text)


def template_t(texts: Any) -> TemplateText:
    return TemplateText(texts)


def english_t() -> TemplateText:
    """The `t` of a template rendered without a language (staff's scripts, tests): English."""
    from matrixbook.i18n import texts

    return TemplateText(texts("en"))


# {{ t("text with \" and \u201c escapes", name=expression, ...) }} as make_templates writes it
_TAG = re.compile(r'\{\{ t\("((?:[^"\\]|\\.)*)"((?:, \w+=[\w.]+)*)\) \}\}')
_ARG = re.compile(r", (\w+)=([\w.]+)")
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


def translate_xml(xml: str, t: TemplateText) -> str:
    """Every `{{ t(...) }}` of a Word part's XML replaced by its translation."""

    def one(match: re.Match[str]) -> str:
        msgid = codecs.decode(match.group(1), "unicode_escape")
        text = str(t(msgid))
        for name, expression in _ARG.findall(match.group(2)):
            text = text.replace("{" + name + "}", "{{ " + expression + " }}")
        return text

    return _TAG.sub(one, xml)


def translate_docx(data: bytes, t: TemplateText) -> bytes:
    """The Word template `data` with its texts in t's language (parts stored, not deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if _PARTS.fullmatch(item.filename):
                content = translate_xml(content.decode("utf-8"), t).encode("utf-8")
            dst.writestr(item, content)
    return out.getvalue()
