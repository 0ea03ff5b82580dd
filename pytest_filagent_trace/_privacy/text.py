"""Personal data in one text: trace plumbing set aside, percent-encoding looked behind,
and the same text shown masked.

Example:
    >>> from pytest_filagent_trace._privacy.detectors.defaults import DEFAULT_DETECTORS
    >>> reader = TextFinder(DEFAULT_DETECTORS, None)
    >>> [f.value for f in reader.find("q=jane.doe%40example.com")]
    ['jane.doe@example.com']
    >>> reader.mask("q=jane.doe%40example.com&limit=5")
    'q=ja***@***.com&limit=5'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import unquote, unquote_plus

from pytest_filagent_trace._privacy.detectors.canaries import CanaryDetector
from pytest_filagent_trace._privacy.detectors.keys import SENSITIVE_KEY
from pytest_filagent_trace._privacy.findings import Detector, Finding
from pytest_filagent_trace._privacy.masking import MASK

__all__ = ["TextFinder", "blank_safe_shapes", "decoded_variants"]

# Shapes that look like numbers a detector might take for personal data but are trace
# plumbing: W3C traceparent headers, UUIDs, and ids written next to their key.
_SAFE_SHAPES = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z\-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}"
    r"-[0-9A-Fa-f]{12}(?![0-9A-Za-z\-])"
    r"|(?i:(?:trace|span|parent)[_.\- ]?id)[\"']?[ \t]*[:=][ \t]*[\"']?(?:0x)?"
    r"[0-9A-Fa-f]{16,32}(?![0-9A-Za-z])",
    re.ASCII,
)
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# A run of URL-ish text holding at least one percent-escape.
_ENCODED_RUN = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")


def blank_safe_shapes(text: str) -> str:
    """``text`` with trace ids, span ids and UUIDs blanked out, offsets kept.

    Example:
        >>> blank_safe_shapes("id 123e4567-e89b-12d3-a456-426614174000 ok")
        'id                                      ok'
    """
    if "-" not in text and "id" not in text.lower():
        return text
    return _SAFE_SHAPES.sub(lambda match: " " * len(match.group(0)), text)


def decoded_variants(text: str) -> list[str]:
    """The percent- and ``+``-decoded forms of ``text`` that differ from it.

    Example:
        >>> decoded_variants("q=a%40b.io+c")
        ['q=a@b.io+c', 'q=a@b.io c']
    """
    variants = []
    if "%" in text and _PERCENT.search(text):
        variants.append(unquote(text))
    if "+" in text and ("=" in text or "?" in text or "%" in text):
        variants.append(unquote_plus(text))
    return [variant for variant in dict.fromkeys(variants) if variant != text]


class TextFinder:
    """The detectors and canaries of one scan, applied to single texts."""

    def __init__(self, detectors: Sequence[Detector], canary: CanaryDetector | None) -> None:
        self.detectors = tuple(detectors)
        self.canary = canary

    def find(self, text: str, skip: Collection[str] = ()) -> list[Finding]:
        """Every finding in ``text`` and in its decoded forms, but for detectors in ``skip``.

        A finding of a decoded form is kept only when its value is not in ``text`` as it
        stands: one the plain text holds is reported from the plain text.
        """
        detectors = (
            [detector for detector in self.detectors if detector.name not in skip]
            if skip
            else self.detectors
        )
        found = self._plain(text, detectors)
        if "%" in text or "+" in text:
            for variant in decoded_variants(text):
                found.extend(f for f in self._plain(variant, detectors) if f.value not in text)
        return found

    def find_canaries(self, text: str) -> list[Finding]:
        """The canaries in ``text`` alone, for values shaped like trace ids."""
        return self.canary.find(text) if self.canary is not None else []

    def _plain(self, text: str, detectors: Sequence[Detector]) -> list[Finding]:
        blanked = blank_safe_shapes(text)
        found = [finding for detector in detectors for finding in detector.find(blanked)]
        if self.canary is not None:
            found.extend(self.canary.find(text))
        return found

    def mask(self, text: str) -> str:
        """``text`` with every finding replaced by its masked form, behind percent-encoding
        too: a run whose decoded form holds a finding is shown decoded and masked."""
        masked = self._mask_plain(text)
        if "%" not in masked:
            return masked

        def decoded_and_masked(run: re.Match[str]) -> str:
            encoded = run.group()
            for variant in decoded_variants(encoded):
                masked_variant = self._mask_plain(variant)
                if masked_variant != variant:
                    return masked_variant
            return encoded

        return _ENCODED_RUN.sub(decoded_and_masked, masked)

    def _mask_plain(self, text: str) -> str:
        spans = self._plain(text, self.detectors)
        result, cursor = [], 0
        for finding in sorted(spans, key=lambda f: (f.start, -f.end)):
            if finding.start < cursor:
                continue
            result.append(text[cursor : finding.start])
            # A sensitive-key finding covers the value only; its masked form ("key=****")
            # names the key for messages, which the text around it already holds.
            result.append(MASK if finding.detector == SENSITIVE_KEY.name else finding.masked)
            cursor = finding.end
        result.append(text[cursor:])
        return "".join(result)
