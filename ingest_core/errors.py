"""Every error ingest_core raises, in one hierarchy.

Each error names the input it is about (a path, URL or record id), the parser where one
applies, and carries a stable ``code`` so callers and the quarantine can group by reason::

    IngestError
    ├── InputError                 the bytes cannot be read as a page at all
    │   ├── EmptyPage
    │   ├── BinaryContent
    │   ├── UndecodableBytes
    │   ├── PageTooLarge
    │   └── UnreadableInput        a file, archive record or row could not be read
    ├── ParseError                 the page was read but not understood
    │   ├── PageNotRecognised
    │   ├── ParserMismatch         a forced parser does not recognise the page
    │   ├── MalformedEntry         one entry of an otherwise good page
    │   ├── SourceErrorResponse    the source answered with an error, not records
    │   ├── ParserTimeout          a page took longer than the per-page time limit
    │   └── ParserCrashed          a parser raised something that is not an IngestError
    ├── NormalizationError
    │   ├── UnparseableDate
    │   └── BadIdentifier
    ├── ResolutionError
    ├── StorageError
    ├── BackendUnavailable         an engine whose extra (PySpark) or runtime (Java) is missing
    ├── ParserRegistrationError    a plugin that does not honour the Parser protocol
    ├── UnknownParser              a parser name that no installed plugin has
    └── UsageError                 an argument that names nothing, or is missing

Foreign errors (dateparser's ``None``, lxml's and SQLAlchemy's exceptions) are translated
where they are caught, so nothing else escapes the public API.
"""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "ingest_error",
    "input_error",
    "empty_page",
    "binary_content",
    "undecodable_bytes",
    "page_too_large",
    "unreadable_input",
    "parse_error",
    "page_not_recognised",
    "parser_mismatch",
    "source_error_response",
    "parser_timeout",
    "malformed_entry",
    "parser_crashed",
    "normalization_error",
    "unparseable_date",
    "bad_identifier",
    "resolution_error",
    "storage_error",
    "parser_registration_error",
    "unknown_parser",
    "usage_error",
    "backend_unavailable",
]


class IngestError(Exception):
    """Base of every error ingest_core raises on purpose."""

    code: ErrorCode = "ingest_error"
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        input: str | None = None,
        parser: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.input = input
        self.parser = parser
        if hint is not None:
            self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.input}: " if self.input else ""
        via = f" (parser {self.parser})" if self.parser else ""
        tail = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.message}{via}{tail}"

    def located(self, input: str | None = None, parser: str | None = None) -> IngestError:
        """Fill in the input and parser an error was raised without; returns self."""
        if self.input is None and input is not None:
            self.input = input
        if self.parser is None and parser is not None:
            self.parser = parser
        self.args = (self._render(),)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        # Keep keyword-only state across process pools and Spark executors.
        return (_rebuild, (type(self), self.message, self.input, self.parser, self.hint))


def _rebuild(
    cls: type[IngestError], message: str, input: str | None, parser: str | None, hint: str
) -> IngestError:
    return cls(message, input=input, parser=parser, hint=hint)


class InputError(IngestError):
    """The bytes cannot be read as a page."""

    code: ErrorCode = "input_error"


class EmptyPage(InputError):
    code: ErrorCode = "empty_page"
    hint = "the file is empty or holds only white space; check the crawl that produced it"


class BinaryContent(InputError):
    code: ErrorCode = "binary_content"
    hint = "only HTML or text pages are parsed; remove the file or extract its text first"


class UndecodableBytes(InputError):
    code: ErrorCode = "undecodable_bytes"
    hint = "re-save the page as UTF-8 or declare its charset in a <meta charset> tag"


class PageTooLarge(InputError):
    code: ErrorCode = "page_too_large"
    hint = "raise the limit with max_bytes= (or INGEST_MAX_PAGE_BYTES) if the page is genuine"


class UnreadableInput(InputError):
    code: ErrorCode = "unreadable_input"


class ParseError(IngestError):
    """The page was decoded but its content was not understood."""

    code: ErrorCode = "parse_error"


class PageNotRecognised(ParseError):
    code: ErrorCode = "page_not_recognised"
    hint = "pass parser=NAME (--parser) to force one, or add a parser for this format"

    def __init__(
        self,
        message: str,
        *,
        input: str | None = None,
        parser: str | None = None,
        hint: str | None = None,
        best_score: float = 0.0,
    ) -> None:
        self.best_score = best_score
        super().__init__(message, input=input, parser=parser, hint=hint)


