"""Volatile parts of values: what changes from run to run becomes a token or a mask.

Ids (trace, span, UUID, long hexadecimal) become :class:`Token`\\ s, numbered later by
:class:`~pytest_filagent_trace._snapshot.ordinals.Ordinals` in the order the final tree is
read; ports, the machine's host name, the repository root and temporary paths become
fixed masks (``<port>``, ``<host>``, ``<rootdir>``, ``<tmp_path>``). Each value also gets
its canonical sort key, which sees a token's kind but never its volatile value.

Example:
    >>> masker = ValueMasker(SnapshotOptions(), trace_ids=frozenset())
    >>> masker.value("http://127.0.0.1:8000/chat").value
    'http://127.0.0.1:<port>/chat'
    >>> masker.value("f81d4fae-7dec-11d0-a765-00a0c91e6bf6").key
    (2, '<uuid>')
"""

from __future__ import annotations

import functools
import math
import os
import re
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pytest_filagent_trace._snapshot.options import SnapshotOptions

__all__ = [
    "MaskedText",
    "MaskedValue",
    "Token",
    "ValueKey",
    "ValueMasker",
    "number_key",
    "unmasked_text",
]

# Canonical order between types: booleans, numbers, strings, tuples, anything else.
_BOOL, _NUMBER, _TEXT, _TUPLE, _OTHER = range(5)
# Beyond 2**53 an int has no exact float; such ints (and NaN) sort by text, after the rest.
_EXACT = 2**53

ValueKey = tuple[int, Any]
"""A value's canonical sort key: (type rank, what orders values of that type)."""


class Token(NamedTuple):
    """A volatile id inside a value: its kind (``trace``, ``span``, ``uuid``, ``hex32``) and
    its raw, lowercased text, which only decides which ordinal it gets."""

    kind: str
    raw: str


class MaskedText(NamedTuple):
    """A string holding tokens: the literal ``pieces`` around them (one more than tokens)."""

    pieces: tuple[str, ...]
    tokens: tuple[Token, ...]

    def sort_text(self) -> str:
        """The text with each token shown as ``<kind>``: equal for equal shapes of value."""
        parts = [self.pieces[0]]
        for token, piece in zip(self.tokens, self.pieces[1:], strict=True):
            parts.append(f"<{token.kind}>")
            parts.append(piece)
        return "".join(parts)


class MaskedValue(NamedTuple):
    """A value with its masks applied (strings holding ids become :class:`MaskedText`, also
    inside tuples), its canonical sort key, and whether it holds tokens."""

    value: Any
    key: ValueKey
    tokens: bool


def unmasked_text(text: str) -> MaskedValue:
    """A text kept as it is (a mask's own replacement), with its sort key.

    Example:
        >>> unmasked_text("<port>")
        MaskedValue(value='<port>', key=(2, '<port>'), tokens=False)
    """
    return MaskedValue(text, (_TEXT, text), tokens=False)


def number_key(value: float) -> tuple[Any, ...]:
    """What orders numbers: by value (2 before 10, -3 before 1, 1 == 1.0), -0.0 before 0.0;
    ints too large for a float and NaN come last, by their text.

    Example:
        >>> sorted([10, 2, -0.5, 2**64, math.nan, 1.0], key=number_key)
        [-0.5, 1.0, 2, 10, 18446744073709551616, nan]
    """
    if isinstance(value, int) and not -_EXACT <= value <= _EXACT:
        return (1, repr(value))
    if math.isnan(value):
        return (1, "nan")
    # The sign last, so that 0.0 and -0.0 (equal as numbers) still order alike every run.
    return (0, float(value), math.copysign(1.0, value))


# The tokenizer marks tokens inline, so the masks after it (ports, hosts) see where they
# are; the marks use private-use characters, which span text practically never holds.
_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARK = re.compile(f"{_OPEN}([a-z0-9]+){_SEP}([^{_CLOSE}]*){_CLOSE}")

