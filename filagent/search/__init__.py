"""FilAgent's search service: ``create_search_app`` over a small bundled corpus."""

from __future__ import annotations

from filagent.search.app import SearchResponse, create_search_app
from filagent.search.index import Document, Hit, SearchIndex, load_corpus, terms

__all__ = [
    "Document",
    "Hit",
    "SearchIndex",
    "SearchResponse",
    "create_search_app",
    "load_corpus",
    "terms",
]
