"""The default detector set, and how ``detectors=`` arguments are read.

Example:
    >>> [detector.name for detector in resolve_detectors(["email", "iban"])]
    ['email', 'iban']
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_filagent_trace._privacy.detectors.cards import CREDIT_CARD
from pytest_filagent_trace._privacy.detectors.contact import EMAIL, PHONE
from pytest_filagent_trace._privacy.detectors.keys import SENSITIVE_KEY
from pytest_filagent_trace._privacy.detectors.national_ids import CANADIAN_SIN, IBAN
from pytest_filagent_trace._privacy.detectors.network import IPV4, IPV6, URL_CREDENTIALS
from pytest_filagent_trace._privacy.detectors.tokens import API_KEY, BEARER_TOKEN, JWT
from pytest_filagent_trace._privacy.findings import Detector

__all__ = ["DEFAULT_DETECTORS", "resolve_detectors"]

DEFAULT_DETECTORS: tuple[Detector, ...] = (
    EMAIL,
    PHONE,
    CREDIT_CARD,
    CANADIAN_SIN,
    IBAN,
    IPV4,
    IPV6,
    JWT,
    BEARER_TOKEN,
    API_KEY,
    URL_CREDENTIALS,
    SENSITIVE_KEY,
)
"""The detectors ``find_pii`` runs when ``detectors`` is not given, in this order."""


def resolve_detectors(detectors: Iterable[Detector | str] | None) -> list[Detector]:
    """The detectors a ``detectors=`` argument names: the defaults for ``None``, default
    detectors by name, or detector objects; anything else is refused with the names.

    Example:
        >>> len(resolve_detectors(None)) == len(DEFAULT_DETECTORS)
        True
    """
    if detectors is None:
        return list(DEFAULT_DETECTORS)
    by_name = {detector.name: detector for detector in DEFAULT_DETECTORS}
    resolved: list[Detector] = []
    for detector in detectors:
        if isinstance(detector, str):
            if detector not in by_name:
                raise ValueError(
                    f"unknown detector {detector!r}: expected one of {', '.join(by_name)} "
                    "or a detector object"
                )
            resolved.append(by_name[detector])
        elif isinstance(getattr(detector, "name", None), str) and callable(
            getattr(detector, "find", None)
        ):
            resolved.append(detector)
        else:
            raise TypeError(
                f"detector {detector!r} has no name and find(text) method; "
                "expected a detector object or a detector name"
            )
    return resolved
