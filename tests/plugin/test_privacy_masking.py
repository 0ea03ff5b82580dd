"""Masking: a finding never shows its raw value, and mask_pii masks every finding in text."""

from __future__ import annotations

from pytest_filagent_trace._privacy import find_pii, mask_pii


def test_finding_repr_and_str_never_show_the_raw_value() -> None:
    [finding] = find_pii({"to": "jane.doe@example.com"})
    assert "jane.doe" not in repr(finding)
    assert "jane.doe" not in str(finding)
    assert finding.value == "jane.doe@example.com"


def test_mask_pii_masks_every_finding_in_text() -> None:
    assert mask_pii("GET /u/jane.doe@example.com?card=4242424242424242") == (
        "GET /u/ja***@***.com?card=************4242"
    )


def test_mask_pii_masks_a_sensitive_value_without_repeating_its_key() -> None:
    assert mask_pii("session=Hunter2-Canary; token: abc123def") == (
        "session=********; token: ********"
    )


def test_mask_pii_masks_what_percent_encoding_hides() -> None:
    # find_pii finds these, so a message masked by mask_pii must not show them encoded.
    assert mask_pii("GET /search?q=jane.doe%40example.com&limit=5 200") == (
        "GET /search?q=ja***@***.com&limit=5 200"
    )
    assert mask_pii("card=4242%204242%204242%204242") == "card=**** **** **** 4242"


def test_mask_pii_leaves_encoded_text_without_findings_encoded() -> None:
    text = "GET /files/report%202024.pdf?sort=name%2Casc 100%25"

    assert mask_pii(text) == text


def test_mask_pii_masks_an_encoded_canary() -> None:
    assert mask_pii("q=Hunter2%2DCanary", canaries=["Hunter2-Canary"]) == "q=Hu*****-****ry"
