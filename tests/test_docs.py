"""Docs cannot drift: the README documents every command and option the CLI has, and CI runs
the README's own test command."""

from __future__ import annotations

import re

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
