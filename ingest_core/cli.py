"""The ``ingest`` command line. Each command calls one public function and nothing more;
an IngestError becomes ``ErrorType: message`` on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest_core._cli_common import DbOption, check_choice, fail, write_lines
from ingest_core.backends.base import BackfillInterrupted
from ingest_core.errors import IngestError, UsageError

app = typer.Typer(
    name="ingest",
    help="Parse scholarly web pages into validated records, store them, resolve papers and people.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from ingest_core import __version__

        typer.echo(f"ingest_core {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    log_level: Annotated[str, typer.Option(
        "--log-level", "-v", help="Log level on stderr: debug, info, warning or error.",
        envvar="INGEST_LOG_LEVEL")] = "warning",
) -> None:
    """Parse scholarly web pages into validated records, store them, resolve papers and people."""
    import logging

    level = log_level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        fail(UsageError(f"--log-level {log_level!r} is not one of: debug, info, warning, error"),
             code=2)
    logging.basicConfig(level=getattr(logging, level),
                        format="%(levelname)s %(name)s: %(message)s")
fixtures_app = typer.Typer(
    help="Maintain the parser fixtures (pages beside expected records).", no_args_is_help=True
)
app.add_typer(fixtures_app, name="fixtures")

err_console = Console(stderr=True)


def _check_reason(reason: str | None) -> None:
    """A quarantine reason is an error code (``page_not_recognised``) or its type name."""
    from typing import get_args

    from ingest_core import errors

    codes = sorted(get_args(errors.ErrorCode))
    names = [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    check_choice("--reason", reason, [*codes, *names], shown=codes)


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
        write_lines([r.model_dump_json() for r in result.records])
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
        table.add_row(name, p.source, p.version, escape(" ".join(p.url_patterns)))
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
        str | None, typer.Option("--as-of", help="as_of for new cases (required for them); "
                     "existing expectations keep theirs.")
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

quarantine_app = typer.Typer(help="Inspect and retry pages and entries that were quarantined.",
                             no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")

def _warnings_to_stderr() -> None:
    import logging

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _stopped(stop: BackfillInterrupted, title: str, hint: str) -> NoReturn:
    """A run stopped by a signal: what it did, how to resume, exit status 130."""
    _print_summary(stop.summary, title)
    typer.echo(f"stopped: {hint}", err=True)
    raise typer.Exit(130) from None


def _print_summary(summary: object, title: str) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in summary.rows():  # type: ignore[attr-defined]
        table.add_row(label, value)
    Console().print(table)


@app.command("backfill")
def backfill_cmd(  # noqa: PLR0917 - typer options
    paths: Annotated[list[Path], typer.Argument(
        help="Page files, directories (walked recursively), .jsonl page lists, WARC archives.")],
    db: DbOption = "sqlite:///ingest.db",
    workers: Annotated[int | None, typer.Option(
        "--workers",
        help="Parser processes (default: every core; 0 parses in this process).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Read every page as of YYYY-MM-DD (default: its WARC-Date or "
        "retrieved_at, else the file's modification time).")] = None,
    engine: Annotated[str, typer.Option(
        "--engine",
        help="local (a process pool) or spark (PySpark, the `spark` extra).")] = "local",
    master: Annotated[str | None, typer.Option(
        "--master", help="Spark master URL for --engine spark (default local[*]).")] = None,
    spark_out: Annotated[Path | None, typer.Option(
        "--spark-out", help="With --engine spark, also write records, quarantine, pages and "
        "a run summary as Parquet datasets into this folder.")] = None,
    glob: Annotated[str | None, typer.Option(
        "--glob", help="In directories, only files whose name or relative path matches, "
        "e.g. '*.html'.")] = None,
    batch_size: Annotated[int | None, typer.Option(
        "--batch-size", help="Pages per write transaction (default 250).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet",
        help="No progress bar or progress lines; the summary is still printed.")] = False,
    page_timeout: Annotated[float | None, typer.Option(
        "--page-timeout", help="Seconds one page may take to parse before it is quarantined "
        "as parser_timeout (default 30, or $INGEST_PAGE_TIMEOUT; 0 for no limit).")] = None,
) -> None:
    """Parse every page under PATH... into the store; quarantine what cannot be parsed.

    A directory is walked recursively in sorted order, leaving out hidden entries and
    fixture answers (*.expected.json, *.expected.jsonl). *.warc and *.warc.gz are WARC
    archives (one page per response record). *.jsonl files are page lists when their first
    row has `content` or `content_base64` (with `url`, `retrieved_at`); other .jsonl,
    .jsonl.gz and line-per-entity .json.gz files are entity dumps, one page per line. Every
    other file is one page.

    Pages already stored by the current parser version are counted unchanged, so a killed
    run resumes where it stopped. Exits 0 when every page ended parsed, unchanged or
    quarantined; non-zero only when the store cannot be written.
    """
    from ingest_core._backfill import backfill
    from ingest_core._progress import make_progress

    _warnings_to_stderr()
    names = [str(p) for p in paths]
    try:
        summary = backfill(names, db=db, workers=workers, as_of=as_of, engine=engine,
                           master=master, glob=glob, batch_size=batch_size,
                           progress=make_progress(quiet=quiet, paths=names, glob=glob),
                           spark_output=spark_out, page_timeout=page_timeout)
    except IngestError as exc:
        fail(exc)
    except BackfillInterrupted as stop:
        _stopped(stop, f"backfill run {stop.summary.run_id} into {db}: stopped by "
                 f"{stop.signal_name}", "every written batch is committed; rerun the same "
                 "command to resume")
    _print_summary(summary, f"backfill run {summary.run_id} into {db}")


@quarantine_app.command("list")
def quarantine_list_cmd(
    db: DbOption = "sqlite:///ingest.db",
    fmt: Annotated[str, typer.Option("--format", help="table or jsonl.")] = "table",
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Only this error code or type, e.g. page_not_recognised.")] = None,
) -> None:
    """List quarantined pages and entries: id, stage, input (path, WARC@offset or
    list:line), URL and reason."""
    from ingest_core.store import Store

    check_choice("--format", fmt, ("table", "jsonl"))
    _check_reason(reason)

    try:
        with Store(db, read_only=True) as store:
            entries = store.quarantined(reason=reason)
            if fmt == "jsonl":
                for entry in entries:
                    typer.echo(json.dumps(entry.to_dict(), ensure_ascii=False))
                return
            rows = list(entries)  # a table is for people; --format jsonl streams
            table = Table("id", "stage", "input", "url", "reason", "parser", "attempts", "message")
            table.columns[2].no_wrap = True
            for entry in rows:
                table.add_row(entry.id[:12], entry.stage if entry.position is None
                              else f"entry {entry.position}", entry.input, entry.source.url or "",
                              entry.error_code, entry.parser or "", str(entry.attempts),
                              entry.message)
            widest = max((len(e.input) + len(e.source.url or "") for e in rows), default=0)
            Console(width=max(160, widest + 140)).print(table)
    except IngestError as exc:
        fail(exc)


@quarantine_app.command("show")
def quarantine_show_cmd(
    id: Annotated[str, typer.Argument(help="A quarantine id (or a unique prefix of one).")],
    db: DbOption = "sqlite:///ingest.db",
) -> None:
    """Show one quarantine row in full, with every place its page was seen, as JSON."""
    from ingest_core.errors import StorageError
    from ingest_core.store import Store

    try:
        with Store(db, read_only=True) as store:
            entry = store.quarantine_entry(id)
            if entry is None:
                raise StorageError(f"no single quarantine row has an id starting with {id!r}",
                                   input=store.url, hint="see `ingest quarantine list`")
            data = entry.to_dict()
            if entry.page_sha256:
                data["sources"] = [s.to_dict() for s in store.sources_of(entry.page_sha256)]
    except IngestError as exc:
        fail(exc)
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@quarantine_app.command("retry")
def quarantine_retry_cmd(
    db: DbOption = "sqlite:///ingest.db",
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Only rows with this error code or type (default: all).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Parser processes.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress output.")] = False,
) -> None:
    """Read quarantined pages again from where they were seen and parse them again.

    Run it after fixing or adding a parser: pages that now parse leave the quarantine, the
    others stay with their attempt count raised.
    """
    from ingest_core._backfill import retry_quarantined
    from ingest_core._progress import make_progress

    _check_reason(reason)
    _warnings_to_stderr()
    try:
        summary = retry_quarantined(db=db, reason=reason, workers=workers,
                                    progress=make_progress(quiet=quiet))
    except IngestError as exc:
        fail(exc)
    except BackfillInterrupted as stop:
        _stopped(stop, f"quarantine retry (run {stop.summary.run_id}): stopped",
                 "rerun the same command to resume")
    _print_summary(summary, f"quarantine retry (run {summary.run_id})")


@app.command("export")
def export_cmd(
    kind: Annotated[str, typer.Option("--kind", help="work, profile or listing.")],
    db: DbOption = "sqlite:///ingest.db",
    fmt: Annotated[str, typer.Option("--format", help="jsonl, parquet or csv.")] = "jsonl",
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write here instead of stdout (required for parquet).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this site.")] = None,
) -> None:
    """Stream stored records: JSON Lines exactly as `ingest parse` prints them, or Parquet/CSV
    with one column per field (nested fields as JSON text)."""
    from ingest_core.store import Store
    from ingest_core.store._export import KINDS, export_records

    if kind not in KINDS or fmt not in ("jsonl", "parquet", "csv"):
        typer.echo(f"error: --kind is one of {', '.join(KINDS)}; --format jsonl, parquet or csv",
                   err=True)
        raise typer.Exit(2)
    if fmt == "parquet" and out is None:
        typer.echo("error: --format parquet needs --out FILE", err=True)
        raise typer.Exit(2)
    try:
        with Store(db, read_only=True) as store:
            if source is not None:
                check_choice("--source", source, sorted({src for src, _, _ in
                                                          store.stats().records}))
            n = export_records(store, kind, fmt, out, source=source)  # type: ignore[arg-type]
    except IngestError as exc:
        fail(exc)
    if out is not None:
        typer.echo(f"wrote {n:,} {kind} record(s) to {out}", err=True)


@app.command("stats")
def stats_cmd(db: DbOption = "sqlite:///ingest.db") -> None:
    """Print record counts per source and kind, pages by status and the quarantine by reason."""
    from ingest_core.store import Store

    try:
        with Store(db, read_only=True) as store:
            stats = store.stats()
    except IngestError as exc:
        fail(exc)
    console = Console()
    table = Table("source", "kind", "records", title="records")
    for src, kind, n in stats.records:
        table.add_row(src, kind, f"{n:,}")
    console.print(table)
    pages = Table("status", "pages", title="pages")
    for status, n in sorted(stats.pages.items()):
        pages.add_row(status, f"{n:,}")
    console.print(pages)
    quarantine = Table("stage", "reason", "rows", title="quarantine")
    for stage, code, n in stats.quarantine:
        quarantine.add_row(stage, code, f"{n:,}")
    console.print(quarantine)
    console.print(f"runs: {stats.runs}")



# --- resolve commands (issue 5) ---

if TYPE_CHECKING:
    from ingest_core.resolution import Curation, Resolution, ResolverConfig
    from ingest_core.schemas import AnyRecord


_Files = Annotated[list[Path] | None, typer.Argument(help="Pages to parse, then resolve.")]
_Records = Annotated[str | None, typer.Option(
    "--records", help="JSON Lines of records as `ingest parse` writes them; - for stdin.")]
_AsOf = Annotated[str | None, typer.Option("--as-of", help="Read pages as of YYYY-MM-DD.")]
_Curation = Annotated[Path | None, typer.Option(
    "--curation", help="JSON Lines of must_link / cannot_link decisions.")]
_Config = Annotated[Path | None, typer.Option(
    "--config", help="JSON object of ResolverConfig overrides.")]
_Db = Annotated[str | None, typer.Option(
    "--db", help="Read records from this store (SQLAlchemy URL).")]


def _resolution_inputs(
    files: list[Path] | None, records: str | None, as_of: str | None
) -> list[AnyRecord]:
    """Records from pages (parsed) or from JSON Lines (``-`` is stdin)."""
    from ingest_core._engine import parse_page
    from ingest_core.errors import UnreadableInput
    from ingest_core.resolution._io import read_records

    if records is not None:
        if records == "-":
            return read_records(sys.stdin, name="stdin")
        try:
            with open(records, encoding="utf-8") as fh:
                return read_records(fh, name=records)
        except OSError as exc:
            raise UnreadableInput(f"cannot read the file ({exc.strerror})",
                                  input=records) from exc
    out: list[AnyRecord] = []
    for path in files or []:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise UnreadableInput(f"cannot read the file ({exc.strerror})",
                                  input=str(path)) from exc
        out.extend(parse_page(content, as_of=as_of, name=str(path)).records)
    return out


def _options(curation: Path | None, config: Path | None) -> tuple[ResolverConfig | None,
                                                                  Curation | None]:
    from ingest_core.resolution import Curation, ResolverConfig

    return (ResolverConfig.from_file(config) if config else None,
            Curation.from_file(curation) if curation else None)


def _resolve_db(db: str, curation: Path | None, config: Path | None, *,
                incremental: bool) -> list[str]:
    """Resolve a store, write its entity tables, return every stored entity as JSON."""
    from ingest_core.resolution.stored import resolve_store, stored_curation, stored_entities
    from ingest_core.store import Store

    cfg, cur = _options(curation, config)
    with Store(db) as store:
        _, counts = resolve_store(store, config=cfg, curation=cur, incremental=incremental)
        typer.echo(", ".join(f"{v} {k}" for k, v in counts.items()) + " entities", err=True)
        _, dangling = stored_curation(store)
        if dangling:
            typer.echo(f"{dangling} curation decision(s) name records no longer stored; they "
                       "are kept: see `ingest curation list --dangling`", err=True)
        return [e.model_dump_json() for e in stored_entities(store)]


def _resolved(files: list[Path] | None, records: str | None, as_of: str | None, *,
              db: str | None, curation: Path | None, config: Path | None) -> Resolution:
    """Resolve pages, JSON Lines records or a store's records, in memory."""
    from ingest_core.resolution import resolve

    cfg, cur = _options(curation, config)
    if db is not None:
        from ingest_core.resolution import Curation
        from ingest_core.resolution.stored import stored_curation
        from ingest_core.store import Store

        with Store(db, read_only=True) as store:
            recs: list[AnyRecord] = [*store.records(kind="work"),
                                     *store.records(kind="profile")]
            kept, _ = stored_curation(store)
        cur = Curation.of([*kept.all_entries(), *(cur.all_entries() if cur else [])])
    elif not files and records is None:
        typer.echo("give page FILEs, --records FILE|- or --db URL", err=True)
        raise typer.Exit(2)
    else:
        recs = _resolution_inputs(files, records, as_of)
    return resolve(recs, config=cfg, curation=cur)


