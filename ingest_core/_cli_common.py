"""What every ``ingest`` command shares: the one-line failure, checked choices, --db."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, NoReturn

import typer

from ingest_core.errors import IngestError, UsageError

DbOption = Annotated[str, typer.Option(
    "--db", envvar="INGEST_DB",
    help="SQLAlchemy URL of the store (or a SQLite file path); $INGEST_DB if set.")]

def fail(exc: IngestError, *, code: int = 1) -> NoReturn:
    """Print an IngestError the one-line way and exit."""
    typer.echo(f"{type(exc).__name__}: {exc}", err=True)
    raise typer.Exit(code)


def check_choice(option: str, value: str | None, choices: Sequence[str],
                  shown: Sequence[str] | None = None) -> None:
    """Refuse a value outside ``choices`` with one line and exit status 2 (a typo must not
    succeed silently); ``shown`` is what the message lists, when not every choice."""
    if value is not None and value not in choices:
        listed = ", ".join(shown if shown is not None else choices)
        fail(UsageError(f"{option} {value!r} is not one of: {listed}"), code=2)


def write_lines(lines: list[str]) -> None:
    """Print lines on stdout at once (JSON Lines output)."""
    out = sys.stdout
    out.write("".join(line + "\n" for line in lines))
    out.flush()
