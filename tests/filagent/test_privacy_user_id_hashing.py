"""User ids are replaced by their keyed pseudonym (HMAC-SHA256), in attributes and text."""

from __future__ import annotations

import hashlib

import pytest

from filagent.telemetry.privacy import Redactor
from tests.helpers.privacy import make_redactor


def test_user_id_hash_is_hmac_sha256_of_the_id(redactor: Redactor) -> None:
    hashed = redactor.hash_user_id("alice")
    assert hashed.startswith("hmac-sha256:")
    assert len(hashed) == len("hmac-sha256:") + 64


def test_user_id_hash_is_not_a_plain_sha256(redactor: Redactor) -> None:
    plain = hashlib.sha256(b"alice").hexdigest()
    assert plain not in redactor.hash_user_id("alice")


def test_user_id_hash_depends_on_the_secret() -> None:
    first = make_redactor(user_id_hmac_secret="first-secret-0123456789")
    second = make_redactor(user_id_hmac_secret="second-secret-0123456789")
    assert first.hash_user_id("alice") != second.hash_user_id("alice")


def test_user_id_hash_is_stable_for_one_secret() -> None:
    assert make_redactor().hash_user_id("alice") == make_redactor().hash_user_id("alice")


def test_hashing_a_hash_returns_it_unchanged(redactor: Redactor) -> None:
    hashed = redactor.hash_user_id("alice")
    assert redactor.hash_user_id(hashed) == hashed


@pytest.mark.parametrize("key", ["enduser.id", "user_id", "user.id", "userid", "ENDUSER.ID"])
def test_user_id_attribute_is_hashed(redactor: Redactor, key: str) -> None:
    assert redactor.redact_attributes({key: "alice"}) == {key: redactor.hash_user_id("alice")}


def test_user_id_in_free_text_is_hashed(redactor: Redactor) -> None:
    assert redactor.redact_text("user_id=alice") == f"user_id={redactor.hash_user_id('alice')}"


def test_hash_user_id_still_hashes_when_redaction_is_off() -> None:
    off = make_redactor(enabled=False)
    assert off.hash_user_id("alice") == make_redactor().hash_user_id("alice")
