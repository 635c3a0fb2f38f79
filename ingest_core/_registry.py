"""Finding parsers: entry-point group ``ingest_core.parsers``, loaded once, checked at load.

Built-in parsers register through the same group as third-party ones, so installing a
package is all it takes to add a format. ``INGEST_CORE_DISABLE_PARSERS`` (comma-separated
names) switches parsers off; a plugin that breaks the protocol is skipped with a warning.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType

from ingest_core._decode import max_bytes_default
from ingest_core.errors import ParserRegistrationError, UnknownParser
from ingest_core.parser import Parser

GROUP = "ingest_core.parsers"
DISABLE_ENV = "INGEST_CORE_DISABLE_PARSERS"


def check_parser(parser: object, expected_name: str | None = None) -> Parser:
    """Return ``parser`` if it honours the protocol, else raise ParserRegistrationError."""
    label = getattr(parser, "name", None) or expected_name or repr(parser)
    for attr, kind in (("name", str), ("source", str), ("version", str)):
        value = getattr(parser, attr, None)
        if not isinstance(value, kind) or not value:
            raise ParserRegistrationError(str(label), f"`{attr}` must be a non-empty string")
    patterns = getattr(parser, "url_patterns", None)
    if isinstance(patterns, str) or not isinstance(patterns, Iterable):
        raise ParserRegistrationError(str(label), "`url_patterns` must be a sequence of regexes")
    for method in ("detect", "parse"):
        if not callable(getattr(parser, method, None)):
            raise ParserRegistrationError(str(label), f"`{method}` must be a method")
    if expected_name is not None and parser.name != expected_name:  # type: ignore[attr-defined]
        raise ParserRegistrationError(
            str(label), f"entry point {expected_name!r} loads a parser named {label!r}"
        )
    return parser  # type: ignore[return-value]


def _instantiate(ep: EntryPoint) -> Parser:
    try:
        target = ep.load()
        parser = target() if isinstance(target, type) else target
    except Exception as exc:  # a plugin's import error is its own bug; report it, go on
        raise ParserRegistrationError(ep.name, f"failed to load {ep.value}: {exc!r}") from exc
    return check_parser(parser, ep.name)


@lru_cache(maxsize=8)
def _load(disabled: frozenset[str]) -> Mapping[str, Parser]:
    found: dict[str, Parser] = {}
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        if ep.name in disabled:
            continue
        try:
            parser = _instantiate(ep)
        except ParserRegistrationError as exc:
            warnings.warn(f"skipping parser plugin: {exc}", RuntimeWarning, stacklevel=3)
            continue
        if parser.name in found:
            warnings.warn(
                f"skipping duplicate parser plugin {parser.name!r}", RuntimeWarning, stacklevel=3
            )
            continue
        found[parser.name] = parser
    return MappingProxyType(found)


def installed_parsers() -> Mapping[str, Parser]:
    """Every installed, enabled parser by name (loaded once per disable setting)."""
    raw = os.environ.get(DISABLE_ENV, "")
    disabled = frozenset(n.strip() for n in raw.split(",") if n.strip())
    return _load(disabled)


def get_parser(name: str) -> Parser:
    """The installed parser called ``name``.

    Raises:
        UnknownParser: no enabled parser has that name.
    """
    parsers = installed_parsers()
    try:
        return parsers[name]
    except KeyError:
        known = ", ".join(sorted(parsers)) or "none"
        raise UnknownParser(f"no parser named {name!r} is installed (installed: {known})") from None


def parser_versions() -> dict[str, str]:
    """Installed parser name to version."""
    return {name: p.version for name, p in installed_parsers().items()}


def parsers_fingerprint(max_bytes: int | None = None) -> str:
    """A short hash of what decides a page's fate besides its bytes: the installed parsers
    (names and versions) and the size cap. A quarantined page is retried when it changes."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    parts = [f"{n}={v}" for n, v in sorted(parser_versions().items())] + [f"max_bytes={limit}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
