"""The scanner: walks values, mappings, spans and records, and collects findings with the
place each was found (``span A › B, attribute k``, ``record 0, field error``, ``$.a[0]``).

Where a source comes from (a capture, a file, text) is read in :mod:`.sources`; this
module holds what is done with each value once there.

Example:
    >>> from pytest_filagent_trace._privacy.detectors.defaults import DEFAULT_DETECTORS
    >>> scanner = Scanner(DEFAULT_DETECTORS, None, [])
    >>> scanner.mapping({"note": "mail jane.doe@example.com"}, "$", None)
    >>> [str(finding) for finding in scanner.findings]
    ["$.note: email 'ja***@***.com'"]
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pytest_filagent_trace._privacy.detectors.canaries import CanaryDetector
from pytest_filagent_trace._privacy.detectors.keys import key_words
from pytest_filagent_trace._privacy.findings import AllowItem, Detector, Finding
from pytest_filagent_trace._privacy.text import TextFinder
from pytest_filagent_trace._spans import SpanNode

__all__ = ["ScanCounts", "Scanner", "plural"]

_MAX_JSON_IN_STRING = 1_000_000
_ID_VALUE = re.compile(
    r"(?:0x)?[0-9A-Fa-f]{16}|(?:0x)?[0-9A-Fa-f]{32}|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
)
_ID_KEYS = ("traceid", "spanid", "parentid", "parentspanid", "traceparent")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

FieldFinder = Callable[[str, object], list[Finding]]


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an ``s`` unless there is one.

    Example:
        >>> plural(1, "span"), plural(3, "span")
        ('1 span', '3 spans')
    """
    return f"{count} {noun}{'s' * (count != 1)}"


@dataclass
class ScanCounts:
    """How many of each kind of thing a scan read, for the failure message."""

    spans: int = 0
    logs: int = 0
    records: int = 0
    texts: int = 0

    def describe(self) -> str:
        """``"3 spans and 1 log record"``, or ``"nothing"``.

        Example:
            >>> ScanCounts(spans=3, logs=1).describe()
            '3 spans and 1 log record'
        """
        parts = [
            plural(count, noun)
            for count, noun in (
                (self.spans, "span"),
                (self.logs, "log record"),
                (self.records, "record"),
                (self.texts, "text line"),
            )
            if count
        ]
        if len(parts) > 1:
            return ", ".join(parts[:-1]) + " and " + parts[-1]
        return parts[0] if parts else "nothing"


@dataclass(frozen=True)
class _Key:
    """What a scan needs to know about one key, read once: keys repeat on every span."""

    label: str
    member: str
    findings: Sequence[Finding]
    holds_ids: bool


