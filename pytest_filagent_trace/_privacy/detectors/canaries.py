"""Canaries: exact values a test plants and then proves never leave the process.

Example:
    >>> [f.masked for f in CanaryDetector(["canary-7f3a"]).find("ref CANARY-7F3A")]
    ['CA****-**3A']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytest_filagent_trace._privacy.findings import Finding
from pytest_filagent_trace._privacy.masking import mask_generic

__all__ = ["CanaryDetector"]

_DIGIT_RUN = re.compile(r"\+?\d[\d \t.\-()/]*\d")
_NOT_DIGIT = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s.\-()/_]+")


class CanaryDetector:
    """Exact values planted by a test (``canaries=``), found case-insensitively, with
    any spacing or punctuation between their parts, and for numbers also when written
    with other separators or without the country code (``+1 514-555-0199`` is found in
    ``5145550199``).

    Example:
        >>> detector = CanaryDetector(["4111 1111 1111 1111"])
        >>> [f.masked for f in detector.find("card=4111-1111-1111-1111")]
        ['41**-****-****-**11']
    """

    name = "canary"

    def __init__(self, canaries: Iterable[str]) -> None:
        self.canaries = tuple(str(canary) for canary in canaries)
        for canary in self.canaries:
            if len(canary.strip()) < 4 or sum(char.isalnum() for char in canary) < 3:
                raise ValueError(
                    f"canary {canary!r} is too short to be found reliably: "
                    "use a value of at least 4 characters, 3 of them letters or digits"
                )
        self._patterns = [self._pattern(canary) for canary in self.canaries]
        self._digits = [self._digit_forms(canary) for canary in self.canaries]
        self._numeric = any(self._digits)
        self.patterns = (*self._patterns, *((_DIGIT_RUN,) if self._numeric else ()))

    @staticmethod
    def _pattern(canary: str) -> re.Pattern[str]:
        parts = [part for part in _SEPARATORS.split(canary.strip()) if part]
        return re.compile(r"[\s.\-()/_]*".join(map(re.escape, parts)), re.IGNORECASE)

    @staticmethod
    def _digit_forms(canary: str) -> tuple[str, ...]:
        digits = _NOT_DIGIT.sub("", canary)
        alnum = sum(char.isalnum() for char in canary)
        if len(digits) < 7 or len(digits) < 0.6 * alnum:
            return ()
        forms = [digits]
        if len(digits) == 11 and digits.startswith("1"):
            forms.append(digits[1:])
        return tuple(forms)

    def find(self, text: str) -> list[Finding]:
        """Every occurrence of a canary in ``text``.

        Example:
            >>> [f.value for f in CanaryDetector(["+1 514-555-0199"]).find("tel 5145550199")]
            ['5145550199']
        """
        findings: list[Finding] = []
        for pattern in self._patterns:
            findings.extend(
                Finding(
                    self.name,
                    mask_generic(match.group(0)),
                    value=match.group(0),
                    start=match.start(),
                    end=match.end(),
                )
                for match in pattern.finditer(text)
            )
        if self._numeric:
            findings.extend(self._digit_runs(text, findings))
        return findings

    def _digit_runs(self, text: str, found: list[Finding]) -> list[Finding]:
        covered = [(f.start, f.end) for f in found]
        findings = []
        for run in _DIGIT_RUN.finditer(text):
            if any(start <= run.start() < end for start, end in covered):
                continue
            digits = _NOT_DIGIT.sub("", run.group(0))
            if any(form in digits for forms in self._digits for form in forms):
                value = run.group(0)
                findings.append(
                    Finding(
                        self.name,
                        mask_generic(value),
                        value=value,
                        start=run.start(),
                        end=run.end(),
                    )
                )
        return findings

    def __repr__(self) -> str:
        return f"CanaryDetector({len(self.canaries)} canaries)"
