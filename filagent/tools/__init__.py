"""FilAgent's tools: a safe calculator, a sandboxed file reader and a web search.

Example::

    registry = build_default_tools(Path("data"), "http://127.0.0.1:8001", httpx.Client())
    executor = ToolExecutor(registry, tracer)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from filagent.packaged import packaged_data_dir
from filagent.tools.base import Tool, ToolError, ToolSpec
from filagent.tools.calculator import CalculatorArgs, CalculatorTool, evaluate
from filagent.tools.file_read import FileReadArgs, FileReadTool
from filagent.tools.registry import (
    ToolArgumentsError,
    ToolCallHook,
    ToolExecutor,
    ToolRegistry,
    UnknownToolError,
)
from filagent.tools.web_search import WebSearchArgs, WebSearchTool

__all__ = [
    "CalculatorArgs",
    "CalculatorTool",
    "FileReadArgs",
    "FileReadTool",
    "Tool",
    "ToolArgumentsError",
    "ToolCallHook",
    "ToolError",
    "ToolExecutor",
    "ToolRegistry",
    "ToolSpec",
    "UnknownToolError",
    "WebSearchArgs",
    "WebSearchTool",
    "build_default_tools",
    "evaluate",
    "packaged_data_dir",
]


def build_default_tools(
    data_dir: Path,
    search_url: str,
    http_client: httpx.Client,
    *,
    search_failure: Callable[[], str | None] | None = None,
) -> ToolRegistry:
    """The three built-in tools: ``calculator``, ``file_read`` and ``web_search``.

    ``search_failure()`` names why the search service is gone (``web_search`` then fails).

    Example: ``build_default_tools(packaged_data_dir(), "http://127.0.0.1:8001", client).names``
    is ``["calculator", "file_read", "web_search"]``.
    """
    search = WebSearchTool(search_url, http_client, failure=search_failure)
    return ToolRegistry([CalculatorTool(), FileReadTool(data_dir), search])
