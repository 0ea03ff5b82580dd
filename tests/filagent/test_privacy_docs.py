"""Every code block of docs/PRIVACY.md that claims to run does run.

A block claims to run when it is ``python``, ``yaml`` or ``sh``; output and formulas are
``text``. Python blocks with a test function are run by pytest, the way a user runs them;
blocks that use a test's objects (``trace_capture``, ``records``, ``capfd``) run inside a
test that first sends FilAgent a request, with the fixtures of the page's first test; the
others run as they are. YAML blocks are validated as the ``privacy`` section they show;
shell blocks name test files that exist.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from filagent.telemetry.privacy import PrivacyConfig

pytestmark = pytest.mark.slow  # the page's tests run in their own pytest processes

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "PRIVACY.md"
BLOCK = re.compile(r"^```(?P<lang>[^\n]*)\n(?P<code>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
RUNNABLE = ("python", "yaml", "sh")
#: Names a block borrows from a test: it then runs inside one.
TEST_OBJECTS = ("trace_capture", "records", "capfd", "audit_path")

BLOCKS = [(m.group("lang").strip(), m.group("code")) for m in BLOCK.finditer(PAGE.read_text())]


def blocks(lang: str) -> list[str]:
    return [code for block_lang, code in BLOCKS if block_lang == lang]


def block_id(code: str) -> str:
    first = next(line for line in code.splitlines() if line.strip() and not line.startswith("#"))
    return first.strip()[:40]


FIRST_TEST = next(code for code in blocks("python") if "def test_" in code)
STANDALONE = [code for code in blocks("python") if "def test_" not in code]
IN_A_TEST = [
    code for code in STANDALONE if any(re.search(rf"\b{name}\b", code) for name in TEST_OBJECTS)
]
AS_IS = [code for code in STANDALONE if code not in IN_A_TEST]

#: A test around a block: FilAgent answered one request, its logs are on stdout, and its
#: decision records are in ``audit_path``.
HARNESS = """
import logging
import re

from filagent.audit import DecisionRecorder, read_records
from filagent.metrics import Metrics
from pytest_filagent_trace import *


def test_block(telemetry, trace_capture, capfd, tmp_path):
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the test client's own lines
    audit_path = tmp_path / "records.jsonl"
    recorder = DecisionRecorder(audit_path, redact=telemetry.redact_record)
    app = create_app(telemetry=telemetry, metrics=Metrics(), recorder=recorder)
    with TestClient(app) as client:
        body = {"messages": [{"role": "user", "content": "What is 2+2?"}]}
        assert client.post("/chat", json=body).status_code == 200
    records = read_records(audit_path)
"""


def test_every_block_says_what_it_is() -> None:
    languages = {lang for lang, _ in BLOCKS}

    assert languages <= {*RUNNABLE, "text"}, "tag output and formulas as text"
    assert len(blocks("python")) >= 4


def test_the_first_test_passes_as_written(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_first=FIRST_TEST)

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=FIRST_TEST.count("\ndef test_"))


@pytest.mark.parametrize("code", AS_IS, ids=block_id)
def test_block_runs_as_it_is(code: str, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(block=code)

    result = pytester.runpython(pytester.path / "block.py")

    assert result.ret == 0, result.stderr.str()


@pytest.mark.parametrize("code", IN_A_TEST, ids=block_id)
def test_block_runs_inside_a_test_of_filagent(code: str, pytester: pytest.Pytester) -> None:
    fixtures = FIRST_TEST.split("\ndef test_")[0]
    pytester.makepyfile(test_block=fixtures + HARNESS + textwrap.indent(code, "    "))

    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("code", blocks("yaml"), ids=block_id)
def test_yaml_block_is_a_valid_privacy_section(code: str) -> None:
    data = yaml.safe_load(code)

    assert set(data) == {"privacy"}
    PrivacyConfig.model_validate(data["privacy"])


@pytest.mark.parametrize("code", blocks("sh"), ids=block_id)
def test_shell_block_names_files_that_exist(code: str) -> None:
    paths = re.findall(r"\btests/\S+\.py\b", code)

    assert paths
    assert [path for path in paths if not (REPO / path).exists()] == []
