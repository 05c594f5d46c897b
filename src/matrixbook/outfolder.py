"""The output folder of `build`: which files in it the tool owns, and replacing them all at once.

A build owns only what it wrote. Each output folder holds a manifest (`.matrixbook-manifest.json`)
naming the files the last build wrote, with their SHA-256, the output and the audience they were
built for. A build

- renders every file into a staging folder inside the output folder (same disk, so moving a
  file into place is a rename), and moves them into place only when every output succeeded;
- refuses to write over the workbook it reads (links resolved), over a file it did not write
  (not in the manifest) and, without `--force`, over an output edited since the last build;
- checks that no file it would replace or remove is open in Excel or LibreOffice before it
  replaces any;
- removes the outputs of earlier builds that this one does not write (another audience, a
  body deleted from the workbook), and nothing else: a person's own files stay;
- puts the previous files back when anything fails while the new ones are moved in (a full
  disk, Ctrl+C), and after a kill, the next build puts them back before it starts;
- holds a lock on the folder, so a second build into it waits briefly, then stops, naming
  the first.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matrixbook.errors import OutputError
from matrixbook.files import is_open_elsewhere
from matrixbook.report.message import msg, msgp

MANIFEST = ".matrixbook-manifest.json"
STAGING = ".matrixbook-staging"
LOCK = ".matrixbook-lock"
TMP_PREFIX = ".~tmp-"
_REPLACED = "replaced"  # inside the staging folder: the previous files while the new move in
_JOURNAL = "journal.json"  # inside the staging folder: what is being moved in
LOCK_WAIT = 10.0  # seconds a second build waits for the first before it gives up


@dataclass(frozen=True)
class Entry:
    """One file the last build wrote."""

    sha256: str
    output: str
    audience: str


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Entry]:
    """The files the last build wrote in `folder` (none when it has no readable manifest)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {name: Entry(e["sha256"], e["output"], e["audience"])
                for name, e in data["files"].items()}
    except FileNotFoundError:
        return {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}  # a damaged manifest owns nothing: every file in the folder is kept


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("matrixbook")
    except PackageNotFoundError:
        return "unknown"


def manifest_text(audience: str, files: dict[str, Entry]) -> str:
    """Deterministic: the same build gives the same bytes."""
    return json.dumps({
        "tool": "matrixbook", "version": _tool_version(), "audience": audience,
        "about": "The files matrixbook build wrote in this folder. A build replaces or "
                 "removes only these, and only while their SHA-256 is unchanged.",
        "files": {name: {"sha256": e.sha256, "output": e.output, "audience": e.audience}
                  for name, e in sorted(files.items())},
    }, ensure_ascii=False, indent=1) + "\n"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _listing(paths: list[Path], limit: int = 3) -> str:
    shown = [str(p) for p in paths[:limit]]
    more = len(paths) - limit
    if more > 0:
        return ", ".join(shown) + f" and {more} more"
    return " and ".join(shown) if len(shown) <= 2 else ", ".join(shown[:-1]) + " and " + shown[-1]


@dataclass(frozen=True)
class _Listing:
    """`_listing` in the language of a message ('a, b et 2 de plus')."""

    paths: tuple[Path, ...]
    limit: int = 3

    def render(self, words: Any) -> str:
        if words is None:
            return _listing(list(self.paths), self.limit)
        t = words.t
        shown = [str(p) for p in self.paths[:self.limit]]
        more = len(self.paths) - self.limit
        if more > 0:
            return ", ".join(shown) + t(" and {n} more", "build").format(n=more)
        last = t(" and ", "build")
        return last.join(shown) if len(shown) <= 2 else ", ".join(shown[:-1]) + last + shown[-1]

    def __str__(self) -> str:
        return self.render(None)


class FolderLock:
    """An exclusive lock on the output folder, held by one build at a time (the lock file
    holds its process number, so a second build can name it)."""

    def __init__(self, folder: Path, wait: float | None = None) -> None:
        self.path = folder / LOCK
        self.wait = LOCK_WAIT if wait is None else wait
        self.fd: int | None = None

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            if not _try_lock(fd):
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise OutputError(msg(
                        "build", "Another build (process {process}) is writing into {folder}; "
                        "wait until it has finished and run the command again.",
                        process=self._holder(), folder=self.path.parent))
                time.sleep(0.1)
                continue
            try:  # the file a finishing build removed is not a lock: take the new one
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.fd = fd
            return

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="ascii").strip() or "unknown"
        except (OSError, ValueError):
            return "unknown"

    def release(self) -> None:
        if self.fd is None:
            return
        if os.name != "nt":  # removed while still held, so no build ever locks a stale file
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(self.fd)
        self.fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise


