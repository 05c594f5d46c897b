"""Zip packages written byte-identical from one build to the next."""

from __future__ import annotations

import io
import zipfile

# The zip timestamp every generated .docx carries (zip's epoch is 1980).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def compress_type(name: str) -> int:
    """How a part is kept in a generated package: a picture of the document (word/media/*.png,
    already deflated inside) is stored as it is, which Word and LibreOffice read; deflating it
    again gains nothing and costs a few milliseconds a document. Every other part is
    deflated."""
    if name.startswith("word/media/") and name.lower().endswith(".png"):
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def deterministic_zip(data: bytes) -> bytes:
    """The same .docx with every zip entry dated 1980-01-01 and fixed permissions, so two builds
    of the same data are byte-identical (python-docx stamps each entry with the current time);
    its pictures stored, the rest deflated (`compress_type`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = compress_type(item.filename)
            info.external_attr = 0o600 << 16
            info.create_system = 0
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
