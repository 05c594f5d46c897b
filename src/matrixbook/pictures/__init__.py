"""Pictures: the maps and charts the documents place (layer 5, a writing kit beside `xlsx` and
`documents`). They draw plain data that the outputs read from the model; they know nothing of
the workbook.

- `world`: the packaged country boundaries (Natural Earth via world-atlas) and the frames;
- `mapbase`: a frame drawn once (which country each pixel is, borders, small states' dots);
- `maps`: a body's members by role, the overlap of the mapped bodies (PNG and SVG);
- `charts`: the heat-map, the policies by body and year, the Gantt chart (matplotlib);
- `style`: colours, fonts, the disclaimer, `Picture`, byte-identical files.

What each picture shows and how to regenerate the boundary file: docs/pictures.md.
"""

from matrixbook.pictures.style import DISCLAIMER, Picture

__all__ = ["DISCLAIMER", "Picture"]
