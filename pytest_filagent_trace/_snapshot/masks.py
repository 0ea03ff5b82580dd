"""Attribute masks: which attributes a snapshot keeps, drops or shows with a fixed value.

Example:
    >>> rules = AttributeRules(SnapshotOptions())
    >>> rules.span("server.port")
    AttributeRule(keep=True, mask='<port>')
    >>> rules.span("route.mode")
    AttributeRule(keep=True, mask=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import NamedTuple

from pytest_filagent_trace._snapshot.options import AttributeReplacement, SnapshotOptions

__all__ = ["DEFAULT_ATTRIBUTE_MASKS", "AttributeRule", "AttributeRules", "parse_mask_line"]

DEFAULT_ATTRIBUTE_MASKS: tuple[tuple[str, str], ...] = (
    ("*.port", "<port>"),
    ("*duration*", "<duration>"),
    ("*latency*", "<duration>"),
    ("*elapsed*", "<duration>"),
    ("*timestamp*", "<timestamp>"),
    ("*.pid", "<pid>"),
    ("thread.id", "<thread.id>"),
    ("thread.name", "<thread.name>"),
    ("exception.stacktrace", "<stacktrace>"),
    ("user_agent.original", "<user-agent>"),
    ("http.user_agent", "<user-agent>"),
)
"""Attribute-name globs masked by default, with the text that replaces their values.

Their values change from run to run (ports, clocks, pids, threads) or from machine to
machine (stack traces, library versions in user agents); the attribute itself is kept,
so a snapshot still pins that it is there.
"""


def parse_mask_line(line: str) -> tuple[str | re.Pattern[str], str]:
    """Parse one ``trace_snapshot_masks`` ini line: ``glob = text`` or ``/regex/ = text``.

    Example:
        >>> parse_mask_line("conversation_id = <conversation>")
        ('conversation_id', '<conversation>')
        >>> parse_mask_line(r"/req-\\d+/ = <request>")[0].pattern
        'req-\\\\d+'
    """
    key, sep, replacement = line.rpartition(" = ")
    key = key.strip()
    if not sep or not key:
        raise ValueError(
            f"expected 'attribute.glob = replacement' or '/regex/ = replacement', found {line!r}"
        )
    if len(key) >= 2 and key.startswith("/") and key.endswith("/"):
        try:
            return re.compile(key[1:-1]), replacement.strip()
        except re.error as exc:
            raise ValueError(f"bad regex {key!r} in {line!r}: {exc}") from None
    return key, replacement.strip()


class AttributeRule(NamedTuple):
    """What a snapshot does with one attribute name: drop it, keep it, or mask its value."""

    keep: bool
    mask: AttributeReplacement | None = None


_DROP = AttributeRule(keep=False)
_KEEP = AttributeRule(keep=True)


@dataclass
class AttributeRules:
    """The rule of each attribute name, decided once per name: traces repeat their names.

    ``include`` applies to span attributes only, so events keep what they say.

    Example:
        >>> rules = AttributeRules(SnapshotOptions().with_attributes(include=["tool.*"]))
        >>> rules.span("http.route").keep, rules.event("http.route").keep
        (False, True)
    """

    options: SnapshotOptions
    masks: tuple[tuple[str, AttributeReplacement], ...] = field(init=False)
    span_rules: dict[str, AttributeRule] = field(default_factory=dict)
    event_rules: dict[str, AttributeRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        defaults = DEFAULT_ATTRIBUTE_MASKS if self.options.default_masks else ()
        # The user's masks first: they win over the built-in ones.
        self.masks = self.options.attribute_masks + defaults

    def span(self, name: str) -> AttributeRule:
        """The rule for a span attribute called ``name``."""
        rule = self.span_rules.get(name)
        if rule is None:
            rule = self.span_rules[name] = self._decide(name, event=False)
        return rule

    def event(self, name: str) -> AttributeRule:
        """The rule for an event attribute called ``name``."""
        rule = self.event_rules.get(name)
        if rule is None:
            rule = self.event_rules[name] = self._decide(name, event=True)
        return rule

    def _decide(self, name: str, *, event: bool) -> AttributeRule:
        options = self.options
        if any(fnmatchcase(name, glob) for glob in options.exclude):
            return _DROP
        if (
            not event
            and options.include is not None
            and not any(fnmatchcase(name, glob) for glob in options.include)
        ):
            return _DROP
        for glob, replacement in self.masks:
            if fnmatchcase(name, glob):
                return AttributeRule(keep=True, mask=replacement)
        return _KEEP
