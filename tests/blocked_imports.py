"""Scripts for a fresh interpreter in which some modules cannot be imported.

Tests use them to prove FilAgent works without the OpenTelemetry SDK (or
without OpenTelemetry at all): ``blocking_prelude(SDK_MODULES) + script``.
"""

from __future__ import annotations

from collections.abc import Sequence

#: what "the OpenTelemetry SDK is not importable" blocks
SDK_MODULES = ("opentelemetry.sdk", "opentelemetry.exporter", "opentelemetry.instrumentation")

_FINDER = """
import importlib.abc, io, json, sys

class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == p or name.startswith(p + ".") for p in BLOCKED):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Blocked())
"""


def blocking_prelude(blocked: Sequence[str]) -> str:
    """Python source that makes every module under ``blocked`` fail to import.

    It defines ``BLOCKED`` (a tuple) and imports ``io``, ``json`` and ``sys`` for
    the script that follows.
    """
    return f"BLOCKED = {tuple(blocked)!r}\n" + _FINDER
