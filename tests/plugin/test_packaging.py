"""The distribution is the plugin alone; FilAgent's dependencies come with the service extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = {
    "fastapi",
    "starlette",
    "uvicorn",
    "structlog",
    "prometheus-client",
    "pydantic",
    "pyyaml",
    "httpx",
    "requests",
}


@pytest.fixture(scope="module")
def project() -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib")
    loaded: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return loaded


def requirement_name(requirement: str) -> str:
    for separator in "<>=!~[; ":
        requirement = requirement.split(separator, maxsplit=1)[0]
    return requirement.lower()


def test_installing_the_distribution_brings_only_the_plugins_own_dependencies(
    project: dict[str, object],
) -> None:
    names = {requirement_name(dep) for dep in project["dependencies"]}  # type: ignore[attr-defined]

    assert project["name"] == "pytest-filagent-trace"
    assert names == {"pytest", "syrupy", "opentelemetry-api", "opentelemetry-sdk"}
    extras = project["optional-dependencies"]
    service = {requirement_name(dep) for dep in extras["service"]}  # type: ignore[index]
    assert SERVICE_PACKAGES - {"starlette", "requests"} <= service


def test_the_pytest11_name_matches_the_distribution(project: dict[str, object]) -> None:
    entry_points = project["entry-points"]["pytest11"]  # type: ignore[index]

    assert entry_points == {"pytest_filagent_trace": "pytest_filagent_trace.plugin"}
    assert "Framework :: Pytest" in project["classifiers"]  # type: ignore[operator]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_filagent_without_the_service_extra_stops_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from filagent import _entry

    for name in [name for name in sys.modules if name.startswith("filagent.")]:
        if name != "filagent._entry":
            monkeypatch.delitem(sys.modules, name)
    blocked = ("fastapi", "uvicorn", "httpx", "pydantic", "yaml", "structlog", "prometheus_client")
    for name in blocked:
        monkeypatch.setitem(sys.modules, name, None)

    assert _entry.main(["--help"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    hint, _, missing = line.partition(" (missing: ")
    assert hint == "filagent needs the service extra: pip install 'pytest-filagent-trace[service]'"
    assert missing.removesuffix(")") in blocked
