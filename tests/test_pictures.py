"""Pictures (issue 21): a membership map in every brief, the overlap map, heat-map and policies
chart in the mapping report, the Gantt chart in the inception report, the overlap map on the
matrix's Summary sheet. Each is checked where a reader meets it: the image in the Word file
(with its alt text), the SVG in the HTML twin, the colour of a country on the map."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import MASTER, TODAY, to_pdf
from matrixbook.pictures import mapbase, maps, style, world

GCC = ["ARE", "BHR", "KWT", "OMN", "QAT", "SAU"]
RIYADH = (46.7, 24.7)
SINAI = (33.8, 29.8)  # Egypt, inside the Gulf frame
SANAA = (44.2, 15.4)
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def media(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith(("word/media/", "xl/media/"))}


def stored_apart(docx: Path) -> tuple[list[str], list[str]]:
    """(the parts kept uncompressed, the other parts that are not deflated) of a package."""
    with zipfile.ZipFile(docx) as z:
        stored = [i.filename for i in z.infolist() if i.compress_type == zipfile.ZIP_STORED]
        odd = [i.filename for i in z.infolist()
               if i.filename not in stored and i.compress_type != zipfile.ZIP_DEFLATED]
    return stored, odd


def alt_texts(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)


def figures(html: Path) -> list[str]:
    return re.findall(r'<figure class="picture">(<svg.*?</svg>)<figcaption>(.*?)</figcaption>',
                      html.read_text(encoding="utf-8"), re.S)


def png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_every_brief_carries_its_map(built: Path) -> None:
    notes = sorted((built / "briefs").glob("*.docx"))
    assert len(notes) == 17
    for note in notes:
        images = media(note)
        assert len(images) == 1, note.name
        # The map is stored as it is (a PNG is deflated inside); every other part deflated.
        assert stored_apart(note) == (list(images), []), note.name
        (alt,) = alt_texts(note)
        assert alt.startswith("Map of the states that hold a role in "), (note.name, alt)
        (found,) = figures(note.with_suffix(".html"))
        svg, caption = found
        words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert 'role="img"' in svg and style.DISCLAIMER in words, note.name
        assert caption.startswith("States holding a role in "), caption
    gcc = built / "briefs" / "ENT-GCC.docx"
    assert "6 members: Bahrain, Kuwait, Oman, Qatar, Saudi Arabia, United Arab Emirates" in \
        alt_texts(gcc)[0]


def test_reports_carry_their_pictures(built: Path) -> None:
    report = built / "mapping_report.docx"
    assert len(media(report)) == 3
    assert stored_apart(report) == (list(media(report)), [])
    alts = alt_texts(report)
    assert [a.split(" ")[0] for a in alts] == ["Heat-map", "Map", "Chart"]
    captions = [c for _, c in figures(built / "mapping_report.html")]
    assert len(captions) == 3 and captions[1].startswith("Countries by the number of the 17")
    inception = built / "inception_report.docx"
    assert len(media(inception)) == 1
    (alt,) = alt_texts(inception)
    assert "Deliverable 1 on 12 September 2025; Deliverable 2 on 30 September 2025" in alt
    assert len(figures(built / "inception_report.html")) == 1
    matrix = media(built / "mapping_matrix.xlsx")
    assert list(matrix) == ["xl/media/image1.png"]
    with zipfile.ZipFile(built / "mapping_matrix.xlsx") as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode("utf-8")
    assert 'descr="Map of how many of the 17 mapped bodies' in drawing


def test_external_build_has_the_same_pictures(built: Path, built_external: Path) -> None:
    """Pictures show bodies and countries only: the external notes carry the same maps."""
    for note in sorted((built_external / "briefs").glob("*.docx")):
        assert media(note) == media(built / "briefs" / note.name), note.name


def test_two_builds_give_byte_identical_pictures(built: Path, tmp_path: Path) -> None:
    """A second build in a process of its own (no cache shared) gives the same images."""
    out = tmp_path / "again"
    subprocess.run([sys.executable, "-m", "matrixbook", "build", str(MASTER), "--out", str(out),
                    "--today", TODAY, "--only", "briefs,mapping_report,inception_report,matrix"],
                   check=True, capture_output=True)
    for name in ("briefs/ENT-GCC.docx", "briefs/DLG-RABAT.docx", "mapping_report.docx",
                 "inception_report.docx", "mapping_matrix.xlsx"):
        assert media(out / name) == media(built / name), name
    for name in ("briefs/ENT-OIC.html", "mapping_report.html", "inception_report.html"):
        assert figures(out / name) == figures(built / name), name


def gcc_frame() -> mapbase.MapBase:
    name, bounds = world.frame_for(GCC)
    assert name == "Gulf"
    return mapbase.base(name, bounds)


def test_member_country_has_the_member_colour(built: Path) -> None:
    """On the GCC note's map, Saudi Arabia is in the member colour; Egypt and Yemen, inside
    the frame but not members, are not."""
    (image,) = media(built / "briefs" / "ENT-GCC.docx").values()
    picture = png(image)
    frame = gcc_frame()
    for place, code, colour in ((RIYADH, "SAU", style.ROLE_COLOURS["Member"]),
                                (SINAI, "EGY", style.LAND), (SANAA, "YEM", style.LAND)):
        x, y = frame.pixel(*place)
        assert frame.country_at(x, y) == code  # the pixel is inside that country
        assert picture.getpixel((x, y)) == colour, code
    assert picture.getpixel((5, 5)) == style.SEA  # the Mediterranean's corner


def test_bahrain_gets_a_marker(built: Path) -> None:
    (image,) = media(built / "briefs" / "ENT-GCC.docx").values()
    picture = png(image)
    frame = gcc_frame()
    (marker,) = [m for m in frame.markers if m.code == "BHR"]
    cx, cy = (int(v) for v in marker.centre)
    assert picture.getpixel((cx, cy)) == style.ROLE_COLOURS["Member"]
    ring = picture.getpixel((int(marker.centre[0] + mapbase.MARKER_RADIUS), cy))
    assert sum(ring) < 200, ring  # the dark outline that makes the dot stand out
    # Qatar and Saudi Arabia are large enough to see: no marker
    assert {m.code for m in frame.markers} & {"SAU", "QAT", "OMN"} == set()


def test_unconfirmed_role_is_lighter_and_observer_apart() -> None:
    roles = {"SAU": ("Member", False), "OMN": ("Observer", True), "ARE": ("Member", True)}
    picture = maps.membership_map("test", roles, "test map")
    frame = gcc_frame()
    image = png(picture.png)
    assert image.getpixel(frame.pixel(*RIYADH)) == style.lighter(style.ROLE_COLOURS["Member"])
    assert image.getpixel(frame.pixel(57.0, 21.0)) == style.ROLE_COLOURS["Observer"]
    assert "Member, not confirmed" in picture.svg and "Observer" in picture.svg


def test_alt_text_from_the_workbook_is_escaped_in_the_svg() -> None:
    picture = maps.membership_map("x", {"SAU": ("Member", True)}, 'A <script>"x"</script>')
    assert "<script>" not in picture.svg
    assert "&lt;script&gt;" in picture.svg


@pytest.mark.office
def test_brief_map_prints_in_libreoffice(built: Path, tmp_path: Path) -> None:
    """LibreOffice places the map as an image on the page that lists the members."""
    pdf = to_pdf(built / "briefs" / "ENT-GCC.docx", tmp_path)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    if listing.returncode != 0:
        pytest.skip("pdfimages (poppler-utils) is not installed")
    rows = [line.split() for line in listing.stdout.splitlines()[2:] if line.strip()]
    assert len(rows) == 1 and int(rows[0][3]) == gcc_frame().size[0]  # width in pixels


def test_no_line_runs_through_a_deadline_label() -> None:
    """The Gantt's deadline labels sit left of their dashed line, on white: the line (and the
    dotted line of today) crossed 'Deliverable 1: 12 Sep' when the label was centred on it."""
    from datetime import date, timedelta

    import numpy as np

    from matrixbook.pictures import charts

    bars = [charts.Bar(f"WP-{i:02d} task", "Inception", date(2025, 8, 18 + i),
                       date(2025, 8, 18 + i) + timedelta(days=7), "Task") for i in range(8)]
    bars.append(charts.Bar("WP-09 final", "Inception", date(2025, 9, 1), date(2025, 9, 30),
                           "Task"))
    picture = charts.gantt(bars, ["Inception"], [("Deliverable 1", date(2025, 9, 12))],
                           alt="workplan", today=date(2025, 9, 3))
    assert picture is not None
    pixels = np.asarray(png(picture.png).convert("RGB")).astype(int)
    purple = np.all(np.abs(pixels - (0x7F, 0x3C, 0x8D)) < 40, axis=2)
    columns = np.flatnonzero(purple.sum(axis=0) > pixels.shape[0] * 0.3)
    line = int(columns.min())  # the dashed deadline line: purple down most of the picture
    top = pixels.shape[0] // 4  # the labels sit above the bars; the legend is at the foot
    label_rows = np.flatnonzero(purple[:top, : line - 10].any(axis=1))
    assert len(label_rows) > 5  # the label's words, left of the line
    right_of_line = purple[label_rows][:, line + 6: line + 60]
    assert not right_of_line.any()  # nothing of the label to the right of its line
    grey = np.all(pixels[label_rows][:, : line - 10] < 90, axis=2)  # today's dotted line
    label_box = purple[label_rows][:, : line - 10].any(axis=0)
    start = int(np.flatnonzero(label_box).min())
    assert not grey[:, start:].any()  # no dark dots inside the label's white box
