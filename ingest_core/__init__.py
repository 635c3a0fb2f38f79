"""ingest_core: raw scholarly web pages to validated records, and papers and people resolved.

The public API is re-exported here; modules whose names start with ``_`` are internal.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ingest_core import errors
from ingest_core._dates import parse_date, split_trailing_count
from ingest_core._identifiers import (
    extract_identifiers,
    extract_links,
    normalize_arxiv,
    normalize_doi,
)
from ingest_core._names import NameParts, name_key, split_name
from ingest_core._registry import get_parser, installed_parsers
from ingest_core.errors import IngestError
from ingest_core.parser import Page, Parser, RecordContext, record_id

if _TYPE_CHECKING:
    from ingest_core._backfill import add_page, backfill
    from ingest_core._engine import ParseResult, build_page, parse_page
    from ingest_core.resolution import Resolution, ResolverConfig, resolve
    from ingest_core.store import Store

# The parse stage, the store, backfill (SQLAlchemy) and resolution (numpy, scipy) load on
# first use, so that the parser worker processes start faster and `import ingest_core.store`
# stays below the parse stage (the store never imports it). The package is named
# `resolution`, so no subpackage can shadow the function `resolve`.
_LAZY = {
    "ParseResult": "ingest_core._engine",
    "add_page": "ingest_core._backfill",
    "build_page": "ingest_core._engine",
    "parse_page": "ingest_core._engine",
    "Resolution": "ingest_core.resolution",
    "ResolverConfig": "ingest_core.resolution",
    "Store": "ingest_core.store",
    "backfill": "ingest_core._backfill",
    "resolve": "ingest_core.resolution",
}

__version__ = "0.1.0"

__all__ = [
    "IngestError",
    "NameParts",
    "Page",
    "ParseResult",
    "Parser",
    "RecordContext",
    "Resolution",
    "ResolverConfig",
    "Store",
    "__version__",
    "add_page",
    "backfill",
    "build_page",
    "errors",
    "extract_identifiers",
    "extract_links",
    "get_parser",
    "installed_parsers",
    "name_key",
    "normalize_arxiv",
    "normalize_doi",
    "parse_date",
    "parse_page",
    "record_id",
    "resolve",
    "split_name",
    "split_trailing_count",
]


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ingest_core' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
