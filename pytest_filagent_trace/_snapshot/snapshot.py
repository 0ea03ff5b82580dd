"""Trace snapshots: deterministic normalization of span trees and the syrupy extension.

A trace snapshot is the text :func:`~pytest_filagent_trace._textform.render.render_tree` prints
(the same form as ``--trace-tree`` and the expected value of ``assert_span_tree``), taken
after normalization, so that the file is identical on every run, machine, test order and
worker:

- trace and span ids become ordinals (``<trace#1>``, ``<span#3>``), numbered in canonical
  order, wherever they appear in attribute values, events or status descriptions;
- UUIDs and long hexadecimal ids become ordinals of their kind (``<uuid#1>``,
  ``<hex32#2>``), so a value repeated across spans stays visibly the same value;
- ports, the machine's host name, the repository root, temporary paths, process and
  thread ids, durations, timestamps, stack traces and user agents are masked;
- siblings are ordered by name, then attributes, then their subtrees (never by the
  thread scheduler), unless start order is asked for.

Example:
    >>> def test_chat_trace(client, trace_capture, trace_snapshot):  # doctest: +SKIP
    ...     client.post("/chat", json={"messages": [{"role": "user", "content": "2+2"}]})
    ...     assert trace_snapshot == trace_capture
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import re
import socket
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from pytest_filagent_trace._spans.source import trace_groups
from pytest_filagent_trace._spans.tree import SpanEvent, SpanNode, SpanTree
from pytest_filagent_trace._textform.render import LineParts, attribute_text, draw_lines, head_text

if TYPE_CHECKING:
    from syrupy.location import PyTestLocation
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData

__all__ = [
    "DEFAULT_ATTRIBUTE_MASKS",
    "DEFAULT_SNAPSHOT_DIR",
    "SNAPSHOT_WIDTH",
    "SnapshotOptions",
    "TraceSnapshotAssertion",
    "TraceSnapshotExtension",
    "normalize_traces",
    "serialize_traces",
]

DEFAULT_SNAPSHOT_DIR = "snapshots"
"""Directory, relative to pytest's rootdir, that holds trace snapshots by default."""

SNAPSHOT_WIDTH = 100
"""Line width of snapshot files; wider lines put their attributes on lines of their own.

Fixed here rather than taken from the renderer's default, so that a change of the terminal
default never rewrites every snapshot."""

Order = Literal["canonical", "start"]
AttributeReplacement = str | Callable[[Any], Any]
ValueReplacement = str | Callable[["re.Match[str]"], str]

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

