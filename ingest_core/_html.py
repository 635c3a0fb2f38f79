"""HTML to the line structure the text grammars read, with lxml's own tree (no BeautifulSoup).

Block elements become line breaks, inline elements run together exactly as a browser's
innerText would glue them (so ``<span>7</span><span>works</span>`` reads ``7works``, as in
scraped text), and script, style and navigation are dropped. The walk is iterative, so a
nesting bomb cannot exhaust the Python stack; the parser resolves no DTD, entity or network.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

from ingest_core._text import collapse_ws
from ingest_core.errors import EmptyPage

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|section|article|main|span|table|ul|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body)\b[^>]*>", re.IGNORECASE)

DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "nav",
        "iframe",
        "object",
        "canvas",
        "math",
        "select",
        "option",
        "datalist",
    }
)
BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "legend",
        "menu",
    }
)


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML document rather than scraped plain text."""
    head = text[:4096]
    return bool(_HTML_START.match(head) or _HTML_ANYWHERE.search(head))


def parse_html(raw: bytes, text: str, *, utf8: bool) -> HtmlElement:
    """Parse to an lxml tree without DTD, entity or network resolution.

    Raises:
        EmptyPage: the document has no element at all.
    """
    parser = HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lag lxml's HTMLParser
        encoding="utf-8",
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        recover=True,
        default_doctype=False,
        collect_ids=False,
    )
    data = raw if utf8 else text.encode("utf-8")
    try:
        root = etree.fromstring(data, parser)
    except etree.Error as exc:  # lxml's own failure, translated at the call site
        raise EmptyPage(f"lxml found no HTML document ({exc})") from exc
    if root is None:
        raise EmptyPage("the HTML document has no elements")
    return root


def html_lines(root: HtmlElement) -> list[str]:
    """The page's visible lines, in document order, whitespace collapsed, empties dropped."""
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = collapse_ws("".join(buf))
            if line:
                lines.append(line)
            buf.clear()

    skip_depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if skip_depth or tag in DROPPED:
                skip_depth += 1
                continue
            if tag in BLOCK:
                flush()
            if el.text:
                buf.append(el.text)
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0 and el.tail:
                    buf.append(el.tail)
                continue
            if tag in BLOCK:
                flush()
            if el.tail:
                buf.append(el.tail)
    flush()
    return lines


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a plain-text page, whitespace collapsed."""
    out = []
    for raw_line in text.splitlines():
        line = collapse_ws(raw_line)
        if line:
            out.append(line)
    return out


def hydrater_props(root: HtmlElement, target: str) -> dict[str, Any] | None:
    """The JSON in ``data-props`` of the ``SVELTE_HYDRATER`` element with ``data-target``.

    lxml has already undone the attribute quoting, so served pages (``&quot;``-escaped) and
    re-serialised ones (single-quoted raw JSON) read the same. None when absent or broken.
    """
    for el in root.iter("div", "span", "section"):
        if el.get("data-target") == target:
            props = el.get("data-props")
            if not props:
                return None
            try:
                data = json.loads(props)
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
    return None
