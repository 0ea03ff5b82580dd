"""The old home of the privacy checks, kept for imports that still name it.

Everything here lives in the modules of :mod:`pytest_filagent_trace._privacy`; import it
from the package instead. This module goes once nothing imports it.
"""

from __future__ import annotations

from pytest_filagent_trace._privacy.api import assert_no_pii, find_pii, mask_pii
from pytest_filagent_trace._privacy.spanrefs import SpanRef, span_refs

__all__ = ["SpanRef", "assert_no_pii", "find_pii", "mask_pii", "span_refs"]
