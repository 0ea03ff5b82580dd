"""A detector made of a regular expression: the shape most detectors share.

Example:
    >>> ticket = RegexDetector("ticket", r"\\bTCK-\\d{6}\\b")
    >>> [f.masked for f in ticket.find("see TCK-123456")]
    ['TC*-****56']
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pytest_filagent_trace._privacy.findings import Finding
from pytest_filagent_trace._privacy.masking import mask_generic

__all__ = ["RegexDetector"]


class RegexDetector:
    """A detector made of a regular expression, an optional check and a mask.

    ``validate`` receives the match (so it can look at the text around it); ``mask``
    receives the matched value and returns what failure messages show; ``requires`` is an
    optional quick regex that text must contain before the full pattern runs.

    Example:
        >>> ticket = RegexDetector("ticket", r"\\bTCK-\\d{6}\\b")
        >>> [f.masked for f in ticket.find("see TCK-123456")]
        ['TC*-****56']
    """

    def __init__(
        self,
        name: str,
        pattern: str | re.Pattern[str],
        *,
        validate: Callable[[re.Match[str]], bool] | None = None,
        mask: Callable[[str], str] = mask_generic,
        requires: str | None = None,
    ) -> None:
        self.name = name
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        # Every built-in detector lists the expressions its find() runs over a whole text.
        self.patterns = (self.pattern,)
        self._validate = validate
        self._mask = mask
        # A cheap test that rules most text out before the full pattern runs.
        self._requires = re.compile(requires) if requires else None

    def find(self, text: str) -> list[Finding]:
        """Every valid match in ``text``.

        Example:
            >>> digits = RegexDetector("digits", r"\\d{4,}")
            >>> [f.value for f in digits.find("a 12345 b")]
            ['12345']
        """
        if self._requires is not None and not self._requires.search(text):
            return []
        findings = []
        for match in self.pattern.finditer(text):
            if self._validate is not None and not self._validate(match):
                continue
            value = match.group(0)
            findings.append(
                Finding(
                    self.name,
                    self._mask(value),
                    value=value,
                    start=match.start(),
                    end=match.end(),
                )
            )
        return findings

    def __repr__(self) -> str:
        return f"RegexDetector({self.name!r})"
