"""A document's Word file and its HTML twin written into the build's folder, many of them at
once, and what every document's cover, footer and properties show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from matrixbook import speedups
from matrixbook.documents.html import html_text, render_html
from matrixbook.documents.translate import CONTEXT, template_t
from matrixbook.documents.word import docx_bytes, render_docx
from matrixbook.model.text import long_day

Job = tuple[str, str, Mapping[str, Any], str]  # stem, template, context, title


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




def _render(job: Job) -> tuple[bytes, str]:
    """One document pair's bytes and text (in a worker when the build forks)."""
    _stem, template, context, title = job
    source = _SOURCE[0]
    return (docx_bytes(f"{template}.docx", context, source, title),
            html_text(f"{template}.html.j2", context, source))


_SOURCE: list[Path | None] = [None]
_CTX: list[Any] = []  # the build's context, for workers that write the files themselves


def _render_and_write(job: Job) -> None:
    """One document pair rendered and written into the build's folder (in a worker)."""
    write_pair(_CTX[0], *job)


def _wait(results: Iterator[None]) -> None:
    """Until every worker's pair is written; a problem one met is raised here."""
    for _ in results:
        pass


def write_pairs(ctx: Any, jobs: list[Job]) -> list[Path]:
    """write_pair for each (stem, template, context, title), in order; a large build renders
    in forked processes while this one writes (matrixbook.speedups.pool), the same files.

    The first pair is written here first: a template error stops the build before any worker
    starts, and the workers inherit the template read, patched and compiled once. In a build
    (`ctx.later`, matrixbook.speedups.pool.Later) the workers render and write the files while
    the build writes its other outputs, and the build waits for them before its folder is
    committed."""
    written: list[Path] = []
    if not jobs:
        return written
    written += write_pair(ctx, *jobs[0])
    rest = jobs[1:]
    rendered = None
    if speedups.enabled():
        from matrixbook.speedups.pool import forked_map, started_map

        _SOURCE[0] = ctx.source
        later = getattr(ctx, "later", None)
        if later is not None:
            _CTX[:] = [ctx]
            try:
                started = started_map(_render_and_write, rest)
            finally:
                _CTX.clear()
            if started is not None:
                # The workers render and write the files while the build goes on; the build
                # waits at the end for them to be done (or for the problem one of them met).
                _SOURCE[0] = None
                for stem, *_ in rest:  # the build's folder knows the files now, in order
                    for suffix in (".docx", ".html"):
                        with ctx.writing(stem + suffix):
                            written.append(ctx.path(stem + suffix))
                later.add(started, _wait)
                return written
        rendered = forked_map(_render, rest)
    if rendered is None:
        for job in rest:
            written += write_pair(ctx, *job)
        return written
    try:
        written += _write_rendered(ctx, ctx.output, [job[0] for job in rest], rendered)
    finally:
        _SOURCE[0] = None
    return written


def _write_rendered(ctx: Any, output: str, stems: list[str],
                    rendered: Iterable[tuple[bytes, str]]) -> list[Path]:
    """The rendered pairs written as <stem>.docx and .html, files of `output`."""
    written = []
    current, ctx.output = ctx.output, output
    try:
        for stem, (docx, html) in zip(stems, rendered, strict=True):
            with ctx.writing(f"{stem}.docx") as tmp:
                tmp.write_bytes(docx)
            written.append(ctx.path(f"{stem}.docx"))
            with ctx.writing(f"{stem}.html") as tmp:
                tmp.write_text(html, encoding="utf-8", newline="\n")
            written.append(ctx.path(f"{stem}.html"))
    finally:
        ctx.output = current
    return written


def common_context(ctx: Any, title: str) -> dict[str, Any]:
    """What every document's cover and footer show. Dates in the one style of documents
    (`data_date` and `data_date_long` are the same; `data_date_iso` is for file names)."""
    texts = ctx.texts
    shown = long_day(ctx.data_date, texts) or texts.t(ctx.data_date, CONTEXT)
    publisher = publisher_of(ctx)
    return {
        "t": template_t(texts),
        "rtl": texts.language.rtl,
        "properties": document_properties(ctx, title),
        "doc_title": title,
        "footer_title": title,
        "data_date": shown,
        "data_date_long": shown,
        "data_date_iso": ctx.data_date,
        "audience": ctx.audience,
        "audience_label": texts.t(ctx.audience_label, CONTEXT),
        "internal": ctx.audience == "internal",
        "source_name": ctx.source_name,
        "organisation": publisher["organisation"],
        "office": publisher["office"],
    }


def document_properties(ctx: Any, subject: str, keywords: Sequence[str] = (),
                        category: str = "") -> dict[str, str]:
    """What `set_properties` writes into a document: from the schema's publisher and the date
    of the data (`subject` and `keywords` say what the document is about)."""
    publisher = publisher_of(ctx)
    words_ = [publisher["keywords"], *(k for k in keywords if k)]
    return {"subject": subject, "author": publisher["author"], "company": publisher["company"],
            "language": publisher["language"],
            "keywords": "; ".join(w for w in words_ if w), "category": category,
            "comments": "", "date": str(ctx.data_date)}


def publisher_of(ctx: Any) -> dict[str, str]:
    """Who publishes the documents (schemas/workbook.yaml), in the build's language where
    schemas/i18n/<code>/workbook.yaml gives it."""
    publisher = ctx.schema.publisher
    found = {name: str(getattr(publisher, name)) for name in
             ("organisation", "company", "office", "author", "language", "keywords")}
    if ctx.texts.english:
        return found
    from matrixbook.i18n.catalogue import schema_labels

    own = schema_labels(ctx.texts.code).workbook.get("publisher") or {}
    return {name: str(own.get(name) or value) for name, value in found.items()}
