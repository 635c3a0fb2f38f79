"""Finding and streaming page inputs: files, directories, JSON Lines page lists, WARC archives.

Inputs are produced lazily, one page at a time, so memory stays flat however large the
corpus: a directory is walked, never listed whole; a WARC archive or a ``.jsonl`` file is
read record by record. A file, row or archive record that cannot be read becomes a
:class:`PageInput` carrying an ``UnreadableInput`` error instead of raising, so the caller
can quarantine it and carry on.

Rules, in the order they apply to a path given on the command line:

* a directory is walked recursively in sorted order; hidden entries (``.name``) and fixture
  answers (``*.expected.json``, ``*.expected.jsonl``) are left out, and ``glob`` (matched
  against the file name and its path relative to the directory) keeps only matching files;
* ``*.warc`` / ``*.warc.gz`` files are archives: each ``response`` (or ``resource``)
  record is a page with its ``WARC-Target-URI`` and ``WARC-Date``;
* ``*.jsonl`` / ``*.ndjson`` files (optionally ``.gz``), and ``*.json.gz`` files that hold
  one JSON value per line, are read row by row: when the first row has ``content`` or
  ``content_base64`` the file is a page list (one page per row, with ``url`` and
  ``retrieved_at``); otherwise it is an entity dump (the OpenAlex snapshot, the Semantic
  Scholar datasets, a Crossref public data file) and each line is a page of its own, its
  ``id`` the url when that is a URL;
* every other file is one page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fnmatch
import gzip
import json
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, BinaryIO, Literal

from ingest_core._decode import max_bytes_default
from ingest_core.errors import IngestError, PageTooLarge, UnreadableInput

log = logging.getLogger("ingest_core.inputs")

SourceKind = Literal["file", "warc", "jsonl", "url"]
"""``url`` is a page handed over in memory (``Store.add_page``), named by its URL or name."""
DEFAULT_EXCLUDES: tuple[str, ...] = ("*.expected.json", "*.expected.jsonl")
"""File names never taken from a directory walk: fixture answers sit beside their pages."""
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
JSON_GZ_SUFFIX = ".json.gz"
"""A gzipped JSON file is a dump when it holds a JSON value per line, else one page."""
_SNIFF_BYTES = 1 << 20
PAGE_RECORD_TYPES = frozenset({"response", "resource"})


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """A typed error in plain data, so it crosses processes, Spark rows and JSON unchanged."""

    type: str
    code: str
    message: str
    hint: str = ""
    parser: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (ErrorInfo, (self.type, self.code, self.message, self.hint, self.parser))

    @classmethod
    def of(cls, exc: IngestError) -> ErrorInfo:
        return cls(type(exc).__name__, exc.code, exc.message, exc.hint, exc.parser)

    def to_exception(self, input: str | None = None) -> IngestError:
        """Rebuild the IngestError this describes (for ``on_error="raise"``)."""
        from ingest_core import errors

        kind = getattr(errors, self.type, errors.IngestError)
        if not (isinstance(kind, type) and issubclass(kind, errors.IngestError)) or kind in (
            errors.ParserRegistrationError,
        ):
            kind = errors.IngestError
        return kind(self.message, input=input, parser=self.parser, hint=self.hint or None)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One place a page was seen: a file, a WARC record (file + offset) or a ``.jsonl`` row."""

    kind: SourceKind
    location: str
    offset: int | None = None
    url: str | None = None
    retrieved_at: dt.datetime | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # positional rebuild: a frozen slots dataclass otherwise unpickles field by field
        return (SourceRef, (self.kind, self.location, self.offset, self.url, self.retrieved_at))

    @property
    def label(self) -> str:
        """How errors and the quarantine name it: ``path``, ``path@offset``, ``path:line``."""
        if self.kind == "warc":
            return f"{self.location}@{self.offset}"
        if self.kind == "jsonl":
            return f"{self.location}:{self.offset}"
        return self.location

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": self.location,
            "offset": self.offset,
            "url": self.url,
            "retrieved_at": self.retrieved_at.isoformat() if self.retrieved_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRef:
        stamp = data.get("retrieved_at")
        return cls(
            kind=data["kind"],
            location=data["location"],
            offset=data.get("offset"),
            url=data.get("url"),
            retrieved_at=dt.datetime.fromisoformat(stamp) if stamp else None,
        )


