"""Scripts run in a fresh interpreter, for what must not touch this process's global state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_TIMEOUT_SECONDS = 120


def run_python(
    script: str, *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (dedented) with this interpreter in a new process; output as text.

    ``env`` replaces the whole environment when given.

    Example:
        >>> run_python("print(6 * 7)").stdout
        '42\\n'
    """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_SECONDS,
        check=False,
        cwd=cwd,
        env=None if env is None else dict(env),
    )


def json_printed_by(
    script: str, *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Any:
    """The JSON value ``script`` prints on its last line; it must exit with status 0.

    Example:
        >>> json_printed_by("import json; print(json.dumps({'answer': 42}))")
        {'answer': 42}
    """
    completed = run_python(script, env=env, cwd=cwd)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])
