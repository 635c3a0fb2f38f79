"""The ``ingest`` command line. Each command calls one public function and nothing more;
an IngestError becomes ``ErrorType: message`` on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from ingest_core.errors import IngestError

app = typer.Typer(
    name="ingest",
    help="Parse scholarly web pages into validated records, store them, resolve papers and people.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
fixtures_app = typer.Typer(
    help="Maintain the parser fixtures (pages beside expected records).", no_args_is_help=True
)
app.add_typer(fixtures_app, name="fixtures")

err_console = Console(stderr=True)


def fail(exc: IngestError, *, code: int = 1) -> NoReturn:
    """Print an IngestError the one-line way and exit."""
    typer.echo(f"{type(exc).__name__}: {exc}", err=True)
    raise typer.Exit(code)


def _write_lines(lines: list[str]) -> None:
    out = sys.stdout
    out.write("".join(line + "\n" for line in lines))
    out.flush()


@app.command("parse")
def parse_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Pages to parse (text or HTML, any encoding).")
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Read pages as of YYYY-MM-DD (default today, UTC)."),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The URL the page(s) came from.")] = None,
    parser: Annotated[
        str | None, typer.Option("--parser", help="Force a parser by name (see `ingest parsers`).")
    ] = None,
) -> None:
    """Parse pages and print their records as JSON Lines (page record first, then its works).

    Goes on past a bad file, printing `ErrorType: FILE: reason` on stderr; exits 1 if any failed.
    """
    from ingest_core._engine import parse_page

    failed = 0
    for path in files:
        try:
            try:
                content = path.read_bytes()
            except OSError as exc:
                from ingest_core.errors import UnreadableInput

                raise UnreadableInput(
                    f"cannot read the file ({exc.strerror})", input=str(path)
                ) from exc
            result = parse_page(content, url=url, as_of=as_of, parser=parser, name=str(path))
        except IngestError as exc:
            failed += 1
            typer.echo(f"{type(exc).__name__}: {exc}", err=True)
            continue
        _write_lines([r.model_dump_json() for r in result.records])
        for warning in result.warnings:
            typer.echo(f"warning: {path}: entry {warning.position}: {warning.message}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command("parsers")
def parsers_cmd() -> None:
    """List the installed parsers (entry-point group ingest_core.parsers)."""
    from ingest_core._registry import installed_parsers

    table = Table("name", "source", "version", "url patterns")
    for name, p in installed_parsers().items():
        table.add_row(name, p.source, p.version, " ".join(p.url_patterns))
    Console().print(table)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of every record kind, for other services to validate against."""
    from ingest_core._schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@fixtures_app.command("regen")
def fixtures_regen_cmd(
    parser: Annotated[
        str | None, typer.Option("--parser", help="Only this parser's cases.")
    ] = None,
    root: Annotated[Path, typer.Option("--root", help="The fixtures folder.")] = Path("fixtures"),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="as_of for cases with no expectation yet.")
    ] = None,
) -> None:
    """Rewrite expected records from the current parsers; review the diff before committing."""
    from ingest_core._fixtures import regen

    try:
        written = regen(root, parser=parser, as_of=as_of)
    except IngestError as exc:
        fail(exc)
    for path in written:
        typer.echo(f"rewrote {path}")
    typer.echo(f"{len(written)} expectation file(s) changed")


# --- store commands (issue 4) ---


# --- resolve commands (issue 5) ---


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
