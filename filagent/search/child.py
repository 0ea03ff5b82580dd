"""The search service ``filagent serve`` runs beside the agent, in its own process.

:class:`SearchChild` starts ``filagent search`` on a port, and accepts it only
once its ``/health`` proves it holds this start's token (see
:mod:`filagent.search.identity`): a foreign process answering on the port is a
start-up error naming the port, never a service the agent sends user queries
to. Once running, the child is watched: if it exits, the exit is logged as an
error and :attr:`SearchChild.failure` says so, which the ``web_search`` tool
reports as a failed call instead of querying whatever answers on the port next.

Example::

    child = SearchChild("127.0.0.1", 8001, service_name="filagent-search")
    url = child.start()           # raises SearchStartError naming the port
    create_app(settings, telemetry, search_failure=lambda: child.failure)
    child.stop()
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time

from filagent.search.identity import TOKEN_VARIABLE, ask_identity
from filagent.startup import StartupError
from filagent.telemetry.logging import get_logger

_log = get_logger("filagent.serve")


class SearchStartError(StartupError):
    """The search service could not be started, or something else holds its port."""


class SearchChild:
    """One ``filagent search`` process, started, proven and watched."""

    def __init__(
        self, host: str, port: int, *, service_name: str, start_timeout: float = 20.0
    ) -> None:
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self._service_name = service_name
        self._timeout = start_timeout
        self._token = secrets.token_urlsafe(32)
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = False
        self._failure: str | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return self._process.pid if self._process is not None else None

    @property
    def failure(self) -> str | None:
        """None while the child runs; once it has exited, what happened."""
        return self._failure

    def start(self) -> str:
        """Start the child and wait until it proves its identity; returns its base URL.

        Raises:
            SearchStartError: the port is taken, the child exited, another service
                answers on the port, or nothing answered in time.
        """
        self._check_port_free()
        env = dict(os.environ)
        env["OTEL_SERVICE_NAME"] = self._service_name
        env[TOKEN_VARIABLE] = self._token
        command = [sys.executable, "-m", "filagent", "search", "--host", self.host]
        command += ["--port", str(self.port)]
        self._process = subprocess.Popen(command, env=env)  # noqa: S603 - our own module
        try:
            self._wait_until_proven(self._process)
        except BaseException:
            self.stop()
            raise
        threading.Thread(target=self._watch, name="filagent-search-watch", daemon=True).start()
        return self.url

    def stop(self) -> None:
        """Terminate the child (idempotent)."""
        self._stopping = True
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    # --- start-up ----------------------------------------------------------------------

    def _check_port_free(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                msg = (
                    f"port {self.port} on {self.host} is already in use ({exc.strerror}): "
                    "the search service cannot start there; choose another --search-port, "
                    "or stop the process that holds it"
                )
                raise SearchStartError(msg) from None

    def _wait_until_proven(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self._timeout
        foreign = False
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SearchStartError(self._exited_message(process.returncode, foreign))
            answer = ask_identity(self.url, self._token)
            if answer is True:
                return
            foreign = foreign or answer is False
            time.sleep(0.1)
        msg = f"the search service did not prove itself on port {self.port} within "
        msg += f"{self._timeout:.0f}s"
        if foreign:
            msg += f": another service answers {self.url}/health instead"
        raise SearchStartError(msg)

    def _exited_message(self, code: int, foreign: bool) -> str:
        if foreign:
            return (
                f"another service answers on port {self.port} ({self.url}) and is not the "
                "search service this filagent serve started; user queries are never sent "
                f"to it. Stop it or choose another --search-port (our search service "
                f"exited with code {code})"
            )
        return f"the search service exited with code {code} before it answered on port {self.port}"

    # --- watching ----------------------------------------------------------------------

    def _watch(self) -> None:
        process = self._process
        if process is None:
            return
        code = process.wait()
        if self._stopping:
            return
        self._failure = (
            f"the search service (pid {process.pid}, port {self.port}) exited with code {code}"
        )
        _log.error("search.exited", pid=process.pid, port=self.port, exit_code=code)
