"""Word and HTML documents from the templates in `templates/`: the notes and reports staff edit.

The briefing notes, the mapping report and the inception report share these, so the three
behave alike:

- `templates`: where a template is found (a copy beside the workbook wins);
- `html`: the strict, autoescaped jinja2 environment and the HTML twin;
- `word`: the Word file (docxtpl), mended for Word and byte-identical for the same data;
- `keeping`: headings kept with their text when LibreOffice prints (after a table too);
- `ordering`: Word's order of property elements; `zipping`: fixed zip entries;
- `pairs`: a document's Word file and HTML twin written, many at once, and the cover's data.

The faster way of rendering many documents lives in matrixbook.speedups.
"""

from matrixbook.documents.html import environment, html_text, render_html
from matrixbook.documents.ordering import schema_order
from matrixbook.documents.pairs import common_context, document_properties, write_pair, write_pairs
from matrixbook.documents.templates import find_template, template_folders
from matrixbook.documents.word import AUTHOR, docx_bytes, render_docx, set_properties, spread_tables
from matrixbook.documents.zipping import ZIP_TIMESTAMP, deterministic_zip
from matrixbook.model.pages import (
    CELL_WORDS_PER_LINE,
    COVER_CAPACITY,
    COVER_LINES,
    HEADING_LINES,
    LINES_PER_PAGE,
    LONGEST_NOTE,
    MAP_LINES,
    SHORTEST_NOTE,
    TABLE_LINE,
    TABLE_LINES,
    WORDS_PER_LINE,
    PageEstimate,
    table_lines,
    text_lines,
)
from matrixbook.model.text import (
    as_text,
    clean,
    country_names,
    day,
    long_day,
    paragraphs,
    record,
    words,
)
from matrixbook.values import is_blank

__all__ = [
    "AUTHOR", "CELL_WORDS_PER_LINE", "COVER_CAPACITY", "COVER_LINES", "HEADING_LINES",
    "LINES_PER_PAGE", "LONGEST_NOTE", "MAP_LINES", "SHORTEST_NOTE", "TABLE_LINE", "TABLE_LINES",
    "WORDS_PER_LINE", "ZIP_TIMESTAMP", "PageEstimate", "as_text", "clean", "common_context",
    "country_names", "day", "deterministic_zip", "docx_bytes", "document_properties",
    "environment", "find_template", "html_text", "is_blank", "long_day", "paragraphs",
    "record", "render_docx", "render_html", "schema_order", "set_properties", "spread_tables",
    "table_lines", "template_folders", "text_lines", "words", "write_pair", "write_pairs",
]
