"""Serving the web app with uvicorn within fixed bounds: time to send a request, idle time, connections.

uvicorn alone bounds only the idle time between two requests of a connection; a client that opens a
connection and then sends its request slowly, or never, holds it for ever (a few hundred of them take
the server down: "slowloris"). `BoundedH11Protocol` gives every request a deadline to arrive whole,
headers and body. The limits, all in `ServerLimits`:

- a request (line, headers, body) must arrive within `request_timeout_s` of the connection opening or of
  the previous response; past it the connection is closed;
- an idle keep-alive connection is closed after `keep_alive_s`;
- with `max_connections` connections open, a new request is answered 503 (uvicorn's `limit_concurrency`);
- the request line and headers together are at most `max_header_bytes` (h11 answers 400 beyond).

The request body limit is the application's (`playlistrec.web.guard.MAX_BODY_BYTES`).
`listen` binds the port first, so that a port in use is a one-line error before any model is loaded.
"""

from __future__ import annotations

import asyncio
import functools
import os
import socket
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol


class ServeError(Exception):
    """The server cannot start (bad address, port in use); the message is one line for the user."""


@dataclass(frozen=True)
class ServerLimits:
    """How long a client may take and how many may connect (see the module docstring)."""

    request_timeout_s: float = 10.0
    keep_alive_s: int = 5
    max_connections: int = 512
    max_header_bytes: int = 16 * 1024


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request to arrive whole (headers and body)."""

    def __init__(self, *args: Any, request_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_timeout_s = request_timeout_s
        self.request_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the first request's clock."""
        super().connection_made(transport)
        self.arm_deadline()

    def data_received(self, data: bytes) -> None:
        """Stop the clock once the request has arrived whole."""
        super().data_received(data)
        if self.conn.their_state is not h11.SEND_BODY and self.conn.their_state is not h11.IDLE:
            self.disarm_deadline()

    def on_response_complete(self) -> None:
        """Start the next request's clock (a pipelined request already here stops it at once)."""
        super().on_response_complete()
        self.arm_deadline()
        if self.conn.their_state is h11.DONE:
            self.disarm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        """No clock for a closed connection."""
        self.disarm_deadline()
        super().connection_lost(exc)

    def arm_deadline(self) -> None:
        """(Re)start the clock of the request to come."""
        self.disarm_deadline()
        self.request_deadline = self.loop.call_later(self.request_timeout_s, self.deadline_passed)

    def disarm_deadline(self) -> None:
        """Stop the clock."""
        if self.request_deadline is not None:
            self.request_deadline.cancel()
            self.request_deadline = None

    def deadline_passed(self) -> None:
        """Close a connection whose request has not arrived whole in time."""
        self.request_deadline = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.transport.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port, or ServeError saying why not (port in use, unknown host...)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family, backlog=2048)
    except socket.gaierror as error:  # an unknown host name
        reason = error.strerror
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
    raise ServeError(f"cannot listen on {host}:{port}: {reason}")


def make_server(app: ASGIApp, limits: ServerLimits = ServerLimits()) -> uvicorn.Server:
    """A uvicorn server for `app` within `limits` (run it with `.run(sockets=[listen(...)])`)."""
    config = uvicorn.Config(
        app,
        http=functools.partial(BoundedH11Protocol, request_timeout_s=limits.request_timeout_s),  # type: ignore[arg-type]
        timeout_keep_alive=limits.keep_alive_s,
        limit_concurrency=limits.max_connections,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        timeout_graceful_shutdown=limits.keep_alive_s,
        lifespan="off",
        log_level="warning",
    )
    return uvicorn.Server(config)


def serve(app: ASGIApp, sock: socket.socket, limits: ServerLimits = ServerLimits()) -> None:
    """Serve `app` on the listening `sock` until interrupted (Ctrl-C or SIGTERM)."""
    make_server(app, limits).run(sockets=[sock])
