"""Typed errors: what went wrong, said in one line a person can act on.

Each becomes exit status 2 at the command line ("the command could not run"), never a traceback.
"""

from __future__ import annotations

import os
from typing import Any


class MatrixbookError(Exception):
    """Base: the message is meant for a person. Given as a message of
    `matrixbook.report.message` (`msg("build", template, **parts)`) rather than a str, it can
    be said again in another language: `str(exc)` is the English text, `exc.said(words)` the
    text in the language of `words` (matrixbook.i18n.Texts)."""

    def __init__(self, message: Any = "", *args: Any) -> None:
        self.message = message
        super().__init__(str(message), *args)

    def said(self, words: Any = None) -> str:
        render = getattr(self.message, "render", None)
        return str(self) if render is None or words is None else str(render(words))


class InputError(MatrixbookError):
    """The workbook (or another input) cannot be read."""


class UsageError(MatrixbookError):
    """The command was asked something it cannot do (bad option, file exists)."""


class OutputError(MatrixbookError):
    """An output file could not be written (open in Excel, no permission, disk full)."""


class TemplateProblem(MatrixbookError):
    """A template in templates/ has an error; the message names the template and line."""


def os_error_of(exc: BaseException) -> OSError | None:
    """The operating-system error behind `exc`, when there is one: xlsxwriter and other
    libraries wrap the OSError that stopped them in their own exception types."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        from_lxml = _lxml_io_error(current)
        if from_lxml is not None:
            return from_lxml
        seen.add(id(current))
        wrapped = [a for a in getattr(current, "args", ()) if isinstance(a, OSError)]
        if wrapped:
            return wrapped[0]
        current = current.__cause__ or current.__context__
    return None


def _lxml_io_error(exc: BaseException) -> OSError | None:
    """lxml (under openpyxl) reports a failed write as SerialisationError('IO_EFBIG')."""
    import errno
    import re

    m = re.fullmatch(r"IO_(E[A-Z]+)", str(exc).strip())
    code = getattr(errno, m.group(1), None) if m else None
    return OSError(code, os.strerror(code)) if code is not None else None


def describe_os_error(exc: OSError, path: object = None) -> str:
    """One line a person can act on, for an error the operating system raised while the tool
    read or wrote `path` (or the file the error names)."""
    import errno

    name = exc.filename if exc.filename not in (None, "") else path
    where = f" {name}" if name not in (None, "") else ""
    code = exc.errno
    if code == errno.ENOSPC:
        return (f"There is no space left on the disk to write{where}. Free some space (or "
                "choose another folder) and run the command again.")
    if code == errno.EFBIG:
        return (f"The file{where} would be larger than this system lets a file be (a file size "
                "limit). Write to another disk or ask whoever runs the computer to lift it.")
    if code == errno.EDQUOT:
        return (f"Your disk quota is used up, so{where or ' the file'} cannot be written. Free "
                "some space and run the command again.")
    if code in (errno.EACCES, errno.EPERM):
        return (f"Permission denied:{where or ' a file or folder'} cannot be read or written "
                "by you. Check its permissions (or that it is not open elsewhere), or use "
                "another folder.")
    if code == errno.EROFS:
        return (f"{str(name) + ' is' if where else 'The folder is'} on a read-only disk; "
                "choose a folder you can write to.")
    if code == errno.ENAMETOOLONG:
        return (f"The path{where} is too long for this system; use a shorter folder or file "
                "name.")
    if code == errno.ENOENT:
        return f"{name or 'A file or folder'} does not exist; check the path."
    reason = exc.strerror or type(exc).__name__
    return f"{name}: {reason.lower()}." if where else f"The operating system refused: {reason}."
