"""One clean form for every scholarly identifier the record contract holds.

Each function takes the forms that sources really print (resolver URLs, ``PMC`` prefixes,
upper-case DOIs, ``https://openalex.org/W…``) and returns the bare id, or raises ValueError
naming the value, which pydantic reports as a validation error on the field. Parsers use the
lenient wrappers in ``ingest_core.parser`` (which drop and report a bad value instead).
"""

from __future__ import annotations

import re

_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_OPENALEX = re.compile(
    r"^(?:https?://(?:api\.)?openalex\.org/(?:(?:works|authors|sources|institutions)/)?)?"
    r"([WASIPCFTK])(\d{2,12})$", re.IGNORECASE,
)
_ARXIV = re.compile(
    r"^(?:https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*)?"
    r"(\d{4}\.\d{4,5}|[a-z][a-z.-]{1,20}(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?$",
    re.IGNORECASE,
)
_PMID = re.compile(r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)?"
                   r"(?:pmid:\s*)?(\d{1,9})/?$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:https?://(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/)?(?:pmc)?(\d{1,9})/?$",
                    re.IGNORECASE)
_MAG = re.compile(r"^(?:mag:\s*)?(\d{1,12})$", re.IGNORECASE)
_S2_PAPER = re.compile(
    r"^(?:https?://(?:www\.|api\.)?semanticscholar\.org/(?:paper/(?:[^/]+/)?|graph/v1/paper/))?"
    r"([0-9a-f]{40})$", re.IGNORECASE,
)
_S2_AUTHOR = re.compile(
    r"^(?:https?://(?:www\.)?semanticscholar\.org/author/(?:[^/]+/)?)?(\d{1,12})$", re.IGNORECASE
)
_DBLP_KEY = re.compile(r"^(?:https?://dblp\.(?:org|uni-trier\.de)/rec/(?:xml/)?)?"
                       r"([a-z][\w-]*(?:/[\w.+-]+)+?)(?:\.(?:html|xml|bib))?$", re.IGNORECASE)
_DBLP_PID = re.compile(r"^(?:https?://dblp\.(?:org|uni-trier\.de)/pid/)?"
                       r"((?:\d+/[\w-]+|[a-z]/[\w-]+(?::[\w-]+)*))(?:\.(?:html|xml|bib))?$",
                       re.IGNORECASE)


def _bad(kind: str, value: str, example: str) -> ValueError:
    return ValueError(f"{value!r} is not a {kind} (expected e.g. {example})")


def bare_orcid(value: str) -> str:
    """``https://orcid.org/0000-0002-1825-0097`` or ``0000000218250097`` as
    ``0000-0002-1825-0097``, checksum verified (ISO 7064 11,2)."""
    found = _ORCID.search(value.strip())
    if found is None:
        raise _bad("ORCID iD", value, "0000-0002-1825-0097")
    digits = "".join(found.groups()).upper()
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValueError(f"ORCID iD {value!r} fails its check digit")
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def bare_arxiv(value: str) -> str:
    """A bare arXiv id (``2509.24002``, ``hep-th/9901001``), version and URL dropped."""
    m = _ARXIV.match(value.strip())
    if m is None:
        raise _bad("arXiv id", value, "2509.24002")
    return m.group(1)


def bare_doi(value: str) -> str:
    """Lower-case DOI without a resolver prefix (DOIs are case-insensitive)."""
    text = _DOI_PREFIX.sub("", value.strip()).rstrip(".,;").lower()
    if not _DOI.match(text):
        raise _bad("DOI", value, "10.1145/1234.5678")
    return text


def bare_openalex(value: str) -> str:
    """``https://openalex.org/W2741809807`` as ``W2741809807`` (works, authors, sources…)."""
    m = _OPENALEX.match(value.strip())
    if m is None:
        raise _bad("OpenAlex id", value, "W2741809807")
    return m.group(1).upper() + m.group(2)


def bare_pmid(value: str) -> str:
    """A PubMed id as its digits."""
    m = _PMID.match(value.strip())
    if m is None:
        raise _bad("PubMed id", value, "29456894")
    return m.group(1).lstrip("0") or "0"


def bare_pmcid(value: str) -> str:
    """A PubMed Central id as ``PMC`` and its digits."""
    m = _PMCID.match(value.strip())
    if m is None:
        raise _bad("PubMed Central id", value, "PMC5815332")
    return "PMC" + m.group(1)


def bare_mag(value: str) -> str:
    """A Microsoft Academic Graph id as its digits (OpenAlex W numbers reuse them)."""
    m = _MAG.match(value.strip())
    if m is None:
        raise _bad("MAG id", value, "2741809807")
    return m.group(1).lstrip("0") or "0"


def bare_s2_paper(value: str) -> str:
    """A Semantic Scholar paper id: 40 lower-case hex digits."""
    m = _S2_PAPER.match(value.strip())
    if m is None:
        raise _bad("Semantic Scholar paper id", value, "0a0a…, 40 hex digits")
    return m.group(1).lower()


def bare_s2_author(value: str) -> str:
    """A Semantic Scholar author id: its digits."""
    m = _S2_AUTHOR.match(value.strip())
    if m is None:
        raise _bad("Semantic Scholar author id", value, "2262347")
    return m.group(1)


def bare_dblp_key(value: str) -> str:
    """A dblp record key such as ``journals/tvcg/XuLF12`` (URL forms accepted)."""
    m = _DBLP_KEY.match(value.strip())
    if m is None:
        raise _bad("dblp record key", value, "conf/chi/XuF09")
    return m.group(1)


def bare_dblp_pid(value: str) -> str:
    """A dblp person id such as ``95/7448-1`` (URL forms accepted)."""
    m = _DBLP_PID.match(value.strip())
    if m is None:
        raise _bad("dblp person id", value, "95/7448-1")
    return m.group(1)


def bare_openalex_work(value: str) -> str:
    """An OpenAlex work id (``W…``), bare."""
    bare = bare_openalex(value)
    if not bare.startswith("W"):
        raise ValueError(f"{value!r} is an OpenAlex id, but not a work's (W…)")
    return bare


def bare_openalex_author(value: str) -> str:
    """An OpenAlex author id (``A…``), bare."""
    bare = bare_openalex(value)
    if not bare.startswith("A"):
        raise ValueError(f"{value!r} is an OpenAlex id, but not an author's (A…)")
    return bare
