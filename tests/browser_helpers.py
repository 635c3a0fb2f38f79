"""A real `ingest serve` process and a headless Chromium to drive it (Playwright over
Debian's chromium: no browser is downloaded)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
"""Without the networking flags, Chromium keeps trying to reach Google on a closed network."""
LINK = re.compile(r"open (http://\S+/\?token=\S+)")


def chromium_path() -> str:
    """The system Chromium; `make test` installs it (apt-get install -y chromium)."""
    found = os.environ.get("INGEST_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not found:
        raise RuntimeError("the browser tests need Chromium: apt-get install -y chromium "
                           "(or set INGEST_CHROMIUM to its path)")
    return found


@contextmanager
def serving(db: str, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`ingest serve --db DB --port 0` as a child process; yields (token link, process)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest_core", "serve", "--db", db, "--port", "0", *extra],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    found: list[str] = []
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            match = LINK.search(line) or (re.search(r"on (http://\S+/)", line)
                                          if "--read-only" in extra else None)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(60) or not found:
            raise RuntimeError("ingest serve did not start:\n" + "".join(lines))
        yield found[0], proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium browser (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def screenshot(page: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