class Scanner:
    """One scan: the detectors, what was found so far, and what was read."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        canary: CanaryDetector | None,
        allow: Sequence[AllowItem],
    ) -> None:
        self.detectors = list(detectors)
        self.canary = canary
        self.allow = list(allow)
        self.finder = TextFinder(self.detectors, canary)
        self.field_finders: list[tuple[str, FieldFinder]] = [
            (detector.name, finder)
            for detector in self.detectors
            if callable(finder := getattr(detector, "find_field", None))
        ]
        self.findings: list[Finding] = []
        self.counts = ScanCounts()
        self._seen: set[tuple[str, str, str]] = set()
        self._labels: dict[str, str] = {}
        self._keys: dict[str, _Key] = {}
        self._names: dict[str, list[Finding]] = {}
        self._resource_ids: dict[int, Mapping[Any, Any]] = {}
        self._resources: set[str] = set()

    # -- findings

    def _allowed(self, finding: Finding) -> bool:
        for item in self.allow:
            if isinstance(item, str):
                if item.strip().casefold() == finding.value.strip().casefold():
                    return True
            elif isinstance(item, re.Pattern):
                if item.search(finding.value):
                    return True
            elif item(finding):
                return True
        return False

    def _add(self, findings: Iterable[Finding], where: str) -> None:
        for found in findings:
            key = (where, found.detector, found.value)
            if key in self._seen:
                continue
            finding = replace(found, where=where)
            if self._allowed(finding):
                continue
            self._seen.add(key)
            self.findings.append(finding)

    def label(self, text: str) -> str:
        """``text`` with any personal data in it masked, for use in a location."""
        cached = self._labels.get(text)
        if cached is None:
            cached = self._labels[text] = self.finder.mask(text)
        return cached

    def _key(self, key: str) -> _Key:
        known = self._keys.get(key)
        if known is None:
            label = self.label(key)
            member = f".{label}" if _IDENTIFIER.fullmatch(label) else f"[{json.dumps(label)}]"
            holds_ids = "".join(key_words(key)).endswith(_ID_KEYS)
            known = self._keys[key] = _Key(label, member, self.finder.find(key), holds_ids)
        return known

    # -- text

    def text(self, text: str, where: str, skip: frozenset[str] = frozenset()) -> None:
        """Every finding in one text, reported at ``where``."""
        found = self.finder.find(text, skip)
        if found:
            self._add(found, where)

    def _name(self, name: str, where: str) -> None:
        # Span and event names are a small vocabulary: each is read once a scan.
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = self.finder.find(name)
        if found:
            self._add(found, where)

    # -- values

    def mapping(self, mapping: Mapping[Any, Any], where: str, kind: str | None) -> None:
        """Every key (as text) and value of ``mapping``; ``kind`` names its entries."""
        for raw_key, item in mapping.items():
            key = str(raw_key)
            facts = self._key(key)
            child = f"{where}, {kind} {facts.label}" if kind else where + facts.member
            if facts.findings:
                self._add(facts.findings, f"{child} (the key itself)")
            self.value(item, child, key, facts)

    def value(self, value: object, where: str, key: str | None, facts: _Key | None = None) -> None:
        """One value held under ``key`` (``None`` at the top or in a list of records)."""
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, (list, tuple, set, frozenset)):
            for index, item in enumerate(value):
                # Items of a list under "cookie" are cookies: they inherit its key.
                self.value(item, f"{where}[{index}]", key, facts)
            return
        if not isinstance(value, (str, int, float)):
            if isinstance(value, Mapping):
                self.mapping(value, where, None)
                return
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
        # A detector that reported the whole value need not report parts of it again.
        skip = self._fields(value, where, key) if key is not None else frozenset()
        if isinstance(value, (int, float)):
            self.text(str(value), where, skip)
        else:
            text = value if isinstance(value, str) else str(value)
            self._string(text, where, key, facts, skip)

    def _fields(self, value: object, where: str, key: str) -> frozenset[str]:
        reported = []
        for name, finder in self.field_finders:
            found = finder(key, value)
            if found:
                reported.append(name)
                self._add((replace(finding, detector=name) for finding in found), where)
        return frozenset(reported)

    def _string(
        self, text: str, where: str, key: str | None, facts: _Key | None, skip: frozenset[str]
    ) -> None:
        stripped = text.strip()
        if stripped[:1] in ("{", "[") and len(stripped) < _MAX_JSON_IN_STRING:
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, (dict, list)):
                self.value(parsed, where, key, facts)
                return
        if facts is not None and facts.holds_ids and _ID_VALUE.fullmatch(stripped):
            found = self.finder.find_canaries(text)
            if found:
                self._add(found, where)
            return
        self.text(text, where, skip)

    # -- spans

    def spans(self, nodes: Iterable[SpanNode], links: Mapping[tuple[str, str], Any]) -> None:
        """Every span node, with the links of the finished spans they were made from."""
        for node in nodes:
            self.span(node, f"span {self.label(node.path())}", links)

    def span(self, node: SpanNode, where: str, links: Mapping[tuple[str, str], Any]) -> None:
        """Name, attributes, events, links, status description and resource of one span."""
        self.counts.spans += 1
        self._name(node.name, f"{where}, name")
        self.mapping(node.attributes, where, "attribute")
        for index, event in enumerate(node.events):
            event_where = f"{where}, event {index} {self.label(event.name)!r}"
            self._name(event.name, f"{event_where} name")
            self.mapping(event.attributes, event_where, "attribute")
        for index, link in enumerate(links.get((node.trace_id, node.span_id), ())):
            self.mapping(link.attributes or {}, f"{where}, link {index}", "attribute")
        if node.status_description:
            self.text(node.status_description, f"{where}, status description")
        if node.resource and self._first_sight(node.resource):
            self.mapping(node.resource, f"resource of {where}", "attribute")

    def _first_sight(self, resource: Mapping[Any, Any]) -> bool:
        # Spans of one provider share a resource: most are told apart by identity alone,
        # the rest by their content. Seen mappings are kept so their ids stay theirs.
        if id(resource) in self._resource_ids:
            return False
        self._resource_ids[id(resource)] = resource
        identity = repr(sorted(resource.items(), key=lambda item: str(item[0])))
        if identity in self._resources:
            return False
        self._resources.add(identity)
        return True
