"""Property-based tests of the redactor: nothing detectable survives it.

The oracle is deliberately simpler than the redactor: a generated canary (an
e-mail, a card number, ...) is inserted into arbitrary text, JSON or a URL, and
its secret part must not appear in the output, outside masks, more often than
the input without its canaries already contained it (random filler may hold
the same characters by chance).

Profiles come from ``tests/conftest.py``: ``quick`` in ``make test``, and
``HYPOTHESIS_PROFILE=fuzz`` (10,000 cases per property) in ``make fuzz``, which
selects these tests with ``-m fuzz``.
"""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.canaries import (
    CANARIES,
    DIGITS,
    FILLER,
    JSON_KEYS,
    MASK,
    REDACTOR,
    SEPARATORS,
    Canary,
)

pytestmark = pytest.mark.fuzz


def assert_gone(output: str, canaries: list[Canary], original: str) -> None:
    """No canary secret in ``output`` beyond those in ``original`` minus its canaries."""
    context = original
    for canary in canaries:
        context = context.replace(canary.text, "\x00")
    visible = MASK.sub("\x00", output)
    for canary in canaries:
        assert visible.count(canary.secret) <= context.count(canary.secret), (
            f"{canary.kind} canary {canary.secret!r} survived redaction:\n{output!r}"
        )


@given(canary=CANARIES)
def test_each_detector_masks_its_own_kind(canary: Canary) -> None:
    output = REDACTOR.redact_text(f"before {canary.text} after")
    assert canary.secret not in output
    if canary.kind == "secret":
        # The value after a sensitive key may be an address or a number that
        # another detector claims first: masked all the same.
        assert MASK.search(output), output
    else:
        assert f"[REDACTED:{canary.kind}]" in output


@given(data=st.data(), canaries=st.lists(CANARIES, min_size=1, max_size=4))
def test_canaries_in_arbitrary_text_do_not_survive(
    data: st.DataObject, canaries: list[Canary]
) -> None:
    fillers = [data.draw(FILLER) for _ in range(len(canaries) + 1)]
    pieces = [fillers[0]]
    for canary, filler in zip(canaries, fillers[1:], strict=True):
        pieces += [data.draw(SEPARATORS), canary.text, data.draw(SEPARATORS), filler]
    text = "".join(pieces)
    assert_gone(REDACTOR.redact_text(text), canaries, text)


@st.composite
def json_documents(draw: st.DrawFn) -> tuple[Any, list[Canary]]:
    canaries = draw(st.lists(CANARIES, min_size=1, max_size=4))

    def value_with(canary: Canary) -> str:
        return f"{draw(FILLER)} {canary.text} {draw(FILLER)}"

    leaves: list[Any] = [value_with(canary) for canary in canaries]
    leaves += draw(st.lists(st.one_of(st.integers(), st.booleans(), st.none()), max_size=3))
    document: Any = leaves
    while draw(st.booleans()):
        if draw(st.booleans()):
            document = {draw(JSON_KEYS): document, draw(JSON_KEYS): draw(FILLER)}
        else:
            document = [document, draw(st.integers())]
    return document, canaries


@given(doc=json_documents())
def test_canaries_in_json_text_do_not_survive_and_json_stays_valid(
    doc: tuple[Any, list[Canary]],
) -> None:
    document, canaries = doc
    output = REDACTOR.redact_text(json.dumps(document, ensure_ascii=False))
    json.loads(output)
    assert_gone(output, canaries, json.dumps(document, ensure_ascii=False))


@given(doc=json_documents())
def test_canaries_in_records_do_not_survive(doc: tuple[Any, list[Canary]]) -> None:
    document, canaries = doc
    output = json.dumps(REDACTOR.redact_mapping({"record": document}), ensure_ascii=False)
    assert_gone(output, canaries, json.dumps(document, ensure_ascii=False))


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[Canary], str]:
    """A URL with canaries in userinfo, path, query and fragment; and the URL without them."""
    host = draw(st.sampled_from(["example.org", "api.example.com:8443", "127.0.0.1:8001"]))
    path_canary, query_canary, fragment_canary = draw(CANARIES), draw(CANARIES), draw(CANARIES)
    name = draw(st.text(string.ascii_lowercase, min_size=1, max_size=8))
    canaries = [path_canary, query_canary, fragment_canary]
    password = ""
    if draw(st.booleans()):
        password = draw(st.text(string.ascii_letters + DIGITS, min_size=8, max_size=16))
        canaries.append(Canary("url_credentials", password, password))
    template = (
        "https://{userinfo}" + host + "/v1/{path}/items?" + name + "={query}&limit=5"
        "#state=1&code={fragment}"
    )
    url = template.format(
        userinfo=f"admin:{password}@" if password else "",
        path=quote(path_canary.text, safe="@+"),
        query=quote_plus(query_canary.text),
        fragment=quote(fragment_canary.text, safe=""),
    )
    without = template.format(
        userinfo="admin:\x00@" if password else "", path="\x00", query="\x00", fragment="\x00"
    )
    return url, canaries, without


@given(generated=urls())
def test_canaries_in_urls_do_not_survive(generated: tuple[str, list[Canary], str]) -> None:
    url, canaries, without = generated
    for output in (REDACTOR.redact_url(url), REDACTOR.redact_text(f"GET {url} failed")):
        visible = MASK.sub("\x00", output)
        for canary in canaries:
            for form in {canary.secret, quote(canary.secret), quote_plus(canary.secret)}:
                assert visible.count(form) <= f"GET {without} failed".count(form), (
                    f"{canary.kind} {form!r} survived in {output!r}"
                )


@given(text=st.text(max_size=200))
def test_redacting_is_idempotent(text: str) -> None:
    once = REDACTOR.redact_text(text)
    assert REDACTOR.redact_text(once) == once
