"""How every command ends when it cannot run: one line on stderr and exit status 2, the
cannot-run JSON on stdout when `--format json` was asked, and exit status 130 (as shells
expect) with one line when the person presses Ctrl+C. Declared once here and used by every
command, so no command can forget a case."""

from __future__ import annotations

import sys
from typing import Any

import click

from matrixbook.errors import MatrixbookError, describe_os_error, os_error_of

CANNOT_RUN = 2
INTERRUPTED = 130
INTERRUPTED_MESSAGE = "Interrupted (Ctrl+C): the command stopped and no file was replaced."


def cannot_run(ctx: click.Context, message: str | MatrixbookError) -> None:
    # A library's half-written file, closed as the program ends, may complain once more
    # ("Exception ignored in ..."): the one line below already said what happened.
    sys.unraisablehook = lambda _unraisable: None
    words = words_of(ctx)
    if isinstance(message, MatrixbookError):
        message = message.said(words)
    if ctx.params.get("fmt") == "json":  # programs reading stdout still get one JSON object
        from matrixbook.report import cannot_run_json

        click.echo(cannot_run_json(message))
    line = (f"Error: {message}" if words is None
            else words.t("Error: {message}", "cli").format(message=message))
    click.echo(line, err=True)
    sys.exit(CANNOT_RUN)


def words_of(ctx: click.Context) -> Any:
    """The texts of the language the command was asked to speak (`--lang`), or None for
    English: a cannot-run message in French for `build --lang fr`."""
    lang = ctx.params.get("lang")
    if not lang or lang == "en":
        return None
    from matrixbook.i18n import UnknownLanguage, texts

    try:
        return texts(str(lang))
    except UnknownLanguage:
        return None


class SafeCommand(click.Command):
    """A command whose library errors, operating-system errors and Ctrl+C end in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MatrixbookError as exc:
            cannot_run(ctx, exc)
        except KeyboardInterrupt:
            sys.unraisablehook = lambda _unraisable: None
            click.echo("", err=True)  # after the ^C the terminal shows
            words = words_of(ctx)
            click.echo(INTERRUPTED_MESSAGE if words is None else
                       words.t(INTERRUPTED_MESSAGE, "cli"), err=True)
            sys.exit(INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            os_error = os_error_of(exc)
            if os_error is None:
                raise
            cannot_run(ctx, describe_os_error(os_error))


class SafeGroup(click.Group):
    """A group whose commands are all SafeCommands."""

    command_class = SafeCommand
