"""Seed data of the default workbook: readable YAML under workbook/seed/, one file per sheet,
rows keyed by the sheet's header names. A change to the seed is a reviewable diff."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from matrixbook.schema import Column, Schema


def _convert(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.type == "date":
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        text = str(value)
        return datetime.fromisoformat(text) if len(text) > 10 else datetime.fromisoformat(text[:10])
    if col.type == "list":
        items = value if isinstance(value, list) else [value]
        return [str(v) for v in items]
    if col.type == "boolean":
        return bool(value)
    if col.type in ("integer", "number"):
        return value
    return str(value)


def load_seed(directory: Path, schema: Schema) -> dict[str, list[dict[str, Any]]]:
    """Rows per sheet name, values converted to the declared types."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for sheet in schema.sheets:
        path = directory / f"{sheet.id}.yaml"  # named like its declaration
        records = []
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for raw in data.get("rows") or []:
                unknown = set(raw) - set(sheet.by_name)
                if unknown:
                    raise ValueError(f"{path.name}: unknown columns {sorted(unknown)}")
                records.append({k: _convert(sheet.by_name[k], v) for k, v in raw.items()})
        rows[sheet.name] = records
    return rows


def load_about(directory: Path, lang: str = "en") -> list[tuple[str, str]]:
    """The lines the About sheet of the default workbook says about it (about.yaml in the seed
    directory): (label, text) pairs, in `lang` where the file has it (label_fr, text_fr),
    else in English; none when the file is absent."""
    path = directory / "about.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    own = "" if lang == "en" else f"_{lang}"
    return [(str(line.get(f"label{own}") or line["label"]),
             str(line.get(f"text{own}") or line["text"])) for line in data.get("lines") or []]


def rows_of_workbook(path: Path, schema: Schema) -> dict[str, list[dict[str, Any]]]:
    """The rows of a master workbook (the default one an installed wheel carries, which has no
    seed directory), as load_seed gives them: keyed by header, lists split, whole numbers as
    integers, Yes/No as booleans."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows: dict[str, list[dict[str, Any]]] = {}
    for sheet in schema.sheets:
        data = book.get_sheet_by_name(sheet.name).to_python()
        header = [str(h) for h in data[0]] if data else []
        records = []
        for raw in data[1:]:
            record: dict[str, Any] = {}
            value: Any
            for name, value in zip(header, raw, strict=False):
                col = sheet.by_name.get(name)
                if col is None or value is None or value == "":
                    continue
                if col.type == "list":
                    value = [v.strip() for v in str(value).split(schema.separator) if v.strip()]
                elif col.type == "integer" and isinstance(value, float) and value.is_integer():
                    value = int(value)
                elif col.type == "boolean" and isinstance(value, str):
                    value = value.strip().casefold() in {"yes", "true", "1"}
                record[name] = value
            if record:
                records.append(record)
        rows[sheet.name] = records
    return rows
