"""What every request and response of the web server passes through, before and after the application.

Plain ASGI middleware (no request object, no body buffering), so a refusal costs nothing and every
response, the refusals included, carries the same security headers and the same JSON error shape:

- `HostAllowList`: only the host names the server answers to (DNS rebinding: a web page on another
  site whose name resolves to 127.0.0.1 would otherwise reach the API from the user's browser);
- `BodySizeLimit`: a body over the limit is refused by its Content-Length before a byte of it is read,
  and one sent without a length (chunked) is cut as soon as the count passes the limit;
- `SecurityHeaders`: the Content-Security-Policy (no framing: clickjacking) and friends on every response.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playlistrec.service import echo

# The page loads only its own script, style and data; nothing may frame it (clickjacking).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# A request body is a JSON recommend request: 500 seed URIs are about 20 KB; 256 KB leaves room for any title.
MAX_BODY_BYTES = 256 * 1024
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_HEADER_PAIRS = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


async def send_error(send: Send, status: int, message: str) -> None:
    """Answer ``{"error": message}`` with the security headers (the request never reaches the application)."""
    body = json.dumps({"error": message}).encode("ascii")
    headers = [*_HEADER_PAIRS, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add `SECURITY_HEADERS` to every HTTP response of the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in _HEADER_PAIRS}
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in names]
                message = {**message, "headers": kept + _HEADER_PAIRS}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_name(header: str) -> str:
    """The host name of a Host header, lower case, without the port: "[::1]:8000" -> "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostAllowList:
    """Refuse (400) a request whose Host header names a host the server does not answer to."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(host) for host in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                message = f"host {echo(host)} is not served here (see `playlistrec serve --allow-host`)"
                await send_error(send, 400, message)
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse (413) a request body over `max_bytes`: by its Content-Length up front, else while it streams in.

    The up-front refusal reads none of the body; the streamed one raises an HTTPException from `receive`,
    which the application's own handler turns into its JSON error. Either way the client gets its answer
    while still sending, and the rest of the body is thrown away as it comes (never kept), within the
    server's request deadline (`playlistrec.web.server`); closing at once instead would make the client's
    operating system report a reset connection rather than the 413.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body too large (at most {self.max_bytes:,} bytes)"
        length = dict(scope.get("headers", [])).get(b"content-length", b"")  # h11 has checked it is a number
        if length.isdigit() and int(length) > self.max_bytes:
            await send_error(send, 413, message)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            event = await receive()
            received += len(event.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, message)
            return event

        await self.app(scope, counted_receive, send)
