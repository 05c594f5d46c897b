"""Typed errors: what went wrong, said in one line a person can act on.

Each becomes exit status 2 at the command line ("the command could not run"), never a traceback.
"""

from __future__ import annotations


class MatrixbookError(Exception):
    """Base: the message is meant for a person."""


class InputError(MatrixbookError):
    """The workbook (or another input) cannot be read."""


class UsageError(MatrixbookError):
    """The command was asked something it cannot do (bad option, file exists)."""


class OutputError(MatrixbookError):
    """An output file could not be written (open in Excel, no permission, disk full)."""


class TemplateProblem(MatrixbookError):
    """A template in templates/ has an error; the message names the template and line."""
