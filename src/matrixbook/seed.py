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


def load_about(directory: Path) -> list[tuple[str, str]]:
    """The lines the About sheet of the default workbook says about it (about.yaml in the seed
    directory): (label, text) pairs; none when the file is absent."""
    path = directory / "about.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(line["label"]), str(line["text"])) for line in data.get("lines") or []]
