"""Text normalisation shared by every parser: entities, Unicode NFC, whitespace."""

from __future__ import annotations

import html
import re
import unicodedata

_WS = re.compile(r"\s+")
_LEADING_INT = re.compile(r"(?<!\s)\s*+(\d[\d,]*+)")


def collapse_ws(text: str) -> str:
    """Collapse every run of Unicode white space to one space and strip the ends."""
    # A printable text holds no white space but " " (tabs, newlines, Unicode spaces are all
    # unprintable), so without double or end spaces it is already collapsed: two C scans
    # instead of splitting an abstract into words and joining them again.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Decode HTML entities (even double-escaped ones), NFC, collapse white space."""
    if "&" in text:
        for _ in range(2):  # "&amp;#39;" arrives double-escaped in some JSON
            decoded = html.unescape(text)
            if decoded == text:
                break
            text = decoded
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return collapse_ws(text)


def tidy_text(text: str) -> str:
    """NFC and white space collapsed, entities left alone: for text a parser (lxml, json) has
    already decoded, where :func:`clean_text` would decode a literal "&amp;" once more."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return collapse_ws(text)


def safe_text(text: str) -> str:
    """``text`` as any database and JSON can hold it: lone surrogates and NUL escaped.

    A file name that is not UTF-8 arrives with its bytes as surrogate escapes
    (``caf\\udce9.txt``): it becomes ``caf\\xe9.txt``, the original bytes readable and
    recoverable; any other lone surrogate (``\\ud800`` from a JSON row) becomes its escape,
    and U+0000 becomes ``\\x00``. Clean text comes back unchanged (the common, fast case).
    """
    if "\x00" not in text:
        if text.isascii():
            return text
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
        text = raw.decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates outside the escape range
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\x00")


def fold(text: str) -> str:
    """Casefolded, diacritics removed, NFKC: a key for matching, never for display."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text).casefold()


def leading_int(text: str) -> int | None:
    """The integer a glued token starts with ("7works" -> 7, "1,234 followers" -> 1234)."""
    m = _LEADING_INT.match(text)
    return int(m.group(1).replace(",", "")) if m else None
