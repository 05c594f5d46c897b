"""One module (or package) per output; each defines `OUTPUT = Output(...)`: its name, its
audience and one function that writes its files. Adding an output means adding a module."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matrixbook.model.context import BuildContext


@dataclass(frozen=True)
class Output:
    name: str
    audience: str  # "external": built for both audiences; "internal": internal builds only
    description: str
    write: Callable[[BuildContext], list[Path]]
    order: int = 50
    languages: tuple[str, ...] = ("en",)  # the languages every fixed text of it is written in
    # Why it is not written in another language, when that is by design (not "yet").
    only_english: str = ""
    # Its cost grows with the policies: a large build writes it in a forked process while the
    # others are written (matrixbook.speedups.apart); the same files either way. Outputs that
    # name the same process are written there in turn, sharing what they import (matplotlib).
    apart: str = ""


def discover_outputs() -> list[Output]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        output = getattr(module, "OUTPUT", None)
        if isinstance(output, Output):
            found.append(output)
    return sorted(found, key=lambda o: (o.order, o.name))
