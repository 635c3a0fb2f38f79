"""The review app's routes: server-rendered pages over one store, forms that POST changes.

Pages read the store through :meth:`Store.browse` (key and index lookups only) and render
Jinja2 templates with autoescaping on, so a title holding ``<script>`` is shown as text.
Changes go through :mod:`ingest_core.resolution.actions` after :class:`Guard` has checked the
token cookie, the form's CSRF value and the Origin. Responses forbid framing, sniffing,
referrers to other sites (the token must not leak) and any script or style from elsewhere.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ingest_core.backends.base import RunSummary
from ingest_core.errors import IngestError, UsageError
from ingest_core.resolution import actions
from ingest_core.review._plots import bar_chart, size_buckets
from ingest_core.review._security import COOKIE, Guard
from ingest_core.review._views import entity_view
from ingest_core.store import SORTS, EntityRow, Filters, Overview, Store

T = TypeVar("T")
log = logging.getLogger("ingest_core.review")
HERE = Path(__file__).parent
PAGE = 50
OVERVIEW_SECONDS = 30.0
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class _Cached(Generic[T]):
    """A value kept for a few seconds: the overview's counts and the list of sources group
    whole tables, and a store of millions of rows should not pay that on every visit. The
    app's own changes clear it."""

    def __init__(self, compute: Callable[[], T], seconds: float) -> None:
        self._compute, self._seconds = compute, seconds
        self._lock = threading.Lock()
        self._value: tuple[T] | None = None
        self._at = 0.0

    def get(self) -> T:
        with self._lock:
            if self._value is None or time.monotonic() - self._at > self._seconds:
                self._value = (self._compute(),)
                self._at = time.monotonic()
            return self._value[0]

    def clear(self) -> None:
        with self._lock:
            self._value = None


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.2f}"
    env.filters["weight"] = lambda v: "decisive" if v is None else f"{v:+.2f}"
    env.filters["when"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    env.filters["json"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False)
    return env


def create_app(store: Store | str, *, read_only: bool = False, guard: Guard | None = None,
               who: str | None = None, page_size: int = PAGE) -> FastAPI:
    """The review app over one store.

    Args:
        store: an open store or its URL (opened read-only with ``read_only``).
        read_only: show everything, change nothing (every POST is refused).
        guard: the token holder (a new random token when None).
        who: the curator's name recorded on decisions when a form gives none.
        page_size: rows per list page.
    """
    if isinstance(store, str):
        store = Store(store, read_only=read_only)
    guard = guard or Guard()
    env = _templates()
    app = FastAPI(title="ingest review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.guard, app.state.read_only = store, guard, read_only
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        can_change = not read_only and guard.is_token(request.cookies.get(COOKIE))
        html = env.get_template(name).render(
            request=request, csrf=guard.csrf, read_only=read_only, can_change=can_change,
            done=request.query_params.get("done"), store_url=store.url, **context)
        return HTMLResponse(html, status_code=status)

    @app.middleware("http")
    async def headers_and_token(request: Request,
                                call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        token = request.query_params.get("token")
        if token is not None and request.method == "GET":
            # the printed link: keep the token in a cookie, drop it from the address bar
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + ("?" + urlencode(rest) if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            if guard.is_token(token):
                response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        else:
            response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    def counts() -> tuple[Overview, list[EntityRow]]:
        with store.browse() as browse:
            weakest = browse.list_entities(Filters(kind="person", min_size=2),
                                           sort="confidence", limit=10).rows
            return browse.overview(), weakest

    def source_names() -> list[str]:
        with store.browse() as browse:
            return browse.sources()

    summary = _Cached(counts, OVERVIEW_SECONDS)
    sources_list = _Cached(source_names, OVERVIEW_SECONDS)

    def refuse(request: Request, why: str, status: int = 403) -> HTMLResponse:
        return render(request, "error.html", status=status, title="not allowed", message=why)

    async def check(request: Request) -> str | None:
        """Why this POST may not change the store, or None."""
        if read_only:
            return "this server is read-only (started with --read-only)"
        form = await request.form()
        csrf = form.get("csrf")
        return guard.may_change(request.cookies.get(COOKIE),
                                csrf if isinstance(csrf, str) else None,
                                request.headers.get("origin"), request.headers.get("host"))

    def back(path: str, message: str) -> RedirectResponse:
        summary.clear()  # a change: the overview counts again
        sources_list.clear()
        return RedirectResponse(f"{path}?{urlencode({'done': message})}", status_code=303)

    @app.exception_handler(IngestError)
    async def ingest_error(request: Request, exc: IngestError) -> HTMLResponse:
        status = 400 if isinstance(exc, UsageError) else 500
        if status == 500:
            log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__,
                      exc)
        return render(request, "error.html", status=status, title=type(exc).__name__,
                      message=str(exc))

    # --- pages -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> HTMLResponse:
        ov, weakest = summary.get()
        per_source: dict[str, int] = {}
        for source, _kind, n in ov.records:
            per_source[source] = per_source.get(source, 0) + n
        charts = [
            bar_chart("persons by cluster size", size_buckets(ov.size_histogram)),
            bar_chart("records per source", sorted(per_source.items(), key=lambda t: -t[1])),
            bar_chart("quarantined by reason", [(c, float(n)) for c, n in ov.quarantine]),
            bar_chart("persons by confidence",
                      [(f"{lo:.1f}-{lo + 0.1:.1f}", float(n))
                       for lo, n in ov.confidence_histogram]),
        ]
        return render(request, "overview.html", title="overview", ov=ov,
                      charts=[Markup(c) for c in charts], weakest=weakest)

    def listing(request: Request, f: Filters, sort: str, after: str | None) -> HTMLResponse:
        kind, q, source = f.kind, f.q, f.source
        min_size, max_size, max_confidence = f.min_size, f.max_size, f.max_confidence
        shown = SORTS if kind == "person" else ("size", "name")
        order = next((s for s in shown if s == sort), None)
        if order is None:
            raise UsageError(f"sort {sort!r} is not one of: {', '.join(shown)}")
        with store.browse() as browse:
            try:
                page = browse.list_entities(f, sort=order, after=after or None,
                                            limit=page_size)
            except (ValueError, TypeError) as exc:
                raise UsageError("the page cursor is not one this app made",
                                 input=after) from exc
        sources = sources_list.get()
        params = {k: v for k, v in {"q": q, "source": source, "min_size": min_size,
                                    "max_size": max_size, "max_confidence": max_confidence,
                                    "sort": sort}.items() if v not in (None, "")}
        next_url = (f"?{urlencode({**params, 'after': page.next_after})}"
                    if page.next_after else None)
        return render(request, "entities.html", title=f"{kind}s", kind=kind, page=page,
                      f=f, sort=sort, sources=sources, next_url=next_url,
                      first_url="?" + urlencode(params), paged=bool(after))

    @app.get("/persons", response_class=HTMLResponse)
    def persons(request: Request, *, q: str = "", source: str | None = None,
                min_size: Annotated[int | None, Query(ge=1)] = None,
                max_size: Annotated[int | None, Query(ge=1)] = None,
                max_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
                sort: str = "size", after: str | None = None) -> HTMLResponse:
        return listing(request, Filters("person", q, source or None, min_size, max_size,
                                        max_confidence), sort, after)

    @app.get("/papers", response_class=HTMLResponse)
    def papers(request: Request, *, q: str = "", source: str | None = None,
               min_size: Annotated[int | None, Query(ge=1)] = None,
               max_size: Annotated[int | None, Query(ge=1)] = None,
               sort: str = "size", after: str | None = None) -> HTMLResponse:
        return listing(request, Filters("paper", q, source or None, min_size, max_size), sort,
                       after)

    def entity_page(request: Request, entity_id: str, kind: str, first: int) -> HTMLResponse:
        with store.browse() as browse:
            view = entity_view(browse, entity_id, first=first)
        if view is None or view.entity.kind != kind:
            return render(request, "error.html", status=404, title="not found",
                          message=f"no stored {kind} has the id {entity_id}: it may have "
                          "been re-resolved under a new id; search for it again")
        view.decisions = store.curation(members=view.member_keys)
        return render(request, f"{kind}.html", title=view.entity.id, view=view, e=view.entity)

    @app.get("/persons/{entity_id}", response_class=HTMLResponse)
    def person(request: Request, entity_id: str,
               first: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
        return entity_page(request, entity_id, "person", first)

    @app.get("/papers/{entity_id}", response_class=HTMLResponse)
    def paper(request: Request, entity_id: str,
              first: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
        return entity_page(request, entity_id, "paper", first)

    @app.get("/members/{member}")
    def member(request: Request, member: str) -> Response:
        """The entity that holds a member now (candidates link here: ids change)."""
        with store.browse() as browse:
            found = browse.entities_of_members([member])
        eid = found.get(member)
        if eid is None:
            return render(request, "error.html", status=404, title="not found",
                          message=f"no entity has the member {member}")
        return RedirectResponse(f"/{eid.split('-')[0]}s/{eid}", status_code=303)

    @app.get("/records/{record_id}", response_class=HTMLResponse)
    def record(request: Request, record_id: str) -> HTMLResponse:
        with store.browse() as browse:
            data = browse.records([record_id]).get(record_id)
        if data is None:
            return render(request, "error.html", status=404, title="not found",
                          message=f"no stored record has the id {record_id}")
        rec = json.loads(data)
        sources = store.sources_of(rec["provenance"]["sha256"])
        return render(request, "record.html", title=record_id, rec=rec, sources=sources)

    @app.get("/quarantine", response_class=HTMLResponse)
    def quarantine(request: Request, reason: str | None = None) -> HTMLResponse:
        with store.browse() as browse:
            counts = browse.overview().quarantine
        rows = []
        for entry in store.quarantined(reason=reason or None):
            rows.append(entry)
            if len(rows) >= 500:
                break
        return render(request, "quarantine.html", title="quarantine", counts=counts, rows=rows,
                      reason=reason)

    @app.get("/quarantine/{entry_id}", response_class=HTMLResponse)
    def quarantine_entry(request: Request, entry_id: str) -> HTMLResponse:
        entry = store.quarantine_entry(entry_id)
        if entry is None:
            return render(request, "error.html", status=404, title="not found",
                          message=f"no quarantine row has the id {entry_id}")
        return render(request, "quarantine_entry.html", title=entry.id, entry=entry)

    @app.get("/runs", response_class=HTMLResponse)
    def runs(request: Request) -> HTMLResponse:
        return render(request, "runs.html", title="runs", runs=list(reversed(store.runs())))

    @app.get("/curation", response_class=HTMLResponse)
    def curation(request: Request) -> HTMLResponse:
        return render(request, "curation.html", title="curation", rows=store.curation())

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        return JSONResponse({"ok": True, "store": store.url, "read_only": read_only})

    @app.get("/robots.txt", response_class=PlainTextResponse)
    def robots() -> str:
        return "User-agent: *\nDisallow: /\n"

    # --- changes -----------------------------------------------------------------------

    def _summary(out: actions.Outcome, what: str) -> str:
        c = out.counts
        return (f"{what}: {len(out.decisions)} decision(s) kept; re-resolved "
                f"{c.get('inserted', 0)} new, {c.get('updated', 0)} updated, "
                f"{c.get('deleted', 0)} gone (action {out.action})")

    def _holder(member_key: str) -> str | None:
        with store.browse() as browse:
            return browse.entities_of_members([member_key]).get(member_key)

    @app.post("/persons/{entity_id}/split")
    @app.post("/papers/{entity_id}/split")
    async def split(request: Request, entity_id: str,
                    member: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                    curator: Annotated[str, Form()] = "") -> Response:
        if (why := await check(request)) is not None:
            return refuse(request, why)
        # a re-resolution takes its time: off the event loop, so pages keep answering
        out = await run_in_threadpool(actions.split, store, entity_id, member,
                                      who=curator or who, note=note or None)
        rest = next((k for k in sorted(out.touched) if k != member and _holder(k)), None)
        kind = entity_id.split("-", maxsplit=1)[0]
        target = _holder(rest) if rest else _holder(member)
        return back(f"/{kind}s/{target}", _summary(out, f"split {member} out"))

    @app.post("/persons/{entity_id}/{verb}")
    @app.post("/papers/{entity_id}/{verb}")
    async def link(request: Request, entity_id: str, verb: Literal["merge", "separate"], *,
                   other: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                   curator: Annotated[str, Form()] = "") -> Response:
        """Merge: the two are one; separate: they are not (split is matched before this)."""
        if (why := await check(request)) is not None:
            return refuse(request, why)
        same = verb == "merge"
        out = await run_in_threadpool(actions.link, store, entity_id, other.strip(),
                                      same=same, who=curator or who, note=note or None)
        anchor = out.decisions[0].b if same else out.decisions[0].a
        kind = entity_id.split("-", maxsplit=1)[0]
        return back(f"/{kind}s/{_holder(anchor)}",
                    _summary(out, "merged" if same else "kept apart"))

    @app.post("/curation/{decision_id}/remove")
    async def remove(request: Request, decision_id: str) -> Response:
        if (why := await check(request)) is not None:
            return refuse(request, why)
        out = await run_in_threadpool(actions.undo, store, decision_id)
        return back("/curation", _summary(out, "removed"))

    @app.post("/quarantine/retry")
    async def retry(request: Request, reason: Annotated[str, Form()] = "") -> Response:
        if (why := await check(request)) is not None:
            return refuse(request, why)
        from ingest_core._backfill import retry_quarantined

        def run() -> RunSummary:
            with actions.WRITE:
                return retry_quarantined(db=store, reason=reason or None, workers=1)

        summary = await run_in_threadpool(run)
        return back("/quarantine", f"retried: {summary.pages_seen} page(s) read again, "
                    f"{summary.parsed} parsed, {summary.quarantined_total} still quarantined")

    return app
