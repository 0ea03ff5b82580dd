"""Key names: which attribute or field names mean "the value is a secret".

Example:
    >>> KeyMatcher(["api_key"]).matches("X-Api-Key")
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def key_tokens(key: str) -> tuple[str, ...]:
    """Lower-case words of a key, split on punctuation and camelCase.

    Example:
        >>> key_tokens("http.request.header.X-Api-Key"), key_tokens("accessToken")
        (('http', 'request', 'header', 'x', 'api', 'key'), ('access', 'token'))
    """
    return tuple(part for part in _NON_ALNUM.split(_CAMEL.sub("_", key).lower()) if part)


class KeyMatcher:
    """Case-insensitive match of key names against a list of words.

    A key matches a name when a run of its words, glued together, equals the
    name's words glued together: ``api_key`` matches ``X-Api-Key``, ``apiKey``
    and ``tool.args.apikey``; ``token`` matches ``access_token`` but not
    ``gen_ai.usage.input_tokens``.

    Example:
        >>> matcher = KeyMatcher(["api_key", "token"])
        >>> matcher.matches("X-API-KEY"), matcher.matches("gen_ai.usage.input_tokens")
        (True, False)
    """

    def __init__(self, names: Iterable[str]) -> None:
        split = [key_tokens(name) for name in names]
        self._names = frozenset("".join(words) for words in split) - {""}
        # A key may spell a name in more words than the name has ("api_key" for "apikey").
        self._max_words = max([3, *(len(words) + 1 for words in split)])
        self._cache: dict[str, bool] = {}

    def matches(self, key: str) -> bool:
        """True when ``key`` names one of the words (see the class example)."""
        found = self._cache.get(key)
        if found is None:
            found = self._matches(key)
            if len(self._cache) < 8192:
                self._cache[key] = found
        return found

    def _matches(self, key: str) -> bool:
        words = key_tokens(key)
        for start in range(len(words)):
            glued = ""
            # A name of n words may be written as fewer words ("apikey"), never more.
            for end in range(start, min(len(words), start + self._max_words)):
                glued += words[end]
                if glued in self._names:
                    return True
        return False

    def __repr__(self) -> str:
        return f"KeyMatcher({sorted(self._names)!r})"
