"""A tiny term-overlap index over the bundled corpus.

Scores are deterministic: for each query term found in a document, its inverse
document frequency times (occurrences in the text + 3 * occurrences in the
title).  Ties are broken by document id.

Example::

    index = SearchIndex(load_corpus())
    index.search("context propagation", limit=3)[0].title   # 'Context propagation'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from importlib import resources

from pydantic import BaseModel, ConfigDict, TypeAdapter

_WORD = re.compile(r"[a-z0-9_]+")
_STOPWORDS = frozenset(
    {"a", "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is"}
    | {"it", "of", "on", "or", "the", "this", "to", "what", "with"}
)
_TITLE_WEIGHT = 3
_SNIPPET_CHARS = 200


class Document(BaseModel):
    """One corpus entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    url: str
    text: str


class Hit(BaseModel):
    """One search result."""

    id: str
    title: str
    url: str
    snippet: str
    score: float


def terms(text: str) -> list[str]:
    """Lower-case words without stop words.

    Example: ``terms("What is OpenTelemetry?") == ["opentelemetry"]``.
    """
    return [word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


def load_corpus() -> list[Document]:
    """The documents bundled with FilAgent (``filagent/search/corpus.json``)."""
    raw = resources.files("filagent.search").joinpath("corpus.json").read_text(encoding="utf-8")
    return TypeAdapter(list[Document]).validate_json(raw)


class SearchIndex:
    """Ranks documents by query-term overlap."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self._text_terms = [Counter(terms(doc.text)) for doc in self.documents]
        self._title_terms = [Counter(terms(doc.title)) for doc in self.documents]
        frequency: Counter[str] = Counter()
        for text, title in zip(self._text_terms, self._title_terms, strict=True):
            frequency.update(set(text) | set(title))
        count = len(self.documents)
        self._idf = {term: math.log(1 + count / df) for term, df in frequency.items()}

    def search(self, query: str, limit: int = 5) -> list[Hit]:
        """The best ``limit`` documents with a positive score, best first."""
        wanted = set(terms(query))
        scored = []
        for position, doc in enumerate(self.documents):
            text, title = self._text_terms[position], self._title_terms[position]
            score = sum(
                self._idf[term] * (text[term] + _TITLE_WEIGHT * title[term])
                for term in wanted
                if term in self._idf
            )
            if score > 0:
                scored.append((-round(score, 4), doc.id, doc))
        scored.sort(key=lambda entry: (entry[0], entry[1]))
        return [
            Hit(id=doc.id, title=doc.title, url=doc.url, snippet=_snippet(doc.text), score=-neg)
            for neg, _, doc in scored[:limit]
        ]


def _snippet(text: str) -> str:
    if len(text) <= _SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, _SNIPPET_CHARS)
    return text[: cut if cut > 0 else _SNIPPET_CHARS] + "…"
