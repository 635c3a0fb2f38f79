"""dblp person XML: one researcher's dblp page as the API serves it (``/pid/<pid>.xml``).

Sample URL: https://dblp.org/pid/95/7448-1.xml

The layout read (the current dblp person format; the old ``/pers/xk/…`` key lists are not
read)::

    <dblpperson name="Di Xu 0001" pid="95/7448-1" n="8">      name, pid, publication count
      <person key="homepages/95/7448-1" [publtype="disambiguation"]>
        <author pid="95/7448-1">Di Xu 0001</author>          the name, then any aliases
        <note type="affiliation" [label="former"]>…</note>   unlabelled = current affiliation
        <url>https://orcid.org/…</url>                       the person's own pages
      </person>
      <homonyms n="1"><h><person key="homepages/95/7448">
        <author pid="95/7448">Di Xu</author></person></h></homonyms>
      <r><inproceedings key="conf/…" mdate="…">              one <r> per record: article,
        <author pid="…" [orcid="…"]>…</author>…              inproceedings, incollection,
        (or <editor pid="…">…</editor>… for proceedings)     proceedings, book, phdthesis…
        <title>… .</title> <year>2012</year>
        <journal>…</journal> | <booktitle>…</booktitle>
        <ee>https://doi.org/…</ee>… <url>db/conf/….html#…</url>
      </inproceedings></r>
      <coauthors><co><na f="c/Coria=Mendoza:Lino" pid="…">…</na></co>…</coauthors>
    </dblpperson>

Records: one Profile (name without dblp's 4-digit disambiguation suffix, the full name in
``other_names``, pid, current affiliation, links, ORCID from an orcid.org link, works_count
from ``n``; a ``homonyms`` warning naming the homonym pids), then one Work per ``<r>`` (dblp
key, title minus the one trailing period dblp adds, authors in order with their pids and
ORCIDs, venue, year-precision date, record tag as work_type, ``ee`` links and the absolute
``url``, DOI from the first doi.org ``ee``, arXiv id from an arxiv.org ``ee``). A record with
no authors but editors lists the editors as its authors, with an ``editors_as_authors``
warning. Character references (``&#252;``) are decoded by the XML parser; names are kept as
printed. Given and family names come from dblp's own name keys (the ``f`` attribute of the
<coauthors> and <homonyms> entries, "family:given") when the key settles the split (a
two-word name, or a family of several words), else from :func:`split_name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from lxml import etree

from ingest_core.errors import BadIdentifier, MalformedEntry, ParseError
from ingest_core.parser import (
    NameParts,
    Page,
    ParseItem,
    RecordContext,
    checked_ids,
    checked_orcid,
    clean_text,
    date_from_parts,
    normalize_arxiv,
    split_name,
    text_of,
)
from ingest_core.schemas import (
    Author,
    Identifiers,
    PersonIdentifiers,
    Profile,
    ProfileMetrics,
    PublishedDate,
    RecordWarning,
    Work,
)

_ROOT = "dblpperson"
_SUFFIX = re.compile(r"(?<!\s)\s++\d{4}$")  # (?<!\s): one start per run of spaces
"""dblp's disambiguation number: "Di Xu 0001"."""
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(\S+?)(?:v(\d+))?(?:\.pdf)?$",
    re.IGNORECASE,
)
_DBLP_BASE = "https://dblp.org/"
_HEAD_CHARS = 1024
_NOT_WORKS = frozenset({"www", "person"})
"""Home-page records: the person, not a publication."""


def _strip_suffix(name: str) -> str:
    """"Di Xu 0001" -> "Di Xu"; names without the suffix are returned unchanged."""
    if name[-1:].isdigit():
        return _SUFFIX.sub("", name)
    return name


def _text(el: etree._Element | None) -> str:
    """:func:`text_of`, without the itertext walk for an element holding only text."""
    if el is None:
        return ""
    if len(el) == 0:
        return clean_text(el.text) if el.text else ""
    return text_of(el)


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return _DBLP_BASE + url.lstrip("/")


