"""Attaching the log hooks to stdlib logging and structlog, and taking them off again.

The root handler goes on the root logger; the structlog processor goes just before the
renderer of the current structlog configuration and of every later ``structlog.configure``
call, so a program that configures structlog during a test keeps being captured.

Example:
    >>> install()
    >>> installed()
    True
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from pytest_filagent_trace._logs.hooks import ROOT_HANDLER, structlog_processor

__all__ = ["install", "installed", "uninstall"]


class _Installation:
    """Whether :func:`install` ran, the ``structlog.configure`` it wrapped, and whether the
    current structlog processors hold the plugin's processor because the plugin put it
    there (a program may list it itself; then it stays when the hooks come off)."""

    installed: bool = False
    configure: Any = None
    added: bool = False


_INSTALLATION = _Installation()
_LOCK = threading.RLock()


def _forwards_to_logging(processor: object) -> bool:
    try:
        from structlog import stdlib
    except ImportError:  # pragma: no cover
        return False
    forwarders = (
        stdlib.ProcessorFormatter.wrap_for_formatter,
        stdlib.render_to_log_kwargs,
        stdlib.render_to_log_args_and_kwargs,
    )
    return any(processor is forwarder for forwarder in forwarders)


def _with_processor(processors: list[Any]) -> list[Any]:
    if any(processor is structlog_processor for processor in processors):
        return processors
    if processors and _forwards_to_logging(processors[-1]):
        # The event goes on to stdlib logging, where the root handler records it.
        return processors
    return [*processors[:-1], structlog_processor, *processors[-1:]]


def _install_structlog() -> None:
    try:
        import structlog
        from structlog import _config as structlog_config
    except ImportError:  # pragma: no cover - structlog is optional for programs
        return
    if _INSTALLATION.configure is None:
        original = structlog.configure

        @functools.wraps(original)
        def configure(*args: Any, **kwargs: Any) -> None:
            # A program that configures structlog during a test keeps being captured.
            given = args[0] if args else kwargs.get("processors")
            if given is not None:
                wanted = _with_processor(list(given))
                # A new configuration: whether its processor is the plugin's doing.
                _INSTALLATION.added = len(wanted) != len(given)
                if args:
                    args = (wanted, *args[1:])
                else:
                    kwargs["processors"] = wanted
            original(*args, **kwargs)

        _INSTALLATION.configure = original
        # configure_once() looks configure up in structlog._config, so patch it there too.
        setattr(structlog, "configure", configure)  # noqa: B010
        setattr(structlog_config, "configure", configure)  # noqa: B010
    processors = structlog.get_config()["processors"]
    wanted = _with_processor(list(processors))
    if len(wanted) != len(processors):
        _INSTALLATION.added = True
        if isinstance(processors, list):
            # In place: loggers bound earlier hold this very list.
            processors[:] = wanted
        else:
            structlog.configure(processors=wanted)


def _uninstall_structlog() -> None:
    original = _INSTALLATION.configure
    if original is None:
        return
    import structlog
    from structlog import _config as structlog_config

    setattr(structlog, "configure", original)  # noqa: B010
    setattr(structlog_config, "configure", original)  # noqa: B010
    _INSTALLATION.configure = None
    processors = structlog.get_config()["processors"]
    if _INSTALLATION.added and isinstance(processors, list):
        processors[:] = [p for p in processors if p is not structlog_processor]
    _INSTALLATION.added = False


def install() -> None:
    """Attach log capture to stdlib logging and structlog; idempotent and cheap.

    Adds a handler to the root logger (it does nothing while no capture is started) and
    places :func:`structlog_processor` before the renderer of the current and of every
    later structlog configuration. Calling it again re-attaches whatever a program's
    logging set-up removed (``logging.basicConfig(force=True)``, ``dictConfig``).

    Example:
        >>> install()  # once per process, e.g. at test session start
    """
    with _LOCK:
        if ROOT_HANDLER not in logging.root.handlers:
            logging.root.addHandler(ROOT_HANDLER)
        _install_structlog()
        _INSTALLATION.installed = True


def uninstall() -> None:
    """Undo :func:`install`: remove the root handler and the structlog processor.

    Example:
        >>> uninstall()
    """
    with _LOCK:
        logging.root.removeHandler(ROOT_HANDLER)
        _uninstall_structlog()
        _INSTALLATION.installed = False


def installed() -> bool:
    """True between :func:`install` and :func:`uninstall`.

    Example:
        >>> uninstall(); installed()
        False
    """
    return _INSTALLATION.installed
