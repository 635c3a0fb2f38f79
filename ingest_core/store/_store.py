"""The store: pages, where they were seen, their records, the quarantine and the runs.

One :class:`Store` wraps one SQLAlchemy engine (SQLite by default, in WAL mode; PostgreSQL
for real). Opening it upgrades the schema with Alembic. Writes come in batches of page
outcomes and land in one transaction each, as idempotent upserts keyed by deterministic
ids, so writing a batch twice, or after a crash, gives the same store. SQLAlchemy errors
are translated to :class:`~ingest_core.errors.StorageError` here, where they happen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ingest_core._inputs import SourceRef
from ingest_core._outcome import PageOutcome
from ingest_core._text import safe_text
from ingest_core.errors import StorageError, UsageError
from ingest_core.schemas import AnyRecord, CurationDecision, Paper, Person
from ingest_core.schemas.records import record_from_json
from ingest_core.store import _models as m
from ingest_core.store._browse import Browse
from ingest_core.store._curation import (
    StoredDecision,
    delete_decisions,
    read_decisions,
    write_decisions,
)
from ingest_core.store._entities import (
    EntityData,
    EntityIndex,
    count_entity_keys,
    read_entities,
    read_entity_rows,
)

log = logging.getLogger("ingest_core.store")

DEFAULT_URL = "sqlite:///ingest.db"
CHUNK = 500
"""Rows per IN (...) list, well under every database's parameter limit."""
T = TypeVar("T")
RECORD_KINDS = ("work", "profile", "listing")

SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",  # WAL: a commit survives a crash of the process, not of the OS
    "cache_size=-65536",  # 64 MiB of page cache: a batch's index pages stay in memory
    "wal_autocheckpoint=16384",  # checkpoint every ~64 MiB of WAL, not every 4 MiB
    "journal_size_limit=67108864",  # and truncate the WAL back to 64 MiB after one
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def source_id(sha256: str, source: SourceRef) -> str:
    """The page_sources key: a page at a place (same bytes at two places = two rows)."""
    return _hash(sha256, source.kind, source.location, source.offset, source.url)


def page_quarantine_id(sha256: str | None, source: SourceRef) -> str:
    """The quarantine key of a page: its sha256, or its place when it could not be read."""
    if sha256 is not None:
        return _hash("page", sha256)
    return _hash("page", "unreadable", source.kind, source.location, source.offset)


def entry_quarantine_id(sha256: str, parser: str, position: int) -> str:
    return _hash("entry", sha256, parser, position)


def normalize_url(url: str) -> str:
    """A SQLAlchemy URL from what an operator typed: a bare path is a SQLite file, and
    ``postgresql://`` uses psycopg 3 (the driver the ``postgres`` extra installs)."""
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class QuarantineEntry:
    """One quarantine row, as ``ingest quarantine list`` shows it."""

    id: str
    stage: str
    input: str
    source: SourceRef
    error_type: str
    error_code: str
    message: str
    parser: str | None
    parser_version: str | None
    page_sha256: str | None
    position: int | None
    attempts: int
    first_seen: dt.datetime
    last_seen: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stage": self.stage,
            "input": self.input,
            "path": self.source.location,
            "offset": self.source.offset,
            "url": self.source.url,
            "error_type": self.error_type,
            "error_code": self.error_code,
            "message": self.message,
            "parser": self.parser,
            "parser_version": self.parser_version,
            "page_sha256": self.page_sha256,
            "position": self.position,
            "attempts": self.attempts,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
        }


@dataclass(frozen=True)
class StoreStats:
    """Counts for ``ingest stats``."""

    records: list[tuple[str, str, int]] = field(default_factory=list)
    """(source, kind, count), sorted."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages by status."""
    quarantine: list[tuple[str, str, int]] = field(default_factory=list)
    """(stage, error code, count), sorted."""
    runs: int = 0


@dataclass(frozen=True)
class PageState:
    """What the store knows about a page, enough to tell whether it must be parsed again."""

    status: str
    parser: str | None
    parser_version: str | None
    fingerprint: str
    run_id: int | None = None
    """The run that last wrote the page."""

    def is_current(self, versions: Mapping[str, str], fingerprint: str) -> bool:
        """True when re-parsing could not change anything: same parser version (parsed
        pages) or same installed parsers and size cap (quarantined pages)."""
        if self.status == "parsed":
            return self.parser is not None and versions.get(self.parser) == self.parser_version
        return self.fingerprint == fingerprint


