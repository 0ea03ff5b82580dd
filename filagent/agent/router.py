"""Deciding how to run a request: ``simple`` (one model/tool loop) or ``htn`` (planned tasks).

Multi-step requests — numbered items, clauses joined by "then" or ";", or
several tool intents — are planned as a hierarchical task network; a client
may force either mode.

Example::

    route("compute 17*23 then search for opentelemetry")
    # RouteDecision(mode="htn", reason="2 steps, each with a tool intent", confidence=0.9)
"""

from __future__ import annotations

from dataclasses import dataclass

from filagent.agent.intents import numbered_items, read_request
from filagent.schemas import ExecutionMode, Mode

REQUESTED_BY_CLIENT = "requested by client"


@dataclass(frozen=True)
class RouteDecision:
    """The chosen mode, why, and how sure the router is (0..1)."""

    mode: ExecutionMode
    reason: str
    confidence: float


def route(text: str, requested: Mode = "auto") -> RouteDecision:
    """Choose the execution mode for the request ``text``.

    Example: ``route("hello", "htn")`` is ``RouteDecision("htn", "requested by client", 1.0)``.
    """
    if requested != "auto":
        return RouteDecision(requested, REQUESTED_BY_CLIENT, 1.0)
    steps = read_request(text)
    intents = sum(1 for step in steps if step.intent is not None)
    count = len(steps)
    if count >= 2:
        if len(numbered_items(text)) >= 2:
            return RouteDecision("htn", f"{count} numbered steps", 0.95)
        if intents == count:
            return RouteDecision("htn", f"{count} steps, each with a tool intent", 0.9)
        if intents:
            return RouteDecision("htn", f"{count} steps, {intents} with a tool intent", 0.75)
        return RouteDecision("htn", f"{count} steps without a tool intent", 0.6)
    if intents:
        return RouteDecision("simple", "one tool intent", 0.9)
    if steps and steps[0].problem:
        return RouteDecision("simple", "a tool was named but its arguments are unreadable", 0.6)
    return RouteDecision("simple", "no tool intent", 0.8)
