"""`matrixbook diff OLD.xlsx NEW.xlsx`: the command line skin over matrixbook.diff.

It parses the arguments, calls one library function, renders the result and exits like `diff`:
0 the two versions are the same, 1 they differ, 2 the command could not run. The options are
declared here rather than imported from cli.py, because cli.py imports this module and a
circular import would break whichever module is imported first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from matrixbook.cli_errors import SafeCommand


@click.command(cls=SafeCommand)
@click.argument("old", type=click.Path(path_type=Path), metavar="OLD.xlsx")
@click.argument("new", type=click.Path(path_type=Path), metavar="NEW.xlsx")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the result.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="CHANGES.xlsx",
              help="Also write a change log (CHANGES.xlsx) and a copy of NEW with every "
                   "changed cell highlighted (CHANGES-tracked.xlsx).")
@click.option("--force", is_flag=True, help="Replace the --out files if they exist.")
def diff(old: Path, new: Path, fmt: str, out: Path | None, force: bool) -> None:
    """Say what changed between two versions of the workbook, record by record.

    Records are matched by their ID, columns by their header: moving a row or a column is not
    a change. Exit status: 0 no differences, 1 differences, 2 the command could not run.
    """
    from matrixbook.diff import compare
    from matrixbook.schema import load_schema

    written: list[Path] = []
    if out is not None:
        from matrixbook.diff_workbook import check_targets

        check_targets(out, old, new, force=force)
    result = compare(old, new, load_schema())
    if out is not None:
        from matrixbook.diff_workbook import write_changes

        written = write_changes(result, out, force=force)
    click.echo(result.to_json() if fmt == "json" else result.to_text())
    if written:  # on stderr beside JSON, so that stdout stays one JSON document
        click.echo("Wrote " + " and ".join(str(p) for p in written) + ".", err=fmt == "json")
    sys.exit(result.exit_code)
