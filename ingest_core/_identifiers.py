"""Identifiers and links: arXiv ids, DOIs and URLs pulled out of free text, in one clean form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeVar

from pydantic import ValidationError

from ingest_core.errors import BadIdentifier
from ingest_core.schemas import Identifiers, PersonIdentifiers, RecordWarning
from ingest_core.schemas.identifiers import bare_arxiv, bare_doi, bare_orcid

_Ids = TypeVar("_Ids", Identifiers, PersonIdentifiers)

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z.-]{1,20}(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/|\barxiv:\s*)({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?",
    re.IGNORECASE,
)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
_URL = re.compile(
    r"(?:https?://|www\.|(?<![\w./@-])(?:github\.com|gitlab\.com|huggingface\.co)/)[^\s<>\"'`{}\\]+",
    re.IGNORECASE,
)
_LINK_HINTS = ("://", "www.", "github.com/", "gitlab.com/", "huggingface.co/")
_TRAILING = ".,;:!?'\"*_>"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def normalize_arxiv(value: str) -> str:
    """Bare arXiv id (``2509.24002``, ``hep-th/9901001``), version dropped: the contract's
    own normaliser (:func:`~ingest_core.schemas.identifiers.bare_arxiv`), typed.

    Raises:
        BadIdentifier: the value is not an arXiv id.
    """
    try:
        return bare_arxiv(value)
    except ValueError:
        raise BadIdentifier(f"{value!r} is not an arXiv id",
                            hint="expected e.g. 2509.24002") from None


def normalize_doi(value: str) -> str:
    """Lower-case DOI without resolver prefix or the punctuation that ends a sentence
    around it: the contract's own normaliser (``bare_doi``), typed.

    Raises:
        BadIdentifier: the value is not a DOI.
    """
    try:
        return bare_doi(_DOI_PREFIX.sub("", value.strip()).rstrip(_TRAILING))
    except ValueError:
        raise BadIdentifier(f"{value!r} is not a DOI",
                            hint="expected e.g. 10.1145/1234.5678") from None


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(last) > url.count(_PAIRS[last])):
            url = url[:-1]
        else:
            break
    return url


_URL_STARTS = ("http", "www.", "github.com/", "gitlab.com/", "huggingface.co/")


def _url_matches(text: str, low: str) -> Iterator[re.Match[str]]:
    """What ``_URL.finditer(text)`` gives, trying the regex only where a URL can start.

    Without a literal prefix the regex is tried at every character (~150 µs on an abstract);
    every match starts where ``low`` (the lower-cased text) holds one of _URL_STARTS.
    """
    if len(low) != len(text):  # lower() changed lengths (rare letters): offsets differ
        yield from _URL.finditer(text)
        return
    starts: set[int] = set()
    for prefix in _URL_STARTS:
        at = low.find(prefix)
        while at >= 0:
            starts.add(at)
            at = low.find(prefix, at + 1)
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        m = _URL.match(text, at)
        if m is not None:
            yield m
            end = m.end()


def extract_links(text: str) -> list[str]:
    """URLs in ``text`` in order of appearance, deduplicated, trailing punctuation stripped."""
    low = text.lower()  # substring checks cost ~1 µs; the URL regex ~50 µs on an abstract
    if not any(hint in low for hint in _LINK_HINTS):
        return []
    seen: dict[str, None] = {}
    for m in _url_matches(text, low):
        url = _trim_url(m.group(0))
        if not url.lower().startswith(("http://", "https://")):
            url = "https://" + url
        if "." in url.split("://", 1)[1]:
            seen.setdefault(url, None)
    return list(seen)


def extract_identifiers(*texts: str | None) -> Identifiers:
    """First arXiv id and DOI found in the texts (abstracts, links)."""
    arxiv = doi = None
    for text in texts:
        if not text:
            continue
        low = text.lower()  # every form _ARXIV_IN_TEXT reads names arxiv or hf papers
        if arxiv is None and ("arxiv" in low or "huggingface.co/papers/" in low):
            m = _ARXIV_IN_TEXT.search(text)
            arxiv = m.group(1) if m else None
        if doi is None and "10." in text:
            m = _DOI_IN_TEXT.search(text)
            if m:
                try:
                    doi = normalize_doi(m.group(1))
                except BadIdentifier:
                    doi = None
    return Identifiers(arxiv=arxiv, doi=doi)


def checked_ids(
    model: type[_Ids], *, position: int | None = None, **values: object
) -> tuple[_Ids, list[RecordWarning]]:
    """``model(**values)`` (Identifiers or PersonIdentifiers) with every value that is not a
    valid id dropped and reported, so one bad PMID costs that id, never the whole record.

    None and empty values are skipped silently; the warnings (code ``bad_identifier``) name
    the field and the value, for the record's ``warnings``.
    """
    kept: dict[str, str] = {}
    warnings: list[RecordWarning] = []
    for field, raw in values.items():
        if raw is None or raw == "":
            continue
        text = str(raw)
        try:
            model.model_validate({field: text})
        except ValidationError as exc:
            reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
            message = f"{field}: {reason}"
            warnings.append(
                RecordWarning(code="bad_identifier", message=message, position=position)
            )
            continue
        kept[field] = text
    return model.model_validate(kept), warnings


def checked_orcid(value: object) -> str | None:
    """The bare ORCID iD in ``value`` (URL or bare, checksum verified), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return bare_orcid(value)
    except ValueError:
        return None
