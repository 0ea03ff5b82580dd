"""Network identifiers: client IP addresses and passwords written into URLs.

Public IPv4 addresses and global IPv6 addresses (``2000::/3``) are reported, because a
client address is personal data. Loopback, private, link-local, carrier-grade NAT,
multicast and reserved ranges are not: they name machines, not people. The
documentation ranges (``192.0.2.0/24``, ``198.51.100.0/24``, ``203.0.113.0/24``,
``2001:db8::/32``) *are* reported, since tests use them to stand for client addresses.

Example:
    >>> [f.masked for f in IPV4.find("client 203.0.113.7, proxy 10.0.0.1")]
    ['203.*.*.*']
"""

from __future__ import annotations

import ipaddress
import re

from pytest_filagent_trace._privacy.detectors.regex import RegexDetector
from pytest_filagent_trace._privacy.masking import MASK, is_masked

__all__ = ["IPV4", "IPV6", "URL_CREDENTIALS"]

# As (first, last) integers: an address is compared, not parsed, on every match.
_IPV4_NOT_PERSONAL = tuple(
    (int(network.network_address), int(network.broadcast_address))
    for network in map(
        ipaddress.IPv4Network,
        (
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ),
    )
)
_VERSION_CONTEXT = re.compile(r"(?i)(?:version|ver|release|build)[ \t=:]{0,2}v?$")


def _ipv4_valid(match: re.Match[str]) -> bool:
    octets = match.group(0).split(".")
    if any(len(octet) > 1 and octet.startswith("0") for octet in octets):
        return False
    numbers = [int(octet) for octet in octets]
    if any(number > 255 for number in numbers):
        return False
    address = (numbers[0] << 24) | (numbers[1] << 16) | (numbers[2] << 8) | numbers[3]
    if any(first <= address <= last for first, last in _IPV4_NOT_PERSONAL):
        return False
    before = match.string[max(0, match.start() - 12) : match.start()]
    return _VERSION_CONTEXT.search(before) is None


IPV4 = RegexDetector(
    "ipv4",
    re.compile(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)", re.ASCII),
    validate=_ipv4_valid,
    mask=lambda value: value.split(".", 1)[0] + ".*.*.*",
    requires=r"\d\.\d{1,3}\.\d",
)
"""Public IPv4 addresses (see the module documentation for the ranges left out)."""

_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


def _ipv6_valid(match: re.Match[str]) -> bool:
    try:
        address = ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return False
    return address in _GLOBAL_UNICAST


IPV6 = RegexDetector(
    "ipv6",
    re.compile(
        r"(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}"
        r"(?:\.\d{1,3}){0,3}(?![\w:]|\.\d)",
        re.ASCII,
    ),
    validate=_ipv6_valid,
    mask=lambda value: value.split(":", 1)[0] + ":****",
    # What the pattern looks ahead for: "host:port" and "key: value" have one colon.
    requires=r":[0-9A-Fa-f]{0,4}:",
)
"""Global unicast IPv6 addresses (``2000::/3``)."""


def _url_credentials_valid(match: re.Match[str]) -> bool:
    return not is_masked(match.group("password"))


URL_CREDENTIALS = RegexDetector(
    "url_credentials",
    re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@\[\]]*:(?P<password>[^/\s@]+)@", re.ASCII),
    validate=_url_credentials_valid,
    mask=lambda value: value.split("://", 1)[0] + f"://***:{MASK}@",
    requires=r"://[^/\s]*@",
)
"""A password written into a URL: ``https://user:password@host``."""