@dataclass(frozen=True, slots=True)
class PageInput:
    """A page to process: its bytes (or why they could not be read) and where it came from.

    ``mtime`` is the file's modification time, the last resort for ``as_of``. A
    ``deferred`` page is a file not read yet (``content`` is None): whoever processes it
    reads it with :func:`load_page`, so a process pool ships a path, not the bytes.
    """

    source: SourceRef
    content: bytes | None
    mtime: dt.datetime | None = None
    error: ErrorInfo | None = field(default=None)
    deferred: bool = False

    def __reduce__(self) -> tuple[Any, ...]:
        return (PageInput, (self.source, self.content, self.mtime, self.error, self.deferred))

    @property
    def label(self) -> str:
        return self.source.label


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file found by :func:`discover`, and how it is read."""

    path: str
    kind: SourceKind


def _is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)


def _is_jsonl(name: str) -> bool:
    return name.lower().endswith(JSONL_SUFFIXES)


def _holds_json_lines(path: str) -> bool:
    """True when a ``.json.gz`` file's first line is a whole JSON value and more follow."""
    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except (OSError, EOFError):
        return False  # read as one page, so the error is reported for the file
    first, newline, rest = head.lstrip().partition(b"\n")
    if not newline or not rest.strip():
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def classify(path: str) -> SourceKind:
    """How a file is read, from its name (and, for ``.json.gz``, its first line)."""
    name = os.path.basename(path)
    if _is_warc(name):
        return "warc"
    if _is_jsonl(name):
        return "jsonl"
    if name.lower().endswith(JSON_GZ_SUFFIX) and _holds_json_lines(path):
        return "jsonl"
    return "file"


_EXCLUDED = re.compile("|".join(fnmatch.translate(p) for p in DEFAULT_EXCLUDES))


def _wanted(name: str, full: str, top: str, glob: str | None) -> bool:
    if name.startswith(".") or _EXCLUDED.match(name):
        return False
    if glob is None:
        return True
    relative = os.path.relpath(full, top).replace(os.sep, "/")
    return fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(relative, glob)


def discover(
    paths: Iterable[str | os.PathLike[str]], glob: str | None = None
) -> Iterator[InputFile]:
    """Every input file under ``paths``, lazily, directories walked in sorted order.

    A path named explicitly is always taken (even if ``glob`` would not match it); a path
    that does not exist is yielded too, so reading it produces an UnreadableInput.
    """
    for raw in paths:
        path = os.fspath(raw)
        if not os.path.isdir(path):
            yield InputFile(path, classify(path))
            continue
        for root, dirs, files in os.walk(path, onerror=_walk_error):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                full = os.path.join(root, name)
                if _wanted(name, full, path, glob):
                    yield InputFile(full, classify(full))


def _walk_error(exc: OSError) -> None:
    log.warning("cannot list %s: %s", exc.filename, exc.strerror)


def _unreadable(source: SourceRef, message: str, mtime: dt.datetime | None = None) -> PageInput:
    error = UnreadableInput(message, input=source.label)
    return PageInput(source=source, content=None, mtime=mtime, error=ErrorInfo.of(error))


def _too_large(source: SourceRef, size: int, limit: int) -> PageInput:
    error = PageTooLarge(f"{size:,} bytes is over the {limit:,}-byte limit", input=source.label)
    return PageInput(source=source, content=None, error=ErrorInfo.of(error))


def _mtime(stat: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)


def read_file_page(path: str, max_bytes: int | None = None) -> PageInput:
    """One plain file as a page; never raises."""
    source = SourceRef("file", path)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        with open(path, "rb") as fh:
            stat = os.fstat(fh.fileno())
            if stat.st_size > limit:
                return _too_large(source, stat.st_size, limit)
            content = fh.read(limit + 1)
    except OSError as exc:
        return _unreadable(source, f"cannot read the file ({exc.strerror or exc})")
    if len(content) > limit:
        return _too_large(source, len(content), limit)
    return PageInput(source=source, content=content, mtime=_mtime(stat))


def deferred_file_page(path: str) -> PageInput:
    """A plain file as a page still to be read (by :func:`load_page`, in a worker)."""
    return PageInput(source=SourceRef("file", path), content=None, deferred=True)


def load_page(page: PageInput, max_bytes: int | None = None) -> PageInput:
    """``page`` with its bytes: a deferred file is read now; any other page is returned as is."""
    if page.deferred:
        return read_file_page(page.source.location, max_bytes)
    return page


