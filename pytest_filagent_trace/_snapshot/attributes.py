"""Attributes masked by name and value, each distinct pair once: traces repeat them.

Example:
    >>> masker = AttributeMasker(AttributeRules(SnapshotOptions()).span, values)
    ... # doctest: +SKIP
    >>> masker.mask({"server.port": 8123, "route.mode": "htn"})[0]  # doctest: +SKIP
    {'route.mode': 'htn', 'server.port': '<port>'}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pytest_filagent_trace._snapshot.masked import AttributeKey, MaskedAttribute
from pytest_filagent_trace._snapshot.masks import AttributeRule
from pytest_filagent_trace._snapshot.values import ValueMasker, unmasked_text

__all__ = ["AttributeMasker"]

# Values remembered by (name, type, value): floats are not, as 0.0 and -0.0 are equal keys
# with different texts, and tuples are not, as (1,) and (True,) are.
_REMEMBERED = frozenset({str, int, bool})


class AttributeMasker:
    """Masks the attributes of spans (or of events) with the rules of their names.

    A name whose value does not matter (dropped, or masked by a fixed text) is decided
    once; any other (name, value) pair is masked once and its result shared by every span
    that holds it.
    """

    def __init__(self, rule_of: Callable[[str], AttributeRule], values: ValueMasker) -> None:
        self.rule_of = rule_of
        self.values = values
        # name -> its attribute whatever the value, or None when it is dropped.
        self.fixed: dict[str, MaskedAttribute | None] = {}
        self.known: dict[tuple[str, type, Any], MaskedAttribute] = {}

    def mask(self, attributes: Mapping[str, Any]) -> tuple[dict[str, Any], AttributeKey, bool]:
        """(masked attributes by name, their sort key, whether any holds tokens)."""
        masked: dict[str, Any] = {}
        key: list[tuple[str, Any]] = []
        tokens = False
        for name in sorted(attributes):
            attribute = self.attribute(name, attributes[name])
            if attribute is not None:
                masked[name] = attribute.value
                key.append(attribute.key)
                tokens = tokens or attribute.tokens
        return masked, tuple(key), tokens

    def attribute(self, name: str, value: Any) -> MaskedAttribute | None:
        """One attribute masked, or None when its name is dropped."""
        if name in self.fixed:
            return self.fixed[name]
        rule = self.rule_of(name)
        if not rule.keep:
            self.fixed[name] = None
            return None
        if isinstance(rule.mask, str):
            text = unmasked_text(rule.mask)
            attribute = self.fixed[name] = MaskedAttribute(text.value, (name, text.key), False)
            return attribute
        if rule.mask is not None:
            # A callable may answer differently for the same value: asked every time. Its
            # answer is kept as it is, and sorts like the value it is.
            replaced = rule.mask(value)
            return MaskedAttribute(replaced, (name, self.values.value(replaced).key), False)
        if type(value) not in _REMEMBERED:
            return self._masked(name, value)
        pair = (name, type(value), value)
        known = self.known.get(pair)
        if known is None:
            known = self.known[pair] = self._masked(name, value)
        return known

    def _masked(self, name: str, value: Any) -> MaskedAttribute:
        masked = self.values.value(value)
        return MaskedAttribute(masked.value, (name, masked.key), masked.tokens)
