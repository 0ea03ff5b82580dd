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
import signal
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import FrameType

from filagent.settings import Settings, SettingsError
from filagent.startup import StartupError, log_search_started, log_serve_started
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
        if args.command in ("serve", "search", "chat", "demo"):
            # Checked before FastAPI is imported: importing it reads OTEL_PROPAGATORS.
            load_telemetry_config()
        return int(args.run(args))
    except (ConfigError, SettingsError) as exc:
        print(f"filagent: configuration error: {exc}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"filagent: cannot start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _version() -> str:
    try:
        return metadata.version("filagent-tracing")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, found {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, found {port}")
    return port


def _add_address(parser: argparse.ArgumentParser, what: str, port: int) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help=f"address the {what} listens on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=port, help=f"port of the {what} (default {port})"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="filagent",
        description="FilAgent, an agent service traced with OpenTelemetry: "
        "serve it, ask it one question, or run its demo.",
    )
    parser.add_argument("--version", action="version", version=f"filagent {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the service (and its search service)",
        description="Run the FilAgent service, and the search service beside it.",
    )
    _add_address(serve, "service", 8000)
    serve.add_argument(
        "--search-port",
        type=_port,
        default=8001,
        help="port of the search service started beside it (default 8001)",
    )
    serve.add_argument(
        "--no-search",
        action="store_true",
        help="do not start the search service; use FILAGENT_SEARCH_URL",
    )
    serve.set_defaults(run=_serve)

    search = commands.add_parser(
        "search", help="run only the search service", description="Run only the search service."
    )
    _add_address(search, "search service", 8001)
    search.set_defaults(run=_search)

    chat = commands.add_parser(
        "chat",
        help="ask one question in-process and print its trace",
        description="Ask one question in-process and print the answer and its trace tree.",
    )
    chat.add_argument("message", help="the question, e.g. 'What is 17 * 23?'")
    chat.add_argument(
        "--mode",
        choices=("auto", "simple", "htn"),
        default="auto",
        help="how the agent runs it (default auto: the router decides)",
    )
    chat.set_defaults(run=_chat)

    demo = commands.add_parser(
        "demo",
        help="run representative requests and print their traces",
        description="Run representative requests in-process and print their trace trees.",
    )
    demo.set_defaults(run=_demo)

    records = commands.add_parser(
        "records", help="print decision records", description="Print decision records."
    )
    records.add_argument("--trace-id", help="only records of this trace (32 hex digits)")
    records.add_argument("--path", type=Path, help="records file (default: from the config)")
    records.set_defaults(run=_records)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from filagent.app import create_app
    from filagent.search.child import SearchChild
    from filagent.serving import run_server, tcp_listener
    from filagent.telemetry.logging import configure_logging
    from filagent.telemetry.setup import get_telemetry_manager

    config = load_telemetry_config()
    settings = Settings.from_env()
    # Start-up warnings (from the telemetry set-up) are JSON lines like every other.
    configure_logging(config.logging.level)
    telemetry = get_telemetry_manager()
    telemetry.configure_logging()  # JSON lines on stdout, redacted like spans
    _exit_cleanly_on_sigterm()
    listener = tcp_listener(args.host, args.port)
    child: SearchChild | None = None
    try:
        if not args.no_search:
            child = SearchChild(
                args.host, args.search_port, service_name=f"{config.service.name}-search"
            )
            settings = settings.model_copy(update={"search_url": child.start()})
        app = create_app(
            settings, telemetry, search_failure=(lambda: child.failure) if child else None
        )
        log_serve_started(listener, config, settings, search_pid=child.pid if child else None)
        run_server(app, listener)
    finally:
        listener.close()
        telemetry.shutdown()
        if child is not None:
            child.stop()
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


def _search(args: argparse.Namespace) -> int:
    import os

    from filagent.search.app import create_search_app
    from filagent.search.identity import TOKEN_VARIABLE
    from filagent.serving import run_server, tcp_listener
    from filagent.telemetry.logging import configure_logging
    from filagent.telemetry.setup import get_telemetry_manager

    configure_logging(load_telemetry_config().logging.level)
    telemetry = get_telemetry_manager()
    telemetry.configure_logging()  # JSON lines on stdout, redacted like spans
    _exit_cleanly_on_sigterm()
    token = os.environ.pop(TOKEN_VARIABLE, None)  # this start's, proven on /health
    listener = tcp_listener(args.host, args.port)
    try:
        app = create_search_app(telemetry, instance_token=token)
        log_search_started(listener, owned=token is not None)
        run_server(app, listener)
    finally:
        listener.close()
        telemetry.shutdown()
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
