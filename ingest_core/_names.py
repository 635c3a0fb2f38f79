"""Person names to given/family parts, and the folded key used to match them.

Plain "Given [Middle] Family" names (most of a 630-author listing) take a fast path;
nameparser (about 170 µs a name) handles the rest: "Family, Given", particles ("van der"),
suffixes ("Jr."), titles. Diacritics stay in the displayed name and are folded in keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest_core._text import clean_text, fold

PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
        "st.",
        "y",
        "zu",
        "af",
        "av",
    }
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d."})
TITLES = frozenset({"dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "sir"})

# A token of a plain name: capitalised word, letters (any script), apostrophes and hyphens.
_PLAIN_TOKEN = re.compile(
    r"^[^\W\d_][^\W\d_'’\u2010\u2011-]*(?:['’\u2010\u2011-][^\W\d_]+)*$"  # U+2010/11 hyphens
)


@dataclass(frozen=True, slots=True)
class NameParts:
    name: str
    given: str | None
    family: str | None


_INITIAL = re.compile(r"^(?:[^\W\d_]\.)(?:-?[^\W\d_]\.)*$")


_NOT_PLAIN = PARTICLES | SUFFIXES | TITLES


def _plain(tok: str, *, initials: bool) -> bool:
    if not tok[0].isupper() or tok.lower() in _NOT_PLAIN:
        return False
    return bool(_PLAIN_TOKEN.match(tok) or (initials and _INITIAL.match(tok)))


def _fast_split(name: str) -> NameParts | None:
    """The common forms without nameparser: "Given [Middle] Family", initials ("B. Salimi"),
    lower-case particles before the family name ("Ludwig van der Berg"), and "Family, Given".
    Anything else (suffixes, titles, capitalised particles, odd punctuation) returns None."""
    if "," in name:
        family_part, _, given_part = name.partition(",")
        if "," in given_part:
            return None
        given_tokens = given_part.split()
        fam_tokens = family_part.split()
        if not given_tokens or not fam_tokens:
            return None
        if not all(_plain(t, initials=True) for t in given_tokens):
            return None
        if not _plain(fam_tokens[-1], initials=False) or not all(
            t in PARTICLES for t in fam_tokens[:-1]
        ):
            return None
        return NameParts(name, " ".join(given_tokens), " ".join(fam_tokens))
    if _caseless(name):
        return _caseless_split(name)
    tokens = name.split(" ")
    if not 2 <= len(tokens) <= 5:
        return None
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1] in PARTICLES:  # lower-case particles only
        cut -= 1
    given, family = tokens[:cut], tokens[cut:]
    if not _plain(family[-1], initials=False):
        return None
    # the first word is a given name even when it reads as a particle ("Di Xu", "Le Song",
    # "Van Nguyen"): only later words can open a family name
    first_ok = _plain(given[0], initials=True) or (
        given[0].lower() in PARTICLES and _PLAIN_TOKEN.match(given[0]) is not None
        and given[0][0].isupper())
    if not first_ok or not all(_plain(t, initials=True) for t in given[1:]):
        return None
    return NameParts(name, " ".join(given), " ".join(family))


def _caseless(name: str) -> bool:
    """True for a name written in a script without letter case (Chinese, Japanese, Korean,
    Thai…): its parts cannot be told apart by capitals, so nameparser has nothing to go on."""
    return not name.isascii() and all(
        ch == " " or (ch.isalpha() and not ch.isupper() and not ch.islower()) for ch in name)


def _caseless_split(name: str) -> NameParts:
    """Names in East Asian scripts are written family name first ("山田 花子"); without a
    space the split cannot be known, so the whole name is kept as the family name."""
    tokens = name.split()
    if len(tokens) == 2:
        return NameParts(name, tokens[1], tokens[0])
    return NameParts(name, None, name)


def _slow_split(name: str) -> NameParts:
    from nameparser import HumanName

    human = HumanName(name)
    given = " ".join(p for p in (human.first, human.middle) if p) or None
    family = human.last or None
    if family is None and given and " " not in given:
        # a single token is most likely a family name ("Salimi") on scholarly pages
        given, family = None, given
    return NameParts(name, given, family)


def split_name(raw: str) -> NameParts:
    """Clean a displayed name and split it into given and family parts.

    "Salimi, Babak" gives given "Babak", family "Salimi"; the ``name`` field keeps the cleaned
    display form as the page showed it.
    """
    return split_clean_name(clean_text(raw))


def split_clean_name(name: str) -> NameParts:
    """:func:`split_name` for a name that is already clean (``clean_text(name) == name``)."""
    if not name:
        return NameParts(name, None, None)
    fast = _fast_split(name)
    if fast is not None:
        return fast
    return _slow_split(name)


def name_key(given: str | None, family: str | None) -> str:
    """Folded "family first-initial" key: "Núñez, José" and "J. Nunez" both give "nunez j"."""
    fam = re.sub(r"[^\w]+", "", fold(family or ""))
    first = fold(given or "").lstrip(" .-")
    return f"{fam} {first[:1]}".strip()


def folded_full_name(name: str) -> str:
    """Diacritics, case and punctuation folded: "José Núñez" and "Jose Nunez" compare equal."""
    return " ".join(re.sub(r"[^\w\s]+", " ", fold(name)).split())
