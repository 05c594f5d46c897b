"""What `build` owns in its output folder, and how it meets every fault: it never writes over the
workbook or a file it did not write, asks --force before replacing an output edited by hand,
removes its own stale outputs and nothing else, replaces the set all at once or not at all, and
ends every operating-system error in one line (exit 2) and Ctrl+C in one line (exit 130)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from matrixbook.cli import cli
from matrixbook.outfolder import LOCK, MANIFEST, STAGING
from test_matrix import write_mapping_book

TODAY = "2025-09-03"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def files(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mapping_book(tmp_path_factory.mktemp("book") / "mapping.xlsx")


def build(book: Path, out: Path, *more: str) -> Result:
    return run("build", str(book), "--out", str(out), "--today", TODAY, *more)


def test_the_manifest_names_every_file_with_its_hash_audience_and_version(
        book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(book, out, "--only", "matrix,calendar")
    assert result.exit_code == 0, result.output
    data = manifest(out)
    assert (data["tool"], data["audience"]) == ("matrixbook", "internal")
    assert data["version"]
    assert data["files"] == {
        "interviews.ics": {"sha256": files(out)["interviews.ics"], "output": "calendar",
                           "audience": "internal"},
        "mapping_matrix.xlsx": {"sha256": files(out)["mapping_matrix.xlsx"],
                                "output": "matrix", "audience": "internal"}}
    assert sorted(files(out)) == [MANIFEST, "interviews.ics", "mapping_matrix.xlsx"]
    again = tmp_path / "again"
    assert build(book, again, "--only", "matrix,calendar").exit_code == 0
    assert files(again) == files(out)  # the manifest too is byte for byte the same


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_build_never_writes_over_its_own_workbook(tmp_path: Path, book: Path, lang: str) -> None:
    source = tmp_path / "workplan.xlsx"
    shutil.copyfile(book, source)
    (tmp_path / "mine.txt").write_text("my notes", encoding="utf-8")
    before = files(tmp_path)
    for extra in ([], ["--force"]):
        result = run("build", str(source), "--out", str(tmp_path), "--only", "workplan",
                     "--lang", lang, *extra)
        assert one_line(result) == {
            "en": f"Error: {source} is the workbook this build reads; build into another "
                  "folder (--out) or move the workbook.",
            "fr": f"Erreur\u00a0: {source} est le classeur que lit cette production\u00a0; "
                  "produisez dans un autre dossier (--out) ou déplacez le classeur."}[lang]
        assert files(tmp_path) == before


def test_build_never_writes_over_a_link_to_its_workbook(tmp_path: Path, book: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mapping_matrix.xlsx").symlink_to(book)
    before = book.read_bytes()
    result = build(book, out, "--only", "matrix", "--force")
    assert one_line(result) == (f"Error: {out / 'mapping_matrix.xlsx'} is the workbook this "
                                "build reads; build into another folder (--out) or move the "
                                "workbook.")
    assert book.read_bytes() == before


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_file_build_did_not_write_is_refused_unless_forced(book: Path, tmp_path: Path,
                                                            lang: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "workplan.xlsx").write_bytes(b"my own workplan")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = files(out)
    result = build(book, out, "--only", "workplan", "--lang", lang)
    assert one_line(result) == {
        "en": f"Error: {out / 'workplan.xlsx'} was not written by matrixbook; move it or add "
              "--force",
        "fr": f"Erreur\u00a0: {out / 'workplan.xlsx'} n'a pas été écrit par matrixbook\u00a0; "
              "déplacez-le ou ajoutez --force"}[lang]
    assert files(out) == before
    forced = build(book, out, "--only", "workplan", "--force", "--lang", lang)
    assert forced.exit_code == 0, forced.output
    assert (out / "workplan.xlsx").read_bytes() != b"my own workplan"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(files(out)) == [MANIFEST, "notes.txt", "workplan.xlsx"]


def test_an_output_edited_since_the_last_build_needs_force(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,calendar").exit_code == 0
    with (out / "interviews.ics").open("ab") as fh:
        fh.write(b"edited by hand")
    (out / "mapping_matrix.xlsx").write_bytes(b"edited too")
    before = files(out)
    result = build(book, out, "--only", "matrix,calendar")
    assert one_line(result) == (
        f"Error: {out / 'interviews.ics'} and {out / 'mapping_matrix.xlsx'} were edited since "
        "the last build; move them elsewhere to keep the edits, or add --force to replace them")
    assert files(out) == before
    assert build(book, out, "--only", "matrix,calendar", "--force").exit_code == 0
    assert files(out)["interviews.ics"] == manifest(out)["files"]["interviews.ics"]["sha256"]


def test_an_external_build_removes_the_internal_files_and_nothing_else(
        tmp_path: Path) -> None:
    from conftest import MASTER

    out = tmp_path / "share"
    first = run("build", str(MASTER), "--out", str(out), "--today", TODAY)
    assert first.exit_code == 0, first.output
    assert {"interviews.ics", "mapping_report.html"} <= set(files(out))
    (out / "partners.txt").write_text("a list of my own", encoding="utf-8")
    (out / "briefs" / "my-draft.docx").write_bytes(b"mine")
    result = run("build", str(MASTER), "--out", str(out), "--audience", "external",
                 "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (f"Removed 4 file(s) an earlier build wrote that this external build does not: "
            f"{out / 'interviews.ics'}, {out / 'mapping_report.docx'}, "
            f"{out / 'mapping_report.html'}, {out / 'review_log.xlsx'}.") in result.stdout
    left = files(out)
    assert "interviews.ics" not in left and "mapping_report.html" not in left
    assert "review_log.xlsx" not in left
    assert left["partners.txt"] and left["briefs/my-draft.docx"]
    data = manifest(out)
    assert {e["audience"] for e in data["files"].values()} == {"external"}
    # the folder holds exactly one build's set: the external one, and the person's files
    assert set(left) == {*data["files"], MANIFEST, "partners.txt", "briefs/my-draft.docx"}


def test_the_english_and_the_french_folders_keep_to_their_own_files(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """out/ holds the English build, out/fr/ the French one, each with its own manifest: a
    build in one folder never replaces nor removes a file of the other, and a French file
    edited by hand asks for --force like an English one."""
    monkeypatch.chdir(tmp_path)
    english = run("build", str(book), "--only", "matrix,briefs", "--today", TODAY)
    assert english.exit_code == 0, english.output
    french = run("build", str(book), "--only", "matrix", "--today", TODAY, "--lang", "fr")
    assert french.exit_code == 0, french.output
    out, fr = tmp_path / "out", tmp_path / "out" / "fr"
    assert set(manifest(fr)["files"]) == {"mapping_matrix.xlsx"}
    assert "fr/mapping_matrix.xlsx" not in manifest(out)["files"]
    before = files(fr)
    again = run("build", str(book), "--only", "matrix", "--today", TODAY, "--force")
    assert again.exit_code == 0, again.output
    assert files(fr) == before  # the English build, even forced, leaves the French files be
    (fr / "mapping_matrix.xlsx").write_bytes(b"edited by hand")
    result = run("build", str(book), "--only", "matrix", "--today", TODAY, "--lang", "fr")
    assert one_line(result) == (f"Erreur\u00a0: {Path('out') / 'fr' / 'mapping_matrix.xlsx'} a "
                                "été modifié depuis la dernière production\u00a0; déplacez-le "
                                "ailleurs pour garder les modifications, ou ajoutez --force pour "
                                "le remplacer")
    assert (fr / "mapping_matrix.xlsx").read_bytes() == b"edited by hand"


def test_a_body_deleted_from_the_workbook_loses_its_note(book: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out"
    assert build(book, out, "--only", "briefs").exit_code == 0
    notes = sorted(n for n in files(out) if n.startswith("briefs/"))
    wb = openpyxl.load_workbook(book)
    ws = wb["Dialogues"]
    gone = ws["A2"].value
    ws.delete_rows(2)
    for sheet in ("Memberships", "Themes", "Policies", "Interviews", "Workplan", "Sources"):
        rows = wb[sheet]
        for row in range(rows.max_row, 1, -1):
            if gone in [c.value for c in rows[row]]:
                rows.delete_rows(row)
    smaller = tmp_path / "smaller.xlsx"
    wb.save(smaller)
    result = build(smaller, out, "--only", "briefs")
    assert result.exit_code == 0, result.output
    assert sorted(n for n in files(out) if n.startswith("briefs/")) == sorted(
        n for n in notes if gone not in n)
    assert len(notes) - 2 == len([n for n in files(out) if n.startswith("briefs/")])


@pytest.mark.parametrize("lock", ["~$workplan.xlsx", ".~lock.workplan.xlsx#"])
def test_a_file_open_in_excel_is_found_before_anything_is_replaced(
        book: Path, tmp_path: Path, lock: str) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    (out / lock).write_bytes(b"")
    before = files(out)
    # the matrix comes first and would be replaced first: it is not
    result = build(book, out, "--only", "matrix,workplan", "--today", "2015-01-01")
    assert one_line(result) == (f"Error: {out / 'workplan.xlsx'} is open in Excel or "
                                "LibreOffice; close it and run the command again.")
    assert files(out) == before


def test_a_failing_output_leaves_the_previous_set_whole(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    before = files(out)
    import dataclasses

    import matrixbook.build as build_module

    def disk_full(ctx: build_module.BuildContext) -> list[Path]:
        with ctx.writing("workplan.xlsx") as tmp:
            tmp.write_bytes(b"half a workbook")
            raise OSError(errno.ENOSPC, "No space left on device")

    real = build_module.discover_outputs
    monkeypatch.setattr(build_module, "discover_outputs", lambda: [
        dataclasses.replace(o, write=disk_full) if o.name == "workplan" else o for o in real()])
    result = build(book, out, "--only", "matrix,workplan", "--today", "2015-01-01")
    assert one_line(result) == (f"Error: There is no space left on the disk to write "
                                f"{out / 'workplan.xlsx'}. Free some space (or choose another "
                                "folder) and run the command again.")
    assert files(out) == before


def test_a_failing_move_into_place_puts_every_file_back(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    before = files(out)
    import matrixbook.outfolder as outfolder

    real = os.replace
    calls = []

    def fail_on_the_second_move(src: object, dst: object) -> None:
        if Path(str(dst)).parent == out and Path(str(src)).parent.name == STAGING:
            calls.append(dst)
            if len(calls) == 2:
                raise OSError(errno.EACCES, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(outfolder.os, "replace", fail_on_the_second_move)
    result = build(book, out, "--only", "matrix,workplan", "--today", "2015-01-01")
    assert one_line(result) == (f"Error: Permission denied: {out / 'workplan.xlsx'} cannot be "
                                "read or written by you. Check its permissions (or that it is "
                                "not open elsewhere), or use another folder.")
    assert files(out) == before


def test_leftovers_of_a_killed_build_are_cleared(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix").exit_code == 0
    (out / STAGING).mkdir()
    (out / STAGING / "workplan.xlsx").write_bytes(b"half")
    (out / ".~tmp-abc123.xlsx").write_bytes(b"")
    (out / "briefs").mkdir()
    (out / "briefs" / ".~tmp-x.docx").write_bytes(b"")
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    assert build(book, out, "--only", "matrix").exit_code == 0
    assert sorted(files(out)) == [MANIFEST, "mapping_matrix.xlsx", "mine.txt"]
    assert not (out / STAGING).exists() and not (out / LOCK).exists()


def test_a_build_killed_while_moving_files_in_is_put_back(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    before = files(out)
    # what a kill halfway through the moves leaves: the previous matrix put aside, the new one
    # in its place, the journal of the moves
    staging = out / STAGING
    (staging / "replaced").mkdir(parents=True)
    os.replace(out / "mapping_matrix.xlsx", staging / "replaced" / "mapping_matrix.xlsx")
    (out / "mapping_matrix.xlsx").write_bytes(b"new")
    (staging / "journal.json").write_text(json.dumps({
        "mapping_matrix.xlsx": hashlib.sha256(b"new").hexdigest(),
        "workplan.xlsx": "0" * 64}), encoding="utf-8")
    # the next build puts the previous set back, then refuses nothing: it is all its own
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    assert files(out) == before


def test_a_second_build_waits_then_names_the_first(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matrixbook.outfolder as outfolder

    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import fcntl, os, sys, time
            fd = os.open({str(out / LOCK)!r}, os.O_RDWR | os.O_CREAT)
            fcntl.lockf(fd, fcntl.LOCK_EX)
            os.write(fd, str(os.getpid()).encode())
            print("locked", flush=True)
            time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(outfolder, "LOCK_WAIT", 0.5)
        result = build(book, out, "--only", "matrix")
        assert one_line(result) == (f"Error: Another build (process {holder.pid}) is writing "
                                    f"into {out}; wait until it has finished and run the "
                                    "command again.")
        assert sorted(files(out)) == [LOCK]
    finally:
        holder.kill()
        holder.wait()
    assert build(book, out, "--only", "matrix").exit_code == 0


def test_out_must_name_a_folder(book: Path, tmp_path: Path) -> None:
    result = run("build", str(book), "--out", "")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--out': give a folder name, e.g. --out out; an empty name "
        "is not taken as the current folder.")
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    assert one_line(build(book, file, "--only", "matrix")) == (
        f"Error: {file} is a file, not a folder; give a folder with --out.")


# ---------------------------------------------------------------------------------------------
# Operating-system errors in every command: one line, exit 2, the cannot-run JSON when asked.


def _errno(code: int, name: str | None = None) -> OSError:
    return OSError(code, os.strerror(code), name)


@pytest.mark.parametrize(("code", "message"), [
    (errno.ENOSPC, "Error: There is no space left on the disk to write {f}. Free some space (or "
                   "choose another folder) and run the command again."),
    (errno.EFBIG, "Error: The file {f} would be larger than this system lets a file be (a file "
                  "size limit). Write to another disk or ask whoever runs the computer to lift "
                  "it."),
    (errno.EACCES, "Error: Permission denied: {f} cannot be read or written by you. Check its "
                   "permissions (or that it is not open elsewhere), or use another folder."),
    (errno.EROFS, "Error: {f} is on a read-only disk; choose a folder you can write to."),
    (errno.ENAMETOOLONG, "Error: The path {f} is too long for this system; use a shorter folder "
                         "or file name."),
])
def test_every_command_says_an_os_error_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str) -> None:
    from conftest import MASTER

    source = tmp_path / "master.xlsx"
    shutil.copyfile(MASTER, source)
    before = files(tmp_path)
    target = tmp_path / "new.xlsx"

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise _errno(code, str(target))

    import matrixbook.api as api
    import matrixbook.diff as diff
    import matrixbook.schema as schema

    monkeypatch.setattr(api, "init_workbook", refuse)
    monkeypatch.setattr(api, "validate", refuse)
    monkeypatch.setattr(api, "build", refuse)
    monkeypatch.setattr(diff, "compare", refuse)
    monkeypatch.setattr(schema, "schema_json", refuse)
    for args in (["init", str(target)], ["validate", str(source)],
                 ["build", str(source), "--out", str(tmp_path / "out")],
                 ["diff", str(source), str(source)], ["schema"]):
        assert one_line(run(*args)) == message.format(f=target), args
        json_args = [*args, "--format", "json"] if args[0] in ("validate", "diff", "schema") \
            else None
        if json_args:
            result = run(*json_args)
            assert result.exit_code == 2
            data = json.loads(result.stdout)
            assert data["ok"] is False
            assert data["findings"][0]["message"] == message.format(f=target)[len("Error: "):]
    assert files(tmp_path) == before


def test_a_folder_that_cannot_be_entered_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Path.exists() raises PermissionError for a file in a folder one may not enter (root
    ignores folder permissions, so the refusal is simulated)."""
    locked = tmp_path / "locked" / "master.xlsx"
    real = Path.exists

    def exists(self: Path, *args: object, **kwargs: object) -> bool:
        if self == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", exists)
    for args in (["validate", str(locked)], ["validate", str(locked), "--format", "json"],
                 ["build", str(locked), "--out", str(tmp_path / "out")],
                 ["diff", str(locked), str(locked)]):
        result = run(*args)
        assert one_line(result) == (f"Error: Permission denied: {locked} cannot be read or "
                                    "written by you. Check its permissions (or that it is not "
                                    "open elsewhere), or use another folder."), args
    assert not (tmp_path / "out").exists()


