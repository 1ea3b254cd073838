"""The web page and its JSON API, a thin FastAPI layer over a `PlaylistService`.

`create_app(service)` takes the service as an argument, so tests inject one over fake models and
`playlistrec serve` one over the pipeline's artefacts, loaded once per process. The page itself is
static (index.html, app.js, style.css); every catalogue or user string reaches it only through the
JSON API and is rendered with `textContent`. A Content-Security-Policy without inline scripts backs
that up: even a string that slipped into the markup could not run.

Errors are JSON `{"error": "<one line>"}` with a 4xx status, never a 500 for bad input.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from playlistrec.service import MAX_N, MAX_QUERY_CHARS, MAX_SEEDS, PlaylistService, QueryError

STATIC_DIR = Path(__file__).parent
# The only files the page needs; nothing else of the package folder is served.
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class RecommendRequest(BaseModel):
    """Body of POST /api/recommend."""

    title: str = Field("", max_length=MAX_QUERY_CHARS)
    seeds: list[str] = Field(default_factory=list, max_length=MAX_SEEDS)
    model: str | None = None
    n: int = Field(20, ge=1, le=MAX_N)


def _validation_message(error: RequestValidationError) -> str:
    """One line from pydantic's first complaint, e.g. "title: String should have at most 500 characters"."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query"))
    return f"{where}: {first.get('msg', 'invalid request')}" if where else str(first.get("msg"))


def create_app(service: PlaylistService) -> FastAPI:
    """The FastAPI application serving the page and the API over `service`."""
    app = FastAPI(title="playlistrec", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Add the CSP and friends to every response."""
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(QueryError)
    async def query_error(_: Request, error: QueryError) -> JSONResponse:
        """A request the service refused: 400 with its one-line reason."""
        return JSONResponse({"error": str(error)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        """Unknown paths and methods: the same JSON shape as every other error."""
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        """A malformed or oversized request: 422 with one line instead of pydantic's list."""
        return JSONResponse({"error": _validation_message(error)}, status_code=422)

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    def index() -> FileResponse:
        """The page."""
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        """The page's script and style sheet."""
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name])

    @app.get("/api/models")
    def models() -> dict[str, object]:
        """The model names and the default one."""
        return {"models": service.model_names, "default": service.default_model}

    @app.get("/api/search")
    def search(
        q: str = Query("", max_length=MAX_QUERY_CHARS), limit: int = Query(20, ge=1, le=100)
    ) -> dict[str, object]:
        """Catalogue tracks whose name or artist contain every word of `q`."""
        return {"tracks": [track.to_dict() for track in service.search(q, limit)]}

    @app.post("/api/recommend")
    def recommend(body: RecommendRequest) -> dict[str, object]:
        """The playlist for a title and seeds, the model that answered, and its fallback note (or null)."""
        playlist = service.recommend(body.title, body.seeds, body.model, body.n)
        return {
            "title": body.title,
            "model": playlist.model,
            "fallback": playlist.fallback,
            "tracks": [track.to_dict() for track in playlist.tracks],
        }

    return app
