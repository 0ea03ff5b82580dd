"""Reading a request as steps and tool intents, by rules (no model, no network).

The rule-based model, the router and the planner share this reading, so "what
the request asks for" is decided in one place.

Example::

    [step.intent for step in read_request("compute 17*23 then search for opentelemetry")]
    # [Intent("calculator", {"expression": "17*23"}),
    #  Intent("web_search", {"query": "opentelemetry"})]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CALCULATOR = "calculator"
FILE_READ = "file_read"
WEB_SEARCH = "web_search"

_NUMBERED = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+")
_SEQUENCE = re.compile(
    r"\s*;\s*|\s*\n\s*|,?\s*\b(?:and\s+)?then\b,?\s*|,?\s*\b(?:after\s+that|afterwards|finally)\b,?\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*,?\s+\band\b\s+|\s*,\s+", re.IGNORECASE)
_EXPLICIT = re.compile(r"\buse\s+(?:the\s+)?tool\s+(?P<name>[^\s{]+)(?P<with>\s+with\b\s*)?", re.I)
_FILE = re.compile(
    r"\b(?:read|open|show|cat|display)\s+(?:me\s+)?(?:the\s+)?(?:contents?\s+of\s+)?"
    r"(?:the\s+)?(?P<file>file\s+)?[\"'`]?(?P<path>[^\s\"'`,;]+)",
    re.IGNORECASE,
)
_SEARCH = re.compile(
    r"\b(?:search(?:\s+(?:the\s+)?(?:web|corpus|docs|documentation))?|look\s+up|lookup|google|"
    r"find(?:\s+(?:information|info|docs|documents|pages|articles))?)"
    r"(?:\s+(?:for|about|on))?\s+(?P<query>.+)",
    re.IGNORECASE,
)
_COMPUTE = re.compile(
    r"\b(?P<verb>compute|calculate|calc|evaluate|eval|what\s+is|what's|how\s+much\s+is)\s+"
    r"(?P<expr>.+)",
    re.IGNORECASE,
)
_ARITHMETIC_RUN = re.compile(r"[\d\s.+\-*/%()]+")
_HAS_OPERATION = re.compile(r"\d\s*\)*\s*(?:\*\*|//|[-+*/%])\s*[-+(]*\s*\d")
_OPERATOR_OR_DIGIT = re.compile(r"[\d+\-*/%()]")
REFERENCE = re.compile(
    r"\b(?:the\s+)?(?:previous|last|above|prior)\s+(?:result|answer)\b"
    r"|\b(?:the|that)\s+(?:result|answer)\b",
    re.IGNORECASE,
)
_TRAILING = " \t.?!,:"


@dataclass(frozen=True)
class Intent:
    """A tool the request asks for, with its arguments.

    ``explicit`` intents come from "use tool NAME with {...}": the user named the
    tool, so it is called even when no such tool is on offer.
    """

    tool: str
    arguments: dict[str, Any]
    explicit: bool = False


@dataclass(frozen=True)
class Step:
    """One step of a request: its text, the tool intent found, or why none could be read."""

    text: str
    intent: Intent | None = None
    problem: str | None = None


def read_request(text: str) -> list[Step]:
    """Split ``text`` into steps and read the tool intent of each.

    Example: ``len(read_request("1. compute 2+2 2. read file notes.txt")) == 2``.
    """
    steps: list[Step] = []
    for clause in split_steps(text):
        parts = _split_protected(clause, _AND)
        read = [read_step(part) for part in parts]
        if len(read) > 1 and all(step.intent for step in read):
            steps.extend(read)
        else:
            steps.append(read_step(clause))
    return steps


def split_steps(text: str) -> list[str]:
    """Split on numbered items (1. 2. ...), ``;``, new lines, "then", "after that", "finally".

    Text inside ``{...}``, ``[...]`` and JSON strings is never split.

    Example::

        split_steps("compute 2+2; then read file a.txt")  # ["compute 2+2", "read file a.txt"]
    """
    numbered = numbered_items(text)
    clauses = numbered if numbered else [text]
    steps: list[str] = []
    for clause in clauses:
        steps.extend(_split_protected(clause, _SEQUENCE))
    return [step for step in steps if step]


def read_step(text: str) -> Step:
    """The tool intent of one step.

    Example: ``read_step("what is 2**10?").intent`` is ``Intent("calculator", {...})``.
    """
    text = text.strip()
    explicit = _EXPLICIT.search(text)
    if explicit:
        return _read_explicit(text, explicit)
    file_match = _FILE.search(text)
    if file_match:
        path = file_match["path"].rstrip(_TRAILING)
        if path and (file_match["file"] or "." in path or "/" in path):
            return Step(text, Intent(FILE_READ, {"path": path}))
    search = _SEARCH.search(text)
    if search:
        query = search["query"].strip().strip("\"'`").rstrip(_TRAILING).strip("\"'`")
        if query:
            return Step(text, Intent(WEB_SEARCH, {"query": query}))
    expression = _expression(text)
    if expression:
        return Step(text, Intent(CALCULATOR, {"expression": expression}))
    return Step(text)


def references_previous(text: str) -> bool:
    """True when ``text`` uses an earlier step's result ("the result", "previous answer")."""
    return REFERENCE.search(text) is not None


