"""The review app: curators see resolved persons and papers with their evidence, correct
them, and the store re-resolves around each decision (``ingest serve``).

Server-rendered (FastAPI, Jinja2, uvicorn), usable without JavaScript, bound to 127.0.0.1
by default, and changes need the token printed at start. Install with
``pip install 'ingest-core[serve]'``.
"""

from ingest_core.review._security import Guard
from ingest_core.review.app import create_app

__all__ = ["Guard", "create_app"]