def test_a_file_size_limit_stops_build_in_one_line_and_keeps_the_previous_set(
        book: Path, tmp_path: Path) -> None:
    """A real limit (ulimit -f), in a separate process: xlsxwriter's FileCreateError."""
    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    before = files(out)
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from matrixbook.cli import main
        sys.argv = ["matrixbook", "build", {str(book)!r}, "--out", {str(out)!r},
                    "--only", "matrix,workplan", "--today", "2015-01-01"]
        main()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: The file {out / 'mapping_matrix.xlsx'} would be larger than this system lets "
        "a file be (a file size limit). Write to another disk or ask whoever runs the computer "
        "to lift it."]
    assert files(out) == before


def test_ctrl_c_is_exit_130_in_one_line_and_replaces_nothing(book: Path, tmp_path: Path) -> None:
    import signal
    import time

    out = tmp_path / "out"
    assert build(book, out, "--only", "matrix,workplan").exit_code == 0
    before = files(out)
    script = textwrap.dedent(f"""
        import os, signal, sys
        from matrixbook.outputs import workplan
        real = workplan.OUTPUT.write
        def slow(ctx):
            print("writing", flush=True)
            signal.pause()  # Ctrl+C arrives while the outputs are being written
        object.__setattr__(workplan.OUTPUT, "write", slow)
        from matrixbook.cli import main
        sys.argv = ["matrixbook", "build", {str(book)!r}, "--out", {str(out)!r},
                    "--only", "matrix,workplan", "--today", "2015-01-01"]
        main()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == [
        "Interrupted (Ctrl+C): the command stopped and no file was replaced."]
    assert files(out) == before
