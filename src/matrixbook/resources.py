"""Where the shipped files live: inside the installed wheel, or at the top of the repository.

`schemas/`, `templates/` and the default workbook stay at the top level of the repository (one
source of truth, reviewable as text) and are copied into the wheel under the package. An
editable install or a checkout finds them two levels above this file.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def _find(relative: str) -> Path:
    for base in (_PACKAGE, _REPO):
        candidate = base / relative
        if candidate.exists():
            return candidate
    return _REPO / relative


def schemas_dir() -> Path:
    return _find("schemas")


def templates_dir() -> Path:
    return _find("templates")


def seed_dir() -> Path:
    """Seed data of the default workbook (only in a checkout; the wheel ships the workbook)."""
    return _REPO / "workbook" / "seed"


def default_workbook() -> Path:
    """The embedded default master workbook."""
    return _find("workbook/master.xlsx")
