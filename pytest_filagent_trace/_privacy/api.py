"""``find_pii``, ``assert_no_pii`` and ``mask_pii``: prove that no personal data leaves the
process, and show text with it masked.

``find_pii`` walks any source (a trace capture, spans, span trees, log records, decision
records, a JSON-lines file, plain text or nested JSON-like data) and runs every detector
over span names, attribute keys and values (JSON held in strings included), events,
links, status descriptions, resources and log fields. ``assert_no_pii`` raises
:class:`PIIFound` listing where each value was found, which detector found it, and the
value *masked*: a failure message never repeats the raw value.

Example:
    >>> assert_no_pii([{"event": "login", "user": "u-42"}])
    >>> [f.masked for f in find_pii("write to jane.doe@example.com")]
    ['ja***@***.com']

IP addresses are reported as described in :mod:`.detectors.network`. To leave them out,
pass ``detectors=[d for d in DEFAULT_DETECTORS if d.name not in ("ipv4", "ipv6")]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytest_filagent_trace._privacy.detectors.canaries import CanaryDetector
from pytest_filagent_trace._privacy.detectors.defaults import resolve_detectors
from pytest_filagent_trace._privacy.findings import AllowItem, Detector, Finding, PIIFound
from pytest_filagent_trace._privacy.scan import Scanner, plural
from pytest_filagent_trace._privacy.sources import scan_source
from pytest_filagent_trace._privacy.text import TextFinder

__all__ = ["assert_no_pii", "find_pii", "mask_pii"]

_MAX_LISTED = 50


def _canary(canaries: Iterable[str]) -> CanaryDetector | None:
    canary_list = [canaries] if isinstance(canaries, str) else list(canaries)
    return CanaryDetector(canary_list) if canary_list else None


def mask_pii(
    text: str,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
) -> str:
    """``text`` with every finding replaced by its masked form.

    Example:
        >>> mask_pii("GET /users/jane.doe@example.com")
        'GET /users/ja***@***.com'
        >>> mask_pii("GET /search?q=jane.doe%40example.com&limit=5")
        'GET /search?q=ja***@***.com&limit=5'
    """
    return TextFinder(resolve_detectors(detectors), _canary(canaries)).mask(text)


def find_pii(
    source: object,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
    allow: Iterable[AllowItem] = (),
) -> list[Finding]:
    """Every piece of personal data in ``source``, with where it was found.

    ``source`` may be a trace capture (anything with ``.spans`` and optionally ``.logs``),
    OpenTelemetry spans, span nodes or trees, a log capture, a list of log or decision
    records (dicts), a path to a JSON-lines file, text (JSON lines are read as records),
    or any nested JSON-like data. ``detectors`` replaces the default set (objects, or
    names of default detectors); ``canaries`` adds exact values to look for; ``allow``
    drops findings whose value equals a string (case-insensitive), matches a compiled
    regex, or satisfies a predicate over the :class:`Finding`.

    Example:
        >>> [str(f) for f in find_pii([{"event": "signup", "phone": "+1 514 555 0199"}])]
        ["record 0 (event 'signup'), field phone: phone '+* *** *** **99'"]
    """
    return _scan(source, detectors, canaries, allow).findings


def _scan(
    source: object,
    detectors: Iterable[Detector | str] | None,
    canaries: Iterable[str],
    allow: Iterable[AllowItem],
) -> Scanner:
    scanner = Scanner(
        resolve_detectors(detectors),
        _canary(canaries),
        [allow] if isinstance(allow, (str, re.Pattern)) else list(allow),
    )
    scan_source(scanner, source)
    return scanner


def assert_no_pii(
    source: object,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
    allow: Iterable[AllowItem] = (),
) -> None:
    """Fail with :class:`PIIFound` when ``source`` holds personal data.

    Takes the same arguments as :func:`find_pii`. The failure lists each finding with
    its location, its detector and the value masked; the raw value is never printed.

    Example:
        >>> assert_no_pii(trace_capture, canaries=["canary.user@example.com"])  # doctest: +SKIP
        >>> try:
        ...     assert_no_pii({"note": "mail me at jane.doe@example.com"})
        ... except PIIFound as failure:
        ...     for line in str(failure).splitlines()[:2]:
        ...         print(line)
        personal data found: 1 finding in 1 record scanned
          $.note: email 'ja***@***.com'
    """
    __tracebackhide__ = True
    scanner = _scan(source, detectors, canaries, allow)
    if scanner.findings:
        raise PIIFound(_failure_message(scanner), scanner.findings)


def _failure_message(scanner: Scanner) -> str:
    findings = scanner.findings
    count = len(findings)
    lines = [
        f"personal data found: {count} finding{'s' * (count != 1)} in "
        f"{scanner.counts.describe()} scanned"
    ]
    lines.extend(f"  {finding}" for finding in findings[:_MAX_LISTED])
    if count > _MAX_LISTED:
        lines.append(f"  \u2026 and {count - _MAX_LISTED} more")
    names = ", ".join(detector.name for detector in scanner.detectors)
    if scanner.canary is not None:
        names += f", canary ({plural(len(scanner.canary.canaries), 'value')})"
    lines.append(f"Detectors: {names}. Values are masked.")
    lines.append(
        "Redact these values before they leave the process, or accept a known value "
        "with allow=[value, re.compile(...), or a predicate over the Finding]."
    )
    return "\n".join(lines)
