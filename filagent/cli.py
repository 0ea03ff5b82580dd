"""The ``filagent`` command: serve, chat, demo, search, records.

Example::

    filagent demo
    filagent chat "compute 17*23 then search for opentelemetry"
    filagent serve --port 8000
    filagent records --trace-id 4bf92f3577b34da6a3ce929d0e0e4736
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import httpx

from filagent.settings import Settings, SettingsError
from filagent.telemetry.config import ConfigError, load_telemetry_config

DEMO_REQUESTS: tuple[tuple[str, str, str], ...] = (
    ("simple request, one tool", "What is 17 * 23?", "auto"),
    (
        "HTN plan, independent tools in parallel threads",
        "compute 12*7 and search for opentelemetry context propagation and read file notes.txt",
        "auto",
    ),
    ("web search across the HTTP boundary", "search for pytest fixtures", "auto"),
    ("a failing tool (sandbox refuses path traversal)", "read file ../../etc/passwd", "auto"),
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``filagent`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, SettingsError) as exc:
        print(f"filagent: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filagent", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the service (and its search service)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--search-port",
        type=int,
        default=8001,
        help="port of the search service started beside it (default 8001)",
    )
    serve.add_argument(
        "--no-search",
        action="store_true",
        help="do not start the search service; use FILAGENT_SEARCH_URL",
    )
    serve.set_defaults(run=_serve)

    search = commands.add_parser("search", help="run only the search service")
    search.add_argument("--host", default="127.0.0.1")
    search.add_argument("--port", type=int, default=8001)
    search.set_defaults(run=_search)

    chat = commands.add_parser("chat", help="ask one question in-process and print its trace")
    chat.add_argument("message")
    chat.add_argument("--mode", choices=("auto", "simple", "htn"), default="auto")
    chat.set_defaults(run=_chat)

    demo = commands.add_parser("demo", help="run representative requests and print their traces")
    demo.set_defaults(run=_demo)

    records = commands.add_parser("records", help="print decision records")
    records.add_argument("--trace-id", help="only records of this trace (32 hex digits)")
    records.add_argument("--path", type=Path, help="records file (default: from the config)")
    records.set_defaults(run=_records)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from filagent.app import create_app
    from filagent.telemetry.setup import get_telemetry_manager

    config = load_telemetry_config()
    settings = Settings.from_env()
    _exit_cleanly_on_sigterm()
    search: subprocess.Popen[bytes] | None = None
    try:
        if not args.no_search:
            search, search_url = _start_search(args, f"{config.service.name}-search")
            settings = settings.model_copy(update={"search_url": search_url})
        telemetry = get_telemetry_manager()
        telemetry.configure_logging()  # JSON lines on stdout, redacted like spans
        app = create_app(settings, telemetry)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", log_config=None)
    finally:
        get_telemetry_manager().shutdown()
        if search is not None:
            search.terminate()
            search.wait(10)
    return 0


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so ``finally`` blocks run.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again
    with the handler that was there before it started: with the default
    handler the process would die at once, losing unexported spans and
    leaving the search service running.
    """

    def _exit(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


def _start_search(
    args: argparse.Namespace, service_name: str
) -> tuple[subprocess.Popen[bytes], str]:
    search_url = f"http://{args.host}:{args.search_port}"
    env = dict(os.environ)
    env["OTEL_SERVICE_NAME"] = service_name
    search = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "filagent",
            "search",
            "--host",
            args.host,
            "--port",
            str(args.search_port),
        ],
        env=env,
    )
    try:
        _wait_healthy(f"{search_url}/health", search)
    except BaseException:
        search.terminate()
        search.wait(10)
        raise
    return search, search_url


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"the search service exited with code {process.returncode} before {url} answered"
            raise SystemExit(msg)
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"the search service did not answer {url} within {timeout:.0f}s")


def _search(args: argparse.Namespace) -> int:
    import uvicorn

    from filagent.search.app import create_search_app
    from filagent.telemetry.setup import get_telemetry_manager

    get_telemetry_manager().configure_logging()  # JSON lines on stdout, redacted like spans
    _exit_cleanly_on_sigterm()
    try:
        uvicorn.run(
            create_search_app(get_telemetry_manager()),
            host=args.host,
            port=args.port,
            log_level="warning",
            log_config=None,
        )
    finally:
        get_telemetry_manager().shutdown()
    return 0


def _chat(args: argparse.Namespace) -> int:
    from filagent.inprocess import InProcessAgent

    with InProcessAgent() as agent:
        exchange = agent.ask(args.message, mode=args.mode)
    print(exchange.answer)
    print()
    print(f"trace {exchange.trace_id or '(none)'}")
    print(exchange.trace_text)
    return 0 if exchange.status_code < 400 else 1


def _demo(args: argparse.Namespace) -> int:
    from filagent.inprocess import InProcessAgent

    print("FilAgent demo: each request runs in this process; its trace is printed below.\n")
    failures = 0
    with InProcessAgent() as agent:
        for number, (title, message, mode) in enumerate(DEMO_REQUESTS, start=1):
            exchange = agent.ask(message, mode=mode)
            failures += exchange.status_code >= 500
            print(f"── {number}. {title}")
            print(f"   request : {message!r} (mode={mode})")
            print(f"   status  : {exchange.status_code}, mode={exchange.body.get('mode')}")
            for call in exchange.body.get("tool_calls", []):
                outcome = "ok" if call["success"] else f"failed: {call['error']}"
                print(f"   tool    : {call['tool']} → {outcome}")
            print(f"   answer  : {exchange.answer}")
            print(f"   trace   : {exchange.trace_id or '(tracing disabled)'}")
            correlated = sum(
                1 for line in exchange.log_lines if line.get("trace_id") == exchange.trace_id
            )
            print(
                f"   logs    : {correlated} of {len(exchange.log_lines)} log lines carry the "
                f"trace id; {len(exchange.records)} decision record(s)"
            )
            print()
            print(_indent(exchange.trace_text))
            print()
    return 1 if failures else 0


def _indent(text: str) -> str:
    return "\n".join(f"   {line}" for line in text.splitlines())


def _records(args: argparse.Namespace) -> int:
    from filagent.audit import read_records

    path = args.path or load_telemetry_config().records.path
    if path is None:
        print("filagent: decision records are disabled in the configuration", file=sys.stderr)
        return 2
    if args.trace_id and not _is_trace_id(args.trace_id):
        print(
            f"filagent: --trace-id expects 32 hex digits, found {args.trace_id!r}", file=sys.stderr
        )
        return 2
    try:
        found = read_records(Path(path), trace_id=args.trace_id)
    except (OSError, ValueError) as exc:
        print(f"filagent: {exc}", file=sys.stderr)
        return 1
    if args.trace_id and not found:
        print(f"filagent: no decision record of trace {args.trace_id} in {path}", file=sys.stderr)
        return 1
    for record in found:
        print(json.dumps(record, sort_keys=True))
    return 0


def _is_trace_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value.lower())
