"""Payment card numbers, and the Luhn checksum they share with Canadian SINs.

Example:
    >>> [f.masked for f in CREDIT_CARD.find("card 4242 4242 4242 4242 ok")]
    ['**** **** **** 4242']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_filagent_trace._privacy.findings import Finding
from pytest_filagent_trace._privacy.masking import mask_keep

__all__ = ["CREDIT_CARD", "CardDetector", "luhn_valid"]


def luhn_valid(digits: str) -> bool:
    """True when the string of digits passes the Luhn checksum (cards, Canadian SIN).

    Example:
        >>> luhn_valid("4242424242424242"), luhn_valid("4242424242424241")
        (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _card_brand_ok(digits: str) -> bool:
    length = len(digits)
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return length == 16
    if two in (34, 37):
        return length == 15
    if two in (36, 38, 39) or 300 <= three <= 305:
        return 14 <= length <= 19
    if 3528 <= four <= 3589 or two == 62 or four == 6011 or 644 <= three <= 649 or two == 65:
        return 16 <= length <= 19
    if two in (50, 56, 57, 58, 63, 67):
        return 13 <= length <= 19
    return False


class CardDetector:
    """Payment card numbers: 13-19 digits, compact or grouped by spaces or dashes,
    with a known brand prefix and a valid Luhn checksum; shown as ``**** **** **** 4242``.

    Example:
        >>> [f.masked for f in CREDIT_CARD.find("card 4242 4242 4242 4242 ok")]
        ['**** **** **** 4242']
    """

    name = "credit_card"
    _RUN = re.compile(r"(?<![\w.+\-])\d+(?:[ \-]\d+)*(?![\w]|[.\-]\d)", re.ASCII)
    _GROUP = re.compile(r"\d+")
    # Thirteen digits, at most one separator between two: the least any card holds.
    _REQUIRES = re.compile(r"\d(?:[ \-]?\d){12}")
    patterns = (_RUN,)

    def find(self, text: str) -> list[Finding]:
        """Every card number in ``text``.

        Example:
            >>> [f.value for f in CREDIT_CARD.find("paid with 4242424242424242")]
            ['4242424242424242']
        """
        findings: list[Finding] = []
        if not self._REQUIRES.search(text):
            return findings
        for run in self._RUN.finditer(text):
            groups = list(self._GROUP.finditer(run.group(0)))
            findings.extend(self._cards_in_run(run.start(), groups, text))
        return findings

    def _cards_in_run(
        self, offset: int, groups: list[re.Match[str]], text: str
    ) -> Iterator[Finding]:
        # A run like "2024-05-01 4242 4242 4242 4242" holds a card among other numbers:
        # try windows of consecutive groups, longest first, without overlaps.
        index = 0
        while index < len(groups):
            found = None
            for stop in range(len(groups), index, -1):
                window = groups[index:stop]
                digits = "".join(group.group(0) for group in window)
                if not 13 <= len(digits) <= 19:
                    continue
                if len(window) > 1 and any(not 3 <= len(g.group(0)) <= 6 for g in window):
                    continue
                if _card_brand_ok(digits) and luhn_valid(digits):
                    found = stop
                    break
            if found is None:
                index += 1
                continue
            start, end = offset + groups[index].start(), offset + groups[found - 1].end()
            value = text[start:end]
            yield Finding(self.name, mask_keep(value, 0, 4), value=value, start=start, end=end)
            index = found

    def __repr__(self) -> str:
        return "CardDetector()"


CREDIT_CARD = CardDetector()