# Each pattern starts with a literal or a character class, so the regex engine can skip
# ahead to candidates; boundaries are checked on the few candidates in Python.
_HEX_RUN = re.compile(r"[0-9A-Fa-f][0-9A-Fa-f-]{14,}[0-9A-Fa-f]")
_HEX_ID = re.compile(r"[0-9A-Fa-f]{16,}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PORT = re.compile(r":\d{1,5}(?!\d)")
_HOST_TAIL = re.compile(r"(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])\Z")
# A URL's host, also once a mask replaced it (``//<loopback>:8000``).
_URL_HOST = re.compile(r"[A-Za-z0-9.<>_-]+\Z")
_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_HOST_CHARS = _ALNUM | {".", "-"}


@functools.cache
def _hostnames() -> tuple[str, ...]:
    # gethostname only: getfqdn may block on a DNS lookup.
    name = socket.gethostname()
    if len(name) >= 2 and name not in {"localhost", "localhost.localdomain"}:
        return (name,)
    return ()


def _path_literals(rootdir: str | None) -> list[tuple[str, str]]:
    """(path, label) of the rootdir and home directory, each as given and resolved."""
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


def _path_pattern(literals: list[tuple[str, str]]) -> re.Pattern[str]:
    temp = re.escape(tempfile.gettempdir().rstrip(os.sep))
    parts = [
        # pytest's tmp_path: <tmp>/pytest-of-<user>/pytest-<n>/<test name><k>
        rf"(?P<tmp_path>{temp}/pytest-of-[^/\s'\"]+/pytest-\d+/[^/\s'\"]+)",
        rf"(?P<tmp>{temp}/[^/\s'\"]+)",
    ]
    if literals:
        # Literals first: a rootdir inside the temporary directory (pytester) wins.
        alternatives = "|".join(re.escape(path) for path, _ in literals)
        parts.insert(0, f"(?P<literal>(?:{alternatives}))(?![\\w.-])")
    return re.compile("|".join(parts))


@dataclass
class ValueMasker:
    """Masks values, once per distinct string: a trace repeats most of its values.

    ``trace_ids`` are the traces being normalized; ``span_ids`` gives their span ids (and
    missing parents), asked only when a value holds a hexadecimal id that is no trace id.
    """

    options: SnapshotOptions
    trace_ids: frozenset[str]
    span_ids: Callable[[], frozenset[str]] = frozenset
    texts: dict[str, MaskedValue] = field(default_factory=dict)
    paths: re.Pattern[str] | None = field(init=False, default=None)
    path_labels: dict[str, str] = field(init=False, default_factory=dict)
    path_prefixes: tuple[str, ...] = field(init=False, default=())
    hostnames: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not self.options.default_masks:
            return
        literals = _path_literals(self.options.rootdir)
        self.paths = _path_pattern(literals)
        self.path_labels = dict(literals)
        temp = tempfile.gettempdir().rstrip(os.sep)
        self.path_prefixes = (temp + "/", *(path for path, _ in literals))
        names = _hostnames()
        if names:
            alternatives = "|".join(map(re.escape, names))
            self.hostnames = re.compile(f"//({alternatives})(?![\\w.-])")

    @functools.cached_property
    def _span_ids(self) -> frozenset[str]:
        return self.span_ids()

    def value(self, value: Any) -> MaskedValue:
        """``value`` masked, with its sort key.

        Example:
            >>> ValueMasker(SnapshotOptions(), frozenset()).value((2, "x")).key
            (3, ((1, (0, 2.0, 1.0)), (2, 'x')))
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool):
            return MaskedValue(value, (_BOOL, int(value)), tokens=False)
        if isinstance(value, (int, float)):
            return MaskedValue(value, (_NUMBER, number_key(value)), tokens=False)
        if isinstance(value, tuple):
            items = [self.value(item) for item in value]
            return MaskedValue(
                tuple(item.value for item in items),
                (_TUPLE, tuple(item.key for item in items)),
                tokens=any(item.tokens for item in items),
            )
        return MaskedValue(value, (_OTHER, repr(value)), tokens=False)

    def text(self, text: str) -> MaskedValue:
        """A string masked: the user's regex masks, then the built-in ones."""
        masked = self.texts.get(text)
        if masked is None:
            masked = self.texts[text] = self._mask(text)
        return masked

    def _mask(self, text: str) -> MaskedValue:
        for pattern, replacement in self.options.value_masks:
            text = pattern.sub(replacement, text)
        if self.options.default_masks:
            text = self._builtin(text)
        if _OPEN not in text:
            return unmasked_text(text)
        parts = _MARK.split(text)
        tokens = tuple(Token(kind, raw) for kind, raw in zip(parts[1::3], parts[2::3], strict=True))
        masked = MaskedText(pieces=tuple(parts[0::3]), tokens=tokens)
        return MaskedValue(masked, (_TEXT, masked.sort_text()), tokens=True)

    def _builtin(self, text: str) -> str:
        # Substring checks first: most values hold no path, port or host name at all.
        if self.paths is not None and any(prefix in text for prefix in self.path_prefixes):
            text = self.paths.sub(self._path, text)
        text = _HEX_RUN.sub(self._hex_run, text)
        if ":" in text:
            text = _PORT.sub(self._port, text)
        # Host names are only masked after "//".
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
            return _mark("uuid", raw.lower())
        # A run with dashes that is no UUID (a traceparent, a date) keeps its other parts.
        return _HEX_ID.sub(self._hex_id, raw) if "-" in raw else self._hex_id(raw)

    def _hex_id(self, match: re.Match[str] | str) -> str:
        # Ids compare lowercase: an X-Trace-ID echoed in capitals is the same trace.
        lowered = (match if isinstance(match, str) else match.group()).lower()
        if lowered in self.trace_ids:
            return _mark("trace", lowered)
        if lowered in self._span_ids:
            return _mark("span", lowered)
        return _mark(f"hex{len(lowered)}", lowered)

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


def _mark(kind: str, raw: str) -> str:
    return f"{_OPEN}{kind}{_SEP}{raw}{_CLOSE}"