# Private-use characters delimit volatile tokens inside values between the two passes of
# normalization. Span text practically never holds them; if it did, a well-formed token in
# it would only be numbered like one of ours.
_TOKEN_OPEN, _TOKEN_SEP, _TOKEN_CLOSE = "\ue000", "\ue001", "\ue002"
_TOKEN = re.compile(f"{_TOKEN_OPEN}([a-z0-9]+){_TOKEN_SEP}([^{_TOKEN_CLOSE}]*){_TOKEN_CLOSE}")
_TOKEN_RAW = re.compile(f"{_TOKEN_SEP}[^{_TOKEN_CLOSE}]*{_TOKEN_CLOSE}")
_ORDER_VALUES = ("canonical", "start")
# A string after the first pass: (tokenized, sort form, whether it holds tokens). Sort
# forms are strings so canonical order compares at C speed: a type letter, then the
# value with volatile parts hidden (numbers encoded so that 2 sorts before 10).
_Text = tuple[str, str, bool]


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class SnapshotOptions:
    """How traces are normalized before they are written to or compared with a snapshot.

    ``attribute_masks`` replace the value of every attribute whose name matches a glob
    (span and event attributes), with a fixed text or the result of a callable.
    ``value_masks`` rewrite every match of a regex inside string values, span names and
    status descriptions. ``include`` keeps only span attributes matching one of its globs;
    ``exclude`` drops span and event attributes matching any of its globs. ``order`` is
    ``"canonical"`` (siblings by name, attributes, subtree) or ``"start"`` (by start
    time). ``default_masks`` turns the built-in masks (ids, ports, hosts, paths,
    :data:`DEFAULT_ATTRIBUTE_MASKS`) on or off. ``rootdir`` is the path shown as
    ``<rootdir>``.

    Example:
        >>> options = SnapshotOptions().with_masks({"conversation_id": "<conversation>"})
        >>> options.with_attributes(exclude=["http.*"]).exclude
        ('http.*',)
    """

    attribute_masks: tuple[tuple[str, AttributeReplacement], ...] = ()
    value_masks: tuple[tuple[re.Pattern[str], ValueReplacement], ...] = ()
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    order: Order = "canonical"
    default_masks: bool = True
    rootdir: str | None = None

    def __post_init__(self) -> None:
        if self.order not in _ORDER_VALUES:
            raise ValueError(
                f"trace snapshot order must be one of {', '.join(map(repr, _ORDER_VALUES))},"
                f" found {self.order!r}"
            )

    def with_masks(
        self, masks: Mapping[str | re.Pattern[str], AttributeReplacement]
    ) -> SnapshotOptions:
        """Options with more masks: a ``str`` key is an attribute-name glob, a compiled
        regex key rewrites its matches inside any string value.

        Later masks win over earlier ones for the same attribute.

        Example:
            >>> opts = SnapshotOptions().with_masks(
            ...     {"app.request_id": "<request>", re.compile(r"req-\\d+"): "<request>"}
            ... )
            >>> len(opts.attribute_masks), len(opts.value_masks)
            (1, 1)
        """
        attribute_masks = list(self.attribute_masks)
        value_masks = list(self.value_masks)
        for key, replacement in masks.items():
            if isinstance(key, re.Pattern):
                if not (isinstance(replacement, str) or callable(replacement)):
                    raise TypeError(
                        f"the mask for regex {key.pattern!r} must be a string or a callable"
                        f" taking the match, found {type(replacement).__name__}"
                    )
                value_masks.append((key, replacement))
            elif isinstance(key, str):
                # Newest first, so a mask added later overrides one set before it.
                attribute_masks.insert(0, (key, replacement))
            else:
                raise TypeError(
                    "mask keys must be attribute-name globs (str) or compiled regexes"
                    f" (re.compile(...)), found {type(key).__name__}: {key!r}"
                )
        return dataclasses.replace(
            self, attribute_masks=tuple(attribute_masks), value_masks=tuple(value_masks)
        )

    def with_attributes(
        self,
        *,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> SnapshotOptions:
        """Options that keep only ``include`` globs (when given) and drop ``exclude`` globs.

        Exclusions add up; a new ``include`` list replaces the previous one.

        Example:
            >>> SnapshotOptions().with_attributes(include=["route.*", "tool.*"]).include
            ('route.*', 'tool.*')
        """
        for globs, what in ((include or (), "include"), (exclude, "exclude")):
            if isinstance(globs, str):
                raise TypeError(f"{what} takes a list of globs, found the string {globs!r}")
        return dataclasses.replace(
            self,
            include=tuple(include) if include is not None else self.include,
            exclude=self.exclude + tuple(exclude),
        )

    def with_order(self, order: Order) -> SnapshotOptions:
        """Options that order siblings canonically or by start time.

        Example:
            >>> SnapshotOptions().with_order("start").order
            'start'
        """
        return dataclasses.replace(self, order=order)


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


# ------------------------------------------------------------------ value normalization


@functools.cache
def _hostnames() -> tuple[str, ...]:
    # gethostname only: getfqdn may block on a DNS lookup.
    name = socket.gethostname()
    if len(name) >= 2 and name not in {"localhost", "localhost.localdomain"}:
        return (name,)
    return ()


def _path_literals(rootdir: str | None) -> list[tuple[str, str]]:
    candidates: list[tuple[str, str]] = []
    if rootdir:
        candidates.append((rootdir, "<rootdir>"))
    temp = tempfile.gettempdir()
    home = os.path.expanduser("~")
    if len(home) > 1:
        candidates.append((home, "<home>"))
    seen: set[str] = set()
    literals: list[tuple[str, str]] = []
    for path, label in candidates:
        for spelling in {path, os.path.realpath(path)}:
            # The temporary directory is handled by its own pattern (it needs the random
            # directory name after it), so it must not be swallowed by a shorter literal.
            if spelling not in seen and len(spelling) > 1 and spelling != temp:
                seen.add(spelling)
                literals.append((spelling, label))
    # Longest first: a rootdir inside the home directory must win.
    return sorted(literals, key=lambda item: len(item[0]), reverse=True)


# Each pattern starts with a literal or a character class, so the regex engine can skip
# ahead to candidates instead of trying every alternative at every position; boundaries
# are checked on the few candidates in Python.
_HEX_RUN = re.compile(r"[0-9A-Fa-f][0-9A-Fa-f-]{14,}[0-9A-Fa-f]")
_HEX_ID = re.compile(r"[0-9A-Fa-f]{16,}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PORT = re.compile(r":\d{1,5}(?!\d)")
_HOST_TAIL = re.compile(r"(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])\Z")
# A URL's host, also once a mask replaced it (``//<loopback>:8000``).
_URL_HOST = re.compile(r"[A-Za-z0-9.<>_-]+\Z")
_URL_PORT = re.compile(r"//[A-Za-z0-9.<>_-]+(:\d{1,5})(?!\d)")
_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HOST_CHARS = _ALNUM | {".", "-"}


@dataclass
class _ValueNormalizer:
    """Rewrites volatile parts of strings into tokens ``\\ue000kind\\ue001raw\\ue002``.

    Tokens keep the raw value so the second pass can number equal values alike; the sort
    key of a span only sees the kind.
    """

    trace_ids: frozenset[str]
    # All span ids of the input, gathered only when a value holds an unknown hex id.
    gather_span_ids: Callable[[], frozenset[str]]
    user_masks: tuple[tuple[re.Pattern[str], ValueReplacement], ...]
    default_masks: bool
    paths: re.Pattern[str] | None
    path_labels: dict[str, str]
    path_prefixes: tuple[str, ...]
    hostnames: re.Pattern[str] | None
    cache: dict[str, _Text] = field(default_factory=dict)
    # Whether some value held a span id: only then are span ids numbered up front.
    span_tokens: bool = False

    @functools.cached_property
    def span_ids(self) -> frozenset[str]:
        return self.gather_span_ids()

    @classmethod
    def build(
        cls,
        options: SnapshotOptions,
        trace_ids: frozenset[str],
        gather_span_ids: Callable[[], frozenset[str]],
    ) -> _ValueNormalizer:
        literals = _path_literals(options.rootdir) if options.default_masks else []
        temp_dir = tempfile.gettempdir().rstrip(os.sep)
        temp = re.escape(temp_dir)
        path_parts = [
            # Literals first: a rootdir inside the temporary directory (pytester) wins.
            "(?P<literal>(?:" + "|".join(re.escape(path) for path, _ in literals) + "))(?![\\w.-])"
            if literals
            else None,
            # pytest's tmp_path: <tmp>/pytest-of-<user>/pytest-<n>/<test name><k>
            rf"(?P<tmp_path>{temp}/pytest-of-[^/\s'\"]+/pytest-\d+/[^/\s'\"]+)",
            rf"(?P<tmp>{temp}/[^/\s'\"]+)",
        ]
        names = _hostnames() if options.default_masks else ()
        return cls(
            trace_ids=trace_ids,
            gather_span_ids=gather_span_ids,
            user_masks=options.value_masks,
            default_masks=options.default_masks,
            paths=(
                re.compile("|".join(part for part in path_parts if part))
                if options.default_masks
                else None
            ),
            path_labels=dict(literals),
            path_prefixes=(temp_dir + "/", *(path for path, _ in literals)),
            hostnames=(
                re.compile("//(" + "|".join(map(re.escape, names)) + r")(?![\w.-])")
                if names
                else None
            ),
        )

    def text(self, text: str) -> _Text:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        result = text
        for pattern, replacement in self.user_masks:
            result = pattern.sub(replacement, result)
        if self.default_masks:
            if len(result) == 36 and _UUID.fullmatch(lowered := result.lower()):
                # The commonest volatile value is a bare UUID: its token and sort form
                # directly, without the scans below.
                cached = self.cache[text] = (_token("uuid", lowered), "s<uuid>", True)
                return cached
            result = self._builtin(result)
        if _TOKEN_OPEN in result:
            # The sort form shows each token as <kind>, never the volatile value behind it:
            # the raw part becomes ">", then the opening mark "<". Literal replacements,
            # which the regex module makes without calling back into Python.
            kinds = _TOKEN_RAW.sub(">", result).replace(_TOKEN_OPEN, "<")
            cached = (result, "s" + kinds, True)
        else:
            cached = (result, "s" + result, False)
        self.cache[text] = cached
        return cached

    def _builtin(self, text: str) -> str:
        # Substring checks first: most values hold no path, port or host name at all.
        if self.paths is not None:
            # A loop, not any(generator): this runs for every distinct string.
            for prefix in self.path_prefixes:
                if prefix in text:
                    text = self.paths.sub(self._path, text)
                    break
        text = _HEX_RUN.sub(self._hex_run, text)
        if ":" in text:
            # The commonest port follows a URL's host: masked without a regex callback.
            url = _URL_PORT.search(text) if "//" in text else None
            if url is not None:
                text = f"{text[: url.start(1)]}:<port>{text[url.end(1) :]}"
            if _PORT.search(text) is not None:
                text = _PORT.sub(self._port, text)
        # Host names are only masked after "//"; the regex itself is C code, cheap to run.
        if self.hostnames is not None and "//" in text:
            text = self.hostnames.sub("//<host>", text)
        return text

    def _path(self, match: re.Match[str]) -> str:
        if match.lastgroup == "literal":
            return self.path_labels[match.group()]
        return f"<{match.lastgroup}>"

    def _hex_run(self, match: re.Match[str]) -> str:
        raw, start, end = match.group(), match.start(), match.end()
        text = match.string
        if (start and text[start - 1] in _ALNUM) or (end < len(text) and text[end] in _ALNUM):
            return raw
        if len(raw) == 36 and _UUID.fullmatch(raw.lower()):
            return _token("uuid", raw.lower())
        # A run with dashes that is no UUID (a traceparent, a date) keeps its other parts.
        return _HEX_ID.sub(self._hex_id, raw) if "-" in raw else self._hex_id(raw)

    def _hex_id(self, match: re.Match[str] | str) -> str:
        # Ids compare lowercase: an X-Trace-ID echoed in capitals is the same trace.
        lowered = (match if isinstance(match, str) else match.group()).lower()
        if lowered in self.trace_ids:
            return _token("trace", lowered)
        if lowered in self.span_ids:
            self.span_tokens = True
            return _token("span", lowered)
        return _token(f"hex{len(lowered)}", lowered)

    def _port(self, match: re.Match[str]) -> str:
        # Only a port after a host: an IP literal, localhost or a URL's host, never the
        # colon of "12:30" or "key: 42".
        before = match.string[: match.start()]
        slashes = before.rfind("//")
        if slashes >= 0 and _URL_HOST.match(before, slashes + 2):
            return ":<port>"
        tail = _HOST_TAIL.search(before[-48:])
        if tail is not None:
            start = len(before) - len(tail.group())
            if start == 0 or before[start - 1] not in _HOST_CHARS:
                return ":<port>"
        return match.group()


def _token(kind: str, raw: str) -> str:
    return f"{_TOKEN_OPEN}{kind}{_TOKEN_SEP}{raw}{_TOKEN_CLOSE}"


_Rule = tuple[bool, AttributeReplacement | None]  # (keep, mask)


@dataclass
class _AttributeRules:
    """Per-name decisions (keep, drop, mask), cached: span trees repeat attribute names."""

    options: SnapshotOptions
    masks: tuple[tuple[str, AttributeReplacement], ...]
    span_rules: dict[str, _Rule] = field(default_factory=dict)
    event_rules: dict[str, _Rule] = field(default_factory=dict)

    @classmethod
    def build(cls, options: SnapshotOptions) -> _AttributeRules:
        masks = options.attribute_masks
        if options.default_masks:
            masks += DEFAULT_ATTRIBUTE_MASKS
        return cls(options=options, masks=masks)

    def decide(self, key: str, *, event: bool) -> _Rule:
        options = self.options
        rule: _Rule = (True, None)
        if any(fnmatchcase(key, glob) for glob in options.exclude) or (
            not event
            and options.include is not None
            and not any(fnmatchcase(key, glob) for glob in options.include)
        ):
            rule = (False, None)
        else:
            for glob, replacement in self.masks:
                if fnmatchcase(key, glob):
                    rule = (True, replacement)
                    break
        (self.event_rules if event else self.span_rules)[key] = rule
        return rule


# ----------------------------------------------------------------------- tree passes


_DOUBLE = struct.Struct(">d")


def _number_form(value: float) -> str:
    """A string that sorts like the number: 2 before 10, -3 before 1, 1 == 1.0."""
    if isinstance(value, int) and not -(2**53) <= value <= 2**53:
        return f"n~{value!r}"  # beyond exact floats: rare enough to sort by text
    if value != value:  # noqa: PLR0124 - NaN is the one value not equal to itself
        return "n~nan"
    packed = _DOUBLE.pack(value)
    if packed[0] < 0x80:
        # IEEE 754 doubles of one sign order like their bits, so like their bytes in hex.
        return "nP" + packed.hex()
    # Negative ones the other way round, so their bits are flipped; "N" sorts before "P".
    return f"nN{int.from_bytes(packed, 'big') ^ 0xFFFFFFFFFFFFFFFF:016x}"


class _Pass:
    """The first pass: every span's canonical sort line and the shape of the trees, by
    span index in the order spans are met.

    What else a span leaves behind depends on the output: normalized copies
    (:class:`_CopyPass`, for :func:`normalize_traces`) or the pieces of its snapshot line
    (:class:`_TextPass`, for :func:`serialize_traces`). Either way each span is read once;
    ordering then only moves indexes, and the second pass numbers volatile values in the
    order the final tree is read.
    """

    def __init__(self, values: _ValueNormalizer, rules: _AttributeRules) -> None:
        self.values = values
        self.rules = rules
        self.lines: list[str] = []
        self.depths: list[int] = []
        # Children by index; leaves share one empty tuple (most spans are leaves).
        self.kids: list[Sequence[int]] = []
        # The spans read, for their ids, clocks and orphan flags.
        self.nodes: list[SpanNode] = []

    def add_tree(self, root: SpanNode) -> int:
        """Read ``root`` and its subtree iteratively (trees may be deeper than the recursion
        limit); returns the root's index."""
        add, depths, all_kids = self._add, self.depths, self.kids
        root_index = add(root, 0, -1)
        stack = [(root, root_index)]
        while stack:
            source, index = stack.pop()
            depth = depths[index] + 1
            kids: list[int] = []
            all_kids[index] = kids
            for child in source.children:
                child_index = add(child, depth, index)
                kids.append(child_index)
                if child.children:
                    stack.append((child, child_index))
        return root_index

    def _add(self, node: SpanNode, depth: int, parent: int) -> int:
        """Read one span whose parent has index ``parent`` (-1 for a root)."""
        raise NotImplementedError

    def _record(self, node: SpanNode, line: str, depth: int) -> int:
        self.lines.append(line)
        self.depths.append(depth)
        self.kids.append(())
        self.nodes.append(node)
        return len(self.lines) - 1

    def value(self, value: Any) -> tuple[Any, str, bool]:
        """(tokenized value, sort form, whether it holds tokens)."""
        if isinstance(value, str):
            return self.values.cache.get(value) or self.values.text(value)
        if isinstance(value, bool):
            return value, "b1" if value else "b0", False
        if isinstance(value, (int, float)):
            return value, _number_form(value), False
        if isinstance(value, tuple):
            items = [self.value(item) for item in value]
            return (
                tuple(item[0] for item in items),
                "t" + "\x1c".join(item[1] for item in items),
                any(item[2] for item in items),
            )
        return value, "z" + repr(value), False

    def attributes(
        self, attributes: Mapping[str, Any], *, event: bool
    ) -> tuple[dict[str, Any], str, tuple[str, ...]]:
        """(masked attributes, their sort line, names of those holding tokens)."""
        result: dict[str, Any] = {}
        line: list[str] = []
        tokens: list[str] = []
        known = self.rules.event_rules if event else self.rules.span_rules
        texts = self.values.cache
        for name in sorted(attributes):
            keep, replacement = known.get(name) or self.rules.decide(name, event=event)
            if not keep:
                continue
            if replacement is None:
                raw = attributes[name]
                # Strings are most values and most repeat: the cache lookup is inlined.
                value, form, has_tokens = (
                    (texts.get(raw) or self.values.text(raw))
                    if type(raw) is str
                    else self.value(raw)
                )
                if has_tokens:
                    tokens.append(name)
            elif isinstance(replacement, str):
                value, form = replacement, "s" + replacement
            else:
                value = replacement(attributes[name])
                form = self.value(value)[1]
            result[name] = value
            line.append(name)
            line.append(form)
        return result, "\x1d".join(line), tuple(tokens)

    def _head(self, node: SpanNode) -> tuple[Any, str, str | None, str, bool]:
        """(name, its sort form, status description, its sort form, whether either holds
        tokens)."""
        name = node.name
        # Names are strings and repeat: the cache lookup of value() is inlined.
        name, name_form, tokens = (
            (self.values.cache.get(name) or self.values.text(name))
            if type(name) is str
            else self.value(name)
        )
        description, description_form = node.status_description, ""
        if description:
            description, description_form, has_tokens = self.value(description)
            tokens = tokens or has_tokens
        return name, name_form, description, description_form, tokens

    def _events(self, node: SpanNode) -> tuple[list[SpanEvent], str, bool]:
        """(normalized events, their part of the sort line, whether they hold tokens)."""
        events: list[SpanEvent] = []
        line = ""
        tokens = False
        for event in node.events:
            name, form, name_tokens = self.value(event.name)
            attributes, attributes_line, attribute_tokens = self.attributes(
                event.attributes, event=True
            )
            tokens = tokens or name_tokens or bool(attribute_tokens)
            events.append(SpanEvent(name, attributes, 0))
            line += f"\x1f{form}\x1d{attributes_line}"
        return events, line, tokens

    def rank_canonically(self, traces: list[tuple[str, list[int]]]) -> None:
        """Order children, roots and traces canonically.

        Spans are ranked depth by depth from the leaves up (the AHU tree-canonization
        idea), so that equal ranks mean equal normalized subtrees: a span's key is its own
        line plus the sorted ranks of its children, so comparing two subtrees never
        recurses and the whole pass is O(n log n).
        """
        lines = self.lines
        by_depth: list[list[int]] = []
        for index, depth in enumerate(self.depths):
            while len(by_depth) <= depth:
                by_depth.append([])
            by_depth[depth].append(index)
        ranks = [0] * len(lines)
        rank_of, all_kids, nodes = ranks.__getitem__, self.kids, self.nodes
        for depth in range(len(by_depth) - 1, -1, -1):
            level = by_depth[depth]
            # The line comes first in a key: lines mostly differ, so sorting compares
            # strings at C speed and seldom looks further.
            keys: list[tuple[str | int | bool, ...]] = []
            for index in level:
                kids = all_kids[index]
                if not kids:  # most spans are leaves: a key without child ranks
                    keys.append((lines[index],))
                    continue
                if len(kids) > 1:
                    # Stable: look-alike siblings stay in start order, which only decides
                    # which of them gets the lower ordinal.
                    kids = all_kids[index] = sorted(kids, key=rank_of)
                # map(), not a list comprehension: no extra frame per span (Python 3.11).
                keys.append((lines[index], *map(rank_of, kids)))
            if depth == 0:
                # Orphans sort after true roots; only roots can be orphans.
                keys = [(nodes[i].orphan, *key) for i, key in zip(level, keys, strict=True)]
            level_ranks = {key: rank for rank, key in enumerate(sorted(set(keys)))}
            for index, key in zip(level, keys, strict=True):
                ranks[index] = level_ranks[key]
        for _, roots in traces:
            roots.sort(key=rank_of)
        traces.sort(
            key=lambda trace: (
                tuple((nodes[root].orphan, ranks[root]) for root in trace[1]),
                min((nodes[root].start_time for root in trace[1]), default=0),
            )
        )

    def reading_order(self, traces: list[tuple[str, list[int]]]) -> list[int]:
        """Every span index in the order the final trees are read (pre-order)."""
        kids = self.kids
        order: list[int] = []
        for _, roots in traces:
            stack = roots[::-1]
            while stack:
                index = stack.pop()
                order.append(index)
                stack += reversed(kids[index])
        return order

    def ordinals(self, traces: list[tuple[str, list[int]]], order: list[int]) -> _Ordinals:
        """Ordinals numbered by structure: trace ids by trace, span ids by where their span
        sits in ``order`` (never by where they were seen in an attribute), then the
        missing parents of subtree roots and orphans."""
        ordinals = _Ordinals()
        for trace_id, _ in traces:
            ordinals.traces.setdefault(trace_id, len(ordinals.traces) + 1)
        if order:
            spans, nodes = ordinals.spans, self.nodes
            for index in order:
                spans.setdefault(nodes[index].span_id, len(spans) + 1)
            for _, roots in traces:
                for root in roots:
                    parent_id = nodes[root].parent_span_id
                    if parent_id is not None:
                        spans.setdefault(parent_id, len(spans) + 1)
        return ordinals


_P = TypeVar("_P", bound=_Pass)


class _CopyPass(_Pass):
    """Normalized copies of every span; the second pass relinks and relabels them in place,
    so each span is copied once."""

    def __init__(self, values: _ValueNormalizer, rules: _AttributeRules) -> None:
        super().__init__(values, rules)
        self.copies: list[SpanNode] = []
        self.tokens: list[tuple[bool, tuple[str, ...]] | None] = []

    def _add(self, node: SpanNode, depth: int, parent: int) -> int:
        name, name_form, description, description_form, text_tokens = self._head(node)
        attributes, attributes_line, tokens = self.attributes(node.attributes, event=False)
        events, events_line, event_tokens = self._events(node)
        text_tokens = text_tokens or event_tokens
        # Name first: canonical order reads "by name, then attributes". Control
        # characters separate the fields, so a shorter field sorts first.
        line = "\x1f".join((name_form, node.kind, node.status, description_form, attributes_line))
        parent_copy = self.copies[parent] if parent >= 0 else None
        copy = SpanNode(
            name,
            node.kind,
            node.status,
            description,
            attributes,
            events,
            node.trace_id,
            node.span_id,
            node.parent_span_id,
            0,
            0,
            {},
            node.scope,
            [],
            parent_copy,
            node.orphan,
        )
        if parent_copy is not None:
            parent_copy.children.append(copy)
        self.copies.append(copy)
        # The second pass relabels only what holds tokens; None means nothing does.
        self.tokens.append((text_tokens, tokens) if text_tokens or tokens else None)
        return self._record(node, line + events_line, depth)

    def trees(self, traces: list[tuple[str, list[int]]]) -> list[SpanTree]:
        """The second pass: children in their final order, ids and tokens relabelled."""
        copies, all_kids, all_tokens = self.copies, self.kids, self.tokens
        order = self.reading_order(traces)
        ordinals = self.ordinals(traces, order)
        trace_labels = {trace_id: f"<trace#{n}>" for trace_id, n in ordinals.traces.items()}
        span_labels = {span_id: f"<span#{n}>" for span_id, n in ordinals.spans.items()}
        for index in order:
            copy = copies[index]
            kids = all_kids[index]
            if len(kids) > 1:
                copy.children = [copies[kid] for kid in kids]
            copy.trace_id = trace_labels[copy.trace_id]
            copy.span_id = span_labels[copy.span_id]
            if copy.parent_span_id is not None:
                copy.parent_span_id = span_labels[copy.parent_span_id]
            tokens = all_tokens[index]
            if tokens is not None:
                _relabel(copy, ordinals, tokens)
        return [
            SpanTree(trace_id=trace_labels[trace_id], roots=[copies[root] for root in roots])
            for trace_id, roots in traces
        ]


def _relabel(copy: SpanNode, ordinals: _Ordinals, tokens: tuple[bool, tuple[str, ...]]) -> None:
    # The copy and its dicts were made by the first pass, so they are changed in place.
    texts, attribute_names = tokens
    attributes = copy.attributes
    for name in attribute_names:
        attributes[name] = ordinals.value(attributes[name])
    if texts:
        copy.name = ordinals.text(copy.name)
        if copy.status_description:
            copy.status_description = ordinals.text(copy.status_description)
        copy.events = [
            SpanEvent(
                ordinals.text(event.name),
                {key: ordinals.value(value) for key, value in event.attributes.items()},
                0,
            )
            for event in copy.events
        ]


# One attribute in the text pass: (its part of the sort line, its ``key=value`` text, and
# the tokenized value when the text must wait for the second pass's ordinals, else None).
_Item = tuple[str, str, Any]
_DROPPED: _Item = ("", "", None)
# The values whose item is remembered: floats are not, as 0.0 and -0.0 are equal keys.
_REPEATING = frozenset({str, int, bool})


# The line of a span holding tokens, finished once the ordinals are known: its items,
# the (position in items, attribute name, tokenized value) of each item still to number,
# and its head, or the fields of its head when they hold tokens.
_Pending = tuple[
    list[str],
    list[tuple[int, str, Any]],
    str,
    tuple[Any, str, str, str | None, bool, list[SpanEvent]] | None,
]


class _TextPass(_Pass):
    """The pieces of every span's snapshot line; the second pass draws the trees from them.

    Nothing is copied: a span leaves its finished line parts behind when they hold no
    tokens, or what is needed to finish them while drawing, which reads the trees in
    exactly the order the ordinals are handed out.
    """

    def __init__(self, values: _ValueNormalizer, rules: _AttributeRules) -> None:
        super().__init__(values, rules)
        # Finished line parts by span index; None for the spans in pending.
        self.entries: list[LineParts | None] = []
        self.pending: dict[int, _Pending] = {}
        # name -> item, for attributes whose value does not matter (dropped or masked by
        # a fixed text); (name, raw value, its type) -> item, since a trace repeats most
        # values.
        self.fixed: dict[str, _Item] = {}
        self.known: dict[tuple[str, Any, type], _Item] = {}
        # (name, kind, status, description) -> head, for spans without events.
        self.heads: dict[tuple[Any, str, str, str | None], str] = {}
        # (name, tokenized value) -> numbered item text.
        self.numbered: dict[tuple[str, Any], str] = {}
        self.labels = _Ordinals()

    def _add(self, node: SpanNode, depth: int, parent: int) -> int:
        name, name_form, description, description_form, head_tokens = self._head(node)
        # The hottest loop of a snapshot, so it is written out here rather than calling a
        # helper per attribute.
        attributes = node.attributes
        pieces: list[str] = []
        items: list[str] = []
        slots: list[tuple[int, str, Any]] | None = None
        fixed, known, heads = self.fixed, self.known, self.heads
        for key in sorted(attributes):
            item = fixed.get(key)
            if item is None:
                raw = attributes[key]
                # Keyed by type too: True, 1 and 1.0 are equal keys but different texts.
                try:
                    item = known.get((key, raw, type(raw))) or self._item(key, raw)
                except TypeError:  # an unhashable value, in a hand-made span
                    item = self._item(key, raw)
            if item is _DROPPED:
                continue
            piece, text, tokenized = item
            pieces.append(piece)
            if tokenized is not None:
                if slots is None:
                    slots = []
                slots.append((len(items), key, tokenized))
            items.append(text)
        kind, status = node.kind, node.status
        line = "\x1f".join((name_form, kind, status, description_form, "\x1d".join(pieces)))
        events: list[SpanEvent] = []
        if node.events:
            events, events_line, event_tokens = self._events(node)
            line += events_line
            head_tokens = head_tokens or event_tokens
        if head_tokens:
            fields = (name, kind, status, description, node.orphan, events)
            self.pending[len(self.entries)] = (items, slots or [], "", fields)
            self.entries.append(None)
        else:
            head = (
                head_text(
                    name,
                    kind,
                    status,
                    description,
                    orphan=node.orphan,
                    event_names=[event.name for event in events],
                )
                if events or node.orphan
                else heads.get((name, kind, status, description))
                or self._head_text(name, kind, status, description)
            )
            if slots:
                self.pending[len(self.entries)] = (items, slots, head, None)
                self.entries.append(None)
            else:
                self.entries.append((head, items, ""))
        return self._record(node, line, depth)

    def _head_text(self, name: str, kind: str, status: str, description: str | None) -> str:
        head = self.heads[name, kind, status, description] = head_text(
            name, kind, status, description
        )
        return head

    def _item(self, name: str, raw: Any) -> _Item:
        keep, replacement = self.rules.span_rules.get(name) or self.rules.decide(name, event=False)
        if not keep:
            self.fixed[name] = _DROPPED
            return _DROPPED
        item: _Item
        if isinstance(replacement, str):
            item = (f"{name}\x1ds{replacement}", attribute_text(name, replacement), None)
            self.fixed[name] = item
            return item
        if replacement is not None:
            # A callable may answer differently for the same value: asked every time.
            value = replacement(raw)
            return f"{name}\x1d{self.value(value)[1]}", attribute_text(name, value), None
        value, form, has_tokens = (
            (self.values.cache.get(raw) or self.values.text(raw))
            if type(raw) is str
            else self.value(raw)
        )
        if has_tokens:
            item = (f"{name}\x1d{form}", "", value)
        else:
            item = (f"{name}\x1d{form}", attribute_text(name, value), None)
        if type(raw) in _REPEATING:
            self.known[name, raw, type(raw)] = item
        return item

    def text(self, traces: list[tuple[str, list[int]]], width: int) -> str:
        """The second pass: the snapshot text, tokens numbered as the lines are drawn."""
        # Span ids are numbered by structure up front, but only when some value holds one.
        order = self.reading_order(traces) if self.values.span_tokens else []
        self.labels = self.ordinals(traces, order)
        lines = draw_lines(
            [root for _, roots in traces for root in roots],
            children=self.kids.__getitem__,
            parts=self._parts,
            trace_of=self._trace_of,
            width=width,
        )
        return "\n".join(lines)

    def _trace_of(self, index: int) -> str:
        return self.nodes[index].trace_id

    def _parts(self, index: int) -> LineParts:
        entry = self.entries[index]
        if entry is not None:
            return entry
        items, slots, head, fields = self.pending[index]
        labels, numbered = self.labels, self.numbered
        # In the order _relabel numbers a copy's tokens: attributes, name, status, events.
        if slots:
            items = items.copy()
            for position, name, tokenized in slots:
                text = numbered.get((name, tokenized))
                if text is None:
                    text = attribute_text(name, labels.value(tokenized))
                    numbered[name, tokenized] = text
                items[position] = text
        if fields is None:
            return head, items, ""
        name, kind, status, description, orphan, events = fields
        name = labels.value(name)
        description = labels.text(description) if description else description
        event_names = []
        for event in events:
            event_names.append(labels.text(event.name))
            # Event attributes are not drawn, but what they hold is numbered all the same,
            # as in the normalized trees.
            for value in event.attributes.values():
                labels.value(value)
        head = head_text(name, kind, status, description, orphan=orphan, event_names=event_names)
        return head, items, ""


@dataclass
class _Ordinals:
    """Numbers volatile values in the order the final tree is read."""

    traces: dict[str, int] = field(default_factory=dict)
    spans: dict[str, int] = field(default_factory=dict)
    others: dict[str, dict[str, int]] = field(default_factory=dict)
    cache: dict[str, str] = field(default_factory=dict)

    def label(self, kind: str, raw: str) -> str:
        if kind == "trace" and raw in self.traces:
            return f"<trace#{self.traces[raw]}>"
        if kind == "span" and raw in self.spans:
            return f"<span#{self.spans[raw]}>"
        numbers = self.others.setdefault(kind, {})
        number = numbers.setdefault(raw, len(numbers) + 1)
        return f"<{kind}#{number}>"

    def _label_match(self, match: re.Match[str]) -> str:
        return self.label(*match.groups())

    def text(self, text: str) -> str:
        if _TOKEN_OPEN not in text:
            return text
        # Numbers are handed out on first sight, so a repeated text keeps its first labels.
        labelled = self.cache.get(text)
        if labelled is None:
            whole = _TOKEN.fullmatch(text)
            # A value that is one token (a bare UUID or id) needs no regex callback.
            labelled = (
                self.label(*whole.groups())
                if whole is not None
                else _TOKEN.sub(self._label_match, text)
            )
            self.cache[text] = labelled
        return labelled

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, tuple):
            return tuple(self.value(item) for item in value)
        return value


def normalize_traces(data: object, options: SnapshotOptions | None = None) -> list[SpanTree]:
    """Normalized copies of the traces in ``data``: the exact trees a snapshot renders.

    ``data`` is a ``TraceCapture`` (anything with ``traces()``), a ``SpanTree``, a
    ``SpanNode`` (with its subtree), or a list of trees, nodes or finished SDK spans.
    Ids, clocks and volatile values are replaced as described in the module docstring;
    the input is never modified.

    Example:
        >>> trees = normalize_traces(trace_capture)  # doctest: +SKIP
        >>> trees[0].trace_id, trees[0].roots[0].span_id  # doctest: +SKIP
        ('<trace#1>', '<span#1>')
    """
    options = options or SnapshotOptions()
    groups = trace_groups(data)
    with _gc_paused():
        first, traces = _first_pass(groups, options, _CopyPass)
        return first.trees(traces)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Normalizing and rendering allocate a few linked objects per span; on a large trace
    # CPython's generational collector would rescan the whole heap several times meanwhile
    # (about 40% of the time for 10,000 spans). Nothing here makes garbage cycles.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _span_ids(groups: list[tuple[str, list[SpanNode]]]) -> frozenset[str]:
    """Every span id in ``groups``, and the ids of the missing parents of their roots."""
    span_ids: set[str] = set()
    for _, group_roots in groups:
        for group_root in group_roots:
            if group_root.parent_span_id:
                span_ids.add(group_root.parent_span_id)
        # A plain stack rather than walk(): a set needs no order, and no generator frame
        # is resumed per span.
        pending = list(group_roots)
        while pending:
            node = pending.pop()
            span_ids.add(node.span_id)
            pending += node.children
    return frozenset(span_ids)


def _first_pass(
    groups: list[tuple[str, list[SpanNode]]], options: SnapshotOptions, kind: type[_P]
) -> tuple[_P, list[tuple[str, list[int]]]]:
    """Read every span of ``groups`` once and put them in their final order."""
    trace_ids = frozenset(trace_id for trace_id, _ in groups)
    first = kind(
        _ValueNormalizer.build(options, trace_ids, functools.partial(_span_ids, groups)),
        _AttributeRules.build(options),
    )
    traces = [(trace_id, [first.add_tree(root) for root in roots]) for trace_id, roots in groups]
    if options.order == "canonical":
        first.rank_canonically(traces)
    return first, traces


def serialize_traces(data: object, options: SnapshotOptions | None = None) -> str:
    """The snapshot text of ``data``: normalized traces rendered as ``--trace-tree`` does.

    Traces are separated by a blank line; the text ends with a newline. Usable outside
    pytest, for example to review what a snapshot of a trace would contain.

    Example:
        >>> print(serialize_traces(trace_capture), end="")  # doctest: +SKIP
        POST /chat [SERVER] {http.request.method="POST", server.port="<port>"}
        ├── agent.route {route.mode="simple"}
        └── agent.run_simple {conversation_id="<uuid#1>"}
    """
    groups = trace_groups(data)
    if not groups:
        return "(no spans)\n"
    with _gc_paused():
        first, traces = _first_pass(groups, options or SnapshotOptions(), _TextPass)
        text = first.text(traces, SNAPSHOT_WIDTH) + "\n"
        # Freed here, while the collector is still off (they hold no reference cycles).
        # Otherwise its first run after being switched back on would scan every one of
        # their objects (several ms for 10,000 spans) only to find them garbage.
        del first, traces
    return text


# ------------------------------------------------------------------- syrupy extension


@dataclass(frozen=True)
class _WithOptions:
    """Trace data travelling from the assertion to the extension with its options."""

    data: object
    options: SnapshotOptions


class TraceSnapshotExtension(SingleFileSnapshotExtension):
    """syrupy extension writing one ``.trace`` text file per snapshot under ``snapshots/``.

    Files live at ``<rootdir>/<trace_snapshot_dir>/<test module path>/<test name>.trace``
    (``trace_snapshot_dir`` defaults to ``snapshots``). Only serialization and file
    placement differ from syrupy's single-file extension, so ``--snapshot-update``,
    ``--snapshot-details`` and unused-snapshot reports work as usual.

    Example:
        >>> def test_trace(snapshot, trace_capture):  # doctest: +SKIP
        ...     assert snapshot.use_extension(TraceSnapshotExtension) == trace_capture
    """

    file_extension = "trace"
    _write_mode = WriteMode.TEXT
    options: ClassVar[SnapshotOptions] = SnapshotOptions()

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        """Normalize and render ``data``; ``matcher`` is syrupy's and has nothing to do."""
        if exclude is not None or include is not None:
            raise ValueError(
                "trace snapshots select attributes by name glob: use"
                " trace_snapshot.with_attributes(include=[...], exclude=[...]) instead of"
                " syrupy's include=/exclude= property filters"
            )
        if isinstance(data, _WithOptions):
            return serialize_traces(data.data, data.options)
        return serialize_traces(data, self.options)

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """``<rootdir>/<trace_snapshot_dir>/<test file's directory>/<test module name>``."""
        config = _config_of(test_location)
        test_file = Path(test_location.filepath)
        if config is None:
            # Only syrupy's xdist controller builds locations without a pytest item; it
            # needs them for unused-snapshot accounting, never to read or write files.
            root, snapshot_dir = Path.cwd(), DEFAULT_SNAPSHOT_DIR
        else:
            root, snapshot_dir = config.rootpath, _snapshot_dir(config)
        return str(root / snapshot_dir / _relative_dir(test_file.parent, root) / test_file.stem)

    @classmethod
    def matches_test_location(
        cls, *, test_location: PyTestLocation, snapshot_location: str
    ) -> bool:
        """A snapshot file belongs to the test it is named after, in its module's directory.

        Naming the test matters: syrupy relates snapshots kept outside the test directory
        to a module only by name, so without it ``pytest test_x.py::test_a`` would take the
        other snapshots of ``test_x`` for unused ones (and delete them on update).
        """
        path = Path(snapshot_location)
        if not test_location.matches_snapshot_name(path.stem):
            return False
        if _config_of(test_location) is not None and path.parent != Path(
            cls.dirname(test_location=test_location)
        ):
            return False
        return super().matches_test_location(
            test_location=test_location, snapshot_location=snapshot_location
        )


def _config_of(test_location: PyTestLocation) -> pytest.Config | None:
    config = getattr(test_location.item, "config", None)
    return config if isinstance(config, pytest.Config) else None


def _relative_dir(directory: Path, root: Path) -> Path:
    for base, target in ((root, directory), (root.resolve(), directory.resolve())):
        try:
            return target.relative_to(base)
        except ValueError:
            continue
    # A test outside the rootdir still gets a unique, stable place.
    return Path(*directory.resolve().parts[1:])


@dataclass(eq=False, order=False, repr=False)
class TraceSnapshotAssertion(SnapshotAssertion):
    """syrupy's snapshot assertion for traces, with normalization options.

    ``assert trace_snapshot == data`` compares ``data`` (a capture, tree, node or list)
    with the stored snapshot; ``with_masks``, ``with_attributes`` and ``with_order``
    change the options for the rest of the test and return the same fixture, so they
    read inline.

    Example:
        >>> assert trace_snapshot.with_masks({"conversation_id": "<conv>"}) == trace_capture
        ... # doctest: +SKIP
    """

    options: SnapshotOptions = field(default_factory=SnapshotOptions)

    @classmethod
    def from_snapshot(
        cls, snapshot: SnapshotAssertion, options: SnapshotOptions | None = None
    ) -> TraceSnapshotAssertion:
        """Wrap syrupy's ``snapshot`` fixture so it stores traces with these options.

        Example:
            >>> trace_snapshot = TraceSnapshotAssertion.from_snapshot(snapshot)  # doctest: +SKIP
        """
        return cls(
            session=snapshot.session,
            extension_class=TraceSnapshotExtension,
            test_location=snapshot.test_location,
            update_snapshots=snapshot.update_snapshots,
            update_new_snapshots_only=snapshot.update_new_snapshots_only,
            options=options or SnapshotOptions(),
        )

    def with_masks(
        self, masks: Mapping[str | re.Pattern[str], AttributeReplacement]
    ) -> TraceSnapshotAssertion:
        """Mask attributes by name glob (``str`` keys) or values by regex (compiled keys).

        Example:
            >>> assert trace_snapshot.with_masks(
            ...     {"app.request_id": "<request>", re.compile(r"req-\\d+"): "<request>"}
            ... ) == trace_capture  # doctest: +SKIP
        """
        self.options = self.options.with_masks(masks)
        return self

    def with_attributes(
        self, *, include: Iterable[str] | None = None, exclude: Iterable[str] = ()
    ) -> TraceSnapshotAssertion:
        """Keep only ``include`` attribute globs (when given) and drop ``exclude`` globs.

        Example:
            >>> assert trace_snapshot.with_attributes(exclude=["http.*"]) == trace_capture
            ... # doctest: +SKIP
        """
        self.options = self.options.with_attributes(include=include, exclude=exclude)
        return self

    def with_order(self, order: Order) -> TraceSnapshotAssertion:
        """Order siblings ``"canonical"``-ly (default) or by ``"start"`` time.

        Example:
            >>> assert trace_snapshot.with_order("start") == trace_capture  # doctest: +SKIP
        """
        self.options = self.options.with_order(order)
        return self

    def with_defaults(
        self,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
        extension_class: type[Any] | None = None,
    ) -> SnapshotAssertion:
        """syrupy's copy with new defaults; a trace assertion keeps its options."""
        copy = super().with_defaults(
            exclude=exclude, include=include, matcher=matcher, extension_class=extension_class
        )
        if isinstance(copy, TraceSnapshotAssertion):
            copy.options = self.options
        return copy

    def __eq__(self, other: SerializableData) -> bool:
        if isinstance(other, _WithOptions):
            return super().__eq__(other)
        return super().__eq__(_WithOptions(other, self.options))

    # Comparing runs an assertion, so like syrupy's own assertion it is not hashable.
    __hash__ = None  # type: ignore[assignment]


_INI_DIR = "trace_snapshot_dir"


def _ini(config: pytest.Config, name: str, default: Any) -> Any:
    try:
        return config.getini(name)
    except ValueError:
        # The ini options are not registered when only the extension is used, without
        # the plugin (e.g. ``-p no:filagent_trace`` plus ``--snapshot-default-extension``).
        return default


def _snapshot_dir(config: pytest.Config) -> str:
    return str(_ini(config, _INI_DIR, DEFAULT_SNAPSHOT_DIR) or DEFAULT_SNAPSHOT_DIR)
