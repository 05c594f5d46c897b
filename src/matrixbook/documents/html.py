"""Jinja2 for every document, and the single-file HTML twin of each Word document.

The environment is autoescaped (text from the workbook can never become markup) and strict (a
misspelt variable is an error, not a silent blank); an error becomes a `TemplateProblem`
naming the template and the line, never a traceback."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from matrixbook import speedups
from matrixbook.documents.templates import find_template, template_folders
from matrixbook.documents.translate import english_t
from matrixbook.errors import TemplateProblem


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """Autoescaped and strict; the faster environment of matrixbook.speedups when it is on."""
    options: dict[str, Any] = {"loader": loader, "autoescape": True,
                               "undefined": jinja2.StrictUndefined,
                               "keep_trailing_newline": True}
    if speedups.enabled():
        from matrixbook.speedups.jinja import CachingEnvironment

        env: jinja2.Environment = CachingEnvironment(**options)
    else:
        env = jinja2.Environment(**options)
    # `t` of a context without one (a template rendered outside a build): English.
    env.globals["t"] = english_t()
    return env


@lru_cache(maxsize=8)
def _html_environment(folders: tuple[str, ...], fast: bool) -> jinja2.Environment:
    """One environment per template search path, so each HTML template compiles once a build
    (jinja2 reloads it by itself when the file changes)."""
    return environment(jinja2.FileSystemLoader(list(folders)))


def _line_of(exc: BaseException, filename: str | None) -> int | None:
    """The template line of a jinja2 error: syntax errors carry it, runtime errors (an unknown
    variable) only in the rewritten traceback frames that point into the template."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename or ""
        if name == "<template>" or (filename and name.endswith(filename)):
            found = frame.lineno
    return found


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.rstrip(".")


def render_html(name: str, context: Mapping[str, Any], target: Path,
                source: Path | None = None) -> Path:
    """Render templates/<name> (HTML, jinja2) to `target`."""
    target.write_text(html_text(name, context, source), encoding="utf-8", newline="\n")
    return target


def html_text(name: str, context: Mapping[str, Any], source: Path | None = None) -> str:
    """templates/<name> (HTML, jinja2) rendered, as the text render_html writes."""
    folders = template_folders(source)
    env = _html_environment(tuple(str(f) for f in folders), speedups.enabled())
    path = find_template(name, source)
    try:
        html = env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else path
        raise TemplateProblem(f"Template {where}, line {exc.lineno}: {_reason(exc)}. Fix the "
                              "template and build again.") from None
    except jinja2.TemplateError as exc:
        line = None
        where = path
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename and frame.filename.endswith((".j2", ".html")):
                where, line = Path(frame.filename), frame.lineno
        raise TemplateProblem(f"Template {where}, line {line or '?'}: {_reason(exc)}. Fix the "
                              "template and build again.") from None
    return html
