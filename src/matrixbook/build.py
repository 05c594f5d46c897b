"""`matrixbook build`: validate, then write each output (matrixbook.outputs) for the
chosen audience.

Every output is a module in `matrixbook/outputs/` that defines `OUTPUT = Output(...)`: its name,
its audience and one function that writes its files. Adding an output means adding a module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from matrixbook.audience import filter_tables
from matrixbook.errors import UsageError
from matrixbook.files import is_open_elsewhere
from matrixbook.model.context import BuildContext
from matrixbook.outfolder import OutputFolder
from matrixbook.outputs import Output, discover_outputs
from matrixbook.report import Report
from matrixbook.report.message import Message, msg, msgp
from matrixbook.schema import load_schema
from matrixbook.speedups import apart, collector, pool, xlsxcells


@dataclass
class BuildResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # warnings, for stderr
    notes: list[str] = field(default_factory=list)  # what outputs report, for stdout
    # Both in the build's language (msgctxt "build" of the catalogues).


def select_outputs(only: list[str] | None, audience: str,
                   lang: str = "en") -> tuple[list[Output], list[str]]:
    available = discover_outputs()
    names = {o.name: o for o in available}
    words = _words(lang)
    messages = []
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            import difflib

            hints = [msg("build", "'{name}' (did you mean '{guess}'?)", name=n, guess=g[0])
                     if (g := difflib.get_close_matches(n, list(names), n=1)) else f"'{n}'"
                     for n in unknown]
            raise UsageError(msgp("build", "Unknown output {names}; choose from {known}.",
                                  "Unknown output {names}; choose from {known}.",
                                  count="n", n=len(unknown), known=", ".join(names),
                                  names=_Listed(hints)))
        chosen = [names[n] for n in only]
    else:
        chosen = available
    selected = []
    for output in chosen:
        if audience == "external" and output.audience == "internal":
            if only:
                raise UsageError(msg("build", "The output '{name}' is internal only; build it "
                                     "with --audience internal.", name=output.name))
            messages.append(_say(words, msg("build", "Skipped {name}: internal only.",
                                            name=output.name)))
            continue
        if lang not in output.languages:
            language = _LanguageName(lang)
            why = (msg("build", " ({why})", why=_Said(output.only_english))
                   if output.only_english else msg("build", " yet"))
            if only:
                raise UsageError(msg("build", "The output '{name}' is not written in "
                                     "{language}{why}; build it without --lang {lang} "
                                     "(matrixbook build --list says which outputs are).",
                                     name=output.name, language=language, why=why, lang=lang))
            messages.append(_say(words, msg("build", "Skipped {name}: not written in "
                                            "{language}{why}.", name=output.name,
                                            language=language, why=why)))
            continue
        selected.append(output)
    return selected, messages


def language_name(code: str) -> str:
    """The language's name in English, as the messages of the command line say it."""
    from matrixbook.i18n import language

    return language(code).name


@dataclass(frozen=True)
class _LanguageName:
    """A language's name in the language of the message: French / le français."""

    code: str

    def render(self, words: Any) -> str:
        name = language_name(self.code)
        return name if words is None else words.t(name, "languages")


@dataclass(frozen=True)
class _Said:
    """A text declared beside an output (why it is English only), in the message's language."""

    text: str

    def render(self, words: Any) -> str:
        return self.text if words is None else words.t(self.text, "build")


@dataclass(frozen=True)
class _Listed:
    """Parts joined by a comma, each in the language of the message."""

    parts: list[Any]

    def render(self, words: Any) -> str:
        return ", ".join(p.render(words) if hasattr(p, "render") else str(p)
                         for p in self.parts)


def _words(lang: str) -> Any:
    """The texts of `lang`, None for English (the messages' own words)."""
    if lang == "en":
        return None
    from matrixbook.i18n import texts

    return texts(lang)


def _say(words: Any, message: Message) -> str:
    return message.render(words)


def _write(ctx: BuildContext, output: Output) -> apart.Written:
    """The output's files written, and what it said meanwhile."""
    ctx.output = output.name
    said = len(ctx.messages)
    files = output.write(ctx)
    notes = ctx.messages[said:]
    del ctx.messages[said:]
    return apart.Written(files, notes)


def build_outputs(path: Path, out_dir: Path, *, only: list[str] | None = None,
                  audience: str = "internal", today: date | None = None,
                  force: bool = False,
                  lang: str = "en") -> BuildResult:
    from matrixbook.validation import check_workbook

    schema = load_schema()
    selected, messages = select_outputs(only, audience, lang)
    checked = check_workbook(path, schema)
    result = BuildResult(checked.report, messages=messages)
    if is_open_elsewhere(path):
        result.messages.append(_say(_words(lang), msg(
            "build", "Warning: {path} seems to be open in Excel or LibreOffice; edits not yet "
            "saved there are not in this build.", path=path)))
    if not checked.report.ok:
        return result
    ctx = BuildContext(schema, filter_tables(schema, checked.tables, audience), audience,
                       out_dir, path, today, lang=lang)
    # The tables stay alive through every output: out of the cycle collector's sight meanwhile,
    # so that each of its full collections does not walk their millions of cells again.
    # xlsxwriter's rows written with less Python per cell (the same bytes). Documents an
    # output renders in other processes are written once every output has had its turn.
    # The large outputs of a large build are written in processes of their own meanwhile.
    with collector.frozen(), xlsxcells.installed(), \
            OutputFolder(out_dir, path, audience, force=force) as folder:
        ctx.folder = folder
        with pool.background() as ctx.later:
            done = apart.start(ctx, selected)
            for output in selected:
                if output.name not in done:
                    done[output.name] = _write(ctx, output)
        ctx.later = None
        removed = folder.commit([o.name for o in selected])
    for output in selected:
        result.written.extend(done[output.name].files)
        result.notes.extend(done[output.name].notes)
    if removed:
        result.notes.append(_say(_words(lang), msgp(
            "build", "Removed {n} file(s) an earlier build wrote that this {audience} build "
            "does not: {files}.", "Removed {n} file(s) an earlier build wrote that this {audience} "
            "build does not: {files}.", n=len(removed), audience=_Said(audience),
            files=", ".join(str(p) for p in removed))))
    return result
