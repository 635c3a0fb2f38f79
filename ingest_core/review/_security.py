"""Who may change the store: the holder of the per-run token, by a CSRF-checked POST.

As Jupyter does, the server makes a random token at start and prints a link carrying it.
Opening the link stores the token in an HttpOnly, SameSite=Strict cookie; every form then
carries a CSRF value derived from the token, and a change is accepted only with both and,
when the browser sends one, an Origin of this server. Reading needs no token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

COOKIE = "ingest_token"


@dataclass(frozen=True)
class Guard:
    """The run's token and the checks that use it."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def csrf(self) -> str:
        """The value every form carries: tied to the token, useless without the cookie."""
        return hmac.new(self.token.encode(), b"csrf", hashlib.sha256).hexdigest()

    def is_token(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def may_change(self, cookie: str | None, csrf: str | None, origin: str | None,
                   host: str | None) -> str | None:
        """None when a POST may change the store, else why not (shown to the user)."""
        if not self.is_token(cookie):
            return ("this browser has no token: open the link `ingest serve` printed at "
                    "start (it ends in ?token=…)")
        if csrf is None or not hmac.compare_digest(csrf.encode(), self.csrf.encode()):
            return "the form's CSRF value is missing or wrong: reload the page and try again"
        if origin and host and origin.split("://", 1)[-1].rstrip("/") != host:
            return f"the request came from another site ({origin})"
        return None
