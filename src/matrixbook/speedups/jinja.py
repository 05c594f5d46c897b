"""A jinja2 Environment with three shortcuts; it renders what jinja2.Environment renders."""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

try:  # markupsafe's C escaping, which markupsafe.escape calls (3.0 and later)
    from markupsafe import _escape_inner
    FAST_ESCAPE = True
except ImportError:  # pragma: no cover - an older markupsafe: its own escape is used
    FAST_ESCAPE = False

_new_str = str.__new__


def escape(value: Any) -> Markup:
    """markupsafe.escape, without its Python-level `Markup(...)` for a plain string (the case
    of nearly every value a template prints) or for a value that is Markup already: the same
    Markup text. Thousands of calls a note, a third of their cost was that constructor."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value
    return markupsafe.escape(value)


class FastEscapeTemplate(jinja2.Template):
    """A template whose printed values are escaped by `escape` above. jinja2's compiled code
    calls the name `escape` of its module's namespace (imported from jinja2.runtime) for each
    `{{ value }}` of an autoescaped template; here that name is bound to the faster one."""

    @classmethod
    def from_code(cls, environment: Any, code: Any, globals: Any,  # noqa: A002 - jinja's name
                  uptodate: Any = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__
        if FAST_ESCAPE and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape
        return template


class CachingEnvironment(jinja2.Environment):
    """Escapes a printed value faster (`FastEscapeTemplate`).

    Compiles each template source once: docxtpl hands the same document XML to
    `from_string` for every note, and compiling it is most of the cost of a note.

    And reads `p.title` of a dict as its key straight away: jinja2 first asks for the
    attribute, which a dict lacks, and an exception per lookup was a fifth of a note's
    rendering. The answer is the same: a dict's own attributes (`items`, `keys`...) still win,
    and a missing key still goes the usual way."""

    _compiled: dict[str, jinja2.Template]
    template_class = FastEscapeTemplate

    def getattr(self, obj: Any, attribute: str) -> Any:  # noqa: A003 - jinja's name
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def from_string(self, source: str | Any, globals: Any = None,  # noqa: A002 - jinja's name
                    template_class: Any = None) -> jinja2.Template:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        cache = self.__dict__.setdefault("_compiled", {})
        if source not in cache:
            if len(cache) > 32:
                cache.clear()
            cache[source] = super().from_string(source)
        return cache[source]


_DICT_ATTRIBUTES = frozenset(dir(dict))
