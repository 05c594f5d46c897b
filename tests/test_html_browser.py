"""Issue 16, item 12: the HTML twins seen in a real browser (headless Chromium, Debian's
`chromium`, which scripts/test.sh installs when it is missing): on screen at a desktop width,
and printed on A4 with each major section from the top of a page and no table running past the
right margin."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

A4 = (595.0, 842.0)  # points
MARGIN = 2 / 2.54 * 72  # the print style's 2 cm left and right margins, in points

pytestmark = pytest.mark.browser


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        message = ("Chromium is not installed, so the HTML twins were NOT seen in a browser. "
                   "scripts/test.sh installs Debian's chromium; run it, or install it.")
        warnings.warn(message, stacklevel=2)
        print(message, file=sys.stderr)
        pytest.skip(message)
    return exe


def run_chromium(page: Path, *arguments: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *arguments, page.as_uri()],
            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def screenshot(page: Path, out: Path) -> tuple[int, int]:
    """Width and height of a 1200 × 1600 screenshot of `page` (read from the PNG header)."""
    run_chromium(page, f"--screenshot={out}", "--window-size=1200,1600")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def printed(page: Path, out: Path) -> list[tuple[float, float, list[tuple[str, float, float]]]]:
    """`page` printed to PDF by Chromium: each page's size and its words (text, top, right)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    run_chromium(page, f"--print-to-pdf={out}", "--no-pdf-header-footer")
    xml = subprocess.run(["pdftotext", "-bbox", str(out), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for chunk in xml.split("<page ")[1:]:
        width, height = (float(v) for v in re.search(
            r'width="([\d.]+)" height="([\d.]+)"', chunk).groups())
        words = [(w, float(top), float(right)) for top, right, w in re.findall(
            r'yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', chunk)]
        pages.append((width, height, words))
    return pages


def first_line(words: list[tuple[str, float, float]]) -> str:
    top = min(t for _, t, _ in words)
    return " ".join(w for w, t, _ in words if abs(t - top) < 2)


CASES = [
    ("built_external", "briefs/DLG-RABAT.html", ["Member states"]),
    ("built_external", "briefs/ENT-LAS.html", ["Member states"]),
    ("built_external", "inception_report.html",
     ["Entities and dialogues covered", "Workplan", "Interview calendar",
      "Data-collection plan"]),
    ("built", "inception_report.html",
     ["Entities and dialogues covered", "Workplan", "Interview calendar",
      "Data-collection plan"]),
]


@pytest.mark.parametrize(("build", "name", "sections"), CASES)
def test_html_twin_in_a_browser(request: pytest.FixtureRequest, build: str, name: str,
                                sections: list[str], tmp_path: Path) -> None:
    page = request.getfixturevalue(build) / name
    assert screenshot(page, tmp_path / "screen.png") == (1200, 1600)
    assert (tmp_path / "screen.png").stat().st_size > 30_000  # a page drawn, not a blank one

    pages = printed(page, tmp_path / "print.pdf")
    assert len(pages) >= 2
    assert {(round(w), round(h)) for w, h, _ in pages} == {(595, 842)}  # A4 portrait
    for number, (width, _, words) in enumerate(pages, start=1):
        beyond = [w for w, _, right in words if right > width - MARGIN + 3]
        assert not beyond, (name, number, beyond[:5])  # nothing runs past the right margin
    firsts = [first_line(words) for _, _, words in pages if words]
    for heading in sections:
        assert heading in firsts, (name, heading, firsts)  # starts a page


def page_width(page: Path, tmp_path: Path) -> int:
    """The width the page takes in a 1200-pixel-wide window (its scroll width), measured by
    a script added to a copy of it, read back from Chromium's DOM."""
    copy = tmp_path / page.name
    probe = ("<script>document.body.setAttribute('data-width', "
             "document.documentElement.scrollWidth)</script></body>")
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", probe),
                    encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={profile}", "--window-size=1200,1600", "--dump-dom",
             copy.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'data-width="(\d+)"', result.stdout)
    assert found, result.stderr[-2000:]
    return int(found.group(1))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_mapping_report_does_not_scroll_sideways(built: Path, lang: str,
                                                     tmp_path: Path) -> None:
    """The matrix table (a column per theme) ran 300 pixels past a 1200-pixel window: its theme
    headers now stand upright and the wide section may use more of the screen."""
    page = built / "mapping_report.html"
    if lang == "fr":
        from conftest import MASTER
        from matrixbook.api import build

        build(MASTER, tmp_path / "fr", only=["mapping_report"], lang="fr")
        page = tmp_path / "fr" / "mapping_report.html"
    assert page_width(page, tmp_path) <= 1200
