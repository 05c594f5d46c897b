"""Safe writing: never over an existing file unless told, always through a temporary file and an
atomic rename, so an interrupted run leaves the previous file whole."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from matrixbook.errors import InputError, OutputError, UsageError, describe_os_error, os_error_of


def lock_file(path: Path) -> Path:
    """The owner file Excel and LibreOffice leave beside a workbook they have open."""
    return path.with_name("~$" + path.name)


def is_open_elsewhere(path: Path) -> bool:
    return lock_file(path).exists() or path.with_name(".~lock." + path.name + "#").exists()


def _share_like_a_new_file(path: Path) -> None:
    """mkstemp makes files private (0600); give them the permissions any new file gets, so
    colleagues on a shared drive can open what the tool writes."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~umask)


def refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        from matrixbook.report.message import msg

        raise UsageError(msg("cli", "{path} already exists; choose another name or add --force "
                                    "to replace it.", path=str(path)))


@contextlib.contextmanager
def atomic_write(path: Path, *, check_open: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it over `path`."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name.")
    if check_open and is_open_elsewhere(path):
        raise OutputError(
            f"{path} is open in Excel or LibreOffice; close it and run the command again."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".~tmp-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise OutputError(f"Cannot write in {path.parent}: {exc.strerror or exc}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    _share_like_a_new_file(tmp)
    try:
        try:
            yield tmp
        except Exception as exc:  # the disk full, a file size limit: said with the file's name
            os_error = os_error_of(exc)
            if os_error is None:
                raise
            raise OutputError(describe_os_error(os_error, path)) from exc
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise OutputError(
                f"{path} could not be replaced; it is probably open in Excel. "
                "Close it and run the command again."
            ) from exc
        except OSError as exc:
            raise OutputError(f"{path} could not be written: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def open_for_copy(source: Path, out: Path, purpose: str = "") -> Any:
    """The user's workbook in openpyxl, to write a marked or repaired copy of it (annotate,
    repair-lists). Macros are carried over only into a macro-enabled copy; they never run here.
    `purpose` ends the "cannot be opened" message (e.g. " for annotation")."""
    import openpyxl

    keep_vba = source.suffix.lower() == ".xlsm" and out.suffix.lower() == ".xlsm"
    try:
        return openpyxl.load_workbook(source, keep_vba=keep_vba, rich_text=False)
    except Exception as exc:
        raise InputError(f"{source} cannot be opened{purpose} ({exc}). Open it in Excel, save "
                         "it again, and run again.") from exc
