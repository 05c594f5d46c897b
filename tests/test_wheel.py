"""The wheel carries schemas, templates and the default workbook, and works in an empty folder
outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # builds and installs the wheel: `-m "not slow"` leaves it out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(REPO)], check=True, capture_output=True)
    (whl,) = dist.glob("matrixbook-*.whl")
    return whl


def test_wheel_ships_schemas_templates_and_default_workbook(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "matrixbook/schemas/workbook.yaml" in names
    assert "matrixbook/schemas/sheets/policies.yaml" in names
    assert "matrixbook/workbook/master.xlsx" in names
    assert any(n.startswith("matrixbook/templates/") for n in names)
    assert "matrixbook/cli.py" in names


def test_installed_wheel_runs_in_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "matrixbook", *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import matrixbook; print(matrixbook.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(site))
    init = run("init", "workbook/master.xlsx")
    assert init.returncode == 0, init.stderr
    assert (work / "workbook" / "master.xlsx").read_bytes() == (
        REPO / "workbook" / "master.xlsx").read_bytes()
    valid = run("validate")
    assert valid.returncode == 0, valid.stdout + valid.stderr
    built = run("build", "--today", "2025-09-03")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Built" in built.stdout
    assert any((work / "out").iterdir())
    schema = run("schema")
    assert schema.returncode == 0 and '"version": "1.0.0"' in schema.stdout