def _read_explicit(text: str, match: re.Match[str]) -> Step:
    name = match["name"]
    if not match["with"]:
        return Step(text, Intent(name, {}, explicit=True))
    rest = text[match.end() :].lstrip()
    try:
        arguments, _ = json.JSONDecoder().raw_decode(rest)
    except json.JSONDecodeError as exc:
        problem = (
            f"the arguments after 'use tool {name} with' must be a JSON object; "
            f"found invalid JSON: {exc.msg} at column {exc.colno}"
        )
        return Step(text, problem=problem)
    if not isinstance(arguments, dict):
        found = type(arguments).__name__
        problem = f"the arguments after 'use tool {name} with' must be a JSON object, found {found}"
        return Step(text, problem=problem)
    return Step(text, Intent(name, arguments, explicit=True))


def _expression(text: str) -> str | None:
    verb_led = _COMPUTE.search(text)
    if verb_led:
        expr = verb_led["expr"].strip().rstrip(_TRAILING).strip()
        if references_previous(expr):
            return expr
        if verb_led["verb"].lower().startswith(("what", "how")):
            run = _arithmetic_run(expr)
            return run if run == expr else None
        if _OPERATOR_OR_DIGIT.search(expr):
            return expr
        return None
    return _arithmetic_run(text)


def _arithmetic_run(text: str) -> str | None:
    runs = [run.strip() for run in _ARITHMETIC_RUN.findall(text)]
    runs = [run.rstrip(".").strip() for run in runs if _HAS_OPERATION.search(run)]
    return max(runs, key=len) if runs else None


def numbered_items(text: str) -> list[str]:
    """The items of a numbered list ("1. ... 2. ..."), or ``[]`` when ``text`` is not one.

    Example: ``numbered_items("1. compute 2+2 2. read file a.txt")`` has two items.
    """
    protected = _protected(text)
    markers = [m for m in _NUMBERED.finditer(text) if not protected[m.start()]]
    numbers = [int(m.group(1)) for m in markers]
    if len(markers) < 2 or numbers != list(range(1, len(markers) + 1)):
        return []
    items = [text[: markers[0].start()].strip()]
    for current, following in zip(markers, [*markers[1:], None], strict=True):
        end = following.start() if following else len(text)
        items.append(text[current.end() : end].strip().rstrip(";,"))
    return [item for item in items if item]


def _split_protected(text: str, separator: re.Pattern[str]) -> list[str]:
    protected = _protected(text)
    parts, start = [], 0
    for match in separator.finditer(text):
        if match.start() == match.end() or protected[match.start()]:
            continue
        parts.append(text[start : match.start()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _protected(text: str) -> list[bool]:
    """Which characters sit inside brackets or quoted JSON strings."""
    flags, depth, in_string, escaped = [], 0, False, False
    for char in text:
        flags.append(depth > 0 or in_string)
        if in_string:
            escaped = char == "\\" and not escaped
            if char == '"' and not escaped:
                in_string = False
        elif char == '"' and depth > 0:
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]" and depth > 0:
            depth -= 1
    flags.append(False)
    return flags
