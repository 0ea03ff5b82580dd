"""Serve an ASGI app with uvicorn, on a listening socket FilAgent binds itself.

Every server FilAgent starts listens on :func:`tcp_listener`'s socket, created
as TCP (``proto=IPPROTO_TCP``): asyncio sets ``TCP_NODELAY`` on a connection
only when its listening socket says so, and without it uvicorn's separate
header and body writes meet Nagle's algorithm and delayed ACKs (about 40 ms per
response). :func:`serve_in_thread` runs an app in a background thread (the
search service of ``filagent chat`` / ``filagent demo``, the test suite's
servers); ``filagent serve`` and ``filagent search`` run :func:`run_server`.

Example::

    with serve_in_thread(create_search_app()) as base_url:
        httpx.get(f"{base_url}/health")
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from filagent.startup import StartupError


class PortInUseError(StartupError):
    """The address cannot be listened on (most often: the port is taken); names the port."""


def tcp_listener(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (0: any free port), ready for uvicorn.

    Raises:
        PortInUseError: naming the host and port, when another process holds them.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        msg = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        if exc.errno == errno.EADDRINUSE:
            msg += f" (port {port} is held by another process; choose another port)"
        raise PortInUseError(msg) from None
    return listener


def run_server(app: Any, listener: socket.socket, **options: Any) -> None:
    """Run ``app`` with uvicorn on ``listener`` until it is told to stop (SIGINT/SIGTERM)."""
    config = uvicorn.Config(app, log_level="warning", log_config=None, **options)
    uvicorn.Server(config).run(sockets=[listener])


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve_in_thread(
    app: Any, *, host: str = "127.0.0.1", port: int | None = None, timeout: float = 10.0
) -> Iterator[str]:
    """Run ``app`` until the block exits; yields its base URL.

    The listening socket is bound here, before the server starts, so the port
    (any free one when ``port`` is None) cannot be taken by another process
    in between.
    """
    listener = tcp_listener(host, port or 0)
    port = int(listener.getsockname()[1])
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                msg = f"the server on {host}:{port} did not start within {timeout:.0f}s"
                raise RuntimeError(msg)
            time.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        listener.close()
