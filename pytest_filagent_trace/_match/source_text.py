"""How a predicate reads in a message: a lambda by its source text, a function by its name.

Example:
    >>> function_text(lambda value: value > 0)
    'lambda value: value > 0'
    >>> function_text(len)
    'len'
"""

from __future__ import annotations

import ast
import functools
import linecache
import os
from collections.abc import Callable
from typing import Any

__all__ = ["function_text"]

_LONGEST = 120
"""Longer source texts read worse than the name."""


def function_text(function: Callable[..., Any]) -> str:
    """The text a message shows for ``function``; its name when the source is not at hand."""
    name = getattr(function, "__name__", None)
    if name != "<lambda>":
        return name if isinstance(name, str) else repr(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return "<lambda>"
    text = _lambda_source(code)
    if text is not None:
        return text
    # Several look-alike lambdas on one line, or no source file: say where it is.
    if code.co_filename.startswith("<"):
        return "<lambda>"
    return f"<lambda at {os.path.basename(code.co_filename)}:{code.co_firstlineno}>"


def _lambda_source(code: Any) -> str | None:
    parsed = _module(code.co_filename, len(linecache.getlines(code.co_filename)))
    if parsed is None:
        return None
    tree, source = parsed
    arguments = list(code.co_varnames[: code.co_argcount])
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Lambda)
        and node.lineno == code.co_firstlineno
        and [arg.arg for arg in node.args.args] == arguments
    ]
    if len(found) != 1:
        return None
    text = ast.get_source_segment(source, found[0])
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= _LONGEST else None


@functools.lru_cache(maxsize=32)
def _module(filename: str, length: int) -> tuple[ast.Module, str] | None:
    # Keyed by the file's length in lines too, so an edited file is parsed again.
    del length
    source = "".join(linecache.getlines(filename))
    if not source:
        return None
    try:
        return ast.parse(source), source
    except (SyntaxError, ValueError):
        return None