def _index_names(
    coauthors: etree._Element | None, homonyms: etree._Element | None
) -> dict[str, str]:
    """Name as printed -> dblp's name key ``f`` ("c/Coria=Mendoza:Lino"), from the
    <coauthors> list and the <homonyms>: the source's own family:given split."""
    index: dict[str, str] = {}
    if coauthors is not None:
        for na in coauthors.iter("na"):
            f = na.get("f")
            if f and na.text:
                index.setdefault(na.text, f)
    if homonyms is not None:
        for h in homonyms:
            f = h.get("f")
            author = h.find("person/author")
            if f and author is not None and author.text:
                index.setdefault(author.text, f)
    return index


def _split_by_key(name: str, f: str) -> NameParts | None:
    """Given and family of ``name`` by dblp's key "x/Family_Words:Given_Words" (``_`` a
    space, ``=`` a special character, a 4-digit word the homonym number), or None when the
    key's word counts do not fit the name.

    dblp's default key files the last word as the family name ("b/Berre:Tanguy_Le" for
    "Tanguy Le Berre"), so a one-word family is only taken from a two-word name; a family of
    several words is dblp's deliberate choice and always taken. Else :func:`split_name`.
    """
    key = f.partition("/")[2]
    family_key, sep, given_key = key.partition(":")
    if not sep:
        return None
    n_family = sum(1 for t in family_key.split("_") if t and not t.isdigit())
    n_given = sum(1 for t in given_key.split("_") if t)
    words = name.split(" ")
    if n_family == 0 or n_family + n_given != len(words):
        return None
    if n_family == 1 and len(words) > 2:
        return None
    return NameParts(name, " ".join(words[:n_given]) or None, " ".join(words[n_given:]))


class _Memo:
    """The page's people and years, built once each: coauthors repeat on every record."""

    __slots__ = ("_built", "_index", "_names", "_years")

    def __init__(self, index: dict[str, str]) -> None:
        self._index = index
        self._years: dict[str, PublishedDate | None] = {}
        self._names: dict[str, NameParts] = {}
        self._built: dict[tuple[str, str | None, str | None], tuple[Author, list[str]]] = {}

    def split(self, name: str, raw: str | None = None) -> NameParts:
        """Given and family of ``name`` (clean, suffix dropped; ``raw`` as printed): by the
        page's dblp name key when it has one that fits, else by :func:`split_name`."""
        parts = self._names.get(name)
        if parts is None:
            f = self._index.get(raw or name) or self._index.get(name)
            found = _split_by_key(name, f) if f is not None else None
            parts = self._names[name] = found if found is not None else split_name(name)
        return parts

    def author(self, el: etree._Element) -> tuple[Author | None, list[str]]:
        """The Author of an <author>/<editor> element and the problems with its ids."""
        raw = el.text if len(el) == 0 else None
        pid = el.get("pid")
        orcid_raw = el.get("orcid")
        key = (raw if raw is not None else text_of(el), pid, orcid_raw)
        found = self._built.get(key)
        if found is not None:
            return found
        name = _strip_suffix(clean_text(key[0] or ""))
        if not name:
            return None, []
        parts = self.split(name, key[0])
        problems: list[str] = []
        try:  # the common case, valid ids: validated once, inside the Author
            author = Author(
                name=parts.name, given=parts.given, family=parts.family, orcid=orcid_raw,
                identifiers={"dblp": pid},
            )
        except ValueError:  # pydantic's ValidationError: drop and report the bad id
            ids, warnings = checked_ids(PersonIdentifiers, dblp=pid)
            problems += [w.message for w in warnings]
            orcid = checked_orcid(orcid_raw)
            if orcid_raw and orcid is None:
                problems.append(f"orcid: {orcid_raw!r} is not a valid ORCID iD")
            author = Author(
                name=parts.name, given=parts.given, family=parts.family, orcid=orcid,
                identifiers=ids,
            )
        self._built[key] = (author, problems)
        return author, problems

    def year(self, text: str) -> PublishedDate | None:
        if text not in self._years:
            self._years[text] = date_from_parts(text)
        return self._years[text]


