"""matrixbook.speedups.apart: a large build writes its large outputs (CLIMB, the policy
database, the reports) each in a forked process of its own. The same files, the same lines and
the same list of files as the plain path; a problem one of them meets is said in one line and
replaces nothing; Ctrl+C stops them at once."""

from __future__ import annotations

import dataclasses
import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import MASTER
from matrixbook.api import build
from matrixbook.cli import cli
from matrixbook.outfolder import MANIFEST, STAGING
from matrixbook.speedups import PLAIN_VARIABLE, apart, pool
from test_build_folder import files, one_line

pytestmark = pytest.mark.skipif(not pool.can_fork(), reason="forked processes need Linux")

APART = ["climb", "policy_database", "inception_report", "mapping_report"]


def test_outputs_written_apart_are_those_of_the_plain_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart, "APART_FROM", 0)
    forked: list[str] = []
    started_call = pool.started_call

    def spy(function: Any, output: Any) -> Any:
        forked.extend(o.name for o in output)
        return started_call(function, output)

    monkeypatch.setattr(pool, "started_call", spy)
    import matrixbook.build as build_module

    def saying(output: Any) -> Any:  # each output says a line, wherever it is written
        def write(ctx: Any) -> list[Path]:
            ctx.note(f"{output.name} written in {'this' if os.getpid() == parent else 'its'}"
                     " own process")
            return output.write(ctx)
        return dataclasses.replace(output, write=write)

    parent = os.getpid()
    real = build_module.discover_outputs
    monkeypatch.setattr(build_module, "discover_outputs", lambda: [saying(o) for o in real()])
    fast = build(MASTER, tmp_path / "fast", today=date(2025, 9, 3))
    assert sorted(forked) == sorted(APART)
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    plain = build(MASTER, tmp_path / "plain", today=date(2025, 9, 3))
    assert len(forked) == len(APART)  # the plain path forks nothing
    # The same list of files, in the same order, and the same lines for the person.
    assert [p.relative_to(tmp_path / "fast") for p in fast.written] == \
        [p.relative_to(tmp_path / "plain") for p in plain.written]
    said = [n for n in fast.notes if " own process" in n]
    assert said[:3] == ["matrix written in this own process", "workplan written in this own "
                        "process", "calendar written in this own process"]
    assert "climb written in its own process" in said
    assert [n.replace("its own", "this own") for n in fast.notes] == plain.notes
    for path in fast.written:
        relative = path.relative_to(tmp_path / "fast")
        assert path.read_bytes() == (tmp_path / "plain" / relative).read_bytes(), relative
    assert (tmp_path / "fast" / MANIFEST).read_bytes() == \
        (tmp_path / "plain" / MANIFEST).read_bytes()
    assert not (tmp_path / "fast" / STAGING).exists()


def test_a_small_build_writes_every_output_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_args: object) -> Any:
        raise AssertionError("the default workbook's outputs were forked")

    monkeypatch.setattr(pool, "started_call", forbidden)
    assert build(MASTER, tmp_path / "out", only=APART, today=date(2025, 9, 3)).written


def test_a_problem_met_apart_is_one_line_and_replaces_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    only = "matrix,climb,policy_database"
    assert CliRunner().invoke(cli, ["build", str(MASTER), "--out", str(out), "--only", only,
                                    "--today", "2025-09-03"]).exit_code == 0
    before = files(out)
    import matrixbook.build as build_module

    def disk_full(ctx: Any) -> list[Path]:
        assert os.getpid() != parent  # written in the forked process
        with ctx.writing("policy_database.xlsx") as tmp:
            tmp.write_bytes(b"half a workbook")
            raise OSError(errno.ENOSPC, "No space left on device")

    parent = os.getpid()
    real = build_module.discover_outputs
    monkeypatch.setattr(build_module, "discover_outputs", lambda: [
        dataclasses.replace(o, write=disk_full) if o.name == "policy_database" else o
        for o in real()])
    monkeypatch.setattr(apart, "APART_FROM", 0)
    result = CliRunner().invoke(cli, ["build", str(MASTER), "--out", str(out), "--only", only,
                                      "--today", "2015-01-01"])
    assert one_line(result) == (f"Error: There is no space left on the disk to write "
                                f"{out / 'policy_database.xlsx'}. Free some space (or choose "
                                "another folder) and run the command again.")
    assert files(out) == before


def test_ctrl_c_stops_the_outputs_written_apart_at_once(tmp_path: Path) -> None:
    """The policy database hangs in its own process and the matrix in the build's: Ctrl+C
    (to the build alone, as a terminal's would reach the command) ends both in one line,
    replaces nothing and leaves no process behind."""
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(MASTER), "--out", str(out), "--only",
                                    "matrix,policy_database", "--today", "2025-09-03"]
                              ).exit_code == 0
    before = files(out)
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        from matrixbook.outputs import matrix, policy_database
        from matrixbook.speedups import apart
        apart.APART_FROM = 0
        def hang(ctx):
            print("apart", os.getpid(), flush=True)
            time.sleep(600)
        def wait(ctx):
            print("writing", flush=True)
            signal.pause()
        object.__setattr__(policy_database.OUTPUT, "write", hang)
        object.__setattr__(matrix.OUTPUT, "write", wait)
        from matrixbook.cli import main
        sys.argv = ["matrixbook", "build", {str(MASTER)!r}, "--out", {str(out)!r},
                    "--only", "matrix,policy_database", "--today", "2015-01-01"]
        main()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout is not None
    said = {proc.stdout.readline().split()[0] for _ in range(2)}
    assert said == {"apart", "writing"}
    time.sleep(0.3)
    began = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - began < 20
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == [
        "Interrupted (Ctrl+C): the command stopped and no file was replaced."]
    assert files(out) == before


def test_the_hung_process_is_gone_after_ctrl_c(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        from matrixbook.outputs import matrix, policy_database
        from matrixbook.speedups import apart
        apart.APART_FROM = 0
        def hang(ctx):
            print(os.getpid(), flush=True)
            time.sleep(600)
        def fail(ctx):
            time.sleep(1)
            raise KeyboardInterrupt
        object.__setattr__(policy_database.OUTPUT, "write", hang)
        object.__setattr__(matrix.OUTPUT, "write", fail)
        from matrixbook.cli import main
        sys.argv = ["matrixbook", "build", {str(MASTER)!r}, "--out", {str(tmp_path / 'o')!r},
                    "--only", "matrix,policy_database", "--today", "2015-01-01"]
        main()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    _out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
