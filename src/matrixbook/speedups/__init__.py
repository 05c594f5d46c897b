"""The one place for matrixbook's speed tricks: reading threads, forked processes, pauses of the
cycle collector, and the use of library internals (jinja2, docxtpl, python-docx, zipfile).

The code a newcomer reads elsewhere is the plain, synchronous path; where it calls into this
package, the fast path is switched in. Both give the same bytes and the same findings
(tests/test_speedups.py compares them). Set the environment variable MATRIXBOOK_PLAIN=1 to run
the plain path alone (to rule a trick out when something looks wrong).

- `loading`: the workbook's sheets parsed in threads while pandas is imported.
- `jinja`: a jinja2 Environment that compiles each source once, reads dict keys first and
  escapes a printed string without markupsafe's Python constructor.
- `word`: docxtpl and python-docx steps done once a build instead of once a document, the
  rendered body parsed in its document's place (not moved into it), and a zip writer that
  reuses the compressed form of the parts every document shares.
- `pool`: forked worker processes (Linux only) for many documents and for diff's two files;
  `Later`: the notes of a build rendered by them while the build writes its other outputs.
- `apart`: the large outputs of a large build written each in a forked process of its own.
- `xlsxcells`: xlsxwriter's rows and shared strings written with less Python per cell.
- `collector`: the cycle collector paused or frozen while large tables stay alive.
"""

from __future__ import annotations

import os

PLAIN_VARIABLE = "MATRIXBOOK_PLAIN"


def enabled() -> bool:
    """Whether the fast path is on: always, unless MATRIXBOOK_PLAIN is set to 1 (or yes/true)."""
    return os.environ.get(PLAIN_VARIABLE, "").strip().lower() not in ("1", "yes", "true")
