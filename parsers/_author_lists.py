"""Author lists as profile pages print them: "A, B, C et al." or "A, B and C".

Shared by the profile parsers. A list is only recognised when every part reads as a person's
name (capitalised tokens, initials, particles), so an abstract or a sentence is never taken
for one. "Family, Given" lists cannot be told apart from two names by commas and are not
special-cased: the page formats we read print "Given Family".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest_core._names import PARTICLES, split_name
from ingest_core._text import clean_text
from schemas import Author

_ET_AL = re.compile(r"[,;]?\s*(?:et\.?\s*al\b\.?|and others)\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|;\s*|\s+and\s+|\s*&\s*)")
# One token of a name: letters of any script, with inner apostrophes, hyphens or periods
# ("O'Neil", "Jean-Luc", "B.", "J.-P.").
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*\.?$")
MAX_NAME_TOKENS = 6
MAX_NAME_CHARS = 80
MAX_LIST_CHARS = 50_000


@dataclass(frozen=True, slots=True)
class AuthorList:
    authors: list[Author]
    complete: bool
    """False when the list ends in "et al." (more authors than shown)."""


def _is_name(part: str) -> bool:
    tokens = part.split()
    if not 1 <= len(tokens) <= MAX_NAME_TOKENS or len(part) > MAX_NAME_CHARS:
        return False
    for token in tokens:
        if not _NAME_TOKEN.match(token):
            return False
        if token[0].islower() and token.lower() not in PARTICLES:
            return False
    return True


def parse_author_list(line: str) -> AuthorList | None:
    """The authors of a line like "Shahin Hakemi, Naveed Akhtar et al.", or None if it is no list.

    Args:
        line: one line of the page.

    Returns:
        The authors in page order and whether the list is complete; None when any part of
        the line does not read as a name (a sentence, a title, a button label).
    """
    if len(line) > MAX_LIST_CHARS:
        return None
    text = clean_text(line)
    et_al = _ET_AL.search(text)
    if et_al is not None:
        text = text[: et_al.start()]
    parts = [p for p in _SEPARATOR.split(text) if p]
    if not parts:
        return None
    if not all(_is_name(p) for p in parts):
        return None
    if et_al is None and len(parts) == 1 and " " not in parts[0]:
        return None  # one bare word ("PDF", "Salimi") is too weak to call a list
    authors = []
    for part in parts:
        split = split_name(part)
        authors.append(Author(name=split.name, given=split.given, family=split.family))
    return AuthorList(authors=authors, complete=et_al is None)
