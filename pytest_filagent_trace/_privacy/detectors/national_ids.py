"""National and bank identifiers: Canadian Social Insurance Numbers and IBANs.

Example:
    >>> [f.masked for f in CANADIAN_SIN.find("SIN: 046 454 286")]
    ['*** *** 286']
"""

from __future__ import annotations

import re

from pytest_filagent_trace._privacy.detectors.cards import luhn_valid
from pytest_filagent_trace._privacy.detectors.keys import key_words
from pytest_filagent_trace._privacy.findings import Finding
from pytest_filagent_trace._privacy.masking import mask_keep

__all__ = ["CANADIAN_SIN", "IBAN", "IbanDetector", "SinDetector", "iban_checksum_valid"]

_NOT_DIGIT = re.compile(r"\D")


class SinDetector:
    """Canadian Social Insurance Numbers: nine digits with a valid Luhn checksum.

    Grouped forms (``046 454 286``, ``046-454-286``) are reported anywhere; nine bare
    digits only next to a word that names them (``SIN``, ``NAS``, ``social insurance``) or
    under such a key (``{"sin": 46454286}``), since nine-digit numbers are common
    (durations in nanoseconds). Shown as ``*** *** 286``.

    Example:
        >>> [f.masked for f in CANADIAN_SIN.find("SIN: 046 454 286")]
        ['*** *** 286']
    """

    name = "sin"
    _PATTERN = re.compile(
        r"(?<![\w.+\-])(?<!\d[ \-])\d{3}(?P<sep>[ \-]?)\d{3}(?P=sep)\d{3}(?![\w]|[.\-]\d|[ \-]\d)",
        re.ASCII,
    )
    _CONTEXT = re.compile(
        r"(?i)\b(?:sin|nas|social[ _\-]?insurance|assurance[ _\-]sociale)\b", re.ASCII
    )
    _KEY_WORDS = frozenset({"sin", "nas", "social", "insurance"})
    _REQUIRES = re.compile(r"\d{3}[ \-]?\d{3}[ \-]?\d{3}")
    patterns = (_PATTERN,)

    def find(self, text: str) -> list[Finding]:
        """Every SIN in ``text``.

        Example:
            >>> [f.value for f in CANADIAN_SIN.find("nas 046454286")]
            ['046454286']
        """
        findings: list[Finding] = []
        if not self._REQUIRES.search(text):
            return findings
        for match in self._PATTERN.finditer(text):
            value = match.group(0)
            if not self._valid(value):
                continue
            if not match.group("sep"):
                before = text[max(0, match.start() - 32) : match.start()]
                if not self._CONTEXT.search(before):
                    continue
            findings.append(self._finding(value, match.start(), match.end()))
        return findings

    def find_field(self, key: str, value: object) -> list[Finding]:
        """A bare nine-digit value under a key naming a SIN (``sin``, ``nas``).

        Example:
            >>> [f.masked for f in CANADIAN_SIN.find_field("customer.sin", 46454286)]
            ['******286']
        """
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return []
        if not self._KEY_WORDS.intersection(key_words(key)):
            return []
        text = str(value).strip()
        if isinstance(value, int):
            text = text.zfill(9)
        if len(text) == 9 and self._valid(text):
            return [self._finding(text, 0, len(text))]
        return []

    @staticmethod
    def _valid(value: str) -> bool:
        digits = _NOT_DIGIT.sub("", value)
        # Real SINs never start with 8; 0 is kept because "046 454 286" is the usual
        # test number.
        return len(digits) == 9 and digits[0] != "8" and luhn_valid(digits)

    def _finding(self, value: str, start: int, end: int) -> Finding:
        return Finding(self.name, mask_keep(value, 0, 3), value=value, start=start, end=end)

    def __repr__(self) -> str:
        return "SinDetector()"


CANADIAN_SIN = SinDetector()


_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def iban_checksum_valid(iban: str) -> bool:
    """True when the compact IBAN passes the ISO 13616 mod-97 check.

    Example:
        >>> iban_checksum_valid("DE89370400440532013000")
        True
    """
    rearranged = (iban[4:] + iban[:4]).upper()
    if not rearranged.isalnum():
        return False
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


class IbanDetector:
    """IBANs with the length of their country and a valid mod-97 checksum, compact
    (``DE89370400440532013000``) or grouped by four; shown as ``DE** **** … **30 00``.

    Compact IBANs must be upper case: lower-case compact strings are far more often
    hexadecimal identifiers.

    Example:
        >>> [f.masked for f in IBAN.find("IBAN DE89 3704 0044 0532 0130 00.")]
        ['DE** **** **** **** **30 00']
    """

    name = "iban"
    _START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})", re.ASCII)
    # The start, then the eleven letters or digits of the shortest IBAN (Norway's).
    _REQUIRES = re.compile(r"[A-Za-z]{2}\d\d(?: ?[A-Za-z0-9]){11}", re.ASCII)
    patterns = (_START,)

    def find(self, text: str) -> list[Finding]:
        """Every IBAN in ``text``.

        Example:
            >>> [f.value for f in IBAN.find("to GB82WEST12345698765432")]
            ['GB82WEST12345698765432']
        """
        findings: list[Finding] = []
        if not self._REQUIRES.search(text):
            return findings
        position = 0
        while True:
            match = self._START.search(text, position)
            if match is None:
                return findings
            found = self._read(text, match)
            if found is None:
                position = match.start() + 1
                continue
            findings.append(found)
            position = found.end

    def _read(self, text: str, match: re.Match[str]) -> Finding | None:
        length = _IBAN_LENGTHS.get(match.group(1).upper())
        if length is None:
            return None
        chars = [*match.group(1), *match.group(2)]
        index = match.end()
        while len(chars) < length and index < len(text):
            char = text[index]
            if char == " " and text[index - 1] != " " and text[index + 1 : index + 2].isalnum():
                index += 1
                continue
            if not (char.isascii() and char.isalnum()):
                break
            chars.append(char)
            index += 1
        if len(chars) != length or (index < len(text) and text[index].isalnum()):
            return None
        compact = "".join(chars)
        grouped = " " in text[match.start() : index]
        if not grouped and compact != compact.upper():
            return None
        if not iban_checksum_valid(compact):
            return None
        value = text[match.start() : index]
        return Finding(
            self.name, mask_keep(value, 2, 4), value=value, start=match.start(), end=index
        )

    def __repr__(self) -> str:
        return "IbanDetector()"


IBAN = IbanDetector()