@app.command("resolve")
def resolve_cmd(  # noqa: PLR0917 - a typer command takes its options as parameters
    files: _Files = None,
    records: _Records = None,
    as_of: _AsOf = None,
    curation: _Curation = None,
    config: _Config = None,
    db: _Db = None,
    incremental: Annotated[bool, typer.Option(
        "--incremental",
        help="With --db: re-resolve only what the records new to the store touch.")] = False,
) -> None:
    """Resolve works into papers and mentions into persons; print the entities as JSON Lines
    (papers, then persons). With --db, also write them to the store's entity tables."""
    try:
        if db is not None:
            write_lines(_resolve_db(db, curation, config, incremental=incremental))
            return
        res = _resolved(files, records, as_of, db=None, curation=curation, config=config)
    except IngestError as exc:
        fail(exc)
    write_lines([e.model_dump_json() for e in res.entities()])


@app.command("explain")
def explain_cmd(  # noqa: PLR0917 - a typer command takes its options as parameters
    entity_id: Annotated[str, typer.Argument(help="A paper-… or person-… id.")],
    files: _Files = None,
    records: _Records = None,
    as_of: _AsOf = None,
    curation: _Curation = None,
    config: _Config = None,
    db: _Db = None,
) -> None:
    """Say why each member is in an entity and which near candidates were kept out."""
    try:
        res = _resolved(files, records, as_of, db=db, curation=curation, config=config)
        typer.echo(res.explain(entity_id))
    except IngestError as exc:
        fail(exc)


from ingest_core._cli_curation import curation_app  # noqa: E402 - the commands register on app
from ingest_core._cli_serve import serve_cmd  # noqa: E402

app.add_typer(curation_app, name="curation")
app.command("serve")(serve_cmd)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
