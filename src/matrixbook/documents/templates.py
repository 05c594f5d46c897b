"""Where a template is found: a copy in a `templates/` folder beside the workbook wins over the
shipped one, so staff can restyle a document in Word without touching the package."""

from __future__ import annotations

from pathlib import Path

from matrixbook.errors import TemplateProblem
from matrixbook.resources import templates_dir


def template_folders(source: Path | None) -> list[Path]:
    """Where templates are looked for: a `templates/` folder beside the workbook, then ours."""
    folders = []
    if source is not None:
        local = Path(source).resolve().parent / "templates"
        if local.is_dir():
            folders.append(local)
    folders.append(templates_dir())
    return folders


def find_template(name: str, source: Path | None = None) -> Path:
    for folder in template_folders(source):
        if (folder / name).is_file():
            return folder / name
    raise TemplateProblem(f"The template {name} is missing from {templates_dir()}; reinstall "
                          "matrixbook or restore the file (scripts/make_templates.py "
                          "regenerates the Word templates).")
