"""The command line: a thin skin over the library. Parses arguments, calls one library
function, renders its result. Heavy imports happen inside the commands so --help is instant."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from matrixbook.cli_errors import SafeGroup
from matrixbook.errors import UsageError

if TYPE_CHECKING:
    from matrixbook.i18n import Texts

DEFAULT_WORKBOOK = "workbook/master.xlsx"

workbook_argument = click.argument(
    "path", type=click.Path(dir_okay=True, path_type=Path), default=DEFAULT_WORKBOOK,
    required=False)


def format_option(*choices: str):
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0],
                        show_default=True, help="How to print the result.")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; type it as YYYY-MM-DD, "
                                 "e.g. 2025-09-01.") from None


def _language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from matrixbook.i18n import offered

    if value not in offered():
        raise click.BadParameter(f"'{value}' is not a language matrixbook writes; use one of: "
                                 f"{', '.join(offered())}.")
    return value


def _folder(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("give a folder name, e.g. --out out; an empty name is not "
                                 "taken as the current folder.")
    return Path(value)


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matrixbook")
def cli() -> None:
    """Keep the IOM MENA mapping in one master Excel workbook, check it, and regenerate every
    deliverable from it.

    PATH defaults to workbook/master.xlsx. Exit status: 0 valid or built, 1 the workbook has
    errors, 2 the command could not run, 130 interrupted (Ctrl+C; no file replaced).
    """


@cli.command()
@workbook_argument
@click.option("--blank", is_flag=True, help="Headers only, no seed data.")
@click.option("--force", is_flag=True, help="Replace PATH (or the --out file) if it exists.")
@click.option("--repair-lists", "repair", type=click.Path(dir_okay=False, path_type=Path),
              metavar="MINE.xlsx",
              help="Rebuild the drop-down lists of an existing workbook into a copy (--out); "
                   "its data is not touched.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="NEW.xlsx",
              help="With --repair-lists: the copy to write.")
@click.option("--lang", callback=_language, default="en", show_default=True, metavar="en|fr",
              help="Language of the About sheet, cell help and drop-down messages (headers "
                   "and list values stay as declared).")
def init(path: Path, blank: bool, force: bool, repair: Path | None, out: Path | None,
         lang: str) -> None:
    """Write a new master workbook with drop-downs and help (seeded by default)."""
    from matrixbook.api import init_workbook, repair_lists

    if repair is None and out is not None:
        raise UsageError("--out goes with --repair-lists MINE.xlsx; a new workbook is written "
                         "to PATH.")
    if repair is not None:
        if out is None:
            raise UsageError(f"Add --out NEW.xlsx: the repaired copy is written to a new file, "
                             f"never over {repair}.")
        if blank:
            raise UsageError("--blank makes a new workbook; --repair-lists keeps your data. "
                             "Use one or the other.")
        done = repair_lists(repair, out, force=force)
        again = " (its old Lists sheet replaced)" if done.replaced else ""
        click.echo(f"Wrote {done.path}: a copy of {repair} with its drop-down lists rebuilt"
                   f"{again} and the checks of {done.columns} columns written again; every cell "
                   f"of your data as it was. Open it, then use it in place of {repair.name}.")
        return
    written = init_workbook(path, blank=blank, force=force, lang=lang)
    if lang == "en":
        click.echo(f"Wrote {written} ({'blank' if blank else 'seeded'}).")
    else:
        from matrixbook.i18n import texts

        words = texts(lang)
        kind = (words.t("Wrote {path} (blank, texts in {lang}).", "cli") if blank else
                words.t("Wrote {path} (seeded, texts in {lang}).", "cli"))
        click.echo(kind.format(path=written, lang=lang))


@cli.command()
@workbook_argument
@format_option("text", "json")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path), metavar="OUT.xlsx",
              help="Also write a copy of the workbook with every bad cell marked.")
@click.option("--stage", type=click.Choice(["draft", "final"]), default="draft",
              show_default=True,
              help="final: empty brief sections, Open comments, Draft recommendations and "
                   "bodies without a recommendation become errors; notes outside 5-10 pages "
                   "warn.")
@click.option("--force", is_flag=True, help="Replace the --annotate file if it exists.")
@click.option("--today", callback=_date, metavar="YYYY-MM-DD",
              help="Date taken as today when statuses are checked (an interview still Planned "
                   "after its date) [default: today's date].")
@click.option("--lang", callback=_language, default="en", show_default=True, metavar="en|fr",
              help="Language of the messages; with --stage final, also warn about text a "
                   "build in that language would show in English.")
def validate(path: Path, fmt: str, annotate: Path | None, stage: str, force: bool,
             today: date | None, lang: str) -> None:
    """Check the workbook and say, cell by cell, what to fix."""
    from matrixbook.api import annotate_copy, load_schema
    from matrixbook.api import validate as run_validate
    report = run_validate(path, stage=stage, today=today, lang=lang)
    from matrixbook.i18n import texts

    words = texts(lang)
    say = words.t
    if annotate is not None:
        annotate_copy(path, report, annotate, force=force, lang=lang)
    from matrixbook.files import is_open_elsewhere

    if is_open_elsewhere(path):
        click.echo(say("Warning: {path} seems to be open in Excel or LibreOffice; edits not "
                       "yet saved there were not checked.", "cli").format(path=path), err=True)
    order = [s.name for s in load_schema().sheets]
    click.echo(report.to_json(order) if fmt == "json" else
               report.to_text(order, words=None if words.english else words))
    if annotate is not None and fmt == "text":
        click.echo(say("Marked every finding in {path}.", "cli").format(path=annotate))
    sys.exit(report.exit_code)


@cli.command()
@workbook_argument
@click.option("--out", "out_dir", callback=_folder, metavar="DIR",
              help="Folder for the outputs [default: out/, or out/external/ for an external "
                   "build].")
@click.option("--only", help="Comma-separated output names to build (see --list).")
@click.option("--audience", type=click.Choice(["internal", "external"]), default="internal",
              show_default=True, help="external: no internal columns, no personal data.")
@click.option("--today", callback=_date, metavar="YYYY-MM-DD",
              help="Date taken as today in schedules, so outputs are reproducible.")
@click.option("--lang", callback=_language, default="en", show_default=True, metavar="en|fr",
              help="Language of the outputs (build --list says which outputs each language "
                   "has); fr writes them to out/fr/ by default.")
@click.option("--list", "list_outputs", is_flag=True,
              help="List the outputs, their audience and languages, and stop.")
@click.option("--force", is_flag=True,
              help="Also replace outputs edited since the last build and files in the folder "
                   "that matrixbook did not write (never the workbook itself).")
def build(path: Path, out_dir: Path | None, only: str | None, audience: str,
          today: date | None, lang: str, list_outputs: bool, force: bool) -> None:
    """Regenerate the deliverables from the workbook."""
    from matrixbook.api import available_outputs, load_schema
    from matrixbook.api import build as run_build

    if list_outputs:
        for output in available_outputs():
            click.echo(f"{output.name:<18} {output.audience:<9} "
                       f"{','.join(output.languages):<6} {output.description}")
        return
    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    if out_dir is None:
        out_dir = Path("out") if lang == "en" else Path("out") / lang
        if audience == "external":
            out_dir = out_dir / "external"
    result = run_build(path, out_dir, only=names, audience=audience, today=today,
                       force=force, lang=lang)
    from matrixbook.i18n import texts

    words = None if lang == "en" else texts(lang)  # the build's lines in its language
    for warning in result.messages:
        click.echo(warning, err=True)
    if not result.report.ok:
        order = [s.name for s in load_schema().sheets]  # the order of `validate`
        report = result.report
        if words is not None:  # the findings' own words, as `validate --lang` says them
            from matrixbook.i18n.findings import localize

            report = localize(report, words)
        click.echo(report.to_text(order, words=words), err=True)
        click.echo(_said(words, "Nothing was built: fix the errors above, then run "
                                "`matrixbook build` again."), err=True)
        sys.exit(result.report.exit_code)
    for line in _written_lines(result.written, words=words):
        click.echo(line)
    for note in result.notes:
        click.echo(note)
    n = len(result.written)
    click.echo(f"Built {n} file(s) for the {audience} audience in {out_dir}." if words is None
               else words.plural(n, "Built {n} file(s) for the {audience} audience in {out}.",
                                 "Built {n} file(s) for the {audience} audience in {out}.",
                                 "build", audience=words.t(audience, "build"), out=out_dir))


def _said(words: Texts | None, text: str) -> str:
    return text if words is None else words.t(text, "build")


def _written_lines(written: list[Path], per_folder: int = 10,
                   words: Texts | None = None) -> list[str]:
    """One line per file written; a folder that got more than `per_folder` files (the
    briefing notes of a large mapping) is one line with its count, not hundreds. In the
    language of `words` (English when None)."""
    by_folder: dict[Path, list[Path]] = {}
    for path in written:
        by_folder.setdefault(Path(path).parent, []).append(Path(path))
    lines = []
    for folder, paths in by_folder.items():
        if len(paths) > per_folder:
            kinds = ", ".join(sorted({p.suffix for p in paths}))
            where = f"{folder}{os.sep}"
            lines.append(f"Wrote {len(paths)} files ({kinds}) in {where}" if words is None else
                         words.plural(len(paths), "Wrote {n} files ({kinds}) in {folder}",
                                      "Wrote {n} files ({kinds}) in {folder}", "build",
                                      kinds=kinds, folder=where))
        else:
            lines.extend(f"Wrote {p}" if words is None else
                         _said(words, "Wrote {path}").format(path=p) for p in paths)
    return lines


@cli.command()
@format_option("json", "markdown")
def schema(fmt: str) -> None:
    """Print the data dictionary of the master workbook."""
    import json

    from matrixbook.api import load_schema
    from matrixbook.dictionary import to_markdown
    from matrixbook.schema import schema_json

    s = load_schema()
    if fmt == "json":
        click.echo(json.dumps(schema_json(s), ensure_ascii=False, indent=2))
    else:
        click.echo(to_markdown(s), nl=False)


@cli.command()
@format_option("json", "markdown")
def rules(fmt: str) -> None:
    """Print the rules validate checks: code, severity, title, description, message."""
    import json

    from matrixbook.report.reference import rules_json, to_markdown

    if fmt == "json":
        click.echo(json.dumps(rules_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(to_markdown(), nl=False)


from matrixbook.cli_diff import diff as _diff_command  # noqa: E402

cli.add_command(_diff_command)

from matrixbook.cli_merge import merge as _merge_command  # noqa: E402

cli.add_command(_merge_command)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
