"""Finding personal data in spans, logs and records.

``findings`` (what is reported), ``masking`` (how values are shown), ``detectors/`` (one
module per family, and the default set), ``text`` (one text: safe shapes, decoding,
masking), ``scan`` and ``sources`` (walking values and sources; spans come through the
one source adapter of ``_spans``), ``spanrefs`` (span paths) and ``api``.
"""

from __future__ import annotations

from pytest_filagent_trace._privacy.api import assert_no_pii, find_pii, mask_pii
from pytest_filagent_trace._privacy.detectors.canaries import CanaryDetector
from pytest_filagent_trace._privacy.detectors.cards import CREDIT_CARD, CardDetector, luhn_valid
from pytest_filagent_trace._privacy.detectors.contact import EMAIL, PHONE
from pytest_filagent_trace._privacy.detectors.defaults import DEFAULT_DETECTORS
from pytest_filagent_trace._privacy.detectors.keys import (
    SENSITIVE_KEY,
    SensitiveKeyDetector,
    is_sensitive_key,
)
from pytest_filagent_trace._privacy.detectors.national_ids import (
    CANADIAN_SIN,
    IBAN,
    IbanDetector,
    SinDetector,
    iban_checksum_valid,
)
from pytest_filagent_trace._privacy.detectors.network import IPV4, IPV6, URL_CREDENTIALS
from pytest_filagent_trace._privacy.detectors.regex import RegexDetector
from pytest_filagent_trace._privacy.detectors.tokens import API_KEY, BEARER_TOKEN, JWT
from pytest_filagent_trace._privacy.findings import Detector, Finding, PIIFound
from pytest_filagent_trace._privacy.masking import is_masked
from pytest_filagent_trace._privacy.spanrefs import SpanRef, span_refs

__all__ = [
    "API_KEY",
    "BEARER_TOKEN",
    "CANADIAN_SIN",
    "CREDIT_CARD",
    "DEFAULT_DETECTORS",
    "EMAIL",
    "IBAN",
    "IPV4",
    "IPV6",
    "JWT",
    "PHONE",
    "SENSITIVE_KEY",
    "URL_CREDENTIALS",
    "CanaryDetector",
    "CardDetector",
    "Detector",
    "Finding",
    "IbanDetector",
    "PIIFound",
    "RegexDetector",
    "SensitiveKeyDetector",
    "SinDetector",
    "SpanRef",
    "assert_no_pii",
    "find_pii",
    "iban_checksum_valid",
    "is_masked",
    "is_sensitive_key",
    "luhn_valid",
    "mask_pii",
    "span_refs",
]
