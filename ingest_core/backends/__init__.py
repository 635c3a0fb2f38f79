"""Backfill engines: ``local`` (a process pool) and ``spark`` (PySpark, loaded on use).

An engine is a :class:`~ingest_core.backends.base.Backend`: the run's orchestration is
shared, and each engine fills in how page inputs become page outcomes. ``spark`` is
imported only when asked for, so a missing PySpark fails clearly, and only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest_core.backends.base import (
    Backend,
    BackfillContext,
    BackfillOptions,
    BackfillPlan,
    Progress,
    RunSummary,
)
from ingest_core.backends.local import LocalBackend
from ingest_core.errors import IngestError

if TYPE_CHECKING:
    from ingest_core.backends.spark import SparkBackend

ENGINES = ("local", "spark")


def get_backend(engine: str = "local", *, workers: int | None = None,
                master: str | None = None, output: str | None = None) -> Backend:
    """The engine called ``engine``.

    Raises:
        IngestError: an unknown engine, or ``spark`` without PySpark installed.
    """
    if engine == "local":
        return LocalBackend(workers)
    if engine == "spark":
        spark_backend = _load_spark()
        return spark_backend(  # type: ignore[no-any-return]
            workers=workers, master=master, output=output)
    raise IngestError(f"no engine named {engine!r} (choose from {', '.join(ENGINES)})")


def _load_spark() -> Any:
    try:
        from ingest_core.backends import spark
    except ImportError as exc:
        raise IngestError(
            f"the Spark engine is not available ({exc})",
            hint="install it with: pip install 'ingest-core[spark]' (Java 17 is needed too)",
        ) from exc
    return spark.SparkBackend


def __getattr__(name: str) -> Any:
    if name == "SparkBackend":
        return _load_spark()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENGINES",
    "Backend",
    "BackfillContext",
    "BackfillOptions",
    "BackfillPlan",
    "LocalBackend",
    "Progress",
    "RunSummary",
    "SparkBackend",
    "get_backend",
]
