"""Signals turned into exceptions for the length of a block: a page's time limit (SIGALRM)
and a clean stop on SIGTERM share one way of installing and restoring a handler."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def raising_on(signum: int, make: Callable[[], BaseException]) -> Iterator[bool]:
    """While the block runs, ``signum`` raises ``make()`` where the main thread is; the old
    handler comes back after. Off the main thread (where Python delivers no signal) nothing
    is installed and the block learns it from the yielded False."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return

    def handler(signum: int, frame: object) -> None:
        raise make()

    previous = signal.signal(signum, handler)
    try:
        yield True
    finally:
        signal.signal(signum, previous)
