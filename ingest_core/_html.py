"""HTML to the line structure the text grammars read, with lxml's own tree (no BeautifulSoup).

Block elements become line breaks, inline elements run together exactly as a browser's
innerText would glue them (so ``<span>7</span><span>works</span>`` reads ``7works``, as in
scraped text), and script, style and navigation are dropped. The walk runs in libxslt (a
compiled stylesheet marks block boundaries, about 4x faster than walking events in Python);
a Python walk, iterative so a nesting bomb cannot exhaust the stack, is the fallback. The
parser resolves no DTD, entity or network.
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from lxml.html import HtmlElement, HTMLParser

from ingest_core._text import collapse_ws
from ingest_core.errors import EmptyPage

_HTML_START = re.compile(
    # a comment is read one way only ("-" not followed by "->"), so a run of comments fails in
    # linear time (the lazy ".*?" under DOTALL tried every split of every comment)
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:[^-]|-(?!->))*+-->\s*)*+"
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|section|article|main|span|table|ul|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)
# ASCII white space other than a single space or "\n" (what str.split and str.splitlines
# treat specially): where an ASCII text has none, its lines need no collapsing.
_IRREGULAR_ASCII_WS = ("  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
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


class _Parsers(threading.local):
    """lxml parsers, made once per thread (a parser is reusable, but not across threads):
    making one costs about as much as parsing a small page."""

    def __init__(self) -> None:
        self.html = HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lag lxml's HTMLParser
            encoding="utf-8",
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            recover=True,
            default_doctype=False,
            collect_ids=False,
        )
        self.xml = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
            remove_pis=True, huge_tree=False,
        )


_PARSERS = _Parsers()


def _parsers() -> _Parsers:
    return _PARSERS


def parse_html(raw: bytes, text: str, *, utf8: bool) -> HtmlElement:
    """Parse to an lxml tree without DTD, entity or network resolution.

    Raises:
        EmptyPage: the document has no element at all.
    """
    parser = _parsers().html
    data = raw if utf8 else text.encode("utf-8")
    try:
        root = etree.fromstring(data, parser)
    except etree.Error as exc:  # lxml's own failure, translated at the call site
        raise EmptyPage(f"lxml found no HTML document ({exc})") from exc
    if root is None:
        raise EmptyPage("the HTML document has no elements")
    return root


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def parse_xml(raw: bytes, text: str, *, utf8: bool) -> etree._Element:
    """Parse an XML document strictly, resolving no DTD, entity or network.

    Raises:
        lxml.etree.XMLSyntaxError: the document is not well-formed (the caller reports it).
    """
    parser = _parsers().xml
    # lxml decodes bytes by their declaration; text already decoded otherwise is handed
    # over as UTF-8 with the (now wrong) declaration dropped
    data = raw if utf8 else _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    root: etree._Element = etree.fromstring(data, parser)
    return root


def sniff_kind(text: str) -> str:
    """``html``, ``xml``, ``json`` or ``text``, from the first characters of a decoded page."""
    if looks_like_html(text):
        return "html"
    head = text[:64].lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        return "xml"
    if head.startswith(("{", "[")):
        return "json"
    return "text"


_BLOCK_MARK = "\ue000"
"""A private-use character the stylesheet writes at every block boundary."""
_MARK_ENTITY = re.compile(r"&#(?:0*57344|[xX]0*[eE]000);")

_LINES_XSLT = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{'|'.join(sorted(DROPPED))}"/>
<xsl:template match="{'|'.join(sorted(BLOCK))}"
  >&#xE000;<xsl:apply-templates/>&#xE000;</xsl:template>
</xsl:stylesheet>"""

_DENY_ALL = etree.XSLTAccessControl(  # type: ignore[call-arg]  # lxml-stubs lag lxml
    read_file=False, write_file=False, create_dir=False, read_network=False, write_network=False
)
_local = threading.local()  # one compiled stylesheet per thread: lxml's XSLT is not shared


def _lines_transform() -> etree.XSLT:
    transform: etree.XSLT | None = getattr(_local, "transform", None)
    if transform is None:
        transform = _local.transform = etree.XSLT(
            etree.XML(_LINES_XSLT), access_control=_DENY_ALL
        )
    return transform


def html_lines(root: HtmlElement, source: str | None = None) -> list[str]:
    """The page's visible lines, in document order, whitespace collapsed, empties dropped.

    ``source`` is the page's text: when it may hold the marker character itself (never on a
    real page), the Python walk runs instead, so the lines are exact either way.
    """
    if source is not None and (
        _BLOCK_MARK in source or ("&#" in source and _MARK_ENTITY.search(source))
    ):
        return _walk_lines(root)
    try:
        text = str(_lines_transform()(root))
    except etree.Error:  # libxslt's own limits (depth, memory): the Python walk has none
        return _walk_lines(root)
    return [line for line in (" ".join(part.split()) for part in text.split(_BLOCK_MARK)) if line]


def _walk_lines(root: HtmlElement) -> list[str]:
    """html_lines by walking start/end events in Python, when libxslt gives up."""
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
    if text.isascii() and not any(ws in text for ws in _IRREGULAR_ASCII_WS):
        # only single spaces and "\n": nothing to collapse, no word splitting
        return [line for line in (raw.strip(" ") for raw in text.split("\n")) if line]
    return [line for line in map(collapse_ws, text.splitlines()) if line]
