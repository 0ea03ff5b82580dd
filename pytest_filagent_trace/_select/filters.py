"""What one step of a selector asks of a span: its name, attribute filters, pseudo-classes.

Attribute values compare by the one value rule,
:func:`pytest_filagent_trace._spans.typed_equal`: ``[ok=1]`` does not pick a span whose
``ok`` is ``True``, and ``[n=1]`` does not pick ``n=1.0``. A bare value may also stand for
the string it spells (``[code=200]`` picks ``code="200"``); a quoted one is only a string.

Example:
    >>> AttributeFilter("ok", "=", True, "true").matches({"ok": True})
    True
    >>> AttributeFilter("ok", "=", 1, "1").matches({"ok": True})
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from pytest_filagent_trace._spans import SpanNode, typed_equal

__all__ = ["PSEUDOS", "AttributeFilter", "Compound"]

_KIND_PSEUDOS = frozenset({"server", "client", "internal", "producer", "consumer"})
_STATUS_PSEUDOS = frozenset({"error", "ok", "unset"})
_OTHER_PSEUDOS = frozenset({"root", "orphan", "leaf"})
PSEUDOS = sorted(_KIND_PSEUDOS | _STATUS_PSEUDOS | _OTHER_PSEUDOS)
"""Every pseudo-class, in the order an error message lists them."""


@dataclass(frozen=True)
class AttributeFilter:
    """One ``[key]``, ``[!key]``, ``[key=value]``, ``[key!=value]`` or ``[key~=regex]``.

    ``value`` is the typed literal (``true``, ``200``, ``0.5``, or the text), ``raw`` the
    text as written; a ``quoted`` value is only ever a string.

    Example:
        >>> AttributeFilter("code", "=", 200, "200").matches({"code": "200"})
        True
    """

    key: str
    operator: str  # "exists", "absent", "=", "!=", "~="
    value: Any = None
    raw: str = ""
    quoted: bool = False
    regex: re.Pattern[str] | None = None

    def matches(self, attributes: dict[str, Any]) -> bool:
        """True when ``attributes`` pass this filter."""
        if self.operator == "exists":
            return self.key in attributes
        if self.operator == "absent":
            return self.key not in attributes
        if self.key not in attributes:
            return self.operator == "!="
        actual = attributes[self.key]
        if self.operator == "=":
            return self._equal(actual)
        if self.operator == "!=":
            return not self._equal(actual)
        assert self.regex is not None
        text = _text(actual)
        return text is not None and self.regex.search(text) is not None

    def _equal(self, actual: Any) -> bool:
        if typed_equal(actual, self.value):
            return True
        # A bare literal is also the text it spells: `[flag=false]` picks flag="false".
        return not self.quoted and typed_equal(actual, self.raw)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _pseudo_matches(pseudo: str, node: SpanNode) -> bool:
    if pseudo in _KIND_PSEUDOS:
        return node.kind == pseudo.upper()
    if pseudo in _STATUS_PSEUDOS:
        return node.status == pseudo.upper()
    if pseudo == "root":
        return node.parent is None and not node.orphan
    if pseudo == "orphan":
        return node.orphan
    return not node.children  # leaf


@dataclass(frozen=True)
class Compound:
    """One step of a selector: an optional name glob, filters and pseudo-classes.

    Example:
        >>> Compound("tool.*", (), ("error",))
        Compound(name='tool.*', filters=(), pseudos=('error',))
    """

    name: str | None
    filters: tuple[AttributeFilter, ...]
    pseudos: tuple[str, ...]

    def matches(self, node: SpanNode) -> bool:
        """True when ``node`` itself passes this step (its ancestors are not looked at)."""
        name = self.name
        if name is not None and node.name != name and not fnmatchcase(node.name, name):
            return False
        if not all(_pseudo_matches(pseudo, node) for pseudo in self.pseudos):
            return False
        return all(f.matches(node.attributes) for f in self.filters)
