"""A jinja2 Environment with two shortcuts; it renders what jinja2.Environment renders."""

from __future__ import annotations

from typing import Any

import jinja2


class CachingEnvironment(jinja2.Environment):
    """Compiles each template source once: docxtpl hands the same document XML to
    `from_string` for every note, and compiling it is most of the cost of a note.

    And reads `p.title` of a dict as its key straight away: jinja2 first asks for the
    attribute, which a dict lacks, and an exception per lookup was a fifth of a note's
    rendering. The answer is the same: a dict's own attributes (`items`, `keys`...) still win,
    and a missing key still goes the usual way."""

    _compiled: dict[str, jinja2.Template]

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
