"""What a scan reports: a :class:`Finding`, the :class:`Detector` protocol that makes one,
and :class:`PIIFound`, the failure that lists them.

Example:
    >>> str(Finding("email", "ja***@***.com", where="$.contact"))
    "$.contact: email 'ja***@***.com'"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["AllowItem", "Detector", "Finding", "PIIFound"]


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found by a detector.

    ``value`` holds the raw text so code can act on it, but it is left out of ``repr`` and
    ``str``: only ``masked`` is ever printed.

    Example:
        >>> from pytest_filagent_trace import find_pii
        >>> finding = find_pii({"contact": "jane.doe@example.com"})[0]
        >>> str(finding)
        "$.contact: email 'ja***@***.com'"
    """

    detector: str
    masked: str
    where: str = ""
    value: str = field(default="", repr=False)
    start: int = field(default=0, repr=False, compare=False)
    end: int = field(default=0, repr=False, compare=False)

    def __str__(self) -> str:
        location = f"{self.where}: " if self.where else ""
        return f"{location}{self.detector} {self.masked!r}"


@runtime_checkable
class Detector(Protocol):
    """What ``find_pii`` needs from a detector: a name and a ``find`` method.

    A detector may also define ``find_field(key, value) -> list[Finding]`` to use the
    name of the field a value sits under (``password``, ``sin``); ``find_pii`` calls it
    for every scalar value held under a key.

    Example:
        >>> import re
        >>> from pytest_filagent_trace import find_pii
        >>> class EmployeeId:
        ...     name = "employee_id"
        ...     def find(self, text):
        ...         return [Finding(self.name, "EMP-******", value=m.group(), start=m.start(),
        ...                         end=m.end()) for m in re.finditer(r"EMP-\\d{6}", text)]
        >>> [f.masked for f in find_pii("by EMP-123456", detectors=[EmployeeId()])]
        ['EMP-******']
    """

    name: str

    def find(self, text: str) -> list[Finding]:
        """Every occurrence in ``text``, with ``start``/``end`` offsets and a masked form."""
        ...


class PIIFound(AssertionError):  # noqa: N818 - reads as the failure it reports
    """Raised by :func:`assert_no_pii`; ``findings`` holds what was found (masked in ``str``).

    Example:
        >>> failure = PIIFound("personal data found", [Finding("email", "ja***@***.com")])
        >>> [str(finding) for finding in failure.findings]
        ["email 'ja***@***.com'"]
    """

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


AllowItem = str | re.Pattern[str] | Callable[[Finding], bool]
"""A value ``allow=`` accepts: a string (case-insensitive), a regex, or a predicate."""
