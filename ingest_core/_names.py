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
_PLAIN_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")


@dataclass(frozen=True, slots=True)
class NameParts:
    name: str
    given: str | None
    family: str | None


def _fast_split(name: str) -> NameParts | None:
    tokens = name.split(" ")
    if not 2 <= len(tokens) <= 4:
        return None
    for tok in tokens:
        low = tok.lower()
        if (
            low in PARTICLES
            or low in SUFFIXES
            or low in TITLES
            or not tok[0].isupper()
            or not _PLAIN_TOKEN.match(tok)
        ):
            return None
    return NameParts(name, " ".join(tokens[:-1]), tokens[-1])


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
    name = clean_text(raw)
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
