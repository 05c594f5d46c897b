"""Python's cycle collector kept off the large tables a command holds: they make no reference
cycles, and each full collection would walk their millions of objects again for nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from matrixbook import speedups


@contextmanager
def paused() -> Iterator[None]:
    """The collector off while a workbook is read and checked (a fifth of the time of
    `validate` on 100,000 rows), on again after."""
    enabled = gc.isenabled()
    if speedups.enabled():
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Everything alive now (the checked tables) out of the collector's sight while the
    outputs are written."""
    fast = speedups.enabled()
    if fast:
        gc.freeze()
    try:
        yield
    finally:
        if fast:
            gc.unfreeze()
