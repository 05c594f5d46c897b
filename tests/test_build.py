"""`matrixbook build` as a person runs it: what it prints, its exit status, where the files go,
and that it refuses, with a clear message, to build from a workbook with errors or over a file
that is open in Excel. The matrix output stands in for every output (`--only matrix`), so these
tests do not depend on the state of the other outputs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from matrixbook.cli import cli
from matrixbook.newbook import write_workbook
from matrixbook.outputs import discover_outputs
from matrixbook.schema import load_schema
from test_matrix import mapping_rows, write_mapping_book


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["build", *args])


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mapping_book(tmp_path_factory.mktemp("book") / "mapping.xlsx")


@pytest.fixture
def bad_book(tmp_path: Path) -> Path:
    """The test workbook with two errors: a relevance not in the list, a missing acronym."""
    rows = mapping_rows()
    rows["Themes"][1]["Relevance"] = "Very high"  # Themes!D3
    rows["Entities"][1]["Acronym"] = None  # Entities!B3
    return write_workbook(tmp_path / "bad.xlsx", load_schema(), rows)


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def test_workbook_with_errors_builds_nothing(bad_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(bad_book), "--out", str(out), "--only", "matrix")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "B3      error   Acronym is required" in result.stderr
    assert ("D3      error   'Very high' is not an allowed value for Relevance. "
            "Did you mean 'High'?") in result.stderr
    assert "bad.xlsx: 2 errors" in result.stderr
    assert result.stderr.endswith(
        "Nothing was built: fix the errors above, then run `matrixbook build` again.\n")
    assert not out.exists()


def test_only_picks_outputs_and_prints_what_it_wrote(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(book), "--out", str(out), "--only", "matrix")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Wrote {out / 'mapping_matrix.xlsx'}\n"
                             f"Built 1 file(s) for the internal audience in {out}.\n")
    assert sorted(p.name for p in out.iterdir()) == [".matrixbook-manifest.json",
                                                     "mapping_matrix.xlsx"]


def test_unknown_output_name_exits_2_naming_the_choices(book: Path, tmp_path: Path) -> None:
    result = run(str(book), "--out", str(tmp_path / "out"), "--only", "matrix,matrx")
    assert result.exit_code == 2
    names = ", ".join(o.name for o in discover_outputs())
    assert result.stderr == (f"Error: Unknown output 'matrx' (did you mean 'matrix'?); choose "
                             f"from {names}.\n")
    assert not (tmp_path / "out").exists()


def test_list_names_every_output_with_its_audience() -> None:
    result = CliRunner().invoke(cli, ["build", "--list"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0].split()
    assert first[:4] == ["matrix", "external", "en,fr", "mapping_matrix.xlsx:"]


def test_internal_output_refused_for_an_external_build(book: Path, tmp_path: Path) -> None:
    internal = [o.name for o in discover_outputs() if o.audience == "internal"]
    if not internal:
        pytest.skip("no internal-only output exists yet")
    result = run(str(book), "--out", str(tmp_path), "--only", internal[0],
                 "--audience", "external")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: The output '{internal[0]}' is internal only; build it "
                             "with --audience internal.\n")


def test_default_out_dir(book: Path, in_tmp: Path) -> None:
    result = run(str(book), "--only", "matrix")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Wrote {Path('out') / 'mapping_matrix.xlsx'}"
    assert (in_tmp / "out" / "mapping_matrix.xlsx").is_file()
    result = run(str(book), "--only", "matrix", "--audience", "external")
    assert result.exit_code == 0, result.output
    assert (in_tmp / "out" / "external" / "mapping_matrix.xlsx").is_file()
    assert result.stdout.endswith(
        f"Built 1 file(s) for the external audience in {Path('out') / 'external'}.\n")


@pytest.mark.parametrize("lock", ["~$mapping_matrix.xlsx", ".~lock.mapping_matrix.xlsx#"])
def test_output_open_in_excel_is_left_alone(book: Path, tmp_path: Path, lock: str) -> None:
    out = tmp_path / "out"
    assert run(str(book), "--out", str(out), "--only", "matrix").exit_code == 0
    target = out / "mapping_matrix.xlsx"
    before = target.read_bytes()
    (out / lock).write_bytes(b"")
    result = run(str(book), "--out", str(out), "--only", "matrix", "--today", "2015-01-01")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {target} is open in Excel or LibreOffice; close it and "
                             "run the command again.\n")
    assert "Traceback" not in result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == sorted([".matrixbook-manifest.json",
                                                            "mapping_matrix.xlsx", lock])


def test_source_open_in_excel_only_warns(book: Path, tmp_path: Path) -> None:
    source = tmp_path / "master.xlsx"
    source.write_bytes(book.read_bytes())
    (tmp_path / "~$master.xlsx").write_bytes(b"")
    result = run(str(source), "--out", str(tmp_path / "out"), "--only", "matrix")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {source} seems to be open in Excel or "
                                    "LibreOffice; edits not yet saved there are not in this "
                                    "build.\n")


def test_two_builds_are_byte_identical(book: Path, tmp_path: Path) -> None:
    files = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = run(str(book), "--out", str(out), "--only", "matrix", "--today", "2025-09-03")
        assert result.exit_code == 0, result.output
        files.append((out / "mapping_matrix.xlsx").read_bytes())
    assert files[0] == files[1]


def test_today_must_be_a_date(book: Path, tmp_path: Path) -> None:
    result = run(str(book), "--out", str(tmp_path), "--today", "03/09/2025")
    assert result.exit_code == 2
    assert ("'03/09/2025' is not a date; type it as YYYY-MM-DD, e.g. 2025-09-01."
            in result.stderr)


def test_not_a_workbook_exits_2_without_traceback(tmp_path: Path) -> None:
    fake = tmp_path / "notes.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    result = run(str(fake), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "notes.xlsx" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_folder_of_many_files_is_one_line_of_the_build_output() -> None:
    from matrixbook.cli import _written_lines

    notes = [Path("out/briefs") / f"ENT-{n:03d}.{ext}" for n in range(1, 7)
             for ext in ("docx", "html")]
    assert _written_lines([Path("out/matrix.xlsx"), *notes, Path("out/x/one.ics")]) == [
        f"Wrote {Path('out/matrix.xlsx')}",
        f"Wrote 12 files (.docx, .html) in {Path('out/briefs')}{os.sep}",
        f"Wrote {Path('out/x/one.ics')}",
    ]
    assert _written_lines(notes[:10]) == [f"Wrote {p}" for p in notes[:10]]
