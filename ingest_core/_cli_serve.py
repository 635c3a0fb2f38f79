"""``ingest serve``: the review app on this machine, with the token link printed at start."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from ingest_core._cli_common import DbOption, fail
from ingest_core.errors import IngestError, UsageError


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve_cmd(
    db: DbOption = "sqlite:///ingest.db",
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free one).", min=0,
                                      max=65535)] = 8000,
    read_only: Annotated[bool, typer.Option(
        "--read-only", help="Show everything, change nothing (for sharing).")] = False,
    who: Annotated[str | None, typer.Option(
        "--who", help="Curator name recorded on decisions when a form gives none.")] = None,
) -> None:
    """Review resolved persons and papers in a browser: evidence, candidates, curation.

    Changes need the token in the link printed at start; every change is a curation
    decision kept in the store, and the store is re-resolved around it at once.
    """
    try:
        import uvicorn

        from ingest_core.review import Guard, create_app
    except ImportError as exc:
        fail(UsageError(f"the review app needs its extra ({exc.name} is missing)",
                        hint="pip install 'ingest-core[serve]'"), code=2)
    from ingest_core.store import Store

    try:
        store = Store(db, read_only=read_only)
    except IngestError as exc:
        fail(exc)
    guard = Guard()
    app = create_app(store, read_only=read_only, guard=guard, who=who)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and
    # without it a kept-alive connection waits 40 ms on every response (delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        fail(UsageError(f"cannot listen on {host}:{port} ({exc.strerror})",
                        hint="pick another --port (0 for any free one)"), code=2)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    if not _is_loopback(host):
        typer.echo(f"warning: listening on {host}, not only this machine; anyone who can "
                   "reach it can read the store", err=True)
    mode = "read-only" if read_only else "changes need the token in the link below"
    typer.echo(f"ingest review of {store.url} on http://{shown}:{bound}/ ({mode})", err=True)
    if not read_only:
        typer.echo(f"open http://{shown}:{bound}/?token={guard.token}", err=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
