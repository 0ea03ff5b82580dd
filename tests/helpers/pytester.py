"""Running pytest on a written test file, the way a user does, and reading what it printed.

An inner run is in-process by default: starting a pytest process costs more than a second,
and most plugin tests check what a run prints, not how a process starts. The inner run
then shares this process's OpenTelemetry globals, logging and structlog set-up with the
outer one; :func:`process_state_of_a_fresh_run` gives it the state of a fresh process
and puts the outer run's state back afterwards.

``subprocess=True`` is for what only a new process shows: xdist workers (``-n``),
pytest-randomly's ordering, instrumentation that patches libraries for the whole
process, and plugins loaded (or not) at start-up. Those tests are marked ``slow``.
"""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import structlog
from opentelemetry import trace
from structlog import _config as structlog_config

# By module path: the packages export functions under these modules' names.
capture_context = importlib.import_module("pytest_filagent_trace._capture.context")
log_hooks = importlib.import_module("pytest_filagent_trace._logs.hooks")
log_install = importlib.import_module("pytest_filagent_trace._logs.install")

#: The cache writes .pytest_cache into the test's directory and warns on read-only trees.
_ALWAYS = ("-p", "no:cacheprovider")
_IN_ORDER = ("-p", "no:randomly")
_SUITE_PACKAGE = __name__.partition(".")[0]


def run_pytest(
    pytester: pytest.Pytester,
    *args: str,
    test_source: str | None = None,
    test_module: str = "test_shop",
    random_order: bool = False,
    subprocess: bool = False,
    timeout: float | None = None,
) -> pytest.RunResult:
    """Run pytest in ``pytester``'s directory with ``args``; its output is in the result.

    ``test_source`` (dedented) is written first as ``{test_module}.py``. Tests run in file
    order unless ``random_order`` (then pass ``-p randomly``), without the cache plugin.
    ``subprocess=True`` starts a new pytest process, stopped after ``timeout`` seconds;
    otherwise pytest runs in this process, isolated by :func:`process_state_of_a_fresh_run`
    (``timeout`` does not apply there).

    Example:
        >>> run_pytest(pytester, "--trace-tree", test_source=TEST).assert_outcomes(passed=1)
        ... # doctest: +SKIP
    """
    if test_source is not None:
        pytester.makepyfile(**{test_module: textwrap.dedent(test_source)})
    full_args = (*_ALWAYS, *(() if random_order else _IN_ORDER), *args)
    if subprocess:
        return pytester.runpytest_subprocess(*full_args, timeout=timeout)
    with process_state_of_a_fresh_run():
        return pytester.runpytest_inprocess(*full_args)


@contextmanager
def process_state_of_a_fresh_run() -> Iterator[None]:
    """Inside the block, the process-wide state a new pytest process starts with.

    A pytest run inside this process (``pytester.runpytest_inprocess``) would otherwise
    inherit, and leave behind, what the outer run set up once per process:

    * OpenTelemetry's global tracer provider, and the ``Once`` guard that lets it be set
      only once. The plugin installs an SDK provider when a program set none, and a
      program may set its own; the inner run must find the default proxy and be free to
      set one, and the outer run must get its own provider (with its capture processor)
      back.
    * The plugin's log hooks: the handler on the root logger, its wrapping of
      ``structlog.configure``, the structlog processor inside the configuration, and the
      captures receiving records. An inner run installs and uninstalls them itself.
    * structlog's configuration, which programs under test may change.
    * The default attachments of ``capture_spans()``, which hold on to the providers they
      attached to.
    * This suite's own ``tests`` package in ``sys.modules``: a project under test may have
      a ``tests`` package of its own. (pytester already drops the modules an inner run
      imported once it is done.)

    Example:
        >>> with process_state_of_a_fresh_run():  # doctest: +SKIP
        ...     pytester.runpytest_inprocess()
    """
    saved = _save()
    _reset()
    try:
        yield
    finally:
        _restore(saved)


def _save() -> dict[str, Any]:
    config = structlog_config._CONFIG
    processors = config.default_processors
    return {
        "tracer_provider": trace._TRACER_PROVIDER,
        "tracer_provider_set": trace._TRACER_PROVIDER_SET_ONCE._done,
        "root_handlers": list(logging.root.handlers),
        "root_level": logging.root.level,
        "logs_installed": log_install._INSTALLATION.installed,
        "wrapped_configure": log_install._INSTALLATION.configure,
        "structlog_configure": (structlog.configure, structlog_config.configure),
        "structlog_config": dict(vars(config)),
        "structlog_processors": (list(processors) if isinstance(processors, list) else None),
        "log_sinks": log_hooks._STARTED.sinks,
        "capture_spans_attachments": capture_context._default_attachments,
        "suite_modules": {name: sys.modules[name] for name in _suite_module_names()},
    }


def _reset() -> None:
    trace._TRACER_PROVIDER = None
    trace._TRACER_PROVIDER_SET_ONCE._done = False
    log_hooks._STARTED.sinks = ()
    logging.root.removeHandler(log_hooks.ROOT_HANDLER)
    installation = log_install._INSTALLATION
    if installation.configure is not None:
        # The unwrapped structlog.configure, as a process that never installed the hooks has.
        structlog.configure = installation.configure
        structlog_config.configure = installation.configure
    installation.installed, installation.configure = False, None
    processors = structlog_config._CONFIG.default_processors
    if isinstance(processors, list):
        processors[:] = [p for p in processors if p is not log_hooks.structlog_processor]
    capture_context._default_attachments = None
    for name in _suite_module_names():
        del sys.modules[name]


def _suite_module_names() -> list[str]:
    prefix = f"{_SUITE_PACKAGE}."
    return [name for name in sys.modules if name == _SUITE_PACKAGE or name.startswith(prefix)]


def _restore(saved: dict[str, Any]) -> None:
    trace._TRACER_PROVIDER = saved["tracer_provider"]
    trace._TRACER_PROVIDER_SET_ONCE._done = saved["tracer_provider_set"]
    logging.root.handlers[:] = saved["root_handlers"]
    logging.root.setLevel(saved["root_level"])
    log_install._INSTALLATION.installed = saved["logs_installed"]
    log_install._INSTALLATION.configure = saved["wrapped_configure"]
    structlog.configure, structlog_config.configure = saved["structlog_configure"]
    config = structlog_config._CONFIG
    for name, value in saved["structlog_config"].items():
        setattr(config, name, value)
    if saved["structlog_processors"] is not None:
        # In place: loggers bound before the inner run hold this very list.
        config.default_processors[:] = saved["structlog_processors"]
    log_hooks._STARTED.sinks = saved["log_sinks"]
    capture_context._default_attachments = saved["capture_spans_attachments"]
    sys.modules.update(saved["suite_modules"])
