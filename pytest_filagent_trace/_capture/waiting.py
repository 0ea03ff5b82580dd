"""What ``wait_for`` and ``wait_for_async`` wait for, and the messages when it never comes.

Example:
    >>> check, what = wait_check(2)
    >>> what
    '2 span(s)'
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pytest_filagent_trace._spans import SpanNode, matches_name

if TYPE_CHECKING:
    from pytest_filagent_trace._types import NamePattern, WaitCondition

__all__ = ["POLL_SECONDS", "Check", "describe_name", "refuse_on_event_loop", "wait_check"]

POLL_SECONDS = 0.005
Check = Callable[[list[SpanNode]], list[SpanNode]]


def describe_name(name: NamePattern) -> str:
    """A name pattern as messages print it: ``'exact'`` or ``matching /regex/``."""
    return f"matching /{name.pattern}/" if isinstance(name, re.Pattern) else repr(name)


def refuse_on_event_loop() -> None:
    """Raise at once when called on a thread that runs an event loop.

    ``wait_for`` sleeps: on the loop's own thread, the tasks that would end the awaited
    spans could never run, and the wait would always time out.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "trace_capture.wait_for() was called on a thread that runs an event loop, which it "
        "would block: the tasks that end the awaited spans could not run. In an async test "
        "use `await trace_capture.wait_for_async(...)`, which takes the same arguments."
    )


def wait_check(condition: WaitCondition) -> tuple[Check, str]:
    """The test a wait repeats on the captured nodes, and what it waits for, in words."""
    if isinstance(condition, bool):
        raise TypeError("wait_for() takes a span count, a name pattern or a predicate, not a bool")
    if isinstance(condition, int):
        count = condition
        return (lambda nodes: nodes if len(nodes) >= count else []), f"{count} span(s)"
    if isinstance(condition, (str, re.Pattern)):
        pattern = condition
        return (
            lambda nodes: [node for node in nodes if matches_name(node.name, pattern)],
            f"a span named {describe_name(pattern)}",
        )
    predicate = condition
    label = getattr(predicate, "__qualname__", None) or repr(predicate)
    return (
        lambda nodes: [node for node in nodes if predicate(node)],
        f"a span satisfying {label}",
    )
