"""Raw bytes to text: gzip, size cap, binary sniffing and charset decoding.

Order: gzip is unwrapped (bounded, so a gzip bomb is refused like any large page), then the
BOM, then strict UTF-8, then a charset the page declares, then a detected one.
"""

from __future__ import annotations

import codecs
import os
import re
import zlib

from ingest_core.errors import (
    BinaryContent,
    EmptyPage,
    PageTooLarge,
    UndecodableBytes,
    UsageError,
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Pages larger than this (after gunzip) are refused; INGEST_MAX_PAGE_BYTES overrides it."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"(\xb5/\xfd", "a zstd archive"),
)
_DECLARED = re.compile(
    rb"""(?:<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40}))""",
    re.IGNORECASE,
)
_LATIN_FAMILY = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "latin_1",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
        "mac_roman",
        "mac_latin2",
        "cp850",
        "cp437",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def max_bytes_default() -> int:
    """The size cap in force: INGEST_MAX_PAGE_BYTES if set, else 50 MB."""
    raw = os.environ.get("INGEST_MAX_PAGE_BYTES")
    if raw is None or not raw.strip():
        return DEFAULT_MAX_BYTES
    if not raw.strip().isdigit() or int(raw) == 0:
        raise UsageError(f"INGEST_MAX_PAGE_BYTES must be a positive number of bytes, not {raw!r}",
                         hint="unset it for the 50 MB default")
    return int(raw)


def gunzip_bounded(raw: bytes, max_bytes: int, name: str | None) -> bytes:
    """Unwrap gzip without ever holding more than ``max_bytes`` of output."""
    out = bytearray()
    data = raw
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(data, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise BinaryContent(f"corrupt gzip stream ({exc})", input=name) from exc
        if len(out) > max_bytes or d.unconsumed_tail:
            raise PageTooLarge(f"gzip expands past the {max_bytes:,}-byte limit", input=name)
        data = d.unused_data  # concatenated gzip members
        if data and not data.startswith(b"\x1f\x8b"):
            break
    return bytes(out)


def decode(
    raw: bytes, *, name: str | None = None, max_bytes: int | None = None
) -> tuple[bytes, str, str]:
    """Return ``(bytes, text, encoding)``, the bytes un-gzipped; raise a typed InputError.

    Args:
        raw: the page as stored.
        name: how to name the input in errors (a path or URL).
        max_bytes: size cap; defaults to :func:`max_bytes_default`.

    Raises:
        EmptyPage, BinaryContent, UndecodableBytes, PageTooLarge.
    """
    limit = max_bytes_default() if max_bytes is None else max_bytes
    if len(raw) > limit:
        raise PageTooLarge(f"{len(raw):,} bytes is over the {limit:,}-byte limit", input=name)
    if raw[:2] == b"\x1f\x8b":
        raw = gunzip_bounded(raw, limit, name)
    if not raw.strip():
        raise EmptyPage("the page is empty", input=name)
    text, encoding = _to_text(raw, name)
    if not text.strip():
        raise EmptyPage("the page has no visible text", input=name)
    return raw, text, encoding


def _to_text(raw: bytes, name: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), encoding + "-bom"
            except UnicodeDecodeError as exc:
                raise UndecodableBytes(
                    f"bytes after a {encoding} BOM are not {encoding}", input=name
                ) from exc
    head = raw[:4096]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise BinaryContent(f"the content is {what}, not a page", input=name)
    if b"\x00" in head:
        raise BinaryContent("the content holds NUL bytes, so it is binary, not a page", input=name)
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_non_utf8(raw, name)
    sample = text[:8192]
    if _CONTROL.search(sample) and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise BinaryContent("the content is mostly control characters", input=name)
    return text, encoding


def _decode_non_utf8(raw: bytes, name: str | None) -> tuple[str, str]:
    match = _DECLARED.search(raw[:8192])
    if match:
        label = (match.group(1) or match.group(2)).decode("ascii", "replace")
        try:
            encoding = codecs.lookup(label).name
            return raw.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    from charset_normalizer import from_bytes

    best = from_bytes(raw[: 1024 * 1024]).best()
    if best is None or best.encoding is None:
        raise UndecodableBytes("no text encoding fits the bytes", input=name)
    encoding = best.encoding
    if encoding in _LATIN_FAMILY:
        # Detectors split hairs between Western single-byte codecs on short pages; like
        # browsers (WHATWG), take windows-1252 for undeclared Latin text when it fits.
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode(encoding), encoding
    except (LookupError, UnicodeDecodeError) as exc:
        raise UndecodableBytes(f"the bytes do not decode as {encoding}", input=name) from exc
