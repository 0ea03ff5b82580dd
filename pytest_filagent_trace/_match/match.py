"""The two matchers the text parser builds for ``...`` and ``"text"...`` values.

Only ``_textform``'s parser imports this module, by its old path; every other user goes
through :mod:`pytest_filagent_trace._match`. It goes away once the parser emits drafts
that hold no matcher.
"""

from __future__ import annotations

from pytest_filagent_trace._match.matchers import ANY, starts_with

__all__ = ["ANY", "starts_with"]
