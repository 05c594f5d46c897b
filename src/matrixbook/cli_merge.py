"""`matrixbook merge BASE MINE THEIRS --out MERGED`: the command line skin over matrixbook.merge.

It parses the arguments, calls one library function, prints the report and exits: 0 merged
cleanly, 1 conflicts (MERGED written, each conflict marked) or MERGED breaks a rule, 2 the
command could not run (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from matrixbook.cli_errors import SafeCommand


@click.command(cls=SafeCommand)
@click.argument("base", type=click.Path(path_type=Path), metavar="BASE.xlsx")
@click.argument("mine", type=click.Path(path_type=Path), metavar="MINE.xlsx")
@click.argument("theirs", type=click.Path(path_type=Path), metavar="THEIRS.xlsx")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="MERGED.xlsx",
              required=True, help="The merged workbook to write (a copy of MINE with THEIRS's "
                                  "changes in it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the result.")
@click.option("--force", is_flag=True, help="Replace MERGED if it exists (never an input).")
def merge(base: Path, mine: Path, theirs: Path, out: Path, fmt: str, force: bool) -> None:
    """Bring together two copies of the workbook edited in parallel from BASE.

    BASE is the copy both started from, MINE the one whose layout is kept, THEIRS the other.
    Records are matched by ID and columns by header. A cell changed differently in both copies
    is a conflict: MERGED keeps MINE's value, marks the cell and lists it on a 'Merge
    conflicts' sheet. Exit status: 0 merged cleanly, 1 conflicts or MERGED breaks a rule, 2
    the command could not run.
    """
    from matrixbook.api import merge as run_merge

    result = run_merge(base, mine, theirs, out, force=force)
    click.echo(result.to_json() if fmt == "json" else result.to_text())
    sys.exit(result.exit_code)
