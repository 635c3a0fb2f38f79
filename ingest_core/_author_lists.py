"""Author lists as profile pages print them: "A, B, C et al." or "A, B and C".

Shared by the profile parsers. A list is only recognised when every part reads as a person's
name (capitalised tokens, initials, particles), so an abstract or a sentence is never taken
for one. "Family, Given" lists cannot be told apart from two names by commas and are not
special-cased: the page formats we read print "Given Family".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest_core._names import PARTICLES, split_clean_name, split_name
from ingest_core._text import clean_text
from ingest_core.schemas import Author

_ET_AL = re.compile(
    r"(?<![\s,;])[,;]?\s*+(?:et\.?\s*al\b\.?|and others)\s*$", re.IGNORECASE
)
# (?<!\s): a separator starts where its white space starts, so a search over a long run of
# spaces tries one start, not every one (linear, not quadratic).
_SEPARATOR = re.compile(r"(?<!\s)(?:\s*+(?:,\s*(?:and\s+|&\s*)?|;\s*|&\s*)|\s++and\s+)")
# One token of a name: letters of any script, with inner apostrophes, hyphens or periods
# ("O'Neil", "Jean-Luc", "B.", "A.-L."; typographic hyphens U+2010/U+2011 too).
_TOKEN = r"[^\W\d_](?:[^\W\d_]|['’.\u2010\u2011-]{1,2}(?=[^\W\d_]))*\.?"
_NAME_TOKENS = re.compile(rf"^{_TOKEN}(?: {_TOKEN})*$")  # one match for a whole part
MAX_NAME_TOKENS = 6
MAX_NAME_CHARS = 80
MAX_LIST_CHARS = 50_000
_ET_AL_WINDOW = 24  # longest _ET_AL match on collapsed text ("; and others", ", et. al.")


@dataclass(frozen=True, slots=True)
class AuthorList:
    authors: list[Author]
    complete: bool
    """False when the list ends in "et al." (more authors than shown)."""


def is_name(part: str) -> bool:
    """True when ``part`` reads as one person's name (name tokens, lower-case only particles)."""
    tokens = part.split()
    if not 1 <= len(tokens) <= MAX_NAME_TOKENS or len(part) > MAX_NAME_CHARS:
        return False
    if _NAME_TOKENS.match(" ".join(tokens)) is None:
        return False
    return all(not token[0].islower() or token.lower() in PARTICLES for token in tokens)


def parse_author_list(
    line: str, memo: dict[str, AuthorList | None] | None = None
) -> AuthorList | None:
    """The authors of a line like "Shahin Hakemi, Naveed Akhtar et al.", or None if it is no list.

    Args:
        line: one line of the page.
        memo: a dict owned by one page's parse: a profile repeats the same author line on
            many works, and a line reads the same every time (records copy the list).

    Returns:
        The authors in page order and whether the list is complete; None when any part of
        the line does not read as a name (a sentence, a title, a button label).
    """
    if memo is None:
        return _parse(line)
    if line not in memo:
        memo[line] = _parse(line)
    return memo[line]


def _parse(line: str) -> AuthorList | None:
    if len(line) > MAX_LIST_CHARS:
        return None
    text = clean_text(line)
    # "et al." can only sit in the last few characters (white space is collapsed)
    et_al = _ET_AL.search(text, max(0, len(text) - _ET_AL_WINDOW))
    if et_al is not None:
        text = text[: et_al.start()]
    if " and " in text or "&" in text or ";" in text:
        parts = [p for p in _SEPARATOR.split(text) if p]
    else:  # commas only (most lists): what _SEPARATOR would give, without the regex
        parts = [p for p in (q.strip() for q in text.split(",")) if p]
    if not parts:
        return None
    if not all(is_name(p) for p in parts):
        return None
    if et_al is None and len(parts) == 1 and " " not in parts[0]:
        return None  # one bare word ("PDF", "Salimi") is too weak to call a list
    authors = []
    for part in parts:
        # a part of clean text is clean unless it still holds an entity (double-escaped)
        split = split_name(part) if "&" in part else split_clean_name(part)
        authors.append(Author(name=split.name, given=split.given, family=split.family))
    return AuthorList(authors=authors, complete=et_al is None)
