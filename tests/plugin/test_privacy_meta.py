"""The privacy contract's checks can fail: with redaction off, they do, and name the leak.

``tests/contract/test_privacy_contract.py`` runs once more in a fresh pytest process,
with ``FILAGENT_TELEMETRY_CONFIG`` pointing at a file that says ``privacy: {enabled:
false}``, the way an operator would turn redaction off. Its request cases say where only
redaction keeps a planted value out (``RequestCase.redacted``); exactly the checks of those
places must fail, each naming the detector and where the value was, and nothing in the
output may show a planted value unmasked. Cases private by the service's design (message
content is never recorded, user ids are hashed before any span, tool errors never quote
their input) must still pass.

pytest's own "Captured log" report section is turned off in that run (``--show-capture=no``):
it shows log calls as they were made, before FilAgent's log formatter redacts them, so it
would print the test's inputs whatever the contract suite reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_filagent_trace import find_pii
from tests.contract import test_privacy_contract as contract
from tests.helpers import privacy_cases as cases

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CONTRACT_FILE = REPO / "tests" / "contract" / "test_privacy_contract.py"
RUN_TIMEOUT_SECONDS = 300

#: The test that scans each place a planted value can end up.
NO_CANARY_TESTS = {
    "spans": contract.test_spans_hold_no_canary.__name__,
    "logs": contract.test_logs_hold_no_canary.__name__,
    "records": contract.test_decision_records_hold_no_canary.__name__,
}
PROOF_TEST = contract.test_planted_values_are_recorded_redacted.__name__
#: Detectors that recognise the canaries by their shape (not by their exact value).
KIND_DETECTORS = frozenset(canary.detector for canary in cases.CANARIES)


@dataclass(frozen=True)
class ContractRun:
    """What a run of the contract file printed, and each test's outcome and failure text."""

    output: str
    outcomes: dict[str, str]
    failures: dict[str, str]


def _parse_junit(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    outcomes: dict[str, str] = {}
    failures: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.attrib["name"]
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
                failures[name] = f"{child.attrib.get('message', '')}\n{child.text or ''}"
        outcomes[name] = outcome
    return outcomes, failures


def run_contract_file(workdir: Path, privacy_yaml: str) -> ContractRun:
    """Run the privacy contract file in a new pytest process with ``privacy_yaml`` as config."""
    config = workdir / "telemetry.yaml"
    config.write_text(privacy_yaml, encoding="utf-8")
    report = workdir / "report.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OTEL_"))}
    env["FILAGENT_TELEMETRY_CONFIG"] = str(config)
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(CONTRACT_FILE),
        f"--rootdir={REPO}",
        f"--basetemp={workdir / 'tmp'}",
        f"--junitxml={report}",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "-p",
        "no:xdist",
        "--show-capture=no",
    ]
    completed = subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert report.exists(), f"the contract run wrote no report; it printed:\n{output[-3000:]}"
    outcomes, failures = _parse_junit(report)
    return ContractRun(output + report.read_text(encoding="utf-8"), outcomes, failures)


@pytest.fixture(scope="module")
def unredacted(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    """The contract file run with ``privacy: {enabled: false}``."""
    return run_contract_file(tmp_path_factory.mktemp("unredacted"), "privacy:\n  enabled: false\n")


def _checks_guarded_by_redaction() -> set[str]:
    """The tests that must fail without redaction, from the contract's own case table."""
    expected = set()
    for case in cases.CASES:
        for sink in {proof.sink for proof in case.redacted}:
            expected.add(f"{NO_CANARY_TESTS[sink]}[{case.id}]")
        if case.redacted:
            expected.add(f"{PROOF_TEST}[{case.id}]")
    return expected


def test_without_redaction_exactly_the_checks_of_redacted_places_fail(
    unredacted: ContractRun,
) -> None:
    failed = {name for name, outcome in unredacted.outcomes.items() if outcome != "passed"}
    expected = _checks_guarded_by_redaction()

    assert sorted(expected - failed) == [], "these checks passed with redaction off"
    assert sorted(failed - expected) == [], "these checks failed for another reason"


def test_without_redaction_the_places_private_by_design_still_pass(
    unredacted: ContractRun,
) -> None:
    by_design = [case.id for case in cases.CASES if not case.redacted]
    checks = [f"{test}[{case_id}]" for test in NO_CANARY_TESTS.values() for case_id in by_design]

    assert {name: unredacted.outcomes.get(name) for name in checks} == dict.fromkeys(
        checks, "passed"
    )


@pytest.mark.parametrize(
    ("case", "sink"),
    [
        pytest.param(case, sink, id=f"{case.id}-{sink}")
        for case in cases.CASES
        for sink in sorted({proof.sink for proof in case.redacted})
    ],
)
def test_each_leak_is_reported_with_its_detector_and_location(
    unredacted: ContractRun, case: cases.RequestCase, sink: cases.Sink
) -> None:
    failure = unredacted.failures[f"{NO_CANARY_TESTS[sink]}[{case.id}]"]
    fields = sorted({proof.field for proof in case.redacted if proof.sink == sink})

    assert "PIIFound: personal data found" in failure
    assert "canary '" in failure
    assert [d for d in KIND_DETECTORS if f": {d} '" in failure], "no detector by kind named"
    assert [field for field in fields if field not in failure] == []


def test_without_redaction_no_output_shows_a_planted_value(unredacted: ContractRun) -> None:
    assert unredacted.failures, "the run failed nothing, so it printed no finding to check"

    leaked = find_pii(unredacted.output, detectors=[], canaries=cases.CANARY_VALUES)

    assert [str(finding) for finding in leaked] == []
