"""frictionless-py validating the Policies sheet with the constraints matrixbook checks, for the
benchmark only (frictionless is not a dependency of matrixbook).

    # with matrixbook's Python: the Policies sheet's constraints as a Table Schema
    .venv/bin/python benchmarks/frictionless_policies.py schema --out benchmarks/data/policies.json
    # with a Python that has frictionless (e.g. python -m venv /tmp/fl; /tmp/fl/bin/pip install
    # frictionless openpyxl): validate the sheet of a workbook against it
    /tmp/fl/bin/python benchmarks/frictionless_policies.py validate FILE.xlsx \
        --schema benchmarks/data/policies.json

The constraints are those of the column checks: each column's type, required, unique, the
allowed values of its vocabulary (a list column is read as text, so only the type and required
are checked there), the pattern of an ID and the range of a number or date. References to other
sheets and the rules that span rows are matrixbook's own and left out, so frictionless does
less work here than `matrixbook validate`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

TYPES = {"string": "string", "list": "string", "integer": "integer", "number": "number",
         "date": "date", "boolean": "boolean"}


def table_schema(sheet_name: str = "Policies") -> dict[str, Any]:
    from matrixbook.schema import load_schema

    schema = load_schema()
    sheet = schema.sheet(sheet_name)
    fields = []
    for col in sheet.columns:
        constraints: dict[str, Any] = {}
        if col.required:
            constraints["required"] = True
        if col.unique and not col.is_list:
            constraints["unique"] = True
        if col.vocabulary and not col.is_list:
            constraints["enum"] = list(schema.vocabulary(col.vocabulary).codes)
        if col.pattern and not col.is_list:
            constraints["pattern"] = col.pattern
        for key, value in (("minimum", col.minimum), ("maximum", col.maximum)):
            if value is not None:
                constraints[key] = value.isoformat() if hasattr(value, "isoformat") else value
        field: dict[str, Any] = {"name": col.name, "type": TYPES[col.type]}
        if col.type == "date":
            field["type"] = "datetime" if col.time else "date"
            field["format"] = "any"
        if col.type == "boolean":
            field["trueValues"] = ["Yes", "yes", "TRUE", "true"]
            field["falseValues"] = ["No", "no", "FALSE", "false"]
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def validate(path: Path, schema_path: Path, sheet: str = "Policies") -> int:
    from frictionless import Dialect, Resource, Schema, formats

    schema = Schema.from_descriptor(json.loads(schema_path.read_text(encoding="utf-8")))
    dialect = Dialect(controls=[formats.ExcelControl(sheet=sheet)])
    start = time.perf_counter()
    # (frictionless refuses an absolute path as "not safe": the file's folder is its base path)
    report = Resource(path.name, basepath=str(path.resolve().parent), schema=schema,
                      dialect=dialect).validate(limit_errors=10 ** 9)
    took = time.perf_counter() - start
    errors = report.flatten(["type", "message"])
    print(f"frictionless: {len(errors)} errors in {took:.2f} s", file=sys.stderr)
    broken = [message for kind, message in errors if kind.endswith("resource-error")
              or kind in ("source-error", "scheme-error", "format-error", "encoding-error")]
    if broken:  # frictionless could not read the sheet: no time to compare
        print(broken[0], file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("schema")
    s.add_argument("--out", type=Path, required=True)
    v = sub.add_parser("validate")
    v.add_argument("path", type=Path)
    v.add_argument("--schema", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.what == "schema":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(table_schema(), indent=2, default=str) + "\n",
                            encoding="utf-8")
        return 0
    return validate(args.path, args.schema)


if __name__ == "__main__":
    sys.exit(main())