def _entry(row: Any) -> QuarantineEntry:
    return QuarantineEntry(
        id=row.id,
        stage=row.stage,
        input=row.input,
        source=SourceRef(row.source_kind, row.location, row.offset, row.url),
        error_type=row.error_type,
        error_code=row.error_code,
        message=row.message,
        parser=row.parser,
        parser_version=row.parser_version,
        page_sha256=row.page_sha256,
        position=row.position,
        attempts=row.attempts,
        first_seen=_aware(row.first_seen),
        last_seen=_aware(row.last_seen),
    )


def _aware(stamp: dt.datetime) -> dt.datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _safe_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose text every database can hold: a non-UTF-8 file name, a lone surrogate or a
    NUL in a url, path or message is escaped (:func:`safe_text`) instead of failing the
    batch. Record JSON (``data``) is written by pydantic and is always clean."""
    out = rows
    for i, row in enumerate(rows):
        for column, value in row.items():
            if column != "data" and isinstance(value, str) and safe_text(value) is not value:
                if out is rows:
                    out = list(rows)
                out[i] = {c: safe_text(v) if c != "data" and isinstance(v, str) else v
                          for c, v in row.items()}
                break
    return out


class Store:
    """Pages, records, quarantine and runs in one SQL database.

    Args:
        url: a SQLAlchemy URL (``sqlite:///ingest.db``, ``postgresql://user@host/db``) or a
            bare path to a SQLite file. Default ``$INGEST_DB`` or ``sqlite:///ingest.db``.
        migrate: upgrade the schema to the newest Alembic revision on open.

    Raises:
        StorageError: the database cannot be opened, migrated or written.
    """

    def __init__(
        self, url: str | os.PathLike[str] | None = None, *, migrate: bool = True,
        read_only: bool = False,
    ) -> None:
        raw = os.fspath(url) if url is not None else os.environ.get("INGEST_DB") or DEFAULT_URL
        if not isinstance(raw, str):
            raise StorageError(f"a store is named by a URL or a path, not {raw!r}")
        try:
            parsed = make_url(normalize_url(raw))
        except ArgumentError as exc:
            raise StorageError(f"not a database URL ({exc})", input=raw) from exc
        self.url = parsed.render_as_string(hide_password=True)
        self.read_only = read_only
        self._sql_cache: dict[tuple[Any, ...], str] = {}
        with self._errors("open the database"):
            try:
                self.engine: Engine = self._create_engine(
                    parsed.render_as_string(hide_password=False), read_only=read_only)
            except ImportError as exc:  # the database's driver is not installed
                raise StorageError(
                    f"no driver for {parsed.drivername} databases ({exc})", input=self.url,
                    hint="use sqlite:///PATH, or postgresql://… with "
                    "pip install 'ingest-core[postgres]'") from None
            self.dialect = self.engine.dialect.name
            self._fast = self.dialect == "sqlite" or (
                self.dialect == "postgresql" and self.engine.dialect.driver == "psycopg")
            processor = m.pages.c.last_seen.type.bind_processor(self.engine.dialect)
            self._sqlite_datetime: Callable[[dt.datetime], Any] = processor or (lambda v: v)
            if read_only:
                self._check_schema(writable=False)
            elif migrate:
                self._migrate()

    def _refuse_foreign_file(self, database: str) -> None:
        """Check an existing SQLite file through a read-only connection before the writable
        one sets its pragmas (WAL rewrites the header), so a file that is not an ingest
        store, or is from a newer version, is refused byte for byte untouched."""
        if not Path(database).is_file() or Path(database).stat().st_size == 0:
            return
        probe = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
        try:
            self._check_schema(writable=True, engine=probe)
        finally:
            probe.dispose()

    def _create_engine(self, url: str, *, read_only: bool) -> Engine:
        if url.startswith("sqlite"):
            database = make_url(url).database
            if read_only and database and database != ":memory:":
                if not Path(database).is_file():
                    raise StorageError(
                        f"no store at {database}", input=self.url,
                        hint="check the path, or create the store with `ingest backfill`")
                # SQLite's own read-only mode: the file is never written, not even its WAL
                engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
                return engine
            if database and database != ":memory:":
                self._refuse_foreign_file(database)
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 60})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                for pragma in SQLITE_PRAGMAS:
                    cursor.execute(f"PRAGMA {pragma}")
                cursor.close()

            return engine
        return create_engine(url, pool_pre_ping=True)

    def _revisions(self, engine: Engine) -> tuple[str | None, str, set[str]]:
        """(the store's revision, the newest this code knows, every revision it knows)."""
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        script = ScriptDirectory.from_config(config)
        known = {rev.revision for rev in script.walk_revisions()}
        head = script.get_current_head()
        assert head is not None
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        return current, head, known

    def _check_schema(self, *, writable: bool, engine: Engine | None = None) -> bool:
        """True when the schema is the newest; raises when this store cannot be used as is.

        Raises:
            StorageError: the database is not an ingest store (tables of its own, no
                migration record), was written by a newer ingest_core, or (read-only) is
                older or empty.
        """
        engine = engine or self.engine
        current, head, known = self._revisions(engine)
        if current is not None and current not in known:
            raise StorageError(
                f"the store was written by a newer ingest_core (schema revision {current})",
                input=self.url, hint="upgrade ingest_core (pip install -U ingest-core)")
        if current is None:
            tables = sorted(inspect(engine).get_table_names())
            if tables:
                raise StorageError(
                    f"the database is not an ingest store: it has tables of its own "
                    f"({', '.join(tables[:5])}{', …' if len(tables) > 5 else ''})",
                    input=self.url, hint="give --db a new file or an ingest store")
            if not writable:
                raise StorageError("the database holds no ingest store yet", input=self.url,
                                   hint="create one with `ingest backfill`")
        elif current != head and not writable:
            raise StorageError(
                f"the store's schema ({current}) is older than this ingest_core's ({head})",
                input=self.url, hint="open it once with a writing command (`ingest backfill`) "
                "to migrate it")
        return current == head

    def _migrate(self) -> None:
        """Bring the schema to the newest revision; safe when several processes open a new
        store at once (one migrates under a lock, the others wait and find it done)."""
        from alembic import command
        from alembic.config import Config

        if self._check_schema(writable=True):
            return
        with self._migration_lock(), self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7283417)")
            if self._check_schema(writable=True):
                return
            config = Config()
            config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            log.info("store %s migrated", self.url)

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """An OS lock beside a SQLite file (SQLite has no lock for DDL across connections
        that Alembic could take); nothing for other databases (they lock in SQL)."""
        database = self.engine.url.database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            yield
            return
        import fcntl

        with open(f"{database}.migrate-lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            text = str(cause).strip()
            first = text.splitlines()[0] if text else type(cause).__name__
            raise StorageError(f"could not {action}: {first}", input=self.url) from exc
        except OSError as exc:
            raise StorageError(f"could not {action}: {exc}", input=self.url) from exc

    @property
    def shareable(self) -> bool:
        """True when other processes can open this database by its URL (not in-memory)."""
        database = self.engine.url.database
        return self.dialect != "sqlite" or bool(database and database != ":memory:"
                                                and "mode=memory" not in str(self.engine.url))

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # --- upserts -------------------------------------------------------------------------

    def _upsert(
        self,
        conn: Connection,
        table: Table,
        rows: list[dict[str, Any]],
        key: str,
        refresh: Sequence[str],
    ) -> None:
        """INSERT ... ON CONFLICT (key) DO UPDATE SET ``refresh`` columns (and ``attempts``
        counted up, where the table has it), in the dialect's own syntax."""
        if not rows:
            return
        rows = _safe_rows(rows)
        if self._fast:
            self._execute_many(conn, table, rows, key, refresh)
            return
        if self.dialect == "postgresql":  # another driver than psycopg 3
            from sqlalchemy.dialects import postgresql

            pg = postgresql.insert(table)
            values: dict[str, Any] = {c: pg.excluded[c] for c in refresh}
            if "attempts" in table.c:
                values["attempts"] = table.c.attempts + 1
            conn.execute(pg.on_conflict_do_update(index_elements=[key], set_=values), rows)
            return
        column = table.c[key]
        existing = {
            k for chunk in _chunks([r[key] for r in rows])
            for k in conn.execute(select(column).where(column.in_(chunk))).scalars()
        }
        fresh = [r for r in rows if r[key] not in existing]
        if fresh:
            conn.execute(insert(table), fresh)
        for row in rows:
            if row[key] in existing:
                values = {c: row[c] for c in row if c not in (key, "first_seen")}
                if "attempts" in values:
                    values["attempts"] = table.c.attempts + 1
                conn.execute(update(table).where(column == row[key]).values(**values))

    def _insert(self, conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
        """Plain INSERT of many rows."""
        if not rows:
            return
        rows = _safe_rows(rows)
        if self._fast:
            self._execute_many(conn, table, rows, None, ())
        else:
            conn.execute(insert(table), rows)

    def _execute_many(
        self,
        conn: Connection,
        table: Table,
        rows: list[dict[str, Any]],
        key: str | None,
        refresh: Sequence[str],
    ) -> None:
        """The hot path (SQLite, PostgreSQL): one cached SQL text, ``executemany`` over tuples.

        SQLAlchemy's per-row parameter processing costs more than SQLite's own insert, and
        it is the single writer's CPU that bounds how far the workers scale. The rows hold
        values the driver takes as they are (on SQLite timestamps already in SQLAlchemy's
        text form, see :meth:`_stamp`), so what is stored reads back through SQLAlchemy
        unchanged. psycopg 3 pipelines an ``executemany``: one round trip per batch.
        """
        columns = tuple(rows[0])
        cache_key = (table.name, columns, key, tuple(refresh))
        sql = self._sql_cache.get(cache_key)
        if sql is None:
            quote = self.engine.dialect.identifier_preparer.quote
            names = ", ".join(quote(c) for c in columns)
            mark = "?" if self.dialect == "sqlite" else "%s"
            sql = (f"INSERT INTO {quote(table.name)} ({names}) "
                   f"VALUES ({', '.join(mark for _ in columns)})")
            if key is not None:
                sets = [f"{quote(c)} = excluded.{quote(c)}" for c in refresh]
                if "attempts" in table.c:
                    sets.append(f"attempts = {quote(table.name)}.attempts + 1")
                sql += f" ON CONFLICT ({quote(key)}) DO UPDATE SET {', '.join(sets)}"
            self._sql_cache[cache_key] = sql
        conn.exec_driver_sql(sql, [tuple(r.values()) for r in rows])

    def _stamp(self, value: dt.datetime | None) -> Any:
        """A timestamp as the write path stores it: SQLite takes SQLAlchemy's text form
        (what its DateTime type would write), other databases the datetime itself."""
        if value is None or self.dialect != "sqlite":
            return value
        return self._sqlite_datetime(value)

    # --- reading page states -----------------------------------------------------------

    def page_states(self, shas: Iterable[str]) -> dict[str, PageState]:
        """The stored state of each of ``shas`` the store knows."""
        wanted = list(dict.fromkeys(shas))
        found: dict[str, PageState] = {}
        t = m.pages
        with self._errors("read page states"), self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                query = select(t.c.sha256, t.c.status, t.c.parser, t.c.parser_version,
                               t.c.fingerprint, t.c.run_id).where(t.c.sha256.in_(chunk))
                for row in conn.execute(query):
                    found[row.sha256] = PageState(row.status, row.parser, row.parser_version,
                                                  row.fingerprint, row.run_id)
        return found

    # --- writing outcomes ----------------------------------------------------------------

    def write_outcomes(
        self, outcomes: Sequence[PageOutcome], *, fingerprint: str, run_id: int | None = None
    ) -> None:
        """Record a batch of page outcomes in one transaction (idempotent).

        A parsed or quarantined page replaces what the store held for it (records, entry
        quarantine rows); an unchanged one only gets its sighting recorded.

        Raises:
            StorageError: the transaction failed; nothing of the batch was written.
        """
        if not outcomes:
            return
        now = _utcnow()
        stamp = self._stamp(now)
        pages: dict[str, dict[str, Any]] = {}
        touched: set[str] = set()
        sources: dict[str, dict[str, Any]] = {}
        records: dict[str, dict[str, Any]] = {}
        quarantine: dict[str, dict[str, Any]] = {}
        cleared: set[str] = set()
        for o in outcomes:
            src = o.source
            if o.sha256 is not None:
                sid = source_id(o.sha256, src)
                sources[sid] = {
                    "id": sid, "sha256": o.sha256, "kind": src.kind, "location": src.location,
                    "offset": src.offset, "url": src.url,
                    "retrieved_at": self._stamp(src.retrieved_at),
                    "first_seen": stamp, "last_seen": stamp,
                }
                cleared.add(page_quarantine_id(None, src))
            if o.status == "unchanged":
                if o.sha256 is not None:
                    touched.add(o.sha256)
                continue
            if o.sha256 is not None and o.sha256 in pages:
                continue  # the same bytes twice in one batch: the first outcome stands
            if o.sha256 is not None:
                pages[o.sha256] = {
                    "sha256": o.sha256, "size": o.size or 0, "status": o.status,
                    "parser": o.parser, "parser_version": o.parser_version,
                    "fingerprint": fingerprint,
                    "error_code": o.error.code if o.error else None,
                    "record_count": len(o.records), "first_seen": stamp, "last_seen": stamp,
                    "run_id": run_id,
                }
            if o.status == "parsed" and o.sha256 is not None:
                cleared.add(page_quarantine_id(o.sha256, src))
                for r in o.records:
                    records[r.id] = {
                        "id": r.id, "kind": r.kind, "source": r.source, "parser": o.parser,
                        "parser_version": o.parser_version, "page_sha256": o.sha256,
                        "position": r.position, "data": r.json,
                    }
                for e in o.malformed:
                    qid = entry_quarantine_id(o.sha256, e.parser, e.position)
                    quarantine[qid] = self._quarantine_row(
                        qid, "entry", o, stamp, run_id, error_type="MalformedEntry",
                        error_code=e.code, message=e.message, parser=e.parser, position=e.position)
            elif o.error is not None:
                qid = page_quarantine_id(o.sha256, src)
                quarantine[qid] = self._quarantine_row(
                    qid, "page", o, stamp, run_id, error_type=o.error.type,
                    error_code=o.error.code, message=o.error.message, parser=o.parser,
                    position=None)
        with self._errors("write a batch of pages"), self.engine.begin() as conn:
            self._write(conn, pages, touched, sources, records, quarantine, cleared, now)

    @staticmethod
    def _quarantine_row(
        qid: str, stage: str, o: PageOutcome, now: Any, run_id: int | None, *,
        error_type: str, error_code: str, message: str, parser: str | None,
        position: int | None,
    ) -> dict[str, Any]:
        src = o.source
        return {
            "id": qid, "stage": stage, "page_sha256": o.sha256, "position": position,
            "input": src.label, "source_kind": src.kind, "location": src.location,
            "offset": src.offset, "url": src.url, "error_type": error_type,
            "error_code": error_code, "message": message, "parser": parser,
            "parser_version": o.parser_version, "attempts": 1, "first_seen": now,
            "last_seen": now, "run_id": run_id,
        }

    def _write(  # noqa: PLR0917 - one private call site
        self,
        conn: Connection,
        pages: dict[str, dict[str, Any]],
        touched: set[str],
        sources: dict[str, dict[str, Any]],
        records: dict[str, dict[str, Any]],
        quarantine: dict[str, dict[str, Any]],
        cleared: set[str],
        now: dt.datetime,
    ) -> None:
        replaced = list(pages)
        for chunk in _chunks(replaced):
            conn.execute(delete(m.records).where(m.records.c.page_sha256.in_(chunk)))
            conn.execute(delete(m.quarantine).where(m.quarantine.c.stage == "entry",
                                                    m.quarantine.c.page_sha256.in_(chunk)))
        stale = sorted(cleared - quarantine.keys())
        for chunk in _chunks(stale):
            conn.execute(delete(m.quarantine).where(m.quarantine.c.id.in_(chunk)))
        self._upsert(conn, m.pages, list(pages.values()), "sha256", (
            "size", "status", "parser", "parser_version", "fingerprint", "error_code",
            "record_count", "last_seen", "run_id"))
        for chunk in _chunks(sorted(touched - pages.keys())):
            conn.execute(update(m.pages).where(m.pages.c.sha256.in_(chunk)).values(last_seen=now))
        self._upsert(conn, m.page_sources, list(sources.values()), "id",
                     ("url", "retrieved_at", "last_seen"))
        self._insert(conn, m.records, list(records.values()))
        self._upsert(conn, m.quarantine, list(quarantine.values()), "id", (
            "input", "source_kind", "location", "offset", "url", "error_type", "error_code",
            "message", "parser", "parser_version", "last_seen", "run_id"))

    def records(
        self, kind: str | None = None, source: str | None = None, *, parser: str | None = None
    ) -> Iterator[AnyRecord]:
        """Stored records, streamed, as pydantic models (page record first, by page)."""
        for line in self.record_json(kind=kind, source=source, parser=parser):
            yield record_from_json(line)

    def record_json(
        self, kind: str | None = None, source: str | None = None, *, parser: str | None = None
    ) -> Iterator[str]:
        """Stored records, streamed, as the exact ``model_dump_json()`` text.

        Raises:
            UsageError: ``kind`` is not ``work``, ``profile`` or ``listing``.
        """
        if kind is not None and kind not in RECORD_KINDS:
            raise UsageError(f"no record kind {kind!r}; the kinds are "
                             f"{', '.join(RECORD_KINDS)}", input=self.url)
        t = m.records
        query = select(t.c.data).order_by(t.c.page_sha256, t.c.position.asc().nulls_first(),
                                          t.c.id)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        if source is not None:
            query = query.where(t.c.source == source)
        if parser is not None:
            query = query.where(t.c.parser == parser)
        with self._errors("read records"), self.engine.connect() as conn:
            result = conn.execution_options(yield_per=1000).execute(query)
            for row in result:
                yield row.data

    def record_ids(self) -> list[str]:
        """Every stored record id, sorted (for comparing stores)."""
        with self._errors("read record ids"), self.engine.connect() as conn:
            return list(conn.execute(select(m.records.c.id).order_by(m.records.c.id)).scalars())

    def quarantined(
        self, *, reason: str | None = None, stage: str | None = None
    ) -> Iterator[QuarantineEntry]:
        """Quarantine rows, oldest first; ``reason`` matches the error code or type name."""
        q = m.quarantine
        query = select(q).order_by(q.c.first_seen, q.c.input, q.c.position.asc().nulls_first())
        if reason is not None:
            query = query.where((func.lower(q.c.error_code) == reason.lower())
                                | (func.lower(q.c.error_type) == reason.lower()))
        if stage is not None:
            query = query.where(q.c.stage == stage)
        with self._errors("read the quarantine"), self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query):
                yield _entry(row)

    def quarantine_entry(self, id_prefix: str) -> QuarantineEntry | None:
        """The quarantine row whose id is or starts with ``id_prefix`` (None if not exactly one)."""
        q = m.quarantine
        with self._errors("read the quarantine"), self.engine.connect() as conn:
            rows = conn.execute(select(q).where(q.c.id.startswith(id_prefix, autoescape=True))
                                .limit(2)).all()
        return _entry(rows[0]) if len(rows) == 1 else None

    def sources_of(self, sha256: str) -> list[SourceRef]:
        """Every place the page ``sha256`` was seen, first seen first."""
        s = m.page_sources
        with self._errors("read page sources"), self.engine.connect() as conn:
            rows = conn.execute(select(s).where(s.c.sha256 == sha256)
                                .order_by(s.c.first_seen, s.c.location, s.c.offset)).all()
        return [SourceRef(r.kind, r.location, r.offset, r.url,
                          _aware(r.retrieved_at) if r.retrieved_at else None) for r in rows]

    def stats(self) -> StoreStats:
        """Counts of records by source and kind, pages by status, quarantine by reason."""
        r, p, q = m.records, m.pages, m.quarantine
        with self._errors("count the store"), self.engine.connect() as conn:
            records = [(s, k, n) for s, k, n in conn.execute(
                select(r.c.source, r.c.kind, func.count()).group_by(r.c.source, r.c.kind)
                .order_by(r.c.source, r.c.kind))]
            pages = {str(s): int(n) for s, n in conn.execute(
                select(p.c.status, func.count()).group_by(p.c.status))}
            quarantine = [(s, c, n) for s, c, n in conn.execute(
                select(q.c.stage, q.c.error_code, func.count())
                .group_by(q.c.stage, q.c.error_code).order_by(q.c.stage, q.c.error_code))]
            runs = conn.execute(select(func.count()).select_from(m.runs)).scalar_one()
        return StoreStats(records=records, pages=pages, quarantine=quarantine, runs=runs)

    # --- resolved entities (the SQL is in _entities) -----------------------------------

    def entities(self) -> Iterator[Paper | Person]:
        """Stored entities, streamed, papers then persons, each by id.

        Raises:
            StorageError: the tables cannot be read (run ``ingest resolve --db`` first).
        """
        with self._errors("read entities"), self.engine.connect() as conn:
            yield from read_entities(conn)

    def entity_rows(self) -> dict[str, EntityData]:
        """Every stored entity's JSON and notes by id."""
        with self._errors("read entities"), self.engine.connect() as conn:
            return read_entity_rows(conn)

    def entity_key_count(self) -> int:
        """Rows of the entity index (0: no resolution has indexed the records yet)."""
        with self._errors("read the entity index"), self.engine.connect() as conn:
            return count_entity_keys(conn)

    @contextmanager
    def entity_index(self) -> Iterator[EntityIndex]:
        """One transaction over the entity tables: committed when the block ends, rolled
        back if it raises, so a resolution writes all of its entities or none."""
        with self._errors("write entities"), self.engine.begin() as conn:
            yield EntityIndex(conn, self._errors)

    @contextmanager
    def browse(self) -> Iterator[Browse]:
        """The review app's reads (entity lists, one entity, the overview's counts)."""
        with self._errors("read entities"), self.engine.connect() as conn:
            yield Browse(conn)

    # --- curation (the SQL is in _curation) -------------------------------------------

    def add_curation(self, decisions: Sequence[CurationDecision]) -> None:
        """Keep these decisions; one on a pair already decided replaces that decision."""
        with self._errors("write curation"), self.engine.begin() as conn:
            write_decisions(conn, decisions, _utcnow())

    def curation(self, *, members: Iterable[str] | None = None) -> list[StoredDecision]:
        """Every decision (or those naming one of ``members``), oldest first, each flagged
        with the members whose records are no longer stored."""
        with self._errors("read curation"), self.engine.connect() as conn:
            return read_decisions(conn, members=members)

    def remove_curation(self, ids: Iterable[str]) -> list[CurationDecision]:
        """Remove decisions by decision id or action id; returns what was removed."""
        with self._errors("remove curation"), self.engine.begin() as conn:
            return delete_decisions(conn, ids)

    def delete_pages(self, shas: Iterable[str]) -> int:
        """Forget pages: their records, sources and quarantine rows. Curation decisions that
        name their records are kept (and reported as dangling). Returns pages deleted."""
        wanted = sorted(set(shas))
        deleted = 0
        with self._errors("delete pages"), self.engine.begin() as conn:
            for part in _chunks(wanted):
                conn.execute(delete(m.records).where(m.records.c.page_sha256.in_(part)))
                conn.execute(delete(m.page_sources).where(m.page_sources.c.sha256.in_(part)))
                conn.execute(delete(m.quarantine).where(m.quarantine.c.page_sha256.in_(part)))
                deleted += conn.execute(
                    delete(m.pages).where(m.pages.c.sha256.in_(part))).rowcount or 0
        return deleted

    # --- runs ------------------------------------------------------------------------------

    def start_run(self, arguments: Mapping[str, Any]) -> int:
        """Record a run as started; returns its id."""
        with self._errors("record the run"), self.engine.begin() as conn:
            result = conn.execute(insert(m.runs).values(
                started=_utcnow(), status="running",
                arguments=json.dumps(dict(arguments), default=str, sort_keys=True)))
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def finish_run(self, run_id: int, counts: Mapping[str, Any], status: str = "finished") -> None:
        """Record a run's end and counts."""
        with self._errors("record the run"), self.engine.begin() as conn:
            conn.execute(update(m.runs).where(m.runs.c.id == run_id).values(
                finished=_utcnow(), status=status,
                counts=json.dumps(dict(counts), default=str, sort_keys=True)))

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first, with its arguments and counts decoded."""
        with self._errors("read runs"), self.engine.connect() as conn:
            rows = conn.execute(select(m.runs).order_by(m.runs.c.id)).all()
        return [{"id": r.id, "started": r.started, "finished": r.finished, "status": r.status,
                 "arguments": json.loads(r.arguments),
                 "counts": json.loads(r.counts) if r.counts else None} for r in rows]

    def table_counts(self) -> dict[str, int]:
        """Rows per table (for tests and ``ingest stats``)."""
        out: dict[str, int] = {}
        with self._errors("count the store"), self.engine.connect() as conn:
            for table in (m.pages, m.page_sources, m.records, m.quarantine, m.runs):
                out[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        return out
