"""Reading values out of API JSON without a crash on the shapes sources really send.

APIs drop keys, send ``null`` where a list belongs, numbers as strings and lists of one where
a scalar belongs (Crossref's ``title: ["…"]``). These helpers read a path and a type
leniently, so a parser states what it wants and an odd record reads as a missing value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest_core._text import clean_text


def dig(value: Any, *path: str | int) -> Any:
    """``value[p0][p1]…``, or None as soon as a key, index or container is missing."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return None
            value = value[step]
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return None
        if value is None:
            return None
    return value


def as_text(value: Any) -> str | None:
    """A clean, non-empty string (the first of a list of strings), else None."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    return clean_text(value) or None


def as_int(value: Any) -> int | None:
    """A non-negative integer from an int or a digit string ("1,234"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str):
        digits = value.strip().replace(",", "")
        return int(digits) if digits.isdigit() else None
    return None


def as_list(value: Any) -> list[Any]:
    """The value if it is a list, ``[]`` for None, ``[value]`` otherwise."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def texts(values: Any) -> list[str]:
    """The clean, distinct, non-empty strings of a list, in order."""
    seen: dict[str, None] = {}
    for value in as_list(values):
        text = as_text(value)
        if text:
            seen.setdefault(text, None)
    return list(seen)