class OutputFolder:
    """One build's hold on its output folder: `with OutputFolder(...) as folder:` locks it,
    puts back what a killed build left half-moved, clears stale staging files; outputs write
    through `staged(name)`; `commit(...)` moves the whole set into place."""

    def __init__(self, folder: Path, source: Path, audience: str, *, force: bool = False) -> None:
        self.folder = Path(folder)
        self.source = Path(source)
        self.audience = audience
        self.force = force
        self.staging = self.folder / STAGING
        self.produced: dict[str, str] = {}  # name in the folder -> output that wrote it
        self.removed: list[Path] = []
        self._lock = FolderLock(self.folder)

    def __enter__(self) -> OutputFolder:
        if self.folder.exists() and not self.folder.is_dir():
            raise OutputError(msg("build", "{folder} is a file, not a folder; give a folder "
                                  "with --out.", folder=self.folder))
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        try:
            self._recover()
            self._clear_leftovers()
            self.staging.mkdir()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.release()

    # ----------------------------------------------------------------------------------------

    def staged(self, name: str, output: str) -> Path:
        """Where output `output` writes the file it calls `name` (e.g. "briefs/LAS.docx")."""
        key = Path(name).as_posix()
        self.produced[key] = output
        path = self.staging / key
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _clear_leftovers(self) -> None:
        """Stale staging files and the `.~tmp-*` files of builds killed before this one."""
        if self.staging.exists():
            shutil.rmtree(self.staging)
        for pattern in (f"{TMP_PREFIX}*", f"*/{TMP_PREFIX}*"):
            for leftover in self.folder.glob(pattern):
                if leftover.is_file():
                    leftover.unlink()

    def _recover(self) -> None:
        """A build killed while moving its files in: put the previous files back."""
        journal = self.staging / _JOURNAL
        if not journal.exists():
            return
        try:
            moving = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            moving = {}
        owned = read_manifest(self.folder)
        for name, digest in moving.items():
            target = self.folder / name
            held = self.staging / _REPLACED / name
            if held.exists():
                os.replace(held, target)
            elif name not in owned and target.is_file() and sha256(target) == digest:
                target.unlink()

    # ----------------------------------------------------------------------------------------

    def commit(self, selected: list[str]) -> list[Path]:
        """Move every staged file into place, remove this folder's stale outputs, write the
        manifest; all of it or, on any failure, none. `selected`: the outputs this build ran
        (their earlier files that this build did not write are stale). Returns what was
        removed."""
        owned = read_manifest(self.folder)
        names = sorted(self.produced)
        stale = sorted(n for n, e in owned.items() if n not in self.produced
                       and (e.audience != self.audience or e.output in selected))
        stale = self._check(names, stale, owned)
        hashes = {n: sha256(self.staging / n) for n in names}
        (self.staging / _JOURNAL).write_text(json.dumps(hashes), encoding="utf-8")
        held_dir = self.staging / _REPLACED
        moved: list[tuple[Path, Path | None, Path | None]] = []  # target, previous, new
        try:
            for name in names:
                target, new = self.folder / name, self.staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                previous = None
                if target.exists():
                    previous = held_dir / name
                    previous.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, previous)
                moved.append((target, previous, new))
                os.replace(new, target)
            for name in stale:
                target = self.folder / name
                if target.is_file():
                    previous = held_dir / name
                    previous.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, previous)
                    moved.append((target, previous, None))
            files = {n: owned[n] for n in owned if n not in stale and n not in self.produced}
            files.update({n: Entry(hashes[n], self.produced[n], self.audience) for n in names})
            tmp = self.staging / MANIFEST
            tmp.write_text(manifest_text(self.audience, files), encoding="utf-8")
            os.replace(tmp, self.folder / MANIFEST)
        except BaseException:
            self._put_back(moved)
            raise
        (self.staging / _JOURNAL).unlink()
        removed = [self.folder / n for n in stale if (held_dir / n).exists()]
        for name in stale:  # a folder of notes left empty goes too
            with contextlib.suppress(OSError):
                parent = (self.folder / name).parent
                if parent != self.folder and not any(parent.iterdir()):
                    parent.rmdir()
        return removed

    def _put_back(self, moved: list[tuple[Path, Path | None, Path | None]]) -> None:
        for target, previous, new in reversed(moved):
            with contextlib.suppress(OSError):
                if new is not None and not new.exists() and target.exists():
                    os.replace(target, new)
                if previous is not None and previous.exists():
                    os.replace(previous, target)

    def _check(self, names: list[str], stale: list[str],
                owned: dict[str, Entry]) -> list[str]:
        """Every refusal, before anything is replaced; returns the stale files to remove."""
        for name in names:
            target = self.folder / name
            if _same_file(target, self.source):
                raise OutputError(msg("build", "{target} is the workbook this build reads; "
                                      "build into another folder (--out) or move the workbook.",
                                      target=target))
            if target.is_dir():
                raise OutputError(msg("build", "{target} is a folder, where the build writes a "
                                      "file; move it or choose another folder with --out.",
                                      target=target))
        stale = [n for n in stale if not _same_file(self.folder / n, self.source)]
        touched = [self.folder / n for n in [*names, *stale]]
        open_now = [p for p in touched if is_open_elsewhere(p)]
        if open_now:
            raise OutputError(msgp("build", "{files} is open in Excel or LibreOffice; close it "
                                   "and run the command again.", "{files} are open in Excel or "
                                   "LibreOffice; close them and run the command again.",
                                   n=len(open_now), files=_Listing(tuple(open_now))))
        if self.force:
            return stale
        foreign = [self.folder / n for n in names
                   if n not in owned and (self.folder / n).exists()]
        if foreign:
            raise OutputError(msgp("build", "{files} was not written by matrixbook; move it or "
                                   "add --force", "{files} were not written by matrixbook; move "
                                   "them or add --force", n=len(foreign),
                                   files=_Listing(tuple(foreign))))
        edited = [self.folder / n for n in [*names, *stale]
                  if n in owned and (self.folder / n).is_file()
                  and sha256(self.folder / n) != owned[n].sha256]
        if edited:
            raise OutputError(msgp("build", "{files} was edited since the last build; move it "
                                   "elsewhere to keep the edits, or add --force to replace it",
                                   "{files} were edited since the last build; move them "
                                   "elsewhere to keep the edits, or add --force to replace them",
                                   n=len(edited), files=_Listing(tuple(edited))))
        return stale