def read_inputs(
    item: InputFile, max_bytes: int | None = None, *, defer_files: bool = False
) -> Iterator[PageInput]:
    """The pages of one input file (one, or one per WARC record / ``.jsonl`` row); never raises.

    With ``defer_files`` a plain file is yielded unread (see :func:`deferred_file_page`).
    """
    if item.kind == "warc":
        yield from read_warc(item.path, max_bytes)
    elif item.kind == "jsonl":
        yield from read_jsonl(item.path, max_bytes)
    elif defer_files:
        yield deferred_file_page(item.path)
    else:
        yield read_file_page(item.path, max_bytes)


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]],
    glob: str | None = None,
    max_bytes: int | None = None,
    *,
    defer_files: bool = False,
) -> Iterator[PageInput]:
    """Every page under ``paths``, streamed: :func:`discover` then :func:`read_inputs`.

    ``defer_files``: leave plain files unread, for the worker that parses them to read.
    """
    for item in discover(paths, glob):
        yield from read_inputs(item, max_bytes, defer_files=defer_files)


# --- JSON Lines page lists ------------------------------------------------------------


def _open_maybe_gzip(path: str) -> BinaryIO:
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _parse_stamp(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def is_page_row(row: object) -> bool:
    """True for a ``.jsonl`` row that carries a page (``content`` or ``content_base64``)."""
    return isinstance(row, dict) and ("content" in row or "content_base64" in row)


def _row_page(path: str, line_no: int, line: bytes, limit: int) -> PageInput:
    source = SourceRef("jsonl", path, line_no)
    try:
        row = json.loads(line)
    except ValueError as exc:
        return _unreadable(source, f"line {line_no} is not valid JSON ({exc})")
    if not is_page_row(row):
        return _unreadable(source, f"line {line_no} has neither `content` nor `content_base64`")
    url = row.get("url") if isinstance(row.get("url"), str) else None
    source = SourceRef("jsonl", path, line_no, url, _parse_stamp(row.get("retrieved_at")))
    if "content_base64" in row:
        try:
            content = base64.b64decode(row["content_base64"], validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            return _unreadable(source, f"line {line_no}: `content_base64` is not base64 ({exc})")
    elif isinstance(row["content"], str):
        content = row["content"].encode("utf-8", "surrogatepass")
    else:
        return _unreadable(source, f"line {line_no}: `content` must be a string")
    if len(content) > limit:
        return _too_large(source, len(content), limit)
    return PageInput(source=source, content=content)


def _entity_page(path: str, line_no: int, line: bytes, limit: int) -> PageInput:
    """One line of an entity dump as a page of its own (the line's bytes, unchanged)."""
    content = line.rstrip(b"\r\n")
    source = SourceRef("jsonl", path, line_no)
    if len(content) > limit:
        return _too_large(source, len(content), limit)
    try:
        entity = json.loads(content)
    except ValueError as exc:
        return _unreadable(source, f"line {line_no} is not valid JSON ({exc})")
    ident = entity.get("id") if isinstance(entity, dict) else None
    if isinstance(ident, str) and ident.startswith(("http://", "https://")):
        source = SourceRef("jsonl", path, line_no, ident)
    return PageInput(source=source, content=content)


def read_jsonl(path: str, max_bytes: int | None = None) -> Iterator[PageInput]:
    """The pages of a JSON Lines file, one per non-empty row (``offset`` = line number): the
    rows of a page list, or the entities of a dump (see the module docstring)."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        with _open_maybe_gzip(path) as fh:
            read_row = None
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                if read_row is None:
                    try:
                        head = json.loads(line)
                    except ValueError:
                        head = {"content": None}  # a broken first row is still a page row
                    read_row = _row_page if is_page_row(head) else _entity_page
                yield read_row(path, line_no, line, limit)
    except (OSError, EOFError, zlib.error) as exc:
        yield _unreadable(SourceRef("jsonl", path, None), f"cannot read the file ({exc})")


# --- WARC archives --------------------------------------------------------------------


def _warc_date(value: str | None) -> dt.datetime | None:
    return _parse_stamp(value)


def _warc_page(record: Any, path: str, offset: int, limit: int) -> PageInput:
    headers = record.rec_headers
    source = SourceRef(
        "warc",
        path,
        offset,
        headers.get_header("WARC-Target-URI"),
        _warc_date(headers.get_header("WARC-Date")),
    )
    length = record.length or 0
    if length > limit:
        return _too_large(source, length, limit)
    content = record.content_stream().read(limit + 1)
    if len(content) > limit:
        return _too_large(source, len(content), limit)
    return PageInput(source=source, content=content)


def read_warc(
    path: str, max_bytes: int | None = None, *, start: int = 0, count: int | None = None
) -> Iterator[PageInput]:
    """The response/resource records of a WARC or WARC.gz archive (``offset`` = record offset).

    Args:
        path: the archive.
        max_bytes: size cap per page.
        start: byte offset of a record boundary to start from (a Spark slice); 0 is the start.
        count: read at most this many records (of any type) from ``start``; None reads to the end.

    A corrupt record ends the archive (nothing after it can be located) and is reported
    as an UnreadableInput at its offset.
    """
    from warcio.archiveiterator import ArchiveIterator

    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally below
    except OSError as exc:
        yield _unreadable(
            SourceRef("warc", path, start), f"cannot read the archive ({exc.strerror})"
        )
        return
    offset, done = start, 0
    try:
        fh.seek(start)
        records = ArchiveIterator(fh)
        while count is None or done < count:
            try:
                record = next(records)
            except StopIteration:
                return
            except Exception as exc:  # warcio raises assorted errors on damaged input
                yield _unreadable(
                    SourceRef("warc", path, offset),
                    f"WARC record after offset {offset} is corrupt ({type(exc).__name__}: {exc})",
                )
                return
            done += 1
            # get_record_offset() reads the record to its end, so the content is read first;
            # it counts from the file's start (warcio takes fh.tell() when it begins).
            try:
                if record.rec_type not in PAGE_RECORD_TYPES:
                    offset = records.get_record_offset()
                    continue
                page = _warc_page(record, path, -1, limit)
                offset = records.get_record_offset()
            except Exception as exc:
                yield _unreadable(
                    SourceRef("warc", path, offset),
                    f"WARC record after offset {offset} is corrupt ({type(exc).__name__}: {exc})",
                )
                return
            yield replace(page, source=replace(page.source, offset=offset))
    finally:
        fh.close()


def reread(source: SourceRef, max_bytes: int | None = None) -> PageInput:
    """Read the page at ``source`` again; an UnreadableInput input if it is gone or damaged."""
    if source.kind == "file":
        return read_file_page(source.location, max_bytes)
    if source.kind == "jsonl":
        limit = max_bytes_default() if max_bytes is None else max_bytes
        try:
            with _open_maybe_gzip(source.location) as fh:
                for line_no, line in enumerate(fh, start=1):
                    if line_no == source.offset:
                        return _row_page(source.location, line_no, line, limit)
        except (OSError, EOFError) as exc:
            return _unreadable(source, f"cannot read the file ({exc})")
        return _unreadable(source, f"line {source.offset} no longer exists")
    if source.kind == "url":
        return _unreadable(source, "the page was handed over in memory; add it again")
    return _reread_warc(source, max_bytes)


def _reread_warc(source: SourceRef, max_bytes: int | None) -> PageInput:
    from warcio.archiveiterator import ArchiveIterator

    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        with open(source.location, "rb") as fh:
            fh.seek(source.offset or 0)
            record = next(iter(ArchiveIterator(fh)))
            return _warc_page(record, source.location, source.offset or 0, limit)
    except StopIteration:
        return _unreadable(source, f"no WARC record at offset {source.offset}")
    except Exception as exc:
        return _unreadable(source, f"WARC record at offset {source.offset} is corrupt ({exc})")


def jsonl_row(content: bytes | str, url: str | None = None, retrieved_at: str | None = None) -> str:
    """One ``.jsonl`` page-list row for ``content`` (text as ``content``, bytes as base64)."""
    row: dict[str, Any] = {"url": url, "retrieved_at": retrieved_at}
    if isinstance(content, str):
        row["content"] = content
    else:
        try:
            row["content"] = content.decode("utf-8")
        except UnicodeDecodeError:
            row["content_base64"] = base64.b64encode(content).decode("ascii")
    return json.dumps(row, ensure_ascii=False)


__all__ = [
    "DEFAULT_EXCLUDES",
    "ErrorInfo",
    "InputFile",
    "PageInput",
    "SourceRef",
    "classify",
    "deferred_file_page",
    "discover",
    "iter_inputs",
    "jsonl_row",
    "load_page",
    "read_file_page",
    "read_inputs",
    "read_jsonl",
    "read_warc",
    "reread",
]
