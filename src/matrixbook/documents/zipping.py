"""Zip packages written byte-identical from one build to the next."""

from __future__ import annotations

import io
import zipfile

# The zip timestamp every generated .docx carries (zip's epoch is 1980).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """The same .docx with every zip entry dated 1980-01-01 and fixed permissions, so two builds
    of the same data are byte-identical (python-docx stamps each entry with the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
