"""The languages of `schemas/languages.yaml`, typed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from matrixbook.resources import schemas_dir

DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    """One language the outputs and messages may be written in. `rtl`: written right to left
    (see matrixbook.i18n.direction); `catalogue`: its texts are written, so `--lang` offers
    it."""

    code: str
    name: str
    rtl: bool = False
    native: str = ""
    locale: str = ""
    catalogue: bool = True
    first_day: str = ""  # how a date in words writes the first of a month (French: 1er)

    @property
    def babel_locale(self) -> str:
        """The locale Babel formats dates and numbers in (en_GB: '12 September 2025')."""
        return self.locale or self.code

    @property
    def direction(self) -> str:
        """'rtl' or 'ltr', as HTML's dir attribute takes it."""
        return "rtl" if self.rtl else "ltr"


class UnknownLanguage(ValueError):
    """A language code that schemas/languages.yaml does not declare, or whose texts are not
    written yet."""


@lru_cache(maxsize=1)
def languages() -> dict[str, Language]:
    """Every declared language, by code, in the order of the file."""
    path = schemas_dir() / "languages.yaml"
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {str(code): Language(code=str(code), name=str(body["name"]),
                                rtl=bool(body.get("rtl", False)),
                                native=str(body.get("native", body["name"])),
                                locale=str(body.get("locale", code)),
                                catalogue=bool(body.get("catalogue", True)),
                                first_day=str(body.get("first_day", "")))
            for code, body in raw.items()}


def offered() -> tuple[str, ...]:
    """The codes `--lang` takes: the languages whose texts are written."""
    return tuple(code for code, lang in languages().items() if lang.catalogue)


def language(code: str) -> Language:
    """The declared language `code` (also one whose catalogue is not written yet)."""
    try:
        return languages()[code]
    except KeyError:
        known = ", ".join(offered())
        raise UnknownLanguage(f"'{code}' is not a language matrixbook writes; use one of: "
                              f"{known}.") from None


def written(code: str) -> Language:
    """The language `code` if its texts are written; UnknownLanguage for a code that is not
    declared or whose catalogue is not written (Arabic, for now). Light: checks `--lang`
    without importing the texts (pandas, Babel)."""
    lang = language(code)
    if not lang.catalogue:
        raise UnknownLanguage(f"The {lang.name} texts are not written yet; use one of the "
                              "languages `--lang` offers.")
    return lang
