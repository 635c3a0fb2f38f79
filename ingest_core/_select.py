"""CSS and XPath selection on a page's lxml tree, the way scrapers select (selectors compiled once).

CSS selectors are translated to XPath by ``cssselect`` (what ``lxml.cssselect`` uses) and the
compiled expression is kept, so a parser that selects per row pays the translation once.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import cast

from lxml import etree
from lxml.cssselect import CSSSelector

from ingest_core._text import tidy_text


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


@lru_cache(maxsize=512)
def _xpath(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def select(root: etree._Element, css: str) -> list[etree._Element]:
    """The elements under ``root`` that match the CSS selector ``css``, in document order."""
    return cast(list[etree._Element], _css(css)(root))


def select_one(root: etree._Element, css: str) -> etree._Element | None:
    """The first element that matches ``css``, or None."""
    found = cast(list[etree._Element], _css(css)(root))
    return found[0] if found else None


def xpath(root: etree._Element, expression: str) -> list[object]:
    """The result of an XPath 1.0 ``expression`` on ``root`` (elements, strings or numbers)."""
    result = _xpath(expression)(root)
    return list(result) if isinstance(result, list) else [result]


def text_of(element: etree._Element | None) -> str:
    """All text inside ``element`` as one clean line (NFC, white space collapsed; lxml has
    decoded the entities, so a literal "&lt;" in the text stays); "" for None, so a missing
    element reads as an empty field."""
    if element is None:
        return ""
    return tidy_text("".join(cast(Iterator[str], element.itertext())))


def select_text(root: etree._Element, css: str) -> str | None:
    """The clean text of the first element matching ``css``; None when nothing matches or
    the element is empty."""
    return text_of(select_one(root, css)) or None
