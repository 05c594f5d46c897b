"""Docs cannot drift: the README documents every command and option the CLI has, CI runs
the README's own test command, and the changelog and `--version` name the version of
pyproject.toml."""

from __future__ import annotations

import re
import tomllib

from click.testing import CliRunner

from conftest import REPO
from matrixbook.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_command_and_option() -> None:
    reference = README.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    for name, command in cli.commands.items():
        assert f"matrixbook {name}" in reference, f"README lacks `matrixbook {name}`"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in reference, f"README lacks {opt} of `matrixbook {name}`"


def test_ci_runs_the_readme_test_command() -> None:
    block = re.search(r"<!-- test-command -->\n```\n(.+)\n```", README)
    assert block, "README has no test command after <!-- test-command -->"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
    main = re.search(r"<!-- main-command -->\n```\n(.+)\n```", README)
    assert main and "matrixbook validate" in main.group(1) and "matrixbook build" in main.group(1)


def _version() -> str:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["version"])


def test_the_changelog_top_release_is_the_version_of_pyproject() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.MULTILINE)
    assert released, "CHANGELOG.md has no '## [x.y.z]' section"
    assert released[0] == _version(), (
        f"CHANGELOG.md's latest release is {released[0]} but pyproject.toml says {_version()}: "
        "bump the version with the release (or add its section to the changelog)")


def test_version_option_prints_the_version_of_pyproject() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="matrixbook")
    assert result.exit_code == 0
    assert result.output == f"matrixbook, version {_version()}\n", (
        "the installed metadata is stale: run `.venv/bin/pip install -e '.[test]'` again")