class DblpPersonParser:
    """A dblp person XML: the person's Profile, then one Work per publication record."""

    name = "dblp_person"
    source = "dblp"
    version = "1"
    url_patterns: Sequence[str] = (
        r"dblp\.(?:org|uni-trier\.de|dagstuhl\.de)/pid/[^?#]+\.xml",
    )

    def detect(self, page: Page) -> float:
        """0.95 for a well-formed document whose root is <dblpperson>; 0.6 when it opens with
        <dblpperson> but is not well-formed (so the parse explains why); else 0."""
        if page.kind != "xml" or "<dblpperson" not in page.text[:_HEAD_CHARS]:
            return 0.0
        root = page.tree
        if root is None:
            return 0.6
        if root.tag != _ROOT:
            return 0.0
        score = 0.95
        if root.get("pid"):
            score += 0.02
        if page.url_matches(self.url_patterns):
            score += 0.03
        return min(1.0, score)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Profile, then a Work (or MalformedEntry) per <r> record, in page order.

        Raises:
            ParseError: the XML is not well-formed, its root is not <dblpperson>, or it names
                no person.
        """
        root = page.tree
        if root is None:
            raise ParseError(
                f"{page.xml_error or 'the page is not XML'}; a dblp person XML "
                "(https://dblp.org/pid/<pid>.xml) is expected",
                input=page.name, parser=self.name,
            )
        if root.tag != _ROOT:
            raise ParseError(
                f"the root element is <{root.tag}>, not <dblpperson>: only dblp person XML "
                "is read",
                input=page.name, parser=self.name,
            )
        ctx = RecordContext(self, page)
        person: etree._Element | None = None
        homonyms: etree._Element | None = None
        coauthors: etree._Element | None = None
        records: list[etree._Element] = []
        for child in root:  # the top level only; records are read below
            tag = child.tag
            if tag == "r":
                records.append(child)
            elif tag == "person" and person is None:
                person = child
            elif tag == "homonyms":
                homonyms = child
            elif tag == "coauthors":
                coauthors = child
        people = _Memo(_index_names(coauthors, homonyms))
        works = [self._work(ctx, i, r, people) for i, r in enumerate(records)]

        full = clean_text(root.get("name") or "")
        aliases: list[str] = []
        if person is not None:
            aliases = [n for n in (text_of(a) for a in person.iterfind("author")) if n]
        if not full and aliases:
            full = aliases[0]
        if not full:
            raise ParseError(
                "the <dblpperson> names no person (no name attribute, no <person><author>)",
                input=page.name, parser=self.name,
            )
        name = _strip_suffix(full)
        other_names: list[str] = []
        for alias in [full, *aliases]:
            if alias != name and alias not in other_names:
                other_names.append(alias)

        warnings: list[RecordWarning] = []
        ids, id_warnings = checked_ids(PersonIdentifiers, dblp=root.get("pid"))
        warnings += id_warnings
        affiliation: str | None = None
        links: list[str] = []
        orcid: str | None = None
        if person is not None:
            for note in person.iterfind("note"):
                if note.get("type") == "affiliation" and note.get("label") is None:
                    affiliation = text_of(note) or None
                    if affiliation:
                        break
            for url_el in person.iterfind("url"):
                url = text_of(url_el)
                if url and url not in links:
                    links.append(url)
                    if orcid is None and "orcid.org/" in url:
                        orcid = checked_orcid(url)
            if person.get("publtype") == "disambiguation":
                warnings.append(RecordWarning(
                    code="disambiguation_profile",
                    message=f"dblp marks {full!r} as a disambiguation page: its records belong "
                            "to several people who share the name",
                ))
        if homonyms is not None:
            found = _homonyms(homonyms)
            if found:
                listed = ", ".join(f"{pid} ({hname})" if hname else pid for pid, hname in found)
                warnings.append(RecordWarning(
                    code="homonyms",
                    message=f"dblp lists {len(found)} other person(s) with this name: {listed}; "
                            "do not merge them by name alone",
                ))
        n = root.get("n")
        works_count = int(n) if n is not None and n.isdigit() else None
        parts = people.split(name, full)
        yield from ctx.page_items(
            Profile, works,
            name=parts.name, given=parts.given, family=parts.family,
            affiliation=affiliation,
            metrics=ProfileMetrics(works_count=works_count),
            orcid=orcid,
            identifiers=ids,
            other_names=other_names,
            links=links,
            warnings=warnings,
        )

    def _work(
        self, ctx: RecordContext, position: int, r: etree._Element, people: _Memo
    ) -> Work | MalformedEntry:
        record = next(iter(r), None)
        if record is None or not isinstance(record.tag, str):
            return ctx.malformed(position, "the <r> element holds no record")
        tag = record.tag
        if tag in _NOT_WORKS:
            return ctx.malformed(position, f"a <{tag}> (home page) record, not a publication")
        title_el: etree._Element | None = None
        authors: list[Author] = []
        editors: list[Author] = []
        problems: list[str] = []
        venue: str | None = None
        booktitle: str | None = None
        year_text: str | None = None
        ees: list[str] = []
        url: str | None = None
        for el in record:
            field = el.tag
            if field in ("author", "editor"):
                author, bad = people.author(el)
                if author is not None:
                    (authors if field == "author" else editors).append(author)
                problems += bad
            elif field == "title":
                title_el = el
            elif field == "year":
                year_text = (el.text or "").strip()
            elif field == "journal":
                venue = _text(el) or venue
            elif field == "booktitle":
                booktitle = _text(el) or None
            elif field == "ee":
                ee = (el.text or "").strip()
                if ee:
                    ees.append(ee)
            elif field == "url":
                url = (el.text or "").strip() or url

        title = _text(title_el)
        if title.endswith("."):
            title = title[:-1].rstrip()
        if not title:
            return ctx.malformed(position, f"the <{tag}> record has no title")

        warnings = [RecordWarning(code="bad_identifier", message=m, position=position)
                    for m in problems]
        if not authors and editors:
            authors = editors
            warnings.append(RecordWarning(
                code="editors_as_authors",
                message="the record lists editors and no authors; the editors are given as "
                        "its authors",
                position=position,
            ))

        published = people.year(year_text) if year_text else None
        if year_text and published is None:
            warnings.append(RecordWarning(
                code="bad_date", message=f"year {year_text!r} is not a year; left null",
                position=position,
            ))

        links: list[str] = []
        doi: str | None = None
        arxiv: str | None = None
        arxiv_version: int | None = None
        for ee in ees:
            link = _absolute(ee)
            if link not in links:
                links.append(link)
            if doi is None:
                m = _DOI_URL.match(ee)
                if m is not None:
                    doi = m.group(1)
                    continue
            if arxiv is None and "arxiv.org/" in ee:
                am = _ARXIV_URL.match(ee)
                if am is not None:
                    try:
                        arxiv = normalize_arxiv(am.group(1))
                    except BadIdentifier:  # not an arXiv id: the link is kept
                        pass
                    else:
                        arxiv_version = int(am.group(2)) if am.group(2) else None
        if url:
            link = _absolute(url)
            if link not in links:
                links.append(link)
        key = record.get("key")
        fields: dict[str, Any] = {
            "title": title,
            "authors": authors,
            "author_count": len(authors) or None,
            "authors_complete": bool(authors),
            "published": published,
            "year": published.date.year if published is not None else None,
            "venue": venue or booktitle,
            "work_type": tag,
            "links": links,
            "warnings": warnings,
        }
        # the common case, all ids valid: validated once, inside the Work
        ids = {"dblp": key, "doi": doi, "arxiv": arxiv, "arxiv_version": arxiv_version}
        work = ctx.build(Work, position, identifiers=ids, **fields)
        if isinstance(work, MalformedEntry):  # drop and report the bad ids, then retry
            checked, id_warnings = checked_ids(Identifiers, position=position, **ids)
            fields["warnings"] = warnings + id_warnings
            work = ctx.build(Work, position, identifiers=checked, **fields)
        return work


def _homonyms(homonyms: etree._Element) -> Sequence[tuple[str, str]]:
    """(pid, name) of each homonym person listed under <homonyms>."""
    found: list[tuple[str, str]] = []
    for person in homonyms.iter("person"):
        author = person.find("author")
        pid = author.get("pid") if author is not None else None
        if not pid:
            key = person.get("key") or ""
            pid = key.removeprefix("homepages/") or None
        if pid:
            found.append((pid, text_of(author) if author is not None else ""))
    return found
