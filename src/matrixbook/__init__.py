"""matrixbook: the IOM MENA mapping kept in one master workbook, validated and built.

Library entry points (imported lazily so the command line starts fast):
`matrixbook.validate(path) -> Report`, `matrixbook.build(path, out_dir, ...)`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["validate", "build", "init_workbook", "load_schema"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from matrixbook import api

        return getattr(api, name)
    raise AttributeError(name)
