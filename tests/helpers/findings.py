"""What the PII detectors found, reduced to what a test compares."""

from __future__ import annotations

from pytest_filagent_trace._privacy import Finding


def values(findings: list[Finding]) -> list[str]:
    """The raw values of ``findings``, in order.

    Example:
        >>> from pytest_filagent_trace._privacy import EMAIL
        >>> values(EMAIL.find("write to jane.doe@example.com"))
        ['jane.doe@example.com']
    """
    return [finding.value for finding in findings]
