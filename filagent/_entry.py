"""The ``filagent`` command's entry point: one line naming the extra when it is missing.

The distribution installs the pytest plugin with only its own dependencies; FilAgent's
(FastAPI, uvicorn, structlog, ...) come with ``pip install 'pytest-filagent-trace[service]'``.

Example:
    >>> main(["--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import sys

EXTRA_HINT = (
    "filagent needs the service extra: pip install 'pytest-filagent-trace[service]' "
    "(missing: {name})"
)


def main(argv: list[str] | None = None) -> int:
    """Run ``filagent.cli.main``, or say which extra to install when its packages are absent."""
    try:
        from filagent.cli import main as cli_main
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if not missing or missing == "filagent":
            raise
        print(EXTRA_HINT.format(name=error.name), file=sys.stderr)
        return 1
    return cli_main(argv)
