"""Portrait uploads: the bytes are checked before anything decodes them.

The type is sniffed from the first bytes (the client's Content-Type and file name are never
trusted), the pixel count is read from the header before any decoding (a 20 000×20 000 PNG of a
few kilobytes must not become a gigabyte in memory), and the file is written under a name the
server makes up, so nothing from a request ever names a path.
"""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from PIL import Image

MAX_PIXELS = 40_000_000
"""Largest accepted photo in pixels (a 7 000 × 5 700 camera photo); bigger is refused unread."""
KEEP_UPLOADS = 5
"""Uploaded portraits kept on disk (the live one and a few before it)."""
_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


class UploadRefused(Exception):
    """An upload cannot become the portrait. Attributes: status (HTTP status), message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sniff(data: bytes) -> str | None:
    """"jpeg", "png" or "webp" from the magic bytes, else None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(data: bytes) -> str:
    """The image type of `data` after checking it is a JPEG/PNG/WebP of a sane pixel count.

    Raises:
        UploadRefused: 400 empty or unreadable, 415 not JPEG/PNG/WebP, 413 too many pixels.
    """
    if not data:
        raise UploadRefused(400, "the upload is empty: send the photo's bytes (JPEG, PNG or WebP)")
    kind = sniff(data)
    if kind is None:
        raise UploadRefused(
            415, "not a JPEG, PNG or WebP image (judged by its bytes); send a photo in one of those"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(
            413, f"the image has too many pixels; at most {MAX_PIXELS // 1_000_000} megapixels"
        ) from None
    except Exception as exc:
        raise UploadRefused(400, f"the {kind.upper()} image cannot be read ({exc})") from None
    if width * height > MAX_PIXELS:
        raise UploadRefused(
            413,
            f"the image is {width}x{height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels "
            "are accepted. Scale it down first",
        )
    return kind


def store(data: bytes, kind: str, folder: Path) -> Path:
    """Write checked upload bytes to a new server-named file in `folder`; older uploads beyond
    the last `KEEP_UPLOADS` are removed. Returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload-{secrets.token_hex(8)}.{kind}"
    path.write_bytes(data)
    uploads = sorted(folder.glob("upload-*"), key=lambda p: p.stat().st_mtime)
    for old in uploads[:-KEEP_UPLOADS]:
        old.unlink(missing_ok=True)
    return path