class ParserMismatch(ParseError):
    """A parser forced by name scores the page below the detection threshold: its output
    would be junk (a Google Scholar page read as another site's profile)."""

    code: ErrorCode = "parser_mismatch"
    hint = "leave the parser out (no --parser) to detect one, or check that the page is complete"

    def __init__(
        self,
        message: str,
        *,
        input: str | None = None,
        parser: str | None = None,
        hint: str | None = None,
        score: float = 0.0,
    ) -> None:
        self.score = score
        super().__init__(message, input=input, parser=parser, hint=hint)


class SourceErrorResponse(ParseError):
    """The page is the source's error answer (arXiv's HTTP 400 feed, an API's error JSON):
    well-formed, but there is no record in it. Keep it quarantined and fix the request."""

    code: ErrorCode = "source_error_response"
    hint = "the request was refused by the source: check the id or query that fetched it"


class ParserTimeout(ParseError):
    """Decoding and parsing one page took longer than the per-page limit (``--page-timeout``,
    30 s by default): the page is quarantined and the run goes on."""

    code: ErrorCode = "parser_timeout"
    hint = "raise --page-timeout if such pages are expected, else report the page"


class MalformedEntry(ParseError):
    """One entry of a recognised page could not be read; the rest of the page still is."""

    code: ErrorCode = "malformed_entry"

    def __init__(
        self,
        message: str,
        *,
        input: str | None = None,
        parser: str | None = None,
        hint: str | None = None,
        position: int = -1,
    ) -> None:
        self.position = position
        super().__init__(message, input=input, parser=parser, hint=hint)

    def _render(self) -> str:
        return f"entry {self.position}: " + super()._render()

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_entry, (self.message, self.input, self.parser, self.hint, self.position))


def _rebuild_entry(
    message: str, input: str | None, parser: str | None, hint: str, position: int
) -> MalformedEntry:
    return MalformedEntry(message, input=input, parser=parser, hint=hint, position=position)


class ParserCrashed(ParseError):
    code: ErrorCode = "parser_crashed"
    hint = "this is a bug in the parser: report it with the page attached"


class NormalizationError(IngestError):
    code: ErrorCode = "normalization_error"


class UnparseableDate(NormalizationError):
    code: ErrorCode = "unparseable_date"


class BadIdentifier(NormalizationError):
    code: ErrorCode = "bad_identifier"


class ResolutionError(IngestError):
    code: ErrorCode = "resolution_error"


class StorageError(IngestError):
    code: ErrorCode = "storage_error"
    hint = "check the --db URL and that the database is reachable and writable"


class ParserRegistrationError(IngestError):
    """A parser plugin does not honour the Parser protocol; raised when it is loaded."""

    code: ErrorCode = "parser_registration_error"

    def __init__(self, parser: str, message: str) -> None:
        super().__init__(message, parser=parser, hint="fix or uninstall the plugin package")

    def __reduce__(self) -> tuple[object, ...]:
        return (ParserRegistrationError, (self.parser, self.message))


class BackendUnavailable(IngestError):
    """An engine cannot run here: its optional dependency or runtime is missing."""

    code: ErrorCode = "backend_unavailable"
    hint = "pip install ingest-core[spark] for the spark engine"


class UnknownParser(IngestError):
    code: ErrorCode = "unknown_parser"
    hint = "run `ingest parsers` to list the installed parsers"


class UsageError(IngestError):
    """A call or command the library cannot act on as given: a value outside its choices, a
    required value left out. Nothing was done."""

    code: ErrorCode = "usage_error"
    hint = "run the command with --help to see what it accepts"


__all__ = [
    "BackendUnavailable",
    "BadIdentifier",
    "BinaryContent",
    "EmptyPage",
    "ErrorCode",
    "IngestError",
    "InputError",
    "MalformedEntry",
    "NormalizationError",
    "PageNotRecognised",
    "PageTooLarge",
    "ParseError",
    "ParserCrashed",
    "ParserMismatch",
    "ParserRegistrationError",
    "ParserTimeout",
    "ResolutionError",
    "SourceErrorResponse",
    "StorageError",
    "UndecodableBytes",
    "UnknownParser",
    "UnparseableDate",
    "UnreadableInput",
    "UsageError",
]
