"""The web page and its JSON API, a thin FastAPI layer over a `PlaylistService`.

`create_app(service)` takes the service as an argument, so tests inject one over fake models and
`playlistrec serve` one over the pipeline's artefacts, loaded once per process. The page itself is
static (index.html, app.js, style.css); every catalogue or user string reaches it only through the
JSON API and is rendered with `textContent`. A Content-Security-Policy without inline scripts backs
that up: even a string that slipped into the markup could not run.

Every answer, errors included, carries the security headers (`playlistrec.web.guard`). Errors are JSON
`{"error": "<one line>"}`: 4xx for anything a client sent, never a 500 for bad input; an unexpected failure
is a 500 of the same shape. The request body is typed strictly (`n: "5"`, `5.0` or `true` is refused, as is
any field the API does not document). Every GET route answers HEAD. The OpenAPI schema is at /openapi.json.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

from playlistrec.service import MAX_N, MAX_QUERY_CHARS, MAX_SEEDS, PlaylistService, QueryError
from playlistrec.web.guard import LOCAL_HOSTS, SECURITY_HEADERS, BodySizeLimit, HostAllowList, SecurityHeaders

STATIC_DIR = Path(__file__).parent
# The only files the page needs; nothing else of the package folder is served.
STATIC_FILES = {"app.js": "text/javascript", "style.css": "text/css"}
MAX_SEARCH_LIMIT = 100
MAX_NAME_CHARS = 100  # a seed URI is 36 characters, a model name a word


class ErrorBody(BaseModel):
    """Every error's body."""

    error: str


# The errors a route may answer, as the OpenAPI schema documents them.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "a request the service refuses (unknown seed or model, bad text)"},
    413: {"model": ErrorBody, "description": "a request body over the size limit"},
    422: {"model": ErrorBody, "description": "a request of the wrong shape or type"},
    500: {"model": ErrorBody, "description": "an unexpected failure"},
}
FILE_ERRORS = {404: {"model": ErrorBody, "description": "not one of the page's files"}, 500: ERRORS[500]}


class RecommendRequest(BaseModel):
    """Body of POST /api/recommend, strictly typed: no coercion ("5" is not 5) and no undocumented field."""

    model_config = ConfigDict(strict=True, extra="forbid")

    title: str = Field("", max_length=MAX_QUERY_CHARS)
    seeds: list[Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]] = Field(
        default_factory=list, max_length=MAX_SEEDS
    )
    model: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    n: int = Field(20, ge=1, le=MAX_N)


def _validation_message(error: RequestValidationError) -> str:
    """One line from pydantic's first complaint, e.g. "title: String should have at most 500 characters"."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query"))
    message = " ".join(str(first.get("msg", "invalid request")).split())
    return f"{where}: {message}" if where else message


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error answer (the security headers come from `SecurityHeaders`, or are added here for a 500)."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _get_and_head(app: FastAPI, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler for GET and for HEAD as two routes (one route with both methods would give the two
    operations the same OpenAPI operationId)."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        app.get(path, **options)(handler)
        app.head(path, **options)(handler)
        return handler

    return register


def create_app(service: PlaylistService, hosts: Iterable[str] = LOCAL_HOSTS) -> FastAPI:
    """The FastAPI application serving the page and the API over `service`, for the host names `hosts`."""
    app = FastAPI(title="playlistrec", docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit)
    if "*" not in hosts:
        app.add_middleware(HostAllowList, hosts=hosts)

    @app.exception_handler(QueryError)
    async def query_error(_: Request, error: QueryError) -> JSONResponse:
        """A request the service refused: 400 with its one-line reason."""
        return _error(400, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        """Unknown paths and methods, an oversized body: the same JSON shape as every other error."""
        return _error(error.status_code, str(error.detail), error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        """A malformed or oversized request: 422 with one line instead of pydantic's list."""
        return _error(422, _validation_message(error))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        """A bug: 500 in the same shape, with the headers added here (this answer bypasses the middleware)."""
        return _error(500, "internal error", SECURITY_HEADERS)

    @_get_and_head(app, "/", response_class=FileResponse, responses={500: ERRORS[500]})
    def index() -> FileResponse:
        """The page."""
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @_get_and_head(app, "/static/{name}", response_class=FileResponse, responses=FILE_ERRORS)
    def static(name: str) -> FileResponse:
        """The page's script and style sheet."""
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name])

    @_get_and_head(app, "/api/models", responses={500: ERRORS[500]})
    def models() -> dict[str, object]:
        """The model names and the default one."""
        return {"models": service.model_names, "default": service.default_model}

    @_get_and_head(app, "/api/search", responses=ERRORS)
    def search(
        q: str = Query("", max_length=MAX_QUERY_CHARS), limit: int = Query(20, ge=1, le=MAX_SEARCH_LIMIT)
    ) -> dict[str, object]:
        """Catalogue tracks whose name or artist contain every word of `q` (at most 20 words)."""
        return {"tracks": [track.to_dict() for track in service.search(q, limit)]}

    @app.post("/api/recommend", responses=ERRORS)
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
